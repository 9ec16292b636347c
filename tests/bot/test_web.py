"""The Mini App's servers (the plan explorer and the staff console): ``python -m bot web`` alone
(beside a bot that polls), and the webhook server, which serves it at ``/app`` beside
``POST /telegram``."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import select
from starlette.applications import Starlette

from bot.app import build_application
from bot.metrics import Metrics
from bot.settings import Settings
from bot.web import create_web_app
from bot.webhook import create_webhook_app
from db.session import create_engine, create_sessionmaker
from db.staff_models import ProjectStatus
from db.staff_store import add_status
from knowledge import catalog as t
from tests.conftest import settings_for
from tests.support.fakebotapi import FakeBotApi
from tests.support.followers import follow
from tests.support.initdata import person, signed_init_data
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


STAFF = 700_000_050
RESIDENT = 100_000_050


def as_person(api: FakeBotApi, user_id: int, key: str | None = None) -> dict[str, str]:
    """The headers of a console call from ``user_id``'s Mini App (and its Idempotency-Key)."""
    headers = {"Authorization": "tma " + signed_init_data(api.token, person(user_id, username="ana"))}
    return {**headers, "Idempotency-Key": key} if key else headers


async def test_web_serves_the_staff_console_on_the_bots_database(api: FakeBotApi, database_url: str) -> None:
    """Beside a bot that polls: the console records what staff do in the database the bot reads;
    the deliveries are left to the bot's outbox worker (this process sends nothing)."""
    app = create_web_app(settings_for(api, database_url, admin_ids=(STAFF,)), status_ttl=0)
    async with app.router.lifespan_context(app), client_of(app) as client:
        assert (await client.get("/app/api/yo", headers=as_person(api, STAFF))).json() == {
            "name": "@ana",
            "role": "admin",
        }
        assert (await client.get("/app/api/yo", headers=as_person(api, RESIDENT))).status_code == 403
        change = {"status": "finalizado", "progress": 100, "note": "entregado"}
        path = "/app/api/proyectos/206213/estado"
        saved = await client.post(path, json=change, headers=as_person(api, STAFF, "web-console-key-01"))
        assert saved.status_code == 200, saved.text
        assert t.STATUS_LABELS["finalizado"] in (await client.get("/app/zona/10")).text
        page = await client.get("/app/consola/")
        assert page.status_code == 200
        assert "connect-src 'self'" in page.headers["content-security-policy"]
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.exec(select(ProjectStatus))).all()
    finally:
        await engine.dispose()
    assert [(r.snip, r.status, r.author_id, r.author_name) for r in rows] == [
        ("206213", "finalizado", STAFF, "@ana")
    ]
    assert api.calls("sendMessage") == []


async def test_without_a_token_the_console_of_web_is_off(tmp_path: Path) -> None:
    app = create_web_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"))
    async with app.router.lifespan_context(app), client_of(app) as client:
        response = await client.get("/app/api/yo", headers={"Authorization": "tma x"})
    assert (response.status_code, response.json()) == (503, {"error": t.CONSOLE_OFF})


async def test_the_webhook_server_serves_the_console_and_its_notices_go_out(
    api: FakeBotApi, tmp_path: Path
) -> None:
    secret = "s3cret-token_for-tests"
    database = tmp_path / "hook.db"
    settings = settings_for(api, database, webhook_secret=SecretStr(secret), admin_ids=(STAFF,))
    metrics = Metrics()
    application = build_application(settings, metrics=metrics, webhook=True)
    app = create_webhook_app(application, secret=secret, metrics=metrics, webhook_url=None)
    async with app.router.lifespan_context(app), client_of(app) as client:
        engine = create_engine(f"sqlite+aiosqlite:///{database}")
        try:
            await follow(create_sessionmaker(engine), RESIDENT, "proyecto", "242177")
        finally:
            await engine.dispose()
        mark = api.mark()
        change = {"status": "en_ejecucion", "progress": 35, "note": "zanjeo"}
        saved = await client.post(
            "/app/api/proyectos/242177/estado",
            json=change,
            headers=as_person(api, STAFF, "hook-console-key-1"),
        )
        assert saved.json()["notified"] == 1
        (notice,) = await api.wait_for_sent(RESIDENT, since=mark)  # sent by this process's outbox worker
        assert "En ejecución · 35%" in notice.plain_text
        forged = {"Authorization": "tma " + signed_init_data("1:" + "x" * 35, person(STAFF))}
        assert (await client.get("/app/api/yo", headers=forged)).status_code == 401
