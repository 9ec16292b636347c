"""Typed shared state for handlers (PTB ``ContextTypes`` with a ``BotData`` dataclass)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import CallbackContext, ExtBot

from db.chat_state import ChatState
from db.staff_cache import StaffCache
from knowledge.answers import Answerer


@dataclass
class BotData:
    """Services every handler may use; filled in by the composition root in ``post_init``.

    PTB creates it with no arguments, hence the defaults; ``ready`` tells whether it was filled.
    """

    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    answerer: Answerer | None = None
    chat_state: ChatState | None = None
    """Contexts, recipients and the query log, written in batches off the reply path."""
    staff_cache: StaffCache | None = None
    """Project statuses and roles, as project cards read them."""
    query_log_salt: str = ""
    admin_ids: tuple[int, ...] = ()
    notify_window: timedelta = timedelta(minutes=10)
    """A follower gets at most one status notice per project per window (NOTIFY_WINDOW_MINUTES)."""
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
    photo_cache: dict[str, str] = field(default_factory=dict)
    """Telegram file_id of each chart already uploaded, by chart key."""
    charts_drawn: asyncio.Future[dict[str, bytes]] | None = None
    """Every chart of the plan as PNG, drawn together the first time one is asked for."""

    @property
    def ready(self) -> bool:
        services = (self.sessionmaker, self.answerer, self.chat_state, self.staff_cache)
        return all(service is not None for service in services)

    def services(self) -> tuple[async_sessionmaker[AsyncSession], Answerer]:
        if self.sessionmaker is None or self.answerer is None:
            raise RuntimeError("BotData used before post_init filled it")
        return self.sessionmaker, self.answerer

    def state(self) -> ChatState:
        if self.chat_state is None:
            raise RuntimeError("BotData used before post_init filled it")
        return self.chat_state

    def staff(self) -> StaffCache:
        if self.staff_cache is None:
            raise RuntimeError("BotData used before post_init filled it")
        return self.staff_cache


Context = CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]
