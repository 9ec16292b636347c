"""Tables of what residents' chats leave behind: the context of their last question, the zona
they chose, their questions (the query log) and votes, what they follow, whether the bot may
write to them, and their ground reports.

Every row names its chat (by id, or in the query log and votes by a salted hash), so that
:func:`db.resident_store.forget_chat` can delete all of it for /olvidarme.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import JSON_TYPE, UtcDateTime
from knowledge.model import MOST_ZONAS


class ChatContextRow(SQLModel, table=True):
    """What a chat asked last, so that "¿y en la zona 10?" works on any instance."""

    __tablename__ = "chat_context"

    chat_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    question: str | None = None
    zona: int | None = None
    snip: str | None = Field(default=None, max_length=16)
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class ChatZonaRow(SQLModel, table=True):
    """The zona a chat chose as its own ("Mi zona", or the first zona it followed), so that "¿qué
    obras hay en mi zona?" needs no zona."""

    __tablename__ = "chat_zona"
    __table_args__ = (CheckConstraint(f"zona BETWEEN 1 AND {MOST_ZONAS}", name="zona"),)

    chat_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    zona: int
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class QueryLogRow(SQLModel, table=True):
    """A question and how it was answered; the chat is kept only as a salted hash."""

    __tablename__ = "query_log"

    id: int | None = Field(default=None, primary_key=True)
    chat_hash: str = Field(max_length=64, index=True)
    question: str = Field(max_length=1000)
    answer_kind: str = Field(max_length=40)
    confident: bool
    zona: int | None = Field(default=None, index=True)
    matches: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    asked_at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)


class Feedback(SQLModel, table=True):
    """👍/👎 under an answer, tied to the logged question."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    query_id: int = Field(index=True)
    chat_hash: str = Field(max_length=64)
    useful: bool
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)


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


class GroundReport(SQLModel, table=True):
    """What a resident or COCODE leader sees on the ground; never changes the official status.
    Staff review it (``reviewed_by``, ``reviewed_at``)."""

    __tablename__ = "ground_report"

    id: int | None = Field(default=None, primary_key=True)
    snip: str = Field(max_length=16, index=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    text: str = Field(max_length=2000)
    photo_file_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    reviewed_by: int | None = Field(default=None, sa_type=BigInteger)
    reviewed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
