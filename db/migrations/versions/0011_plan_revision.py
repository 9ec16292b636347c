"""The plan's revision (``plan_meta.revision``): a counter that moves on with every change to the
plan that answers or to the editions kept, so that every process answering from the plan in
memory (a bot that polls, ``python -m bot web`` beside it, webhook replicas) notices, with one
small query every few seconds, an edition another process loaded, and switches to it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_meta") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("plan_meta") as batch:
        batch.drop_column("revision")
