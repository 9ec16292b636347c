"""The column types every table shares, and the plan document's tables.

Plan tables hold only what the document says; :func:`db.plan_store.save_plan` deletes and
re-inserts all of them (``PLAN_TABLES``) on every load. Nothing else may point into them with a
foreign key: what residents, staff and the outbox record lives in tables of its own
(``db.resident_models``, ``db.staff_models``, ``db.outbox_models``, ``db.bot_models``) and refers
to a project by its ``snip`` string, so it survives a reload.

Each plan table's primary key is ``position`` (document order, 0-based), not a serial id, so
saving the same plan twice produces identical rows on every backend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field, SQLModel

from db.naming import NAMING_CONVENTION

SQLModel.metadata.naming_convention = NAMING_CONVENTION


class JsonDocument(TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL. PostgreSQL's dialect module (2 MB resident) is
    imported only by a process that talks to PostgreSQL, not by every bot on SQLite."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


JSON_TYPE = JsonDocument()
"""JSON on SQLite, JSONB on PostgreSQL."""


class Cents(TypeDecorator[Decimal]):
    """A Decimal amount in quetzales stored exactly as integer cents (SQLite has no decimal type)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:  # noqa: ARG002
        if value is None:
            return None
        cents = Decimal(value) * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"amount {value} has a fraction of a cent")
        return int(cents)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:  # noqa: ARG002
        return None if value is None else Decimal(int(value)).scaleb(-2)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its text, so that the written precision survives ("70.00" != "70")."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:  # noqa: ARG002
        return None if value is None else Decimal(value)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite stores no offset, so it comes back naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @property
    def python_type(self) -> type[datetime]:
        return datetime


class PlanRow(SQLModel):
    """Base of every plan table: the record's place in document order."""

    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


class SectionedRow(PlanRow):
    """A plan record that knows the heading path where it stands in the document."""

    section: list[str] = Field(sa_type=JSON_TYPE, nullable=False)


class TematicaRow(SectionedRow, table=True):
    __tablename__ = "tematica"

    id: str
    eje: str
    name: str
    pnd: list[str] = Field(sa_type=JSON_TYPE, nullable=False)
    ods: list[str] = Field(sa_type=JSON_TYPE, nullable=False)


class ObjectiveRow(SectionedRow, table=True):
    __tablename__ = "objective"

    id: str
    tematica: str
    text: str


class StrategicLineRow(SectionedRow, table=True):
    __tablename__ = "strategic_line"

    id: str
    tematica: str
    objective: str
    text: str


class ActionLineRow(SectionedRow, table=True):
    __tablename__ = "action_line"

    id: str
    tematica: str
    strategic_line: str
    text: str


class TargetRow(SectionedRow, table=True):
    __tablename__ = "target"

    id: str
    tematica: str
    objective: str | None = None
    text: str
    measures: list[dict[str, Any]] = Field(sa_type=JSON_TYPE, nullable=False)
    """[{baseline, baseline_year, target, target_year}, ...]"""


class FundingSourceRow(SectionedRow, table=True):
    __tablename__ = "funding_source"

    source: str
    available: Decimal = Field(sa_type=Cents, nullable=False)
    investment: Decimal = Field(sa_type=Cents, nullable=False)
    investment_pct: Decimal = Field(sa_type=DecimalText, nullable=False)
    operating: Decimal = Field(sa_type=Cents, nullable=False)
    operating_pct: Decimal = Field(sa_type=DecimalText, nullable=False)


class FundingTotalRow(SQLModel, table=True):
    """The document's financing totals: a single row with ``id`` 1."""

    __tablename__ = "funding_total"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    available: Decimal = Field(sa_type=Cents, nullable=False)
    investment: Decimal = Field(sa_type=Cents, nullable=False)
    operating: Decimal = Field(sa_type=Cents, nullable=False)


class ProjectRow(SectionedRow, table=True):
    """A CODEDE project. Staff tables refer to it by ``snip`` (no foreign key: see module doc)."""

    __tablename__ = "project"

    number: int
    snip: str = Field(unique=True)
    name: str
    zona: int | None = Field(default=None, index=True)
    amount: Decimal = Field(sa_type=Cents, nullable=False)
    observation: str
    place: str | None = None
    in_total: bool


class ActorRow(SectionedRow, table=True):
    __tablename__ = "actor"

    number: int
    name: str
    role: str
    influence_decisions: str
    influence_implementation: str


