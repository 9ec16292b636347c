"""Tables of staff work: who is staff, the audit log of what they did, and the project statuses
they record. None of them is plan data, so a plan reload never touches them; projects are
referred to by their SNIP string."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from db.models import JSON_TYPE, UtcDateTime
from knowledge.staff import HistoryEntry, StatusView


class StaffMember(SQLModel, table=True):
    """Who may use staff commands. ``role`` is "admin" (may manage staff) or "staff"."""

    __tablename__ = "staff_member"

    user_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    role: str = Field(max_length=16)
    added_by: int | None = Field(default=None, sa_type=BigInteger)
    added_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class AuditEntry(SQLModel, table=True):
    """Every staff action: who, what, when, and the data before and after.

    ``action_id``: the id the action came with (a staff console call's ``Idempotency-Key``);
    unique per actor, so the same call sent twice is applied once (chat commands have none)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ux_audit_log_action", "actor_id", "action_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(sa_type=BigInteger, index=True)
    action: str = Field(max_length=40)
    target: str = Field(max_length=120)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON_TYPE)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON_TYPE)
    at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)
    action_id: str | None = Field(default=None, max_length=64)


class ProjectStatus(SQLModel, table=True):
    """One staff update of a project's status; the latest row per SNIP is the current status."""

    __tablename__ = "project_status"

    id: int | None = Field(default=None, primary_key=True)
    snip: str = Field(max_length=16, index=True)
    status: str = Field(max_length=20)
    progress: int | None = None
    note: str | None = Field(default=None, max_length=1000)
    author_id: int = Field(sa_type=BigInteger)
    author_name: str | None = Field(default=None, max_length=80)
    """``@username`` or the name Telegram gave for the author when the status was recorded."""
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)

    def view(self) -> StatusView:
        """The status as project cards, reports and exports show it."""
        return StatusView(self.status, self.progress, self.note, self.created_at)

    def entry(self) -> HistoryEntry:
        """The status as /historial shows it: with who recorded it."""
        return HistoryEntry(self.view(), self.author_name or str(self.author_id))
