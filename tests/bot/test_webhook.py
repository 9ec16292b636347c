"""The webhook server: secret, body limits, duplicates, health, metrics, graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import text
from starlette.applications import Starlette
from telegram.ext import Application

from bot import webhook
from bot.app import build_application
from bot.metrics import Metrics
from bot.webhook import (
    ACCEPT_FAILED,
    MAX_BODY,
    MAX_DEPTH,
    MAX_UPDATE_ID,
    SECRET_HEADER,
    create_webhook_app,
    server_config,
    throttle_accept_errors,
)
from db.session import create_engine, create_sessionmaker
from knowledge.followup import ChatContext
from tests.conftest import settings_for
from tests.support.fakebotapi import FakeBotApi
from tests.support.processes import free_port
from tests.support.webhook_bots import message_update

SECRET = "s3cret-token_for-tests"


@dataclass
class Server:
    api: FakeBotApi
    client: httpx.AsyncClient
    app: Starlette
    application: Application  # type: ignore[type-arg]
    database: Path
    next_id: int = 5000

    def update(self, text: str, update_id: int | None = None) -> dict[str, Any]:
        self.next_id += 1
        user = {"id": 42, "is_bot": False, "first_name": "Ana"}
        message = {
            "message_id": self.next_id,
            "date": 1,
            "chat": {"id": 42, "type": "private"},
            "from": user,
            "text": text,
        }
        return {"update_id": update_id if update_id is not None else self.next_id, "message": message}

    async def post(self, body: bytes | dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.client.post("/telegram", content=content, headers=headers)


@pytest.fixture
async def server(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Server]:
    settings = settings_for(
        api,
        tmp_path / "hook.db",
        webhook_secret=SecretStr(SECRET),
        webhook_url="https://bot.example.org/telegram",
    )
    metrics = Metrics()
    application = build_application(settings, metrics=metrics, webhook=True)
    app = create_webhook_app(application, secret=SECRET, metrics=metrics, webhook_url=settings.webhook_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hook") as client:
            yield Server(api, client, app, application, tmp_path / "hook.db")


async def test_webhook_is_registered_with_the_secret(server: Server) -> None:
    (call,) = server.api.calls("setWebhook")
    assert call.params["url"] == "https://bot.example.org/telegram"
    assert call.params["secret_token"] == SECRET


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_wrong_or_missing_secret_is_refused_before_anything_runs(
    server: Server, secret: str | None
) -> None:
    response = await server.post(server.update("zona 6"), secret=secret)
    assert response.status_code == 403
    ok = await server.post(server.update("zona 1"))
    assert ok.status_code == 200
    (reply,) = await server.api.wait_for_sent(42)
    assert "299884" in reply.plain_text  # only the update with the right secret was answered
    assert len(server.api.sent(42)) == 1


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2, 3]", b'"text"', b'{"message": {"text": "sin update_id"}}', b""],
)
async def test_malformed_bodies_get_400(server: Server, body: bytes) -> None:
    assert (await server.post(body)).status_code == 400


async def test_oversized_body_gets_400(server: Server) -> None:
    big = json.dumps({"update_id": 1, "padding": "x" * (MAX_BODY + 10)}).encode()
    assert (await server.post(big)).status_code == 400


async def test_duplicate_update_id_is_processed_once(server: Server) -> None:
    update = server.update("proyecto 242177", update_id=777)
    assert (await server.post(update)).status_code == 200
    assert (await server.post(update)).status_code == 200
    await server.post(server.update("zona 1"))
    replies = await server.api.wait_for_sent(42, count=2)
    assert sum("242177" in r.plain_text for r in server.api.sent(42)) == 1
    assert any("299884" in r.plain_text for r in replies)


async def test_healthz_reports_database_plan_and_outbox(server: Server) -> None:
    response = await server.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "plan_loaded": True,
        "outbox_pending": 0,
        "database": "ok",
        "chat_state": "ok",
    }


async def rename_table(database: Path, old: str, new: str) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))
    finally:
        await engine.dispose()


async def test_healthz_is_degraded_while_chat_state_cannot_be_written(server: Server) -> None:
    state = server.application.bot_data.chat_state
    await rename_table(server.database, "chat_context", "chat_context_away")
    state.remember(42, ChatContext("zona 6", 6, None))
    assert await state.flush() is False
    response = await server.client.get("/healthz")
    assert response.status_code == 200  # answers still go out
    health = response.json()
    assert (health["status"], health["database"]) == ("degraded", "ok")
    assert health["chat_state"].startswith("error: ")
    await rename_table(server.database, "chat_context_away", "chat_context")
    assert await state.flush() is True
    assert (await server.client.get("/healthz")).json()["status"] == "ok"


async def test_metrics_count_updates_and_unanswered(server: Server) -> None:
    await server.post(server.update("zona 6"))
    await server.post(server.update("receta de pepián"))
    await server.api.wait_for_sent(42, count=2)
    text = (await server.client.get("/metrics")).text
    assert 'bot_updates_total{kind="message",outcome="ok"} 2.0' in text
    assert "bot_update_latency_seconds_bucket" in text
    assert "bot_unanswered_ratio 0.5" in text
    assert 'bot_chat_state{measure="failed_flushes"} 0.0' in text
    assert 'bot_chat_state{measure="dropped_questions"} 0.0' in text
    assert 'bot_chat_state{measure="rejected_rows"} 0.0' in text


async def test_metrics_count_errors_by_kind(server: Server) -> None:
    server.api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    await server.post(server.update("zona 6"))
    await server.api.wait_for("sendMessage", count=2)  # the failed answer, then the apology
    text = (await server.client.get("/metrics")).text
    assert 'bot_send_errors_total{kind="BadRequest"} 1.0' in text
    assert 'bot_updates_total{kind="message",outcome="error"} 1.0' in text


async def test_stopping_finishes_queued_updates(api: FakeBotApi, tmp_path: Path) -> None:
    settings = settings_for(api, tmp_path / "drain.db", webhook_secret=SecretStr(SECRET))
    metrics = Metrics()
    application = build_application(settings, metrics=metrics, webhook=True, concurrent_updates=1)
    app = create_webhook_app(application, secret=SECRET, metrics=metrics, webhook_url=None)
    api.delay("sendMessage", 0.1)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hook") as client:
            server = Server(api, client, app, application, tmp_path / "drain.db")
            for n in range(8):
                assert (await server.post(server.update(f"zona {n % 11 + 1}"))).status_code == 200
    assert len(api.sent(42)) == 8  # all queued updates were answered before the app stopped


@asynccontextmanager
async def silent_database() -> AsyncIterator[str]:
    """A PostgreSQL address that accepts connections and never answers (a hung server)."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.read()
        writer.close()

    listener = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        yield f"postgresql+asyncpg://nobody@127.0.0.1:{port}/gone"
    finally:
        listener.close()