ITEM_KINDS = ("potentiality", "problem", "operational_action")


class PlanItemRow(SectionedRow, table=True):
    """Numbered plain-list items; ``kind`` says which list, ``position`` is the order within it."""

    __tablename__ = "plan_item"
    __table_args__ = (CheckConstraint(f"kind IN {ITEM_KINDS!r}", name="kind"),)

    kind: str = Field(primary_key=True, max_length=32)
    number: int
    text: str


class LawRow(SectionedRow, table=True):
    __tablename__ = "law"

    name: str
    decree: str | None = None
    description: str


class GovernanceIndexRow(SectionedRow, table=True):
    __tablename__ = "governance_index"

    name: str
    text: str


class PolicyRow(SectionedRow, table=True):
    __tablename__ = "policy"

    id: str
    name: str
    general_objectives: list[str] = Field(sa_type=JSON_TYPE, nullable=False)
    specific_objectives: list[str] = Field(sa_type=JSON_TYPE, nullable=False)
    axes: list[dict[str, Any]] = Field(sa_type=JSON_TYPE, nullable=False)
    """[{national_axis, axis, objective, items: [...]}, ...]"""


class PomLineRow(SectionedRow, table=True):
    __tablename__ = "pom_line"

    eje: str
    tematica: str
    text: str


class StatementRow(SectionedRow, table=True):
    """Vision, mission, institutional objective, national framework... keyed by ``id``."""

    __tablename__ = "statement"

    id: str
    title: str
    text: str


class EjeRow(PlanRow, table=True):
    __tablename__ = "eje"

    name: str


class PlanMeta(SQLModel, table=True):
    """Which plan is loaded: a single row with ``id`` 1, written by every save."""

    __tablename__ = "plan_meta"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    loaded_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    """When this content was first saved (re-saving identical content keeps it)."""
    source: str
    """Where the plan came from, e.g. the document's file name."""
    sha256: str = Field(max_length=64)
    """:func:`knowledge.plan_json.plan_digest` of the saved plan."""
    # The plan's edition (knowledge.model.Edition). NULL only in a row saved before they were
    # kept (revision 0008): the plan's own texts say it then (db.plan_store.load_plan).
    municipality: str | None = Field(default=None, max_length=120)
    demonym: str | None = Field(default=None, max_length=120)
    poa_year: int | None = None
    pei_start: int | None = None
    pei_end: int | None = None
    pom_start: int | None = None
    pom_end: int | None = None
    pdmot: str | None = Field(default=None, max_length=120)
    pdmot_horizon: int | None = None
    zonas: list[int] | None = Field(default=None, sa_type=JSON_TYPE)
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Moves on with every change to the plan that answers or to the editions kept (revision
    0011): a process that answers from the plan in memory reads it to notice another process's
    load (``db.plan_store.plan_revision``)."""
    menus_sha256: str | None = Field(default=None, max_length=64)
    """The plan the bot's command menus were last set for on an edition switch (revision 0013):
    the process that claims it (``db.plan_store.claim_menus``) sets them, the others do not."""


class PlanEditionRow(SQLModel, table=True):
    """Every edition of the plan loaded, whole, one row per municipality and POA year.

    The current edition is also in the plan tables (which answer); an older one is read from
    here when a question names its year, and ``diff`` compares two of them. A row is the plan's
    JSON export (``knowledge.plan_json``), so an edition reads back equal to what was saved. It is
    not in ``PLAN_TABLES``: loading an edition adds or replaces its own row only.
    """

    __tablename__ = "plan_edition"

    municipality: str = Field(primary_key=True, max_length=120)
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    loaded_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    """When this content was first saved for this year."""
    source: str
    sha256: str = Field(max_length=64)
    content: str = Field(sa_type=Text)
    """The edition's JSON export, compact."""


PLAN_TABLES: tuple[type[SQLModel], ...] = (
    TematicaRow,
    ObjectiveRow,
    StrategicLineRow,
    ActionLineRow,
    TargetRow,
    FundingSourceRow,
    FundingTotalRow,
    ProjectRow,
    ActorRow,
    PlanItemRow,
    LawRow,
    GovernanceIndexRow,
    PolicyRow,
    PomLineRow,
    StatementRow,
    EjeRow,
)
"""Tables a plan reload replaces. ``plan_meta`` is updated in place, not replaced."""
