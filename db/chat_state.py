"""Per-chat state on the reply path, written in batches after the answer is sent.

Writing each question's rows (query log, recipient, chat context) before its answer went out
would cost a transaction per question, most of the bot's CPU on the end-to-end benchmark.
:class:`ChatState` keeps those writes (and 👍/👎 votes) in memory and stores them together, one
transaction every ``flush_every`` seconds (or sooner when many are waiting), and always before
the process stops.

What that trades, on purpose:

* A process killed without a chance to stop (SIGKILL, power loss) loses at most the last
  ``flush_every`` seconds of query-log rows, votes and contexts. Nothing a person asked for is lost:
  subscriptions, reports, staff changes and broadcasts are still written before the bot answers.
* With several instances (webhook behind a balancer), another instance sees a context up to
  ``flush_every`` later; a person does not type a follow-up that fast.

A row the database refuses (text it cannot store, a missing chat id) would be refused however
often it was tried: when a batch fails that way, its rows are written one by one, and each refused
row is logged once, counted (``rejected_rows`` in /metrics) and dropped, so that one bad row never
keeps the others out. A database that cannot be reached keeps every row waiting.

What it read and wrote of contexts, report requests, zonas and its own questions is remembered
as ``db.cache.Known`` says: only when this process is the only one answering (``exclusive``).

The zona a chat chose as its own ("Mi zona") is written at once, before the bot answers: it is a
choice the person made, not a log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError, StatementError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_store import reserve_ids
from db.cache import CACHED_CHATS, UNKNOWN, Known, read_with
from db.chat_store import (
    LoggedQuestion,
    Vote,
    get_chat_context,
    get_chat_zona,
    log_queries,
    log_votes,
    save_chat_contexts,
    save_chat_zona,
)
from db.resident_store import touch_recipients
from knowledge.followup import ChatContext

log = logging.getLogger(__name__)

FLUSH_EVERY_S = 0.25
FLUSH_AT_ROWS = 500
"""Buffered rows that start a flush before the timer does."""
MAX_BUFFERED_QUESTIONS = 50_000
"""While the database is unreachable, questions wait up to this many; older ones are dropped
(and counted) so that memory stays bounded. Contexts and recipients are one row per chat."""
FAILURES_PER_WARNING = 40
"""While the database is away, one warning (with the error) every this many failed flushes."""
ID_BLOCK = 1_000
WRITE_ERRORS = (SQLAlchemyError, OSError, ValueError)
"""What writing a batch may raise: the database away or refusing, or a driver that cannot encode a
value (sqlite3 raises UnicodeEncodeError for a lone surrogate as it is)."""
REJECTING_SQLSTATES = ("22", "23")
"""PostgreSQL error classes that refuse a row's values: data exception, integrity violation."""


def rejects_values(error: BaseException) -> bool:
    """True when the database or its driver refused a row's values (text it cannot encode, a
    missing required value, a broken constraint), so that writing the row again cannot succeed;
    False when the database could not be reached or is not ready, and a later try may."""
    if isinstance(error, IntegrityError | DataError):
        return True
    driver_error = (error.orig if isinstance(error, StatementError) else None) or error
    sqlstate = getattr(driver_error, "sqlstate", None)
    if sqlstate:
        return str(sqlstate)[:2] in REJECTING_SQLSTATES
    return any(isinstance(e, ValueError) for e in (driver_error, driver_error.__cause__))


def _first_line(error: BaseException) -> str:
    """The error's first line (SQLAlchemy's next ones repeat the statement and its values)."""
    return (str(error).splitlines() or [type(error).__name__])[0][:300]


@dataclass(slots=True)
class _Batch:
    """Rows on their way to the database, by table."""

    contexts: dict[int, ChatContext] = field(default_factory=dict)
    recipients: dict[int, bool] = field(default_factory=dict)
    questions: list[LoggedQuestion] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.contexts or self.recipients or self.questions or self.votes)

    async def write(self, session: AsyncSession, at: datetime) -> None:
        await log_queries(session=session, questions=self.questions)
        await log_votes(session=session, votes=self.votes)
        await save_chat_contexts(session=session, contexts=self.contexts, at=at)
        await touch_recipients(session=session, chats=self.recipients, at=at)

    def rows(self) -> list[tuple[str, _Batch]]:
        """Each row as a batch of its own, with the name a log line gives it."""
        return [
            *((f"question {q.id}", _Batch(questions=[q])) for q in self.questions),
            *((f"vote on question {v.query_id}", _Batch(votes=[v])) for v in self.votes),
            *((f"context of chat {c}", _Batch(contexts={c: ctx})) for c, ctx in self.contexts.items()),
            *((f"recipient {c}", _Batch(recipients={c: group})) for c, group in self.recipients.items()),
        ]

    def discard(self, row: _Batch) -> None:
        """Take out a row that :meth:`rows` gave."""
        for chat_id in row.contexts:
            del self.contexts[chat_id]
        for chat_id in row.recipients:
            del self.recipients[chat_id]
        for question in row.questions:
            self.questions.remove(question)
        for vote in row.votes:
            self.votes.remove(vote)


