"""Loading an edition of the plan: the staff's use cases behind the document they send to the
bot (``handlers.editions`` translates updates into these calls) and behind the file they upload
in the staff console (``handlers.webapp.console``: the same calls, the same preview and load).

:meth:`Editions.draft` reads the file in a worker thread (parsing, the reconciling checks and the
comparison with the current edition are CPU work that must not stall the event loop), and keeps
the plan as a pending action (``pending_action``, kind ``plan_upload``) that only its sender can
confirm, once, within PLAN_WINDOW. :meth:`Editions.confirm` claims it with one conditional UPDATE
(two presses at once, on two instances too, load it once), saves the plan through the loader
every path uses (``bot.storage.replace_plan``, handed in by the composition root), swaps the
running bot's answerer, and in one transaction audits the load and queues, per zona with
changes, a broadcast to its followers (the outbox sends them, across restarts, under the rate
limits).

:meth:`Editions.follow` is the other half, in every process that answers from the plan in
memory: the bot that polls beside ``python -m bot web``, that server, webhook replicas. Every
few seconds it reads the plan's revision (``db.plan_store.plan_revision``, one small query);
when it moved — another process loaded an edition or kept an older one, or ``python -m bot
load`` ran — it reads the editions from the database and switches to them through the same
swap as a load here (``BotData.use_editions``). The audit entry and the zonas' notices are the
loading process's alone: following writes nothing of its own.

The bot's command menus name the current plan's year, and they are the bot's, not a process's:
when the plan that answers changes they are set once, by one process that owns the bot (``menus``
given: the bot that polls, each webhook replica) — the one that loaded it, else the first of those
that follow to claim the new plan's digest (``db.plan_store.claim_menus``, one conditional
UPDATE). ``python -m bot web`` owns no menus (it is built without ``menus``): an edition loaded in
its console gets them from the bot that polls beside it, which follows within PLAN_CHECK_INTERVAL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.error import TelegramError

from db.bot_models import PendingAction
from db.bot_store import claim_pending, create_pending
from db.outbox_store import create_broadcast, enqueue
from db.plan_store import (
    claim_menus,
    get_plan_meta,
    kept_edition_dates,
    kept_editions,
    plan_revision,
    saved_current_plan,
)
from db.resident_store import followers
from db.staff_store import action_used, audit
from handlers.staff_service import Replayed
from knowledge.answers import Answerer
from knowledge.diff import compare_plans
from knowledge.edition import replaces_current
from knowledge.edition_upload import (
    UploadPreview,
    identity,
    preview_html,
    refusal_html,
    refusal_text,
    upload_preview,
    zona_notices,
)
from knowledge.editions import PlanEditions
from knowledge.errors import PlanFormatError
from knowledge.model import Edition, Plan
from knowledge.plan_file import read_plan
from knowledge.plan_json import plan_digest, plan_from_json, plan_to_json

log = logging.getLogger(__name__)
PLAN_KIND = "plan_upload"
PLAN_WINDOW = timedelta(hours=1)
"""How long an uploaded edition's "Cargar" button works."""
NOTICE_KIND = "plan_edition"
"""The broadcasts that tell a zona's followers what a new edition changes there."""

SavePlan = Callable[[Plan, str], Awaitable[object]]
"""Keeps a plan in the database as loaded from ``source`` (``bot.storage.replace_plan``): it
becomes the plan that answers when :func:`knowledge.editions.replaces_current` says so, else it
is kept as an older edition."""


class LoadOutcome(StrEnum):
    STALE = "stale"
    """Loaded or cancelled already, expired, or never there."""
    NOT_YOURS = "not_yours"
    CANCELLED = "cancelled"
    FAILED = "failed"
    """The database did not take it: nothing changed."""
    LOADED = "loaded"
    KEPT = "kept"
    """Loaded as an older edition: the current one still answers."""