@asynccontextmanager
async def broken_database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    if kind == "refused":
        yield f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/gone"
    elif kind == "not a database":
        yield f"sqlite+aiosqlite:///{tmp_path}"  # a folder
    else:
        async with silent_database() as url:
            yield url


@pytest.mark.parametrize("kind", ["refused", "not a database", "silent"])
async def test_metrics_answer_while_the_database_is_unreachable(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(webhook, "DATABASE_PROBE_TIMEOUT", 0.5)
    await server.post(server.update("zona 6"))
    await server.api.wait_for_sent(42)
    assert "bot_database_up 1.0" in (await server.client.get("/metrics")).text
    data = server.application.bot_data
    working = data.sessionmaker
    async with broken_database(kind, tmp_path) as url:
        engine = create_engine(url)
        data.sessionmaker = create_sessionmaker(engine)
        try:
            response = await server.client.get("/metrics")
            health = await server.client.get("/healthz")
        finally:
            data.sessionmaker = working
            await engine.dispose()
    assert response.status_code == 200
    assert "bot_database_up 0.0" in response.text
    assert 'bot_updates_total{kind="message",outcome="ok"} 1.0' in response.text  # still counted
    assert health.status_code == 503
    assert health.json()["database"].startswith("error: ")
    assert "bot_database_up 1.0" in (await server.client.get("/metrics")).text  # back


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "body",
    [
        nested(10_000).encode(),
        b'{"update_id": 1, "message": ' + nested(10_000).encode() + b"}",
        b'{"update_id": 1, "padding": ' + nested(MAX_DEPTH).encode() + b"}",
        json.dumps(message_update(2**64, 42, "zona 6")).encode(),
        json.dumps({"update_id": MAX_UPDATE_ID + 1}).encode(),
        json.dumps({"update_id": -1}).encode(),
        b'{"update_id": 1' + b"0" * 5000 + b"}",
    ],
    ids=["deep", "deep-field", "past-max-depth", "2**64", "2**63", "negative", "5000-digits"],
)
async def test_hostile_bodies_get_400_without_a_traceback(
    server: Server, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    response = await server.post(body)
    assert response.status_code == 400
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


async def test_the_largest_update_id_is_accepted(server: Server) -> None:
    update = server.update("zona 6", update_id=MAX_UPDATE_ID)
    update["message"]["padding"] = json.loads(nested(MAX_DEPTH - 3))  # update, message, padding
    assert (await server.post(update)).status_code == 200
    (reply,) = await server.api.wait_for_sent(42)
    assert "273703" in reply.plain_text


# --- The server: slow clients and floods ------------------------------------------------------


class InProcessServer(uvicorn.Server):
    """uvicorn in the test's event loop, without taking over its signals."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[Any] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


@asynccontextmanager
async def serving(
    api: FakeBotApi, tmp_path: Path, *, header_timeout: float, body_timeout: float, max_connections: int
) -> AsyncIterator[tuple[str, int]]:
    """The webhook app behind the same uvicorn configuration as ``python -m bot webhook``, on
    127.0.0.1; yields (host, port)."""
    settings = settings_for(api, tmp_path / "served.db", webhook_secret=SecretStr(SECRET))
    metrics = Metrics()
    application = build_application(settings, metrics=metrics, webhook=True)
    app = create_webhook_app(application, secret=SECRET, metrics=metrics, webhook_url=None)
    config = server_config(
        app,
        host="127.0.0.1",
        port=0,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        max_connections=max_connections,
    )
    uvicorn_server = InProcessServer(config)
    task = asyncio.create_task(uvicorn_server.serve())
    try:
        ready = asyncio.create_task(uvicorn_server.ready.wait())
        await asyncio.wait({task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        assert uvicorn_server.started, "uvicorn did not start"
        host, port = uvicorn_server.servers[0].sockets[0].getsockname()[:2]
        yield host, port
    finally:
        uvicorn_server.should_exit = True
        await task


async def slow_client(
    address: tuple[str, int], head: bytes
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection that sends ``head`` and then nothing."""
    reader, writer = await asyncio.open_connection(*address)
    writer.write(head)
    await writer.drain()
    return reader, writer


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    with contextlib.suppress(ConnectionError):
        await reader.read()
    return True


PARTIAL_HEAD = b"POST /telegram HTTP/1.1\r\nHost: hook\r\nX-Slow: "
PARTIAL_BODY = (
    f"POST /telegram HTTP/1.1\r\nHost: hook\r\n{SECRET_HEADER}: {SECRET}\r\n"
    "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n"
    '{"update_id": 1, '
).encode()


async def test_slow_clients_are_closed_and_healthz_still_answers(
    api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(api, tmp_path, header_timeout=0.5, body_timeout=0.5, max_connections=100) as address:
        slow = [await slow_client(address, PARTIAL_HEAD) for _ in range(20)]
        slow += [await slow_client(address, PARTIAL_BODY) for _ in range(5)]
        async with httpx.AsyncClient(base_url=f"http://{address[0]}:{address[1]}") as client:
            assert (await client.get("/healthz")).status_code == 200
        async with asyncio.timeout(10):
            closed = await asyncio.gather(*(closed_by_server(reader) for reader, _ in slow))
        for _, writer in slow:
            writer.close()
    assert closed == [True] * 25
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []  # a cut-off body is no error


async def test_a_flood_of_connections_closes_the_oldest_slow_ones(api: FakeBotApi, tmp_path: Path) -> None:
    limit = 10
    async with serving(api, tmp_path, header_timeout=60, body_timeout=60, max_connections=limit) as address:
        slow = [await slow_client(address, PARTIAL_HEAD) for _ in range(30)]
        async with httpx.AsyncClient(base_url=f"http://{address[0]}:{address[1]}") as client:
            assert (await client.get("/healthz")).status_code == 200  # the 31st still gets in
        oldest, newest = slow[: 30 - (limit - 1)], slow[30 - (limit - 1) :]
        async with asyncio.timeout(10):
            await asyncio.gather(*(closed_by_server(reader) for reader, _ in oldest))
        for reader, writer in newest:  # still open: they finish their request and get an answer
            writer.write(b"x\r\n\r\n")
            status_line = await asyncio.wait_for(reader.readline(), 10)
            assert status_line.startswith(b"HTTP/1.1 403")
        for _, writer in slow:
            writer.close()


def test_accept_failures_are_reported_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    loop = asyncio.new_event_loop()
    try:
        throttle_accept_errors(loop)
        failure = OSError(errno.EMFILE, "Too many open files")
        with caplog.at_level(logging.DEBUG):
            for _ in range(5_000):  # what asyncio does when the open-file limit is reached
                loop.call_exception_handler({"message": ACCEPT_FAILED, "exception": failure})
            loop.call_exception_handler({"message": "something else"})
    finally:
        loop.close()
    lines = [r.getMessage() for r in caplog.records]
    assert (
        lines[0]
        == "cannot accept connections: [Errno 24] Too many open files (count since the last report: 1)"
    )
    assert lines[1:] == ["something else"]
    assert not caplog.records[0].exc_info
