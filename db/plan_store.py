"""Queries for the plan tables: save a whole Plan, load it back, and what was loaded.

The plan's edition is kept in ``plan_meta``'s columns. A plan saved before they existed (NULL
there) gets its edition from its own texts on loading, as a document or an old export would
(:func:`knowledge.edition.edition_of`).

Functions take keyword-only arguments and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import delete, insert, or_, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import (
    PLAN_TABLES,
    ActionLineRow,
    ActorRow,
    EjeRow,
    FundingSourceRow,
    FundingTotalRow,
    GovernanceIndexRow,
    LawRow,
    ObjectiveRow,
    PlanEditionRow,
    PlanItemRow,
    PlanMeta,
    PolicyRow,
    PomLineRow,
    ProjectRow,
    SectionedRow,
    StatementRow,
    StrategicLineRow,
    TargetRow,
    TematicaRow,
)
from knowledge.edition import edition_of
from knowledge.errors import checked
from knowledge.model import (
    ActionLine,
    Actor,
    Edition,
    FundingSource,
    FundingTotal,
    GovernanceIndex,
    Item,
    Law,
    Objective,
    Plan,
    Policy,
    PomLine,
    Project,
    Statement,
    StrategicLine,
    Target,
    Tematica,
    edition_problem,
)
from knowledge.plan_json import plan_digest, plan_from_json, plan_to_json, record_from_json

__all__ = [
    "KeptEdition",
    "claim_menus",
    "get_current_edition",
    "get_edition",
    "get_plan_meta",
    "has_edition",
    "kept_editions",
    "load_plan",
    "plan_revision",
    "save_edition",
    "save_plan",
    "saved_current_plan",
]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Kind:
    """Where one Plan field is stored. Row columns are named like the record's fields."""

    attr: str
    row: type[SectionedRow]
    record: type[Any]
    item_kind: str | None = None  # the ``plan_item.kind`` of the three plain lists


_KINDS = (
    _Kind("tematicas", TematicaRow, Tematica),
    _Kind("objectives", ObjectiveRow, Objective),
    _Kind("strategic_lines", StrategicLineRow, StrategicLine),
    _Kind("action_lines", ActionLineRow, ActionLine),
    _Kind("targets", TargetRow, Target),
    _Kind("funding", FundingSourceRow, FundingSource),
    _Kind("projects", ProjectRow, Project),
    _Kind("actors", ActorRow, Actor),
    _Kind("potentialities", PlanItemRow, Item, "potentiality"),
    _Kind("problems", PlanItemRow, Item, "problem"),
    _Kind("operational_actions", PlanItemRow, Item, "operational_action"),
    _Kind("laws", LawRow, Law),
    _Kind("governance", GovernanceIndexRow, GovernanceIndex),
    _Kind("policies", PolicyRow, Policy),
    _Kind("pom_lines", PomLineRow, PomLine),
    _Kind("statements", StatementRow, Statement),
)


async def save_plan(*, session: AsyncSession, plan: Plan, source: str) -> None:
    """Replace all plan rows with ``plan`` and record it in ``plan_meta``; the caller commits.

    Other tables are never touched. Saving an equal plan again leaves identical rows (including
    ``plan_meta.loaded_at`` and ``plan_meta.revision``, which only move when the content changes).
    """
    for table in PLAN_TABLES:
        await session.exec(delete(table))
    for row, values in _plan_rows(plan).items():
        await session.exec(insert(row), params=values)  # ORM bulk INSERT: no object per row
    await _save_meta(session, sha256=plan_digest(plan), source=source, edition=plan.edition)


async def load_plan(*, session: AsyncSession, zonas: tuple[int, ...] | None = None) -> Plan | None:
    """The saved plan, equal by value to the one saved; None if no plan was ever saved.

    ``zonas``: for a plan saved before editions were kept whose texts do not say its zonas (the
    ``PLAN_ZONAS`` setting)."""
    meta = await get_plan_meta(session=session)
    if meta is None:
        return None
    values: dict[str, Any] = {kind.attr: await _load_records(session, kind) for kind in _KINDS}
    values["funding_total"] = await _load_funding_total(session)
    names = await session.exec(select(EjeRow.name).order_by(col(EjeRow.position)))
    values["ejes"] = tuple(names.all())
    stored = _stored_edition(meta)
    if stored is None:
        records = [r for value in values.values() for r in (value if isinstance(value, tuple) else [value])]
        stored = edition_of(records, zonas=zonas)
    return Plan(edition=stored, **values)


async def get_current_edition(*, session: AsyncSession) -> Edition | None:
    """The edition the plan tables hold; None when no plan was ever saved."""
    meta = await get_plan_meta(session=session)
    if meta is None:
        return None
    stored = _stored_edition(meta)
    if stored is not None:
        return stored
    plan = await load_plan(session=session)
    return plan.edition if plan is not None else None