@dataclass(frozen=True, slots=True)
class Drafted:
    """What an uploaded file came to: the preview and the pending action's id, or the refusal."""

    messages: tuple[str, ...]
    """The chat's: the preview's Telegram HTML messages, or the refusal's one."""
    pending_id: int | None = None
    preview: UploadPreview | None = None
    refusal: str | None = None
    """What is wrong with the file, the line (or JSON path) at fault first (plain text)."""


@dataclass(frozen=True, slots=True)
class Loaded:
    outcome: LoadOutcome
    edition: Edition | None = None
    zonas: int = 0
    """Zonas whose followers are told (each a broadcast)."""
    chats: int = 0
    """Deliveries queued, over all those zonas."""


class Editions:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        current: Callable[[], PlanEditions],
        save: SavePlan,
        use: Callable[[PlanEditions], None],
        revision: int = 0,
        zonas: tuple[int, ...] | None = None,
        max_bytes: int = 5_000_000,
        wake_outbox: Callable[[], None] = lambda: None,
        menus: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """``current``: the editions this process answers with now (the current one and the
        older ones kept); ``use``: answer with others (``BotData.use_editions``: the handlers,
        the staff service, the explorer); ``revision``: the plan's revision read before they
        were read from the database (:meth:`follow` notices any later one); ``zonas``:
        PLAN_ZONAS; ``max_bytes``: the largest file read (PLAN_MAX_BYTES); ``menus``: set the
        command menus again once a new current edition answers (their texts name its year)."""
        self._sessionmaker = sessionmaker
        self._current = current
        self._save = save
        self._use = use
        self.revision = revision
        self._zonas = zonas
        self.max_bytes = max_bytes
        self._wake_outbox = wake_outbox
        self._menus = menus
        self._swapping = asyncio.Lock()
        """Held while the plan in memory changes (a load here, or :meth:`follow`), so that one
        does not undo the other with what it read before."""
        self._digest: tuple[Answerer, str] | None = None
        """The current answerer's plan digest, once worked out."""

    async def draft(
        self,
        actor_id: int,
        raw: bytes,
        file_name: str,
        *,
        via: str = "telegram",
        action_id: str | None = None,
    ) -> Drafted:
        """Read the file; a plan that cannot be read or does not add up is refused (nothing is
        kept), else its preview and the pending action that "Cargar" confirms. ``via``: where it
        was sent ("telegram", "consola"), kept in the loaded plan's source; with ``action_id``
        (the staff console's Idempotency-Key) it is drafted once, with an audit entry
        (``plan_draft``), and the same id again raises :class:`Replayed`."""
        if action_id is not None:
            await self._refuse_replay(actor_id, action_id)
        editions = self._current()
        try:
            plan, preview, messages = await asyncio.to_thread(
                self._read, editions.current.plan, raw, editions.older_years
            )
        except PlanFormatError as exc:
            return Drafted((refusal_html(exc),), refusal=refusal_text(exc))
        name = file_name[:120]
        payload = {"plan": plan_to_json(plan), "file": name, "digest": plan_digest(plan), "via": via}
        async with self._sessionmaker() as session:
            pending = await create_pending(
                session=session, kind=PLAN_KIND, created_by=actor_id, payload=payload
            )
            assert pending.id is not None
            if action_id is not None:
                await audit(
                    session=session,
                    actor_id=actor_id,
                    action="plan_draft",
                    target=str(pending.id),
                    after={"edition": preview.identity, "file": name},
                    action_id=action_id,
                )
            try:
                await session.commit()
            except IntegrityError as exc:  # the same call, committed meanwhile
                raise Replayed(str(action_id)) from exc
        return Drafted(tuple(messages), pending.id, preview)

    async def _refuse_replay(self, actor_id: int, action_id: str) -> None:
        async with self._sessionmaker() as session:
            if await action_used(session=session, actor_id=actor_id, action_id=action_id):
                raise Replayed(action_id)

    def _read(
        self, current: Plan, raw: bytes, older_years: Sequence[int]
    ) -> tuple[Plan, UploadPreview, list[str]]:
        plan = read_plan(raw, zonas=self._zonas)
        preview = upload_preview(current, plan, older_years=older_years)
        return plan, preview, preview_html(preview)

    async def confirm(
        self, actor_id: int, pending_id: int, *, load: bool, action_id: str | None = None
    ) -> Loaded:
        """ "Cargar" (``load``) or "Cancelar", only by the staff member who sent the file, once.
        ``action_id`` (the staff console's Idempotency-Key) is kept on the load's audit entry."""
        state = "loading" if load else "cancelled"
        async with self._sessionmaker() as session:
            claimed = await claim_pending(
                session=session,
                pending_id=pending_id,
                kind=PLAN_KIND,
                created_by=actor_id,
                max_age=PLAN_WINDOW,
                state=state,
            )
            if not claimed:
                pending = await session.get(PendingAction, pending_id)
                if _open_for_another(pending, actor_id):
                    return Loaded(LoadOutcome.NOT_YOURS)
                return Loaded(LoadOutcome.STALE)
            await session.commit()
            if not load:
                return Loaded(LoadOutcome.CANCELLED)
            pending = await session.get(PendingAction, pending_id)
            assert pending is not None
            payload = pending.payload
        async with self._swapping:
            return await self._load(actor_id, pending_id, payload, action_id)

    async def _load(
        self, actor_id: int, pending_id: int, payload: dict[str, object], action_id: str | None
    ) -> Loaded:
        before = self._current().current.plan
        plan = await asyncio.to_thread(plan_from_json, payload["plan"])
        source = f"{payload.get('via', 'telegram')}:{payload.get('file', '')}"
        if not replaces_current(before.edition, plan.edition):
            return await self._keep_older(actor_id, pending_id, before, plan, source, action_id)
        answerer, notices = await asyncio.to_thread(_prepare, before, plan)
        try:
            await self._save(plan, source)
        except SQLAlchemyError:
            log.exception("the uploaded plan (pending action %s) could not be saved", pending_id)
            await self._close(pending_id, "failed")
            return Loaded(LoadOutcome.FAILED)
        self._use(self._current().with_current(answerer))
        zonas, chats = await self._record(actor_id, pending_id, before, plan, notices, action_id)
        self._wake_outbox()
        await self._set_menus(await self._digest_of(answerer))
        return Loaded(LoadOutcome.LOADED, plan.edition, zonas, chats)

    async def _keep_older(
        self,
        actor_id: int,
        pending_id: int,
        before: Plan,
        plan: Plan,
        source: str,
        action_id: str | None,
    ) -> Loaded:
        """An earlier year's edition: kept for the questions that name its year; no notices."""
        try:
            await self._save(plan, source)
        except SQLAlchemyError:
            log.exception("the uploaded edition (pending action %s) could not be saved", pending_id)
            await self._close(pending_id, "failed")
            return Loaded(LoadOutcome.FAILED)
        self._use(self._current().with_older(plan))
        await self._record(actor_id, pending_id, before, plan, {}, action_id)
        return Loaded(LoadOutcome.KEPT, plan.edition)

    async def _record(
        self,
        actor_id: int,
        pending_id: int,
        before: Plan,
        plan: Plan,
        notices: dict[int, str],
        action_id: str | None,
    ) -> tuple[int, int]:
        """The audit entry, the closed pending action and the zonas' notices, one transaction."""
        zonas = chats = 0
        async with self._sessionmaker() as session:
            for zona, html in notices.items():
                recipients = await followers(session=session, keys=[("zona", str(zona))])
                if not recipients:
                    continue
                broadcast = await create_broadcast(
                    session=session,
                    kind=NOTICE_KIND,
                    audience=f"zona:{zona}",
                    text=html,
                    created_by=actor_id,
                    state="sending",
                )
                chats += await enqueue(session=session, broadcast=broadcast, chat_ids=recipients)
                zonas += 1
            await audit(
                session=session,
                actor_id=actor_id,
                action="plan_load",
                target=identity(plan.edition),
                before={"edition": identity(before.edition), "digest": plan_digest(before)},
                after={
                    "edition": identity(plan.edition),
                    "digest": plan_digest(plan),
                    "zonas_notified": zonas,
                    "deliveries": chats,
                },
                action_id=action_id,
            )
            pending = await session.get(PendingAction, pending_id)
            if pending is not None:
                pending.state = "loaded"
                session.add(pending)
            await session.commit()
        return zonas, chats

    async def follow(self) -> bool:
        """Catch up with the database: when the plan's revision moved since this process last
        read it, answer with the editions it holds now — the plan that answers (its answerer
        built off the event loop, only when it is another plan) and the older editions kept —
        and set the command menus again when the plan that answers changed. True when it read
        them. Writes nothing: whoever loaded the edition audited it and told the zonas."""
        async with self._swapping:
            async with self._sessionmaker() as session:
                revision = await plan_revision(session=session)
                if revision == self.revision:
                    return False
                editions = self._current()
                meta = await get_plan_meta(session=session)
                plan = None
                if meta is not None and meta.sha256 != await self._digest_of(editions.current):
                    plan = await saved_current_plan(session=session, zonas=self._zonas)
                municipality = (plan or editions.current.plan).edition.municipality
                kept = await kept_editions(session=session, municipality=municipality)
            answerer = editions.current if plan is None else await asyncio.to_thread(Answerer, plan)
            older = [(e.year, e.content) for e in kept]
            self._use(await asyncio.to_thread(PlanEditions.of, answerer, older))
            self.revision = revision
        if plan is not None and meta is not None:
            log.info("now answering with the %s, loaded by another process", identity(plan.edition))
            await self._set_menus(meta.sha256)
        return True

    async def _digest_of(self, answerer: Answerer) -> str:
        known = self._digest
        if known is None or known[0] is not answerer:
            known = self._digest = (answerer, await asyncio.to_thread(plan_digest, answerer.plan))
        return known[1]

    async def _set_menus(self, digest: str) -> None:
        """The command menus name the new edition's year: set once per edition switched to, by
        the first process that owns the bot to claim the plan's digest (``claim_menus``) — the
        one that loaded it, or of those that follow a load made elsewhere (``python -m bot load``,
        ``python -m bot web``'s console, which has no menus to set), the first to look. The
        other replicas leave them be: the menus are the bot's, not the process's. The edition is
        loaded if they fail."""
        if self._menus is None:
            return
        try:
            async with self._sessionmaker() as session:
                claimed = await claim_menus(session=session, sha256=digest)
                await session.commit()
        except SQLAlchemyError:
            log.warning("could not tell whether another process set the menus; setting them", exc_info=True)
            claimed = True
        if not claimed:
            return
        try:
            await self._menus()
        except TelegramError:
            log.warning("the command menus could not be set for the new edition", exc_info=True)

    async def _close(self, pending_id: int, state: str) -> None:
        async with self._sessionmaker() as session:
            pending = await session.get(PendingAction, pending_id)
            if pending is not None:
                pending.state = state
                session.add(pending)
                await session.commit()


async def kept_editions_of(
    sessionmaker: async_sessionmaker[AsyncSession], municipality: str
) -> list[tuple[int, datetime]]:
    """The editions kept of ``municipality``: year and when it was loaded, oldest year first
    (what the staff console shows, also where no edition can be loaded)."""
    async with sessionmaker() as session:
        return await kept_edition_dates(session=session, municipality=municipality)


def _prepare(before: Plan, plan: Plan) -> tuple[Answerer, dict[int, str]]:
    """The new plan's answerer (the search index is built here, off the event loop) and the
    zonas' notices."""
    return Answerer(plan), zona_notices(before, plan, compare_plans(before, plan))


def _open_for_another(pending: PendingAction | None, actor_id: int) -> bool:
    """A draft upload still open, but someone else's."""
    return (
        pending is not None
        and pending.kind == PLAN_KIND
        and pending.state == "draft"
        and pending.created_by != actor_id
        and pending.created_at >= datetime.now(UTC) - PLAN_WINDOW
    )
