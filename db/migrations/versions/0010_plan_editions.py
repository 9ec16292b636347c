"""Every edition of the plan loaded, whole, one row per municipality and POA year
(``plan_edition``), so that loading next year's plan keeps this year's: a question that names an
older year is answered from it, and ``diff`` compares two of them.

The table starts empty: the first start after this revision saves the current plan into it
(``bot.storage.current_plan``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_edition",
        sa.Column("municipality", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("municipality", "year", name=op.f("pk_plan_edition")),
    )


def downgrade() -> None:
    op.drop_table("plan_edition")
