"""Open the database and the plan: migrations, first fill from the bundled document, loads."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_store import stored_secret
from db.chat_store import BUILT_IN_SALT, QUERY_LOG_SALT, rekey_chat_hashes
from db.migrate import upgrade
from db.plan_store import (
    get_current_edition,
    get_edition,
    get_plan_meta,
    has_edition,
    kept_editions,
    load_plan,
    plan_revision,
    save_edition,
    save_plan,
)
from db.session import create_engine, create_sessionmaker
from knowledge.edition import replaces_current
from knowledge.errors import PlanFormatError
from knowledge.ingest import BUNDLED_PLAN, load_bundled_plan
from knowledge.model import Edition, Plan
from knowledge.plan_file import read_json as read_json  # re-exported: the loaders read JSON here
from knowledge.plan_file import read_plan
from knowledge.plan_json import plan_digest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EditionSaved:
    """What loading an edition did."""

    current: bool
    """It is now the plan that answers (else it is kept as an older edition)."""
    replaced: bool
    """An edition of its year was kept already, with other content, and this one replaced it."""


@dataclass(slots=True)
class Storage:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    async def close(self) -> None:
        await self.engine.dispose()


async def open_storage(database_url: str) -> Storage:
    """Engine + sessionmaker with the schema migrated to the latest revision."""
    engine = create_engine(database_url)
    await upgrade(engine)
    return Storage(engine, create_sessionmaker(engine))


async def current_plan(storage: Storage, *, zonas: tuple[int, ...] | None = None) -> Plan:
    """The plan in the database, kept among the editions too.

    On first use the bundled document is loaded into it; a database still holding an older
    reading of the bundled document (a newer release of the bot reads it better) is refreshed.
    A plan loaded by staff from another file is never replaced here. ``zonas`` (the
    ``PLAN_ZONAS`` setting): for a plan saved before its edition was kept whose texts do not say
    its zonas.
    """
    plan = await _plan_in_database(storage, zonas)
    async with storage.sessionmaker() as session:
        try:
            await save_edition(session=session, plan=plan, source=await _source_of_current(session))
            await session.commit()
        except IntegrityError:  # another instance starting at the same moment kept it first
            await session.rollback()
    return plan


async def _source_of_current(session: AsyncSession) -> str:
    meta = await get_plan_meta(session=session)
    return meta.source if meta is not None else BUNDLED_PLAN


async def _plan_in_database(storage: Storage, zonas: tuple[int, ...] | None) -> Plan:
    async with storage.sessionmaker() as session:
        meta = await get_plan_meta(session=session)
        if meta is not None and meta.source != BUNDLED_PLAN:
            plan = await load_plan(session=session, zonas=zonas)
            if plan is not None:
                return plan
        bundled = load_bundled_plan()
        if meta is not None and meta.sha256 == plan_digest(bundled):
            stored = await load_plan(session=session, zonas=zonas)
            if stored is not None:
                return stored
        try:
            await save_plan(session=session, plan=bundled, source=BUNDLED_PLAN)
            await session.commit()
        except IntegrityError:
            # Another instance starting at the same moment saved it first: use what it saved.
            await session.rollback()
            stored = await load_plan(session=session, zonas=zonas)
            if stored is None:
                raise
            return stored
        return bundled


async def stored_revision(storage: Storage) -> int:
    """The plan's revision now (``db.plan_store.plan_revision``)."""
    async with storage.sessionmaker() as session:
        return await plan_revision(session=session)


async def older_editions(storage: Storage, plan: Plan) -> list[tuple[int, str]]:
    """The JSON exports of the editions kept of ``plan``'s municipality for other years, by year."""
    async with storage.sessionmaker() as session:
        kept = await kept_editions(session=session, municipality=plan.edition.municipality)
    return [(e.year, e.content) for e in kept if e.year != plan.edition.year]


async def kept_edition(storage: Storage, year: int) -> Plan | None:
    """The edition kept for ``year`` (the current municipality's first), or None."""
    async with storage.sessionmaker() as session:
        meta = await get_plan_meta(session=session)
        municipality = meta.municipality if meta is not None else None
        plan = await get_edition(session=session, year=year, municipality=municipality)
        return plan if plan is not None else await get_edition(session=session, year=year)


async def query_log_salt(storage: Storage, configured: str | None) -> str:
    """The salt of the query log's chat hashes: QUERY_LOG_SALT when set, else the random one in
    the database, made on the first start (with a warning) and shared by every instance.

    The start that makes it also re-keys the rows hashed with the old built-in salt, so that
    /olvidarme still finds them and they can no longer be traced back to a chat.
    """
    if configured is not None:
        return configured
    async with storage.sessionmaker() as session:
        salt, made = await stored_secret(session=session, name=QUERY_LOG_SALT)
        if not made:
            return salt
        rekeyed = await rekey_chat_hashes(session=session, old_salt=BUILT_IN_SALT, new_salt=salt)
        await session.commit()
    log.warning(
        "QUERY_LOG_SALT is not set: a random salt was generated and stored in the database "
        "(table stored_secret), and every instance on it uses that one; %d chats' rows were "
        "re-keyed from the old built-in salt",
        rekeyed,
    )
    return salt


def read_plan_file(path: Path, max_bytes: int, *, zonas: tuple[int, ...] | None = None) -> Plan:
    """A plan document (text) or a JSON export of at most ``max_bytes`` → Plan; PlanFormatError
    says what is wrong. ``zonas`` (``PLAN_ZONAS``): the municipality's zonas when the document
    does not say them."""
    return read_plan(read_bounded(path, max_bytes), zonas=zonas)


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused when there are more than ``max_bytes`` (read no further)."""
    try:
        with path.open("rb") as file:
            raw = file.read(max_bytes + 1)
            size = os.fstat(file.fileno()).st_size
    except OSError as exc:
        raise PlanFormatError(f"no se pudo leer el archivo: {exc.strerror}", str(path)) from exc
    if len(raw) > max_bytes:
        raise PlanFormatError(
            f"el archivo pesa {megabytes(max(size, len(raw)))} y el máximo es {megabytes(max_bytes)} "
            "(PLAN_MAX_BYTES); un plan ocupa mucho menos: ¿es el archivo correcto?"
        )
    return raw


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


async def replace_plan(storage: Storage, plan: Plan, source: str) -> EditionSaved:
    """Keep ``plan`` as the edition of its year and, when it is the newest of its municipality
    (or another municipality's), make it the plan that answers; one transaction. Staff data in
    other tables stays as it is: it names projects by SNIP, in every edition."""
    async with storage.sessionmaker() as session, session.begin():
        current = await get_current_edition(session=session)
        if current is not None:
            await _keep_current(session, current)
        replaced = await save_edition(session=session, plan=plan, source=source)
        becomes_current = current is None or replaces_current(current, plan.edition)
        if becomes_current:
            await save_plan(session=session, plan=plan, source=source)
    return EditionSaved(current=becomes_current, replaced=replaced)


async def _keep_current(session: AsyncSession, current: Edition) -> None:
    """Keep the plan the plan tables hold among the editions before another is loaded: a
    database from before revision 0010 that no bot has started on since holds it only there."""
    if await has_edition(session=session, municipality=current.municipality, year=current.year):
        return
    before = await load_plan(session=session)
    assert before is not None  # the tables hold an edition
    await save_edition(session=session, plan=before, source=await _source_of_current(session))
