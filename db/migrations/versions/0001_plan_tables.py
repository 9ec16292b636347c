"""Plan tables: the records of the plan document, and plan_meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written out in full (no imports from db.models) so that later model changes cannot alter what
this revision creates. Amounts are integer cents, percentages their decimal text.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
CENTS = sa.BigInteger()
PERCENT = sa.String(length=32)


def _sectioned_tables() -> dict[str, list[SchemaItem]]:
    """Tables with a ``position`` primary key and a ``section``, and their other columns.

    A function, not a constant: a Column belongs to one Table, and upgrade() may run many times
    in one process (one database after another).
    """
    return {
        "tematica": [
            sa.Column("id", sa.String(), nullable=False),
            sa.Column("eje", sa.String(), nullable=False),
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("pnd", JSON, nullable=False),
            sa.Column("ods", JSON, nullable=False),
        ],
        "objective": [
            sa.Column("id", sa.String(), nullable=False),
            sa.Column("tematica", sa.String(), nullable=False),
            sa.Column("text", sa.String(), nullable=False),
        ],
        "strategic_line": [
            sa.Column("id", sa.String(), nullable=False),
            sa.Column("tematica", sa.String(), nullable=False),
            sa.Column("objective", sa.String(), nullable=False),
            sa.Column("text", sa.String(), nullable=False),
        ],
        "action_line": [
            sa.Column("id", sa.String(), nullable=False),
            sa.Column("tematica", sa.String(), nullable=False),
            sa.Column("strategic_line", sa.String(), nullable=False),
            sa.Column("text", sa.String(), nullable=False),
        ],
        "target": [
            sa.Column("id", sa.String(), nullable=False),
            sa.Column("tematica", sa.String(), nullable=False),
            sa.Column("objective", sa.String(), nullable=True),
            sa.Column("text", sa.String(), nullable=False),
            sa.Column("measures", JSON, nullable=False),
        ],
        "funding_source": [
            sa.Column("source", sa.String(), nullable=False),
            sa.Column("available", CENTS, nullable=False),
            sa.Column("investment", CENTS, nullable=False),
            sa.Column("investment_pct", PERCENT, nullable=False),
            sa.Column("operating", CENTS, nullable=False),
            sa.Column("operating_pct", PERCENT, nullable=False),
        ],
        "project": [
            sa.Column("number", sa.Integer(), nullable=False),
            sa.Column("snip", sa.String(), nullable=False),
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("zona", sa.Integer(), nullable=True),
            sa.Column("amount_2024", CENTS, nullable=False),
            sa.Column("observation", sa.String(), nullable=False),
            sa.Column("place", sa.String(), nullable=True),
            sa.Column("in_total", sa.Boolean(), nullable=False),
            sa.UniqueConstraint("snip", name="uq_project_snip"),
        ],
        "actor": [
            sa.Column("number", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("role", sa.String(), nullable=False),
            sa.Column("influence_decisions", sa.String(), nullable=False),
            sa.Column("influence_implementation", sa.String(), nullable=False),
        ],
        "plan_item": [
            sa.Column("kind", sa.String(length=32), nullable=False),
            sa.Column("number", sa.Integer(), nullable=False),
            sa.Column("text", sa.String(), nullable=False),
            sa.CheckConstraint(
                "kind IN ('potentiality', 'problem', 'operational_action')", name="ck_plan_item_kind"
            ),
        ],
        "law": [
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("decree", sa.String(), nullable=True),
            sa.Column("description", sa.String(), nullable=False),
        ],
        "governance_index": [
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("text", sa.String(), nullable=False),
        ],
        "policy": [
            sa.Column("id", sa.String(), nullable=False),
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("general_objectives", JSON, nullable=False),
            sa.Column("specific_objectives", JSON, nullable=False),
            sa.Column("axes", JSON, nullable=False),
        ],
        "pom_line": [
            sa.Column("eje", sa.String(), nullable=False),
            sa.Column("tematica", sa.String(), nullable=False),
            sa.Column("text", sa.String(), nullable=False),
        ],
        "statement": [
            sa.Column("id", sa.String(), nullable=False),
            sa.Column("title", sa.String(), nullable=False),
            sa.Column("text", sa.String(), nullable=False),
        ],
    }


# The three plain lists (potentialities, problems, operational actions) share plan_item.
PRIMARY_KEYS = {"plan_item": ("position", "kind")}


def _position() -> sa.Column[int]:
    return sa.Column("position", sa.Integer(), autoincrement=False, nullable=False)


def _single_row_id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=False, nullable=False)


def upgrade() -> None:
    for table, columns in _sectioned_tables().items():
        op.create_table(
            table,
            _position(),
            sa.Column("section", JSON, nullable=False),
            *columns,
            sa.PrimaryKeyConstraint(*PRIMARY_KEYS.get(table, ("position",)), name=f"pk_{table}"),
        )
    op.create_index("ix_project_zona", "project", ["zona"], unique=False)
    op.create_table(
        "eje",
        _position(),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_eje"),
    )
    op.create_table(
        "funding_total",
        _single_row_id(),
        sa.Column("available", CENTS, nullable=False),
        sa.Column("investment", CENTS, nullable=False),
        sa.Column("operating", CENTS, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_funding_total_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_funding_total"),
    )
    op.create_table(
        "plan_meta",
        _single_row_id(),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_plan_meta_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_meta"),
    )


def downgrade() -> None:
    for table in ("plan_meta", "funding_total", "eje"):
        op.drop_table(table)
    op.drop_index("ix_project_zona", table_name="project")
    for table in reversed(_sectioned_tables()):
        op.drop_table(table)
