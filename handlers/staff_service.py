"""The staff service: who is staff, the check every staff command and button makes, the staff's
command menus, and what staff do (record a status, announce, review a report, gather /reporte,
export, apply a CSV of statuses).

``handlers.staff`` and the staff verbs of ``handlers.buttons`` only translate: an update into a call
here, what comes back into a message. Each use case opens its own database session, writes in one
transaction and closes it before anything is sent. The decisions that need neither Telegram nor a
database (parsing, texts, what is late) are in ``knowledge.staff``.

Roles: ADMIN_IDS are administrators; the ``staff_member`` table adds staff (and staff admins). The
check (:meth:`Staff.role`) reads the database on every update, so a change made anywhere counts at
once; what a card shows to staff (:meth:`Staff.sees_staff_view`) reads the role through
``StaffCache``, which this process keeps when it is the only one answering.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, BotCommand, BotCommandScopeChat, MenuButtonDefault, MenuButtonWebApp, WebAppInfo
from telegram.error import BadRequest, Forbidden, TelegramError

from db.bot_models import PendingAction
from db.bot_store import close_pending, create_pending
from db.chat_state import ChatState
from db.chat_store import queries_since
from db.outbox_models import Broadcast
from db.outbox_store import (
    broadcast_counts,
    create_broadcast,
    delivery_problems,
    enqueue,
    recent_broadcasts,
)
from db.resident_store import (
    active_recipient_count,
    active_recipients,
    feedback_counts,
    followers,
    subscription_counts,
)
from db.staff_cache import StaffCache
from db.staff_store import (
    action_used,
    add_staff,
    add_status,
    audit,
    author_names,
    current_status,
    current_statuses,
    get_member,
    get_role,
    ground_reports,
    list_staff,
    lock_admins,
    mark_report_reviewed,
    remove_staff,
    status_history,
)
from db.status_notices import queue_status_notice
from knowledge import catalog as t
from knowledge.answer_types import shorten
from knowledge.answers import Answerer
from knowledge.console import Delivery, GroundItem, Member, Team, delivery, ground_item
from knowledge.counts import count_of
from knowledge.model import Project
from knowledge.staff import (
    HISTORY_SHOWN,
    HistoryEntry,
    ReportData,
    StatusChange,
    StatusView,
    audience_label,
    format_date,
    group_unanswered,
    late_projects,
    report_reviewed_html,
    status_notification_html,
    subject_name,
    unanswered_by_zona,
)

log = logging.getLogger(__name__)
CSV_WINDOW = timedelta(hours=1)
"""How long a CSV's "Aplicar" button works."""
CSV_KIND = "csv_status"
REPORTS_SHOWN = 5
"""Unreviewed ground reports offered as "✔ #id" buttons under /reporte."""


@dataclass(frozen=True, slots=True)
class Author:
    """Who records a status: the id, and the name /historial shows (@username or full name)."""

    id: int
    name: str


class Replayed(Exception):
    """The action's id was used already by the same person: nothing was done again.

    A staff console call carries an id of its own (its ``Idempotency-Key``), kept on the audit
    entry of what it did; the audit log holds one entry per person and id, so a call sent again —
    a replay of its signed ``initData``, a retry — is turned back, also when both arrive at once."""


class RoleChange(StrEnum):
    """What adding or removing a staff member came to."""

    ADDED = "added"
    ALREADY = "already"
    """Staff already: nothing changed."""
    REMOVED = "removed"
    NOT_STAFF = "not_staff"
    """Not in the staff table: nothing changed."""
    CONFIGURED = "configured"
    """An administrator of ADMIN_IDS, whom only the setting makes or unmakes."""
    SELF = "self"
    """Someone removing themselves: refused, so that an administrator always remains."""
    NOT_ADMIN = "not_admin"
    """The one removing is no administrator any more (another removed them meanwhile)."""


