"""Ids handed out in blocks: the query log's rows are written in batches after the answer is
sent, yet the answer's feedback buttons already carry the question's id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "id_block",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("next_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_id_block"),
    )
    op.execute(
        "INSERT INTO id_block (name, next_id) SELECT 'query_log', COALESCE(MAX(id), 0) + 1 FROM query_log"
    )


def downgrade() -> None:
    op.drop_table("id_block")
