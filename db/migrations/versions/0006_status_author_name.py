"""The name of the staff member who recorded each project status, as Telegram gave it then
(``@username`` or first and last name), so /historial can say who made each entry.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("project_status") as batch:
        batch.add_column(sa.Column("author_name", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("project_status") as batch:
        batch.drop_column("author_name")
