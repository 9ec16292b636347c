"""The plan explorer's servers: ``python -m bot web`` alone (beside a bot that polls), and the
webhook server, which serves it at ``/app`` beside ``POST /telegram``."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from bot.app import build_application
from bot.observability import Metrics
from bot.settings import Settings
from bot.web import create_web_app
from bot.webhook import create_webhook_app
from db.session import create_engine, create_sessionmaker
from db.staff_store import add_status
from knowledge import catalog as t
from tests.conftest import settings_for
from tests.support.fakebotapi import FakeBotApi
from tests.support.processes import free_port
from tests.support.webhook_bots import spawn_bot


@pytest.fixture
async def web(api: FakeBotApi, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """``python -m bot web``'s app, started as uvicorn starts it (its lifespan)."""
    app = create_web_app(settings_for(api, database_url), status_ttl=0)
    async with app.router.lifespan_context(app), client_of(app) as client:
        yield client


def client_of(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://plan")


async def test_web_serves_the_explorer_with_the_bots_follow_link(
    web: httpx.AsyncClient, api: FakeBotApi
) -> None:
    response = await web.get("/app/proyecto/242177")
    assert response.status_code == 200
    assert f"https://t.me/{api.bot_user['username']}?start=p_242177" in response.text
    assert (await web.get("/healthz")).json() == {"status": "ok", "plan_loaded": True, "database": "ok"}
    root = await web.get("/")
    assert root.status_code == 307
    assert root.headers["location"] == "/app/"
    assert [call.method for call in api.calls()] == ["getMe"]  # asked once, for the username


async def test_a_status_another_process_records_shows_on_the_next_page(
    web: httpx.AsyncClient, api: FakeBotApi, database_url: str
) -> None:
    """The bot that polls writes statuses in its own process; the explorer reads them."""
    before = await web.get("/app/zona/10")
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await add_status(
                session=session, snip="206213", status="finalizado", progress=100, note=None, author_id=1
            )
            await session.commit()
    finally:
        await engine.dispose()
    after = await web.get("/app/zona/10", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert t.STATUS_LABELS["finalizado"] in after.text
    assert api.calls("sendMessage") == []


async def test_without_a_token_web_runs_and_shows_no_follow_link(tmp_path: Path) -> None:
    app = create_web_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"))
    async with app.router.lifespan_context(app), client_of(app) as client:
        response = await client.get("/app/proyecto/242177")
    assert response.status_code == 200
    assert "t.me/" not in response.text


async def test_the_webhook_server_serves_the_explorer_beside_telegram(
    api: FakeBotApi, tmp_path: Path
) -> None:
    secret = "s3cret-token_for-tests"
    settings = settings_for(api, tmp_path / "hook.db", webhook_secret=SecretStr(secret))
    metrics = Metrics()
    application = build_application(settings, metrics=metrics, webhook=True)
    app = create_webhook_app(application, secret=secret, metrics=metrics, webhook_url=None)
    async with app.router.lifespan_context(app), client_of(app) as client:
        page = await client.get("/app/zona/6")
        assert page.status_code == 200
        assert "273703" in page.text
        follow = await client.get("/app/proyecto/273703")
        assert f"https://t.me/{api.bot_user['username']}?start=p_273703" in follow.text
        assert (await client.get("/app/zona/99")).status_code == 404
        assert (await client.get("/healthz")).status_code == 200


async def test_python_m_bot_web_serves_on_web_port_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'web.db'}",
        "WEB_PORT": str(port),
        "WEBHOOK_LISTEN": "127.0.0.1",
    }
    env.pop("TELEGRAM_TOKEN", None)
    server = await spawn_bot("web", env, tmp_path / "web.log", port)
    try:
        async with httpx.AsyncClient() as client:
            await server.wait_healthy(client, timeout=60)
            page = await client.get(f"{server.url}/app/financiamiento")
        assert page.status_code == 200
        assert "Q 688,310,200.00" in page.text
    finally:
        code = await server.stop()  # SIGTERM: uvicorn finishes, then exits by the same signal
    assert code in (0, -signal.SIGTERM)
    assert server.error_lines() == 0, server.log_tail()
