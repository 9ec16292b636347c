"""Tables for staff work and delivery: roles, audit, project status, subscriptions, the outbox,
ground reports and feedback. None of them is plan data, so a plan reload never touches them;
projects are referred to by their SNIP string."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import JSON_TYPE, UtcDateTime
from knowledge.staff import BROADCAST_TEXT_MAX, HistoryEntry, StatusView

STATUSES = ("planificado", "en_ejecucion", "suspendido", "finalizado")


class StaffMember(SQLModel, table=True):
    """Who may use staff commands. ``role`` is "admin" (may manage staff) or "staff"."""

    __tablename__ = "staff_member"

    user_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    role: str = Field(max_length=16)
    added_by: int | None = Field(default=None, sa_type=BigInteger)
    added_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class AuditEntry(SQLModel, table=True):
    """Every staff action: who, what, when, and the data before and after."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(sa_type=BigInteger, index=True)
    action: str = Field(max_length=40)
    target: str = Field(max_length=120)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON_TYPE)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON_TYPE)
    at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)


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


class Subscription(SQLModel, table=True):
    """A chat (private or group) following a zona ("zona", "6") or a project ("proyecto", SNIP)."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("chat_id", "kind", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    kind: str = Field(max_length=16)
    key: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class Recipient(SQLModel, table=True):
    """A chat the bot may message; ``active`` turns false when it blocked the bot or is gone."""

    __tablename__ = "recipient"

    chat_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    is_group: bool = False
    active: bool = True
    inactive_reason: str | None = Field(default=None, max_length=200)
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class Broadcast(SQLModel, table=True):
    """A message to many chats: a staff announcement or a project status notification.

    ``state``: draft (preview shown, not confirmed) → sending → done, or cancelled.
    """

    __tablename__ = "broadcast"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    audience: str = Field(max_length=40)
    text: str = Field(max_length=BROADCAST_TEXT_MAX)
    state: str = Field(max_length=16, index=True)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    preview_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    preview_message_id: int | None = None
    total: int = 0


class Delivery(SQLModel, table=True):
    """One recipient of a broadcast: the outbox row a worker claims with a lease and sends.

    ``status``: pending → sent, or failed (with ``last_error``) / inactive (blocked, chat gone).
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "chat_id"),
        Index("ix_delivery_claim", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", index=True)
    chat_id: int = Field(sa_type=BigInteger)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = Field(default=None, max_length=300)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class GroundReport(SQLModel, table=True):
    """What a resident or COCODE leader sees on the ground; never changes the official status."""

    __tablename__ = "ground_report"

    id: int | None = Field(default=None, primary_key=True)
    snip: str = Field(max_length=16, index=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    text: str = Field(max_length=2000)
    photo_file_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    reviewed_by: int | None = Field(default=None, sa_type=BigInteger)
    reviewed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Feedback(SQLModel, table=True):
    """👍/👎 under an answer, tied to the logged question."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    query_id: int = Field(index=True)
    chat_hash: str = Field(max_length=64)
    useful: bool
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class PendingAction(SQLModel, table=True):
    """A staff action waiting for confirmation (CSV bulk update), kept in the DB so that any
    instance can confirm it."""

    __tablename__ = "pending_action"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    created_by: int = Field(sa_type=BigInteger)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    state: str = Field(default="draft", max_length=16)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class ProcessedUpdate(SQLModel, table=True):
    """Update ids already handled, so a redelivered update is processed once."""

    __tablename__ = "processed_update"

    update_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)
