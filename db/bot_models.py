"""Tables of the bot's own bookkeeping, shared by every instance on one database: blocks of ids
handed out before rows are written, secrets it generated once, the update ids it already
handled, and actions waiting for a confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from db.models import JSON_TYPE, UtcDateTime


class IdBlockRow(SQLModel, table=True):
    """The next free id of a table whose ids are handed out in blocks before rows are written
    (the query log: a feedback button names the question before its buffered row is stored)."""

    __tablename__ = "id_block"

    name: str = Field(primary_key=True, max_length=40)
    next_id: int = Field(sa_type=BigInteger)


class StoredSecretRow(SQLModel, table=True):
    """A secret the bot generated once and every instance on this database shares (the query
    log's salt when QUERY_LOG_SALT is not set)."""

    __tablename__ = "stored_secret"

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class ProcessedUpdate(SQLModel, table=True):
    """Update ids already handled, so a redelivered update is processed once."""

    __tablename__ = "processed_update"

    update_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)


class PendingAction(SQLModel, table=True):
    """An action waiting for confirmation (a staff CSV bulk update, a resident's ground report
    draft), kept in the database so that any instance can confirm it."""

    __tablename__ = "pending_action"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    created_by: int = Field(sa_type=BigInteger)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    state: str = Field(default="draft", max_length=16)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
