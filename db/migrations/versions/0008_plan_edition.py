"""The plan's edition (which municipality, which year, the periods of the plans behind it, the
zonas) kept in plan_meta, so a bot started from the database knows it; the project's amount
named for no year (``amount_2024`` → ``amount``); and a chat's own zona may be any zona a
municipality has (1 to 99: Mixco's 1 to 11 are the document's, not the database's).

The rename is ``ALTER TABLE project RENAME COLUMN`` on both backends (SQLite has it since 3.25):
in place, in the migration's transaction, keeping the rows, the unique SNIP and the zona index.
The edition's columns may be NULL: a plan saved before this revision has none until it is saved
again, and ``db.plan_store.load_plan`` reads it from the plan's own texts meanwhile.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _edition_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("municipality", sa.String(length=120), nullable=True),
        sa.Column("demonym", sa.String(length=120), nullable=True),
        sa.Column("poa_year", sa.Integer(), nullable=True),
        sa.Column("pei_start", sa.Integer(), nullable=True),
        sa.Column("pei_end", sa.Integer(), nullable=True),
        sa.Column("pom_start", sa.Integer(), nullable=True),
        sa.Column("pom_end", sa.Integer(), nullable=True),
        sa.Column("pdmot", sa.String(length=120), nullable=True),
        sa.Column("pdmot_horizon", sa.Integer(), nullable=True),
        sa.Column("zonas", JSON, nullable=True),
    ]


def upgrade() -> None:
    op.alter_column("project", "amount_2024", new_column_name="amount")
    with op.batch_alter_table("plan_meta") as batch:
        for column in _edition_columns():
            batch.add_column(column)
    with op.batch_alter_table("chat_zona") as batch:  # SQLite: the small table is copied
        batch.drop_constraint(op.f("ck_chat_zona_ck_chat_zona_zona"), type_="check")
        batch.create_check_constraint(op.f("ck_chat_zona_zona"), "zona BETWEEN 1 AND 99")


def downgrade() -> None:
    # A zona the old check refuses (another municipality's zona 12 and on) is forgotten: the chat
    # picks its zona again.
    op.execute("DELETE FROM chat_zona WHERE zona > 11")
    with op.batch_alter_table("chat_zona") as batch:
        batch.drop_constraint(op.f("ck_chat_zona_zona"), type_="check")
        batch.create_check_constraint(op.f("ck_chat_zona_ck_chat_zona_zona"), "zona BETWEEN 1 AND 11")
    with op.batch_alter_table("plan_meta") as batch:
        for column in reversed(_edition_columns()):
            batch.drop_column(column.name)
    op.alter_column("project", "amount", new_column_name="amount_2024")