class Outcome(StrEnum):
    """What pressing a confirmation button (an announcement's, a CSV's) came to."""

    STALE = "stale"
    """Already sent, applied or cancelled, expired, or not there."""
    NOT_YOURS = "not_yours"
    CANCELLED = "cancelled"
    NOBODY = "nobody"
    """An announcement whose audience has no recipients any more (it is cancelled)."""
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Confirmed:
    outcome: Outcome
    count: int = 0
    """Recipients of a queued announcement; statuses of an applied CSV."""
    audience: str = ""
    """The announcement's audience, as staff read it."""


class Staff:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        answerer: Answerer,
        cache: StaffCache,
        chat_state: ChatState,
        *,
        admin_ids: Sequence[int],
        notify_window: timedelta = timedelta(minutes=10),
        wake_outbox: Callable[[], None] = lambda: None,
        console_url: str | None = None,
    ) -> None:
        """``notify_window``: a follower gets at most one status notice per project per window
        (NOTIFY_WINDOW_MINUTES); ``wake_outbox`` tells the outbox worker deliveries were queued;
        ``console_url``: the staff console's public address (from WEBAPP_URL), which each staff
        member's private chat opens from its menu button (None: no such button)."""
        self._sessionmaker = sessionmaker
        self._answerer = answerer
        self._cache = cache
        self._chat_state = chat_state
        self.admin_ids = tuple(admin_ids)
        self.notify_window = notify_window
        self._wake_outbox = wake_outbox
        self.console_url = console_url

    @asynccontextmanager
    async def _once(self, actor_id: int, action_id: str | None) -> AsyncIterator[AsyncSession]:
        """The session of one use case. With ``action_id`` it runs once per person and id: a
        second run raises :class:`Replayed` before it reads or writes anything, or at its commit
        when the first committed meanwhile (the audit log's unique key turns it back, and with
        it the whole transaction)."""
        async with self._sessionmaker() as session:
            if action_id is not None and await action_used(
                session=session, actor_id=actor_id, action_id=action_id
            ):
                raise Replayed(action_id)
            try:
                yield session
            except IntegrityError as exc:
                await session.rollback()
                if action_id is not None and await action_used(
                    session=session, actor_id=actor_id, action_id=action_id
                ):
                    raise Replayed(action_id) from exc
                raise

    def use(self, answerer: Answerer) -> None:
        """The plan (and its search) staff commands read from now on: a newly loaded edition."""
        self._answerer = answerer

    # Who is staff ---------------------------------------------------------------------------------
    async def role(self, user_id: int | None) -> str | None:
        """ "admin" (ADMIN_IDS, or a staff admin), "staff", or None for everyone else — from the
        database, as of now: what every staff command and staff button checks."""
        if user_id is None:
            return None
        async with self._sessionmaker() as session:
            return await get_role(session=session, user_id=user_id, admin_ids=self.admin_ids)

    async def sees_staff_view(
        self, user_id: int | None, chat_type: str, *, session: AsyncSession | None = None
    ) -> bool:
        """Staff, in their own private chat, get the staff's help and status buttons under a
        project card (the role as cards read it, ``StaffCache``)."""
        if user_id is None or chat_type != "private":
            return False
        return await self._cache.role(user_id, self.admin_ids, session=session) is not None

    async def team(self) -> Team:
        """Who is staff: ADMIN_IDS first, then the staff table in the order they were added (who
        added them and when), with the names they are known by (``Team.names``: as /historial
        names them, from the statuses they recorded)."""
        async with self._sessionmaker() as session:
            stored = await list_staff(session=session)
            configured = [Member(user_id, "admin", configured=True) for user_id in self.admin_ids]
            members = configured + [
                Member(m.user_id, m.role, added_by=m.added_by, added_at=m.added_at)
                for m in stored
                if m.user_id not in self.admin_ids
            ]
            known = {m.user_id for m in members} | {m.added_by for m in members if m.added_by is not None}
            names = await author_names(session=session, user_ids=known)
        return Team(tuple(members), names)

    async def members(self) -> list[int]:
        """What /staff lists: ADMIN_IDS, then the staff in the order they were added."""
        return [member.user_id for member in (await self.team()).members]

    async def add(self, bot: Bot, actor_id: int, user_id: int, *, action_id: str | None = None) -> RoleChange:
        """Make ``user_id`` staff (audited) and show them the staff's menu and the console's
        button — ``/staff agregar`` and the console's "Agregar". An id of ADMIN_IDS is an
        administrator already (CONFIGURED); with ``action_id`` it is done once (:class:`Replayed`)."""
        if user_id in self.admin_ids:
            return RoleChange.CONFIGURED
        async with self._once(actor_id, action_id) as session:
            added = await add_staff(session=session, user_id=user_id, role="staff", added_by=actor_id)
            if added:
                await audit(
                    session=session,
                    actor_id=actor_id,
                    action="staff_add",
                    target=str(user_id),
                    after={"role": "staff"},
                    action_id=action_id,
                )
            await session.commit()
        self._cache.roles_changed()
        if not added:
            return RoleChange.ALREADY
        try:
            await self.show_menu(bot, user_id)
        except TelegramError as exc:  # the role is theirs already; the menu follows at the next start
            log.warning("could not show the staff's menu to %s (%s)", user_id, exc)
        return RoleChange.ADDED

    async def remove(
        self, bot: Bot, actor_id: int, user_id: int, *, action_id: str | None = None
    ) -> RoleChange:
        """``user_id`` is staff no more (audited) and sees the residents' menu and the bot's own
        menu button — ``/staff quitar`` and the console's "Quitar". With ``action_id`` it is done
        once (:class:`Replayed`).

        The bot never loses its last administrator: nobody removes themselves (SELF), an id of
        ADMIN_IDS is not removed here (CONFIGURED: only the setting does), and whoever removes
        must still be an administrator when the removal is written (NOT_ADMIN otherwise), read
        with the administrators' rows locked. So the remover, who is not the one removed, is an
        administrator left — also when two administrators remove each other at once: the second
        finds it was removed. Refused, nothing is written."""
        if user_id == actor_id:
            return RoleChange.SELF
        if user_id in self.admin_ids:
            return RoleChange.CONFIGURED
        async with self._once(actor_id, action_id) as session:
            admins = await lock_admins(session=session)
            if actor_id not in self.admin_ids and actor_id not in admins:
                return RoleChange.NOT_ADMIN
            member = await get_member(session=session, user_id=user_id)
            removed = await remove_staff(session=session, user_id=user_id)
            if removed:
                await audit(
                    session=session,
                    actor_id=actor_id,
                    action="staff_remove",
                    target=str(user_id),
                    before={"role": member.role} if member else None,
                    action_id=action_id,
                )
            await session.commit()
        self._cache.roles_changed()
        if not removed:
            return RoleChange.NOT_STAFF
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
            await self._reset_menu_button(bot, user_id)
        except TelegramError as exc:  # no longer staff all the same: every check reads the table
            log.warning("could not take the staff's menu from %s (%s)", user_id, exc)
        return RoleChange.REMOVED

    # Menus ----------------------------------------------------------------------------------------
    async def set_menus(self, bot: Bot) -> None:
        """At start: every administrator and staff member sees the staff's commands."""
        async with self._sessionmaker() as session:
            stored = await list_staff(session=session)
        for user_id in {*self.admin_ids, *(member.user_id for member in stored)}:
            await self.show_menu(bot, user_id)

    async def show_menu(self, bot: Bot, user_id: int) -> None:
        """Staff see their commands in their own private chat (a per-chat scope), and, with a
        console, its menu button there; residents never do. Someone who never wrote to the bot
        has no private chat yet: their menu is set when they are added."""
        resident_commands = self._answerer.texts.COMMANDS
        commands = [BotCommand(name, text) for name, text in (*resident_commands, *t.STAFF_COMMANDS)]
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
            if self.console_url is not None:
                button = MenuButtonWebApp(t.CONSOLE_MENU_BUTTON, WebAppInfo(self.console_url))
                await bot.set_chat_menu_button(chat_id=user_id, menu_button=button)
        except (BadRequest, Forbidden):
            log.info(
                "no private chat with staff member %s yet; their menu is set when they are added", user_id
            )

    @staticmethod
    async def _reset_menu_button(bot: Bot, user_id: int) -> None:
        """Someone no longer staff gets the bot's own menu button back (the console's would only
        tell them it is for staff)."""
        try:
            await bot.set_chat_menu_button(chat_id=user_id, menu_button=MenuButtonDefault())
        except (BadRequest, Forbidden):
            log.info("could not reset the menu button of %s", user_id)

    # Project status -------------------------------------------------------------------------------
    async def record_status(
        self,
        change: StatusChange,
        author: Author,
        *,
        keep_rest: bool = False,
        action_id: str | None = None,
    ) -> tuple[StatusChange, int]:
        """Store the status of a project of the plan, audit it, queue one notice per follower —
        one transaction. With ``keep_rest`` (a status button) the progress and note stay as
        recorded; with ``action_id`` it is done once (:class:`Replayed`). Returns the status as
        stored and how many chats will be told."""
        project = self._project(change.snip)
        async with self._once(author.id, action_id) as session:
            change, notified = await self._record_status(
                session, project, change, author, keep_rest=keep_rest, action_id=action_id
            )
            await session.commit()
        self._cache.status_changed(change.snip)
        self._wake_outbox()
        return change, notified

    async def _record_status(
        self,
        session: AsyncSession,
        project: Project,
        change: StatusChange,
        author: Author,
        *,
        keep_rest: bool = False,
        action_id: str | None = None,
    ) -> tuple[StatusChange, int]:
        """A follower told of this project less than ``notify_window`` ago hears of it at the
        window's end (see db.status_notices)."""
        before = await current_status(session=session, snip=project.snip)
        if keep_rest:
            change = change.keeping_rest_of(before.view() if before else None)
        row = await add_status(
            session=session,
            snip=project.snip,
            status=change.status,
            progress=change.progress,
            note=change.note,
            author_id=author.id,
            author_name=author.name,
        )
        await audit(
            session=session,
            actor_id=author.id,
            action="status",
            target=project.snip,
            before=_status_dict(before.status, before.progress, before.note) if before else None,
            after=_status_dict(change.status, change.progress, change.note),
            action_id=action_id,
        )
        keys = [("proyecto", project.snip)] + ([("zona", str(project.zona))] if project.zona else [])
        chats = await followers(session=session, keys=keys)
        if chats:
            await queue_status_notice(
                session=session,
                snip=project.snip,
                text=status_notification_html(project, change, row.created_at),
                chat_ids=chats,
                window=self.notify_window,
                created_by=author.id,
            )
        return change, len(chats)

    def _project(self, snip: str) -> Project:
        project = self._answerer.plan.project(snip)
        if project is None:  # parse_status_command, or Action.known_in for a button, checked it
            raise ValueError(f"no project {snip!r} in the plan")
        return project

    async def history(self, snip: str) -> list[HistoryEntry] | None:
        """/historial: the project's latest statuses, oldest first (one more than shown, so the
        oldest shown has one to compare with); None when the plan has no such project."""
        if self._answerer.plan.project(snip) is None:
            return None
        async with self._sessionmaker() as session:
            rows = await status_history(session=session, snip=snip, limit=HISTORY_SHOWN + 1)
        return [row.entry() for row in rows]

    async def statuses(self) -> dict[str, StatusView]:
        """The latest status of every project that has one (what /exportar writes)."""
        async with self._sessionmaker() as session:
            return {snip: r.view() for snip, r in (await current_statuses(session=session)).items()}

    async def current_entries(self) -> dict[str, HistoryEntry]:
        """The latest status of every project that has one, with who recorded it."""
        async with self._sessionmaker() as session:
            return {snip: r.entry() for snip, r in (await current_statuses(session=session)).items()}

    # Announcements --------------------------------------------------------------------------------
    async def audience_count(self, audience: str) -> int:
        """How many chats an announcement to ``audience`` would reach now (counted, for everyone,
        in the database: the staff console asks as the announcement is typed)."""
        async with self._sessionmaker() as session:
            if audience == "todos":
                return await active_recipient_count(session=session)
            return len(await _audience_chats(session, audience))

    async def draft_announcement(
        self, actor_id: int, audience: str, html: str, *, action_id: str | None = None
    ) -> tuple[int, int]:
        """A draft announcement, and how many chats would get it now: (its id, recipients).
        With ``action_id`` it is made once (:class:`Replayed`)."""
        async with self._once(actor_id, action_id) as session:
            count = len(await _audience_chats(session, audience))
            broadcast = await create_broadcast(
                session=session,
                kind="announcement",
                audience=audience,
                text=html,
                created_by=actor_id,
                state="draft",
            )
            assert broadcast.id is not None
            await audit(
                session=session,
                actor_id=actor_id,
                action="announce_draft",
                target=str(broadcast.id),
                after={"audience": audience, "recipients": count},
                action_id=action_id,
            )
            await session.commit()
        assert broadcast.id is not None
        return broadcast.id, count

    async def keep_preview(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Where the draft's preview (with its Enviar button) was shown."""
        async with self._sessionmaker() as session:
            stored = await session.get(Broadcast, broadcast_id)
            if stored is not None:
                stored.preview_chat_id, stored.preview_message_id = chat_id, message_id
                session.add(stored)
                await session.commit()

    async def confirm_announcement(
        self, user_id: int, broadcast_id: int, *, send: bool, action_id: str | None = None
    ) -> Confirmed:
        """Only "Enviar" by the staff member who prepared it sends; the recipients are counted
        again now. A draft is sent or cancelled once; with ``action_id`` the same call is also
        turned back (:class:`Replayed`)."""
        async with self._once(user_id, action_id) as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.state != "draft":
                return Confirmed(Outcome.STALE)
            if broadcast.created_by != user_id:
                return Confirmed(Outcome.NOT_YOURS)
            audience = audience_label(broadcast.audience, self._answerer.plan)
            if not send:
                broadcast.state = "cancelled"
                session.add(broadcast)
                await audit(
                    session=session,
                    actor_id=user_id,
                    action="announce_cancel",
                    target=str(broadcast_id),
                    action_id=action_id,
                )
                await session.commit()
                return Confirmed(Outcome.CANCELLED, audience=audience)
            chats = await _audience_chats(session, broadcast.audience)
            if not chats:
                broadcast.state = "cancelled"
                session.add(broadcast)
                await session.commit()
                return Confirmed(Outcome.NOBODY, audience=audience)
            await enqueue(session=session, broadcast=broadcast, chat_ids=chats)
            await audit(
                session=session,
                actor_id=user_id,
                action="announce",
                target=str(broadcast_id),
                after={"audience": broadcast.audience, "recipients": len(chats)},
                action_id=action_id,
            )
            await session.commit()
        self._wake_outbox()
        return Confirmed(Outcome.DONE, len(chats), audience)

    async def deliveries(self, broadcast_id: int) -> Delivery | None:
        """How a broadcast's deliveries are going (sent, pending, not delivered and why); None
        when there is no such broadcast."""
        async with self._sessionmaker() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None:
                return None
            counts = await broadcast_counts(session=session, broadcast_id=broadcast_id)
            problems = await delivery_problems(session=session, broadcast_id=broadcast_id)
        return _delivery(broadcast, counts, problems, self._answerer)

    async def recent_deliveries(self, limit: int = 8) -> list[Delivery]:
        """The latest broadcasts past their draft (announcements and notices), newest first."""
        async with self._sessionmaker() as session:
            shown = []
            for broadcast in await recent_broadcasts(session=session, limit=limit):
                assert broadcast.id is not None
                counts = await broadcast_counts(session=session, broadcast_id=broadcast.id)
                problems = await delivery_problems(session=session, broadcast_id=broadcast.id)
                shown.append(_delivery(broadcast, counts, problems, self._answerer))
        return shown

    # Reports --------------------------------------------------------------------------------------
    async def report(self) -> tuple[ReportData, list[int]]:
        """What /reporte shows (the questions of the last moment count too), and the ids of the
        residents' reports not yet reviewed that it offers to mark reviewed."""
        await self._chat_state.flush()
        async with self._sessionmaker() as session:
            data = await gather_report(session, self._answerer)
            unreviewed = await ground_reports(session=session, unreviewed=True, limit=REPORTS_SHOWN)
        return data, [r.id for r in unreviewed if r.id is not None]

    async def unreviewed_reports(self, limit: int = 20) -> list[GroundItem]:
        """Residents' reports not yet reviewed, the newest first."""
        async with self._sessionmaker() as session:
            rows = await ground_reports(session=session, unreviewed=True, limit=limit)
        return [ground_item(r.id, r.snip, r.created_at, r.text) for r in rows if r.id is not None]

    async def review_report(self, reviewer_id: int, report_id: int, *, action_id: str | None = None) -> bool:
        """Mark a resident's report reviewed and queue the notice to the reporter's chat; False
        when there is no such report, or it was reviewed already."""
        async with self._once(reviewer_id, action_id) as session:
            row = await mark_report_reviewed(session=session, report_id=report_id, reviewer=reviewer_id)
            if row is not None:
                await audit(
                    session=session,
                    actor_id=reviewer_id,
                    action="report_reviewed",
                    target=str(report_id),
                    action_id=action_id,
                )
                notice = await create_broadcast(
                    session=session,
                    kind="report_reviewed",
                    audience=f"reporte:{report_id}",
                    text=report_reviewed_html(row.snip, row.created_at, row.text),
                    created_by=reviewer_id,
                    state="sending",
                )
                await enqueue(session=session, broadcast=notice, chat_ids=[row.chat_id])
            await session.commit()
        if row is not None:
            self._wake_outbox()
        return row is not None

    # Bulk status updates from a CSV ---------------------------------------------------------------
    async def draft_csv(
        self, actor_id: int, changes: Sequence[StatusChange], *, action_id: str | None = None
    ) -> int:
        """The statuses a CSV would record, kept until its sender presses Aplicar: their id.
        With ``action_id`` it is kept once (:class:`Replayed`)."""
        payload = {"rows": [[c.snip, c.status, c.progress, c.note] for c in changes]}
        async with self._once(actor_id, action_id) as session:
            pending = await create_pending(
                session=session, kind=CSV_KIND, created_by=actor_id, payload=payload
            )
            assert pending.id is not None
            await audit(
                session=session,
                actor_id=actor_id,
                action="csv_draft",
                target=str(pending.id),
                after={"rows": len(changes)},
                action_id=action_id,
            )
            await session.commit()
        assert pending.id is not None
        return pending.id

    async def confirm_csv(
        self, author: Author, pending_id: int, *, apply: bool, action_id: str | None = None
    ) -> Confirmed:
        """All rows at once, in one transaction, only by the staff member who sent the file
        (anyone else: NOT_YOURS), within CSV_WINDOW; once (with ``action_id`` the same call is
        turned back too: :class:`Replayed`)."""
        async with self._once(author.id, action_id) as session:
            pending = await session.get(PendingAction, pending_id)
            if pending is None or not _csv_open(pending):
                return Confirmed(Outcome.STALE)
            if pending.created_by != author.id:
                return Confirmed(Outcome.NOT_YOURS)
            if not apply:
                await close_pending(session=session, pending=pending, state="cancelled")
                await audit(
                    session=session,
                    actor_id=author.id,
                    action="csv_discard",
                    target=str(pending_id),
                    action_id=action_id,
                )
                await session.commit()
                return Confirmed(Outcome.CANCELLED)
            rows = _csv_rows(pending)
            for change in rows:
                project = self._answerer.plan.project(change.snip)
                if project is not None:
                    await self._record_status(session, project, change, author)
            await close_pending(session=session, pending=pending, state="applied")
            await audit(
                session=session,
                actor_id=author.id,
                action="csv_apply",
                target=str(pending_id),
                after={"rows": len(rows)},
                action_id=action_id,
            )
            await session.commit()
        for change in rows:
            self._cache.status_changed(change.snip)
        self._wake_outbox()
        return Confirmed(Outcome.DONE, len(rows))


def _status_dict(status: str, progress: int | None, note: str | None) -> dict[str, Any]:
    return {"status": status, "progress": progress, "note": note}


async def _audience_chats(session: AsyncSession, audience: str) -> set[int]:
    """The chats an announcement reaches: every active recipient ("todos"), or the followers of
    a zona ("zona:6") or of a project ("proyecto:242177")."""
    kind, _, key = audience.partition(":")
    if kind in ("zona", "proyecto") and key:
        return await followers(session=session, keys=[(kind, key)])
    if audience == "todos":
        return set(await active_recipients(session=session))
    raise ValueError(f"no such audience: {audience!r}")


def _delivery(
    broadcast: Broadcast, counts: dict[str, int], problems: list[tuple[str, str, int]], answerer: Answerer
) -> Delivery:
    assert broadcast.id is not None
    return delivery(
        broadcast.id,
        broadcast.kind,
        broadcast.audience,
        broadcast.state,
        broadcast.created_at,
        counts,
        problems,
        answerer.plan,
    )


def _csv_open(pending: PendingAction) -> bool:
    """A CSV's draft that its sender may still apply or discard."""
    return (
        pending.state == "draft"
        and pending.kind == CSV_KIND
        and pending.created_at >= datetime.now(UTC) - CSV_WINDOW
    )


def _csv_rows(pending: PendingAction) -> list[StatusChange]:
    return [
        StatusChange(str(s), str(st), p if isinstance(p, int) else None, n if isinstance(n, str) else None)
        for s, st, p, n in pending.payload["rows"]
    ]


async def gather_report(session: AsyncSession, answerer: Answerer) -> ReportData:
    """Everything /reporte shows, from the last 90 days of questions and what staff recorded."""
    asked = await queries_since(session=session, days=90)
    unanswered = group_unanswered([(q.zona, q.question) for q in asked if not q.confident])
    by_zona = unanswered_by_zona([q.zona for q in asked if not q.confident])
    topics = Counter(q.matches[0] for q in asked if q.confident and q.matches)
    titles = answerer.index.by_id
    up, down = await feedback_counts(session=session)
    subscriptions = [
        (subject_name(kind, key, answerer.plan), n)
        for (kind, key), n in sorted(
            (await subscription_counts(session=session)).items(), key=lambda kv: (-kv[1], kv[0])
        )
    ]
    broadcasts = []
    for b in await recent_broadcasts(session=session):
        assert b.id is not None
        counts = await broadcast_counts(session=session, broadcast_id=b.id)
        broadcasts.append(
            t.REPORT_BROADCAST_LINE.format(
                date=format_date(b.created_at),
                audience=audience_label(b.audience, answerer.plan),
                sent=count_of(counts.get("sent", 0), t.SENT),
                failed=count_of(counts.get("failed", 0) + counts.get("inactive", 0), t.UNDELIVERED),
                pending=count_of(counts.get("pending", 0), t.PENDING),
            )
        )
    views = {snip: r.view() for snip, r in (await current_statuses(session=session)).items()}
    ground = [
        t.REPORT_GROUND_LINE.format(
            id=r.id, snip=r.snip, date=format_date(r.created_at), text=shorten(r.text, 100)
        )
        for r in await ground_reports(session=session, unreviewed=True, limit=10)
    ]
    return ReportData(
        unanswered=unanswered,
        topics=[
            (shorten(titles[doc_id].title, 80) if doc_id in titles else doc_id, n)
            for doc_id, n in topics.most_common(8)
        ],
        feedback_up=up,
        feedback_down=down,
        subscriptions=subscriptions[:15],
        broadcasts=broadcasts,
        late=late_projects(answerer.plan, views, datetime.now(UTC).date()),
        ground=ground,
        unanswered_by_zona=by_zona,
    )
