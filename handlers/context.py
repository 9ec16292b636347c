"""What every handler gets with an update: ``Context``, a ``CallbackContext`` subclass (as in
python-telegram-bot's ``examples/contexttypesbot.py``) whose properties are the services a handler
uses, over ``BotData``, the shared state the composition root fills in ``post_init``.

A handler reads ``context.answerer``, ``context.chat_state``, ``context.staff`` …; it opens a
database session with ``async with context.session() as session:`` and closes it before it calls
Telegram, so that no connection waits on a network round trip. ``on_message`` and
``on_message_from`` give a handler the update's message (and its sender) or skip the update.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update, User
from telegram.ext import Application, CallbackContext, ExtBot

from db.chat_state import ChatState
from db.staff_cache import StaffCache
from handlers.edition_service import Editions
from handlers.staff_service import Staff
from knowledge.answers import Answerer
from knowledge.editions import PlanEditions

T = TypeVar("T")


@dataclass
class BotData:
    """Services every handler may use; filled in by the composition root in ``post_init``.

    PTB creates it with no arguments, hence the defaults; ``ready`` tells whether it was filled.
    """

    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    answerer: Answerer | None = None
    """The current edition's answerer."""
    plan_editions: PlanEditions | None = None
    """The current edition and the older ones kept: what free-text questions are answered with."""
    chat_state: ChatState | None = None
    """Contexts, recipients and the query log, written in batches off the reply path."""
    staff_cache: StaffCache | None = None
    """Project statuses, roles and what each chat follows, as cards read them."""
    staff: Staff | None = None
    """Who is staff, their menus, and what they do (``handlers.staff_service``)."""
    editions: Editions | None = None
    """Staff loading an edition of the plan from Telegram (``handlers.edition_service``)."""
    plan_listeners: list[Callable[[Answerer], None]] = field(default_factory=list)
    """Told of every answerer a newly loaded plan brings (the web explorer's ``Sources``)."""
    query_log_salt: str = ""
    report_mode: timedelta = timedelta(minutes=10)
    """How long after "📣 Reportar avance" messages make the report's draft (REPORT_MODE_MINUTES)."""
    answer_observer: Callable[[bool], None] | None = None
    """Told whether each question was answered from the plan (metrics)."""
    error_observer: Callable[[str], None] | None = None
    """Told the kind of every error a handler raised (metrics)."""
    outbox_stats: Callable[[], dict[str, int]] | None = None
    """This instance's outbox worker's counts (sent, retry, failed, inactive, rate_limited …)."""
    outbox_wakeup: Callable[[], None] | None = None
    """Tells this instance's outbox worker that deliveries were just queued."""
    failed_updates: set[int] = field(default_factory=set)
    """Ids of updates whose handler failed, for the per-update log line."""
    webapp_url: str | None = None
    """The plan explorer's public address (WEBAPP_URL): zona and project answers and the welcome
    get a "Ver el plan" button that opens it; None, no such button."""
    photo_cache: dict[str, str] = field(default_factory=dict)
    """Telegram file_id of each chart already uploaded, by chart key."""
    charts_drawn: asyncio.Future[dict[str, bytes]] | None = None
    """Every chart of the plan as PNG, drawn together the first time one is asked for."""

    @property
    def ready(self) -> bool:
        services = (self.sessionmaker, self.answerer, self.chat_state, self.staff_cache, self.staff)
        return all(service is not None for service in services)

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return filled(self.sessionmaker)

    def use_editions(self, editions: PlanEditions) -> None:
        """Answer with ``editions`` from now on: the handlers' free-text questions, and, when its
        current edition is another (a newly loaded plan), the handlers' answerer, the staff
        service and whoever listens; the charts drawn of the old plan are forgotten. Every path
        that changes the plan in memory comes here: an edition loaded in this process, and one
        another process loaded (``Editions.follow``)."""
        new_current = editions.current is not self.answerer
        self.answerer, self.plan_editions = editions.current, editions
        if not new_current:
            return
        if self.staff is not None:
            self.staff.use(editions.current)
        self.photo_cache.clear()
        self.charts_drawn = None
        for listener in self.plan_listeners:
            listener(editions.current)

    def editions_now(self) -> PlanEditions:
        """The editions answered with now (the current one and the older ones kept)."""
        return filled(self.plan_editions)

    def wake_outbox(self) -> None:
        """Tell this instance's outbox worker that deliveries were queued (none runs here: no-op)."""
        if self.outbox_wakeup is not None:
            self.outbox_wakeup()


def filled(service: T | None) -> T:
    if service is None:
        raise RuntimeError("BotData used before post_init filled it")
    return service


class Context(CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]):
    """The ``context`` of every handler: the services, and the update's sender's role."""

    __slots__ = ("_role", "_sender_id")

    def __init__(
        self,
        application: Application[Any, Context, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._sender_id = user_id
        self._role: tuple[str | None] | None = None  # read once per update

    @property
    def answerer(self) -> Answerer:
        return filled(self.bot_data.answerer)

    @property
    def plan_editions(self) -> PlanEditions:
        return filled(self.bot_data.plan_editions)

    @property
    def chat_state(self) -> ChatState:
        return filled(self.bot_data.chat_state)

    @property
    def staff_cache(self) -> StaffCache:
        return filled(self.bot_data.staff_cache)

    @property
    def staff(self) -> Staff:
        return filled(self.bot_data.staff)

    @property
    def editions(self) -> Editions:
        return filled(self.bot_data.editions)

    @property
    def webapp_url(self) -> str | None:
        return self.bot_data.webapp_url

    def session(self) -> AsyncSession:
        """A new database session: ``async with context.session() as session:``; it takes a
        connection only when it first reads or writes, and gives it back when the block ends."""
        return self.bot_data.sessions()()

    async def role(self) -> str | None:
        """The role of the update's sender ("admin", "staff" or None), read from the database
        once per update (``Staff.role``)."""
        if self._role is None:
            self._role = (await self.staff.role(self._sender_id),)
        return self._role[0]

    def wake_outbox(self) -> None:
        self.bot_data.wake_outbox()


UpdateHandler = Callable[[Update, Context], Coroutine[Any, Any, None]]
MessageHandler = Callable[[Message, Context], Awaitable[None]]
SenderHandler = Callable[[Message, User, Context], Awaitable[None]]


def on_message(handle: MessageHandler) -> UpdateHandler:
    """A handler of the update's message; an update without one is not for it."""

    @wraps(handle)
    async def handler(update: Update, context: Context) -> None:
        if update.effective_message is not None:
            await handle(update.effective_message, context)

    return handler


def on_message_from(handle: SenderHandler) -> UpdateHandler:
    """A handler of the update's message and its sender; an update without both is not for it."""

    @wraps(handle)
    async def handler(update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is not None and user is not None:
            await handle(message, user, context)

    return handler
