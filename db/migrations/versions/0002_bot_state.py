"""Bot state: per-chat context for follow-up questions, and the query log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "chat_context",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("question", sa.String(), nullable=True),
        sa.Column("zona", sa.Integer(), nullable=True),
        sa.Column("snip", sa.String(length=16), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name="pk_chat_context"),
    )
    op.create_table(
        "query_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_hash", sa.String(length=64), nullable=False),
        sa.Column("question", sa.String(length=1000), nullable=False),
        sa.Column("answer_kind", sa.String(length=40), nullable=False),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("zona", sa.Integer(), nullable=True),
        sa.Column("matches", JSON, nullable=False),
        sa.Column("asked_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_query_log"),
    )
    op.create_index("ix_query_log_chat_hash", "query_log", ["chat_hash"])
    op.create_index("ix_query_log_zona", "query_log", ["zona"])
    op.create_index("ix_query_log_asked_at", "query_log", ["asked_at"])


def downgrade() -> None:
    op.drop_table("query_log")
    op.drop_table("chat_context")
