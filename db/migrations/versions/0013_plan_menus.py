"""Which plan the command menus were last set for (``plan_meta.menus_sha256``): when an edition
is switched to, every process that owns the bot (the bot that polls, each webhook replica) follows
it, and the first to claim the new plan's digest here sets the menus — once, not once per replica.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_meta") as batch:
        batch.add_column(sa.Column("menus_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_meta") as batch:
        batch.drop_column("menus_sha256")
