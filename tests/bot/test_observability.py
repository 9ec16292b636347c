"""The program's logging set-up: no log line shows the bot token or another secret."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.observability import REDACTED, configure_logging
from tests.conftest import running_bot, settings_for
from tests.support.fakebotapi import FakeBotApi

WEBHOOK_SECRET = "hook-secret-that-must-not-be-logged"


class Recorder(logging.Handler):
    """Added after the program's handler: sees each record as that handler left it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def recorder() -> Recorder:
    """(The root logger is put back after each test by conftest's ``root_logging``.)"""
    return Recorder()


def record_texts(records: list[logging.LogRecord]) -> list[str]:
    return [f"{r.getMessage()}\n{r.exc_text or ''}\n{r.stack_info or ''}" for r in records]


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_a_bot_at_debug_never_logs_its_token(
    api: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], recorder: Recorder, fmt: str
) -> None:
    settings = settings_for(api, tmp_path / "bot.db", webhook_secret=SecretStr(WEBHOOK_SECRET))
    configure_logging("DEBUG", fmt, secrets=settings.secrets())
    logging.getLogger().addHandler(recorder)
    async with running_bot(api, settings):
        api.send_text(api.user_id, "zona 6")
        await api.wait_for_sent(api.user_id)
    lines = capsys.readouterr().err.splitlines()
    messages = [json.loads(line)["message"] for line in lines] if fmt == "json" else lines
    # PTB's own line is there, with the token taken out.
    assert any(f"Set Bot API URL: {api.url}/bot{REDACTED}" in m for m in messages), lines[:20]
    assert len(lines) > 50  # DEBUG really was on
    assert [line for line in lines if api.token in line] == []
    assert [t for t in record_texts(recorder.records) if api.token in t] == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_logger_and_level_is_redacted(
    capsys: pytest.CaptureFixture[str], recorder: Recorder, fmt: str
) -> None:
    token = "123456789:AAHfakeTokenForTheLogsTestOnly_0123456789"
    other = "987654321:AAHanotherBotsTokenNobodyConfigured_xyz"
    configure_logging("DEBUG", fmt, secrets=[token, WEBHOOK_SECRET])
    logging.getLogger().addHandler(recorder)
    url = f"https://api.telegram.org/bot{token}/getMe"
    logging.getLogger("httpx").warning('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
    logging.getLogger("telegram.Bot").debug("Calling setWebhook with %s", {"secret_token": WEBHOOK_SECRET})
    logging.getLogger("some.library").error("quoted: bot%s", token.replace(":", "%3A"))
    logging.getLogger().info("another bot: %s", other)
    logging.getLogger("aiohttp.client").critical("malformed %s %s", url)
    try:
        raise ConnectionError(f"Cannot connect to {url}")
    except ConnectionError:
        logging.getLogger("bot.app").exception("failed", stack_info=True)
    output = capsys.readouterr().err
    texts = record_texts(recorder.records)
    assert len(recorder.records) == 6
    assert output.count(REDACTED) == 6  # one in each message, one in the traceback
    for secret in (token, token.replace(":", "%3A"), other, WEBHOOK_SECRET, "AAHfakeToken"):
        assert secret not in output
        assert not any(secret in text for text in texts)
    assert "Cannot connect to https://api.telegram.org/bot" in output  # the rest of the text stays
