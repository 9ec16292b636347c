"""Tables of the outbox: a broadcast (a staff announcement or a status notice) and one delivery
row per chat it goes to, which a worker claims with a lease and sends (``db.outbox_store``,
``bot.outbox``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import UtcDateTime
from knowledge.staff import BROADCAST_TEXT_MAX


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
