"""The id of the action an audit entry records, when the action came with one (a staff console
call's ``Idempotency-Key``): one entry per actor and action id, so a replayed call cannot apply
its change twice.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("action_id", sa.String(length=64), nullable=True))
        batch.create_index("ux_audit_log_action", ["actor_id", "action_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ux_audit_log_action")
        batch.drop_column("action_id")
