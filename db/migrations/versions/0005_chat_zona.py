"""The zona each chat chose as its own ("Mi zona"), for "¿qué obras hay en mi zona?".

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_zona",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("zona", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("zona BETWEEN 1 AND 11", name="ck_chat_zona_zona"),
        sa.PrimaryKeyConstraint("chat_id", name="pk_chat_zona"),
    )


def downgrade() -> None:
    op.drop_table("chat_zona")
