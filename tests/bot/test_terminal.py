"""``python -m bot chat``: the same Application and handlers, on a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import SecretStr

from bot.app import build_application
from bot.settings import Settings
from bot.terminal import TerminalRequest, run_chat


def scripted(lines: list[str]) -> Iterator[str | None]:
    yield from lines
    while True:
        yield None


async def test_terminal_chat_answers_and_presses_buttons(tmp_path: Path) -> None:
    script = scripted(["/start", "#1", "#3", "cuanto viene del iusi", "receta de pepián"])
    output: list[str] = []
    request = TerminalRequest(read_line=lambda: next(script), write=output.append)
    settings = Settings(
        telegram_token=SecretStr("1234:terminal-chat-without-a-real-token-000"),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
    )
    application = build_application(settings, request=request, concurrent_updates=1, run_outbox=False)
    await run_chat(application, request)
    text = "\n".join(output)
    assert "Bienvenido" in text
    assert "[1] Mi zona" in text
    assert "¿En qué zona vive?" in text  # "#1" pressed "Mi zona" (no zona chosen yet)
    assert "Zona 3 de Mixco" in text  # "#3" pressed zona 3 in the picker
    assert "recordaré que su zona es la 3" in text
    assert "Q 268,817,000.00" in text
    assert "Eso no está en el plan" in text
    assert "<b>" not in text
