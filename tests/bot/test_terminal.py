"""``python -m bot chat``: the same Application and handlers, on a terminal."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import SecretStr

from bot.app import build_application
from bot.settings import Settings
from bot.terminal import TerminalRequest, run_chat

WAIT_S = 20.0
"""How long a scripted line waits for the output it follows (a hang, not a speed check)."""


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


def paced(steps: list[tuple[str, str | None]], output: list[str]) -> Callable[[], str | None]:
    """Each line once the output shows the text before it ("" waits for nothing): deliveries of
    the outbox worker arrive on their own time, after the answer to the line that queued them."""
    pending = iter(steps)

    def read_line() -> str | None:
        wait_for, line = next(pending, ("", None))
        deadline = time.monotonic() + WAIT_S
        while wait_for and wait_for not in "\n".join(output) and time.monotonic() < deadline:
            time.sleep(0.02)
        return line

    return read_line


async def test_terminal_chat_shows_broadcasts_notices_and_sends_files(tmp_path: Path) -> None:
    statuses = tmp_path / "estados.csv"
    statuses.write_text("SNIP,estado,avance,nota\n242177,en_ejecucion,45,zanjeo\n999999,finalizado,,\n")
    output: list[str] = []
    steps = [
        ("", "/suscribir proyecto 242177"),
        ("Listo, le avisaré", "/anunciar todos Feria el sábado"),
        ("Vista previa del anuncio", "#1"),
        ("Anuncio enviado: 1 entregado", f"/archivo {statuses}"),
        ("1 fila lista, 1 rechazada", "#1"),
        ("Nuevo estado", f"/archivo {tmp_path / 'no-existe.csv'}"),
        ("No encuentro el archivo", "/exportar"),
        ("[archivo estado-proyectos.csv]", None),
    ]
    request = TerminalRequest(
        read_line=paced([(w or "", line) for w, line in steps], output), write=output.append
    )
    settings = Settings(
        telegram_token=SecretStr("1234:terminal-chat-without-a-real-token-000"),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
        admin_ids=(1000,),  # the terminal's person is staff
    )
    application = build_application(settings, request=request, concurrent_updates=1)
    await run_chat(application, request)
    text = "\n".join(output)
    assert "📢 Municipalidad de Mixco\nFeria el sábado" in text  # the broadcast reached the chat
    assert "Anuncio enviado: 1 entregado, 0 no entregados." in text
    assert "Línea 3: no hay proyecto con SNIP 999999" in text
    assert "Listo: 1 actualización aplicada." in text
    assert "Nuevo estado: En ejecución · 45%" in text  # the follower's notice, through the outbox
    assert f"No encuentro el archivo {tmp_path / 'no-existe.csv'}." in text
    assert "[archivo estado-proyectos.csv]" in text