async def get_plan_meta(*, session: AsyncSession) -> PlanMeta | None:
    """When, from where and with which content hash the current plan was saved."""
    return await session.get(PlanMeta, 1)


async def claim_menus(*, session: AsyncSession, sha256: str) -> bool:
    """Whether this process is the one to set the command menus for the plan ``sha256``, now
    that it answers with it: True for the first that asks while it is the plan kept as current
    (one conditional UPDATE, so two replicas asking at once get one True); False when another
    claimed it already, or the plan kept is another one by now. The caller commits."""
    statement = (
        update(PlanMeta)
        .where(
            col(PlanMeta.id) == 1,
            col(PlanMeta.sha256) == sha256,
            or_(col(PlanMeta.menus_sha256).is_(None), col(PlanMeta.menus_sha256) != sha256),
        )
        .values(menus_sha256=sha256)
        .execution_options(synchronize_session=False)
    )
    return bool((await session.exec(statement)).rowcount == 1)


async def plan_revision(*, session: AsyncSession) -> int:
    """The plan's revision: it moves on whenever the plan that answers or an edition kept changes
    (0 before any plan was saved). One row's one column: cheap enough to read every few seconds."""
    revision = (await session.exec(select(PlanMeta.revision).where(col(PlanMeta.id) == 1))).first()
    return revision or 0


async def saved_current_plan(*, session: AsyncSession, zonas: tuple[int, ...] | None = None) -> Plan | None:
    """The plan that answers, read back as saved: from its kept edition, one row read in one
    statement (so a load committing meanwhile cannot mix two plans), or from the plan tables when
    that row holds other content (a database no bot of revision 0010 or later has started on).
    None when no plan was ever saved."""
    meta = await get_plan_meta(session=session)
    if meta is None:
        return None
    if meta.municipality is not None and meta.poa_year is not None:
        row = await session.get(PlanEditionRow, (meta.municipality, meta.poa_year))
        if row is not None and row.sha256 == meta.sha256:
            return plan_from_json(json.loads(row.content))
    return await load_plan(session=session, zonas=zonas)


@dataclass(frozen=True, slots=True)
class KeptEdition:
    """One kept edition as stored: its identity and its JSON export (read on demand)."""

    municipality: str
    year: int
    source: str
    loaded_at: datetime
    content: str


async def save_edition(*, session: AsyncSession, plan: Plan, source: str) -> bool:
    """Keep ``plan`` as the edition of its municipality and POA year, adding it or replacing the
    one kept for that year; True when it replaced one with other content. The caller commits."""
    edition = plan.edition
    row = await session.get(PlanEditionRow, (edition.municipality, edition.year))
    digest = plan_digest(plan)
    added, replaced = row is None, row is not None and row.sha256 != digest
    if row is None or replaced:
        content = json.dumps(plan_to_json(plan), ensure_ascii=False, separators=(",", ":"))
        row = row or PlanEditionRow(
            municipality=edition.municipality,
            year=edition.year,
            loaded_at=datetime.now(UTC),
            source=source,
            sha256=digest,
            content=content,
        )
        if replaced:
            row.loaded_at, row.sha256, row.content = datetime.now(UTC), digest, content
    row.source = source
    session.add(row)
    await session.flush()
    if added or replaced:
        await _next_revision(session)
    return replaced


async def has_edition(*, session: AsyncSession, municipality: str, year: int) -> bool:
    """Whether an edition of ``municipality`` for ``year`` is kept."""
    statement = select(PlanEditionRow.year).where(
        col(PlanEditionRow.municipality) == municipality, col(PlanEditionRow.year) == year
    )
    return (await session.exec(statement)).first() is not None


async def kept_editions(*, session: AsyncSession, municipality: str | None = None) -> list[KeptEdition]:
    """The kept editions (of ``municipality`` only, when given), oldest year first."""
    statement = select(PlanEditionRow).order_by(col(PlanEditionRow.year), col(PlanEditionRow.municipality))
    if municipality is not None:
        statement = statement.where(col(PlanEditionRow.municipality) == municipality)
    rows = (await session.exec(statement)).all()
    return [KeptEdition(r.municipality, r.year, r.source, r.loaded_at, r.content) for r in rows]


async def kept_edition_dates(*, session: AsyncSession, municipality: str) -> list[tuple[int, datetime]]:
    """The years kept of ``municipality`` and when each was loaded, oldest year first (without
    their content)."""
    statement = (
        select(PlanEditionRow.year, PlanEditionRow.loaded_at)
        .where(col(PlanEditionRow.municipality) == municipality)
        .order_by(col(PlanEditionRow.year))
    )
    return [(year, loaded_at) for year, loaded_at in (await session.exec(statement)).all()]