class ChatState:
    """Contexts, recipients, the query log and votes, buffered, and each chat's own zona;
    see the module docstring."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        exclusive: bool,
        flush_every: float = FLUSH_EVERY_S,
        cached_chats: int = CACHED_CHATS,
        id_block: int = ID_BLOCK,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.exclusive = exclusive
        self.flush_every = flush_every
        self._id_block = id_block
        self._ids: range = range(0)
        self._id_lock = asyncio.Lock()
        self._flush_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # waiting to be written
        self._contexts: dict[int, ChatContext] = {}
        self._recipients: dict[int, bool] = {}
        self._questions: list[LoggedQuestion] = []
        self._votes: list[Vote] = []
        self._writing: dict[int, ChatContext] = {}  # contexts of the batch being written now
        # known state (exclusive mode only)
        self._known_contexts: Known[int, ChatContext] = Known(exclusive=exclusive, size=cached_chats)
        self._report_requests: Known[int, bool] = Known(exclusive=exclusive, size=cached_chats)
        self._known_zonas: Known[int, int | None] = Known(exclusive=exclusive, size=cached_chats)
        self._asked: Known[int, tuple[str, bool]] = Known(exclusive=exclusive, size=cached_chats)
        """Questions this process logged: query id -> (chat hash, voted)."""
        self.dropped_questions = 0
        self.failed_flushes = 0  # in a row; 0 once a flush succeeds
        self.rejected_rows = 0  # refused by the database, logged and dropped

    # Lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._flush_regularly(), name="chat-state-flush")

    async def close(self) -> None:
        """Stop the timer and write what is waiting (errors are logged, not raised)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

    def stats(self) -> dict[str, int]:
        """For /metrics: rows waiting, questions dropped while the database was away, failed
        flushes in a row, rows the database rejected."""
        return {
            "waiting": self.waiting,
            "dropped_questions": self.dropped_questions,
            "failed_flushes": self.failed_flushes,
            "rejected_rows": self.rejected_rows,
        }

    @property
    def waiting(self) -> int:
        return len(self._contexts) + len(self._recipients) + len(self._questions) + len(self._votes)

    # Reads ----------------------------------------------------------------------------------
    async def context(self, chat_id: int, *, session: AsyncSession | None = None) -> ChatContext:
        """What the chat asked last (an empty context when nothing); ``session``: the caller's,
        to read with when this process does not know."""
        known = self._known_contexts.get(chat_id)
        if known is not UNKNOWN:
            return known
        waiting = self._contexts.get(chat_id) or self._writing.get(chat_id)
        if waiting is not None:
            return waiting
        stored = await read_with(self._sessionmaker, session, get_chat_context, chat_id=chat_id)
        if chat_id not in self._contexts:  # not overtaken while reading
            self._known_contexts.put(chat_id, stored)
        return stored

    async def zona(self, chat_id: int, *, session: AsyncSession | None = None) -> int | None:
        """The zona the chat chose as its own, or None; ``session`` as in :meth:`context`."""
        return await self._known_zonas.get_or_read(
            chat_id, lambda: read_with(self._sessionmaker, session, get_chat_zona, chat_id=chat_id)
        )

    async def choose_zona(self, chat_id: int, zona: int, *, replace: bool = True) -> int:
        """Remember the chat's zona, written at once (a choice the person made, like a
        subscription, is never left in a buffer); with ``replace=False`` a zona already chosen
        stays. Returns the chat's zona."""
        async with self._sessionmaker() as session:
            chosen = await save_chat_zona(
                session=session, chat_id=chat_id, zona=zona, at=datetime.now(UTC), replace=replace
            )
            await session.commit()
        self._known_zonas.put(chat_id, chosen)
        return chosen

    def may_have_report_request(self, user_id: int) -> bool:
        """False only when this process knows the person has no open "📣 Reportar" request."""
        return self._report_requests.get(user_id) is not False

    def note_report_request(self, user_id: int, *, open_: bool) -> None:
        """Tell what the database says (or was just told) about the person's report request."""
        self._report_requests.put(user_id, open_)

    # Writes (buffered) ----------------------------------------------------------------------
    def remember(self, chat_id: int, context: ChatContext) -> None:
        self._contexts[chat_id] = context
        self._known_contexts.put(chat_id, context)
        self._nudge()

    def seen(self, chat_id: int, *, is_group: bool) -> None:
        """A chat that wrote to the bot may be written to (broadcasts, notifications)."""
        self._recipients[chat_id] = is_group
        self._nudge()

    async def log_question(
        self,
        *,
        chat_hash: str,
        question: str,
        answer_kind: str,
        confident: bool,
        zona: int | None,
        matches: Sequence[str],
    ) -> int:
        """Queue a question for the query log; returns the id it will have."""
        query_id = await self._next_id()
        self._questions.append(
            LoggedQuestion(
                id=query_id,
                chat_hash=chat_hash,
                question=question,
                answer_kind=answer_kind,
                confident=confident,
                zona=zona,
                matches=tuple(matches),
                asked_at=datetime.now(UTC),
            )
        )
        if len(self._questions) > MAX_BUFFERED_QUESTIONS:
            del self._questions[0]
            self.dropped_questions += 1
        self._asked.put(query_id, (chat_hash, False))
        self._nudge()
        return query_id

    def vote(self, query_id: int, chat_hash: str, *, useful: bool) -> bool | None:
        """👍/👎 on a question this process logged: True when counted, False when it is not this
        chat's question or was already rated; None when only the database can tell (then the
        caller checks there, after :meth:`flush`)."""
        asked = self._asked.get(query_id)
        if asked is UNKNOWN:
            return None
        asker, voted = asked
        if asker != chat_hash or voted:
            return False
        self._asked.put(query_id, (asker, True))
        self._votes.append(Vote(query_id, chat_hash, useful, datetime.now(UTC)))
        self._nudge()
        return True

    async def forget(self, chat_id: int, chat_hash: str) -> None:
        """Drop what waits to be written about a chat and what is known of it, then write the
        rest, so that deleting the chat's rows afterwards leaves nothing behind."""
        self._contexts.pop(chat_id, None)
        self._recipients.pop(chat_id, None)
        self._questions = [q for q in self._questions if q.chat_hash != chat_hash]
        self._votes = [v for v in self._votes if v.chat_hash != chat_hash]
        self._known_contexts.forget(chat_id)
        self._known_zonas.forget(chat_id)
        self._asked.forget_where(lambda asked: asked[0] == chat_hash)  # a later 👍 is not counted
        await self.flush()

    async def flush(self) -> bool:
        """Write everything waiting in one transaction; False (and kept for later) when the
        database cannot be reached. When it rejects the batch, the rows are written one by one
        and each row it rejects is logged, counted and dropped, so that the others are written."""
        async with self._flush_lock:
            batch = _Batch(self._contexts, self._recipients, self._questions, self._votes)
            if not batch:
                return True
            self._contexts, self._recipients, self._questions, self._votes = {}, {}, [], []
            self._writing = batch.contexts
            try:
                await self._write(batch)
            except WRITE_ERRORS:
                self._failed(batch)
                return False
            finally:
                self._writing = {}
            if self.failed_flushes:
                log.warning("chat state written again after %d failed tries", self.failed_flushes)
                self.failed_flushes = 0
            return True

    async def _write(self, batch: _Batch) -> None:
        try:
            async with self._sessionmaker() as session:
                await batch.write(session, datetime.now(UTC))
                await session.commit()
        except WRITE_ERRORS as error:
            if not rejects_values(error):
                raise
            await self._write_row_by_row(batch)

    async def _write_row_by_row(self, batch: _Batch) -> None:
        """Each row in its own savepoint of one transaction; a row the database rejects is
        taken out of ``batch`` (so that a later failure does not put it back)."""
        async with self._sessionmaker() as session:
            at = datetime.now(UTC)
            for name, row in batch.rows():
                try:
                    async with session.begin_nested():
                        await row.write(session, at)
                except WRITE_ERRORS as error:
                    if not rejects_values(error):
                        raise
                    batch.discard(row)
                    self.rejected_rows += 1
                    log.warning("chat state: the database rejected %s; dropped: %s", name, _first_line(error))
            await session.commit()

    def _failed(self, batch: _Batch) -> None:
        """Put the batch back in front of what came in meanwhile (newer contexts win)."""
        self.failed_flushes += 1
        if self.failed_flushes % FAILURES_PER_WARNING == 1:  # not four lines a second
            log.warning(
                "chat state not written (%d tries in a row); will retry", self.failed_flushes, exc_info=True
            )
        self._contexts = {**batch.contexts, **self._contexts}
        self._recipients = {**batch.recipients, **self._recipients}
        self._questions = [*batch.questions, *self._questions]
        self._votes = [*batch.votes, *self._votes]
        excess = len(self._questions) - MAX_BUFFERED_QUESTIONS
        if excess > 0:
            del self._questions[:excess]
            self.dropped_questions += excess

    # Internals ------------------------------------------------------------------------------
    async def _next_id(self) -> int:
        async with self._id_lock:
            if not self._ids:
                async with self._sessionmaker() as session:
                    self._ids = await reserve_ids(session=session, name="query_log", count=self._id_block)
                    await session.commit()
            query_id = self._ids[0]
            self._ids = self._ids[1:]
            return query_id

    def _nudge(self) -> None:
        if self.waiting >= FLUSH_AT_ROWS:
            self._wake.set()

    async def _flush_regularly(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.flush_every)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # a bug here must not stop future flushes
                log.exception("chat state flush failed")
