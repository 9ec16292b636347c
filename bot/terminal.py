"""``python -m bot chat``: talk to the bot in a terminal, without a token, through the same
Application and handlers. A local stand-in for the Bot API answers the bot's requests: what
the person types becomes an update, and what the bot sends is printed."""

from __future__ import annotations

import asyncio
import html
import json
import mimetypes
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from telegram.request import BaseRequest, RequestData

from knowledge import catalog as t

BOT_USER = {
    "id": 1,
    "is_bot": True,
    "first_name": "Mixco Plan Bot",
    "username": "mixco_plan_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
PERSON = {"id": 1000, "is_bot": False, "first_name": "Vecino", "language_code": "es"}
CHAT = {"id": 1000, "type": "private", "first_name": "Vecino"}
TAG = re.compile(r"<[^>]+>")
PROMPT = "> "
ANSWER_WAIT = 15.0
QUIET = 0.2
SEND_FILE = re.compile(r"/archivo\s+(?P<path>.+)")
MAX_FILE_BYTES = 20_000_000
"""What the Bot API lets a bot download."""


class TerminalRequest(BaseRequest):
    """A Bot API stand-in on stdin/stdout. ``read_line`` is injectable for tests."""

    def __init__(
        self, read_line: Callable[[], str | None] | None = None, write: Callable[[str], None] = print
    ) -> None:
        self.read_line = read_line or _input_line
        self.write = write
        self.closed = asyncio.Event()
        self.update_id = 0
        self.message_id = 0
        self.last_buttons: list[tuple[str, str]] = []
        self.last_message: dict[str, Any] | None = None
        self.answered = asyncio.Event()
        self.answered.set()
        self.last_output = 0.0
        self.files: dict[str, bytes] = {}
        """Files sent with /archivo, by file_id, for getFile and the download."""

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *_args: Any, **_kwargs: Any
    ) -> tuple[int, bytes]:
        if method == "GET":  # a file download: the URL ends with the file's path, its file_id here
            return 200, self.files.get(url.rsplit("/", 1)[-1], b"")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None:
            params["_files"] = [name for name, *_ in request_data.multipart_data.values()]
        result = await self.answer(api_method, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    async def answer(self, api_method: str, params: dict[str, Any]) -> object:
        if api_method == "getMe":
            return BOT_USER
        if api_method == "getUpdates":
            return await self.next_updates()
        if api_method == "getFile":
            file_id = str(params.get("file_id", ""))
            size = len(self.files.get(file_id, b""))
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": size, "file_path": file_id}
        if api_method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"):
            return self.show(params)
        if api_method == "answerCallbackQuery":
            if params.get("text"):
                self.write(f"  ({params['text']})")
            self.mark_output()
        return True

    def mark_output(self) -> None:
        self.last_output = time.monotonic()
        self.answered.set()

    async def wait_for_answer(self) -> None:
        """Read the next line only once the bot has answered the last one (and gone quiet), so that
        "#2" refers to the buttons the person is looking at."""
        try:
            await asyncio.wait_for(self.answered.wait(), ANSWER_WAIT)
        except TimeoutError:
            return
        for _ in range(int(ANSWER_WAIT / QUIET)):
            quiet_for = time.monotonic() - self.last_output
            if quiet_for >= QUIET:
                return
            await asyncio.sleep(QUIET - quiet_for)

    async def next_updates(self) -> list[dict[str, Any]]:
        if self.closed.is_set():
            return []
        await self.wait_for_answer()
        line = await asyncio.to_thread(self.read_line)
        if line is None:
            self.closed.set()
            return []
        line = line.strip()
        if not line:
            return []
        self.answered.clear()
        self.update_id += 1
        sent_file = SEND_FILE.fullmatch(line)
        if sent_file:
            return await self.document_update(sent_file.group("path").strip())
        pressed = re.fullmatch(r"#(\d+)", line)
        if pressed and self.last_message and 0 < int(pressed.group(1)) <= len(self.last_buttons):
            data = self.last_buttons[int(pressed.group(1)) - 1][1]
            query = {
                "id": str(self.update_id),
                "from": PERSON,
                "chat_instance": "1",
                "data": data,
                "message": self.last_message,
            }
            return [{"update_id": self.update_id, "callback_query": query}]
        self.message_id += 1
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": CHAT,
            "from": PERSON,
            "text": line,
        }
        if line.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(line.split()[0])}]
        return [{"update_id": self.update_id, "message": message}]

    async def document_update(self, path: str) -> list[dict[str, Any]]:
        """``/archivo RUTA``: the file, as a document the person sends (a CSV of statuses …)."""
        data = await asyncio.to_thread(_read_file, path)
        if data is None or len(data) > MAX_FILE_BYTES:
            self.write(t.TERMINAL_FILE_MISSING.format(path=path))
            self.mark_output()
            return []
        file_id = f"file{self.update_id}"
        self.files[file_id] = data
        self.message_id += 1
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": PurePath(path).name,
            "mime_type": mimetypes.guess_type(PurePath(path).name)[0] or "application/octet-stream",
            "file_size": len(data),
        }
        message = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": CHAT,
            "from": PERSON,
            "document": document,
        }
        return [{"update_id": self.update_id, "message": message}]

    def show(self, params: dict[str, Any]) -> dict[str, Any]:
        text = str(params.get("text") or params.get("caption") or "")
        files = [str(name) for name in params.get("_files", []) if name]
        if "photo" in params:
            self.write(f"[imagen] {text}")
        elif files:
            self.write(" ".join([*(t.TERMINAL_FILE_SENT.format(name=name) for name in files), text]).strip())
        else:
            self.write(html.unescape(TAG.sub("", text)))
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        buttons = [
            (b["text"], b.get("callback_data", ""))
            for row in (markup or {}).get("inline_keyboard", [])
            for b in row
            if "callback_data" in b
        ]
        if buttons:
            self.last_buttons = buttons
            self.write("  " + "  ".join(f"[{n}] {label}" for n, (label, _) in enumerate(buttons, 1)))
        self.message_id += 1
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": CHAT,
            "from": BOT_USER,
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        if "photo" in params:
            message = {
                **message,
                "photo": [
                    {"file_id": f"photo{self.message_id}", "file_unique_id": "u", "width": 800, "height": 450}
                ],
            }
        self.last_message = message
        self.mark_output()
        return message


def _read_file(path: str) -> bytes | None:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError:
        return None


def _input_line() -> str | None:
    try:
        return input(PROMPT)
    except EOFError:
        return None


async def run_chat(application: Any, request: TerminalRequest) -> None:
    """Run the Application until the person closes the input."""
    request.write(t.TERMINAL_HELP)
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=0)
        try:
            await request.closed.wait()
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
    sys.stdout.flush()