async def get_edition(*, session: AsyncSession, year: int, municipality: str | None = None) -> Plan | None:
    """The kept edition of ``year`` (of ``municipality``, when given; else the newest-loaded of
    that year), read back as saved; None when there is none."""
    statement = select(PlanEditionRow).where(col(PlanEditionRow.year) == year)
    if municipality is not None:
        statement = statement.where(col(PlanEditionRow.municipality) == municipality)
    row = (await session.exec(statement.order_by(col(PlanEditionRow.loaded_at).desc()))).first()
    return None if row is None else plan_from_json(json.loads(row.content))


# --- saving -------------------------------------------------------------------------------


def _plan_rows(plan: Plan) -> dict[type[SQLModel], list[dict[str, Any]]]:
    """The column values of every plan row, by table, in document order."""
    rows: dict[type[SQLModel], list[dict[str, Any]]] = {}
    for kind in _KINDS:
        rows.setdefault(kind.row, []).extend(
            {"position": position, **_columns(record), **_item_kind(kind)}
            for position, record in enumerate(getattr(plan, kind.attr))
        )
    rows[EjeRow] = [{"position": position, "name": name} for position, name in enumerate(plan.ejes)]
    if plan.funding_total is not None:
        rows[FundingTotalRow] = [_columns(plan.funding_total)]
    return {row: values for row, values in rows.items() if values}


def _item_kind(kind: _Kind) -> dict[str, Any]:
    return {"kind": kind.item_kind} if kind.item_kind else {}


def _columns(record: object) -> dict[str, Any]:
    """Record fields as column values: tuples become JSON lists, nested records JSON objects."""
    assert is_dataclass(record), record
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record)}


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return _columns(value)
    return value


async def _save_meta(session: AsyncSession, *, sha256: str, source: str, edition: Edition) -> None:
    now = datetime.now(UTC)
    meta = await session.get(PlanMeta, 1)
    changed = meta is None or meta.sha256 != sha256
    meta = meta or PlanMeta(loaded_at=now, source=source, sha256=sha256)
    if meta.sha256 != sha256:
        meta.loaded_at, meta.sha256 = now, sha256
    meta.source = source
    for name, value in _edition_columns(edition).items():
        setattr(meta, name, value)
    session.add(meta)
    await session.flush()
    if changed:
        await _next_revision(session)


async def _next_revision(session: AsyncSession) -> None:
    """Move the plan's revision on, in the database (two loads at once both count); before any
    plan is saved there is no row, and the first save counts."""
    statement = (
        update(PlanMeta)
        .where(col(PlanMeta.id) == 1)
        .values(revision=col(PlanMeta.revision) + 1)
        .execution_options(synchronize_session=False)
    )
    await session.exec(statement)


def _edition_columns(edition: Edition) -> dict[str, Any]:
    pei_start, pei_end = edition.pei or (None, None)
    return {
        "municipality": edition.municipality,
        "demonym": edition.demonym,
        "poa_year": edition.year,
        "pei_start": pei_start,
        "pei_end": pei_end,
        "pom_start": edition.pom[0],
        "pom_end": edition.pom[1],
        "pdmot": edition.pdmot,
        "pdmot_horizon": edition.pdmot_horizon,
        "zonas": list(edition.zonas),
    }


def _stored_edition(meta: PlanMeta) -> Edition | None:
    """The edition ``plan_meta`` keeps, checked like JSON input; None in a row saved before
    editions were kept."""
    if meta.municipality is None:
        return None
    pei = [meta.pei_start, meta.pei_end] if meta.pei_start is not None else None
    values = {
        "municipality": meta.municipality,
        "demonym": meta.demonym,
        "year": meta.poa_year,
        "pei": pei,
        "pom": [meta.pom_start, meta.pom_end],
        "pdmot": meta.pdmot,
        "pdmot_horizon": meta.pdmot_horizon,
        "zonas": meta.zonas,
    }
    edition = record_from_json(Edition, values, "plan_meta")
    return checked(edition, edition_problem(edition), "plan_meta")


# --- loading ------------------------------------------------------------------------------


async def _load_records(session: AsyncSession, kind: _Kind) -> tuple[Any, ...]:
    statement = select(kind.row).order_by(col(kind.row.position))
    if kind.item_kind:
        statement = statement.where(col(PlanItemRow.kind) == kind.item_kind)
    rows = (await session.exec(statement)).all()
    table = kind.row.__tablename__
    return tuple(_to_record(kind.record, row, where=f"{table}[{row.position}]") for row in rows)


async def _load_funding_total(session: AsyncSession) -> FundingTotal | None:
    row = await session.get(FundingTotalRow, 1)
    return None if row is None else _to_record(FundingTotal, row, where="funding_total")


def _to_record(record_type: type[R], row: SQLModel, *, where: str) -> R:
    """Rebuild a record from its row, checked like JSON input (a bad row names itself)."""
    values = {f.name: getattr(row, f.name) for f in fields(cast(Any, record_type))}
    return record_from_json(record_type, values, where)
