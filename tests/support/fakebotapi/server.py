"""The fake Bot API server: uvicorn serving the Bot API methods on 127.0.0.1 inside the test's
event loop, recording every call and injecting faults."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import time
from collections.abc import Callable, Generator, Iterable
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.fakebotapi.methods import BotApiMethods
from tests.support.fakebotapi.people import People
from tests.support.fakebotapi.records import (
    JSON,
    SEND_METHODS,
    Call,
    CallMatcher,
    ChatId,
    ErrorResponse,
    FaultPredicate,
    FaultRule,
    Sent,
    UploadedFile,
    Violation,
)
from tests.support.fakebotapi.wire import ApiError, chat_key, coerce, json_bytes, parse_multipart


class _Server(uvicorn.Server):
    """A uvicorn server that leaves the process' signal handlers alone and reports readiness."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # uvicorn would install SIGINT/SIGTERM handlers and re-raise them after shutdown, which
        # hijacks Ctrl-C in pytest; the test owns the process, so do nothing.
        yield

    async def startup(self, sockets: list[Any] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


class FakeBotApi(People, BotApiMethods):
    """A fake Telegram Bot API server running inside the test's event loop.

    Use as ``async with FakeBotApi() as api``; then build the PTB application with
    ``.token(api.token).base_url(f"{api.url}/bot").base_file_url(f"{api.url}/file/bot")``.

    All state lives in the event loop's thread and is only mutated between awaits, so concurrent
    requests need no locks. The user-side helpers are synchronous: they queue the update and wake
    the pending ``getUpdates`` long poll.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_username: str = "fake_test_bot",
        bot_first_name: str = "Fake Bot",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Create the server (it starts on ``__aenter__``).

        ``token``: any string is accepted; requests with a different token get 401.
        A chat the bot sends to is created on the fly if unknown (positive ids: private,
        negative: group).
        """
        super().__init__(token=token, bot_username=bot_username, bot_first_name=bot_first_name)
        self.host = host
        self.port = port
        self.url = ""
        self.violations: list[Violation] = []

        self._calls: list[Call] = []
        self._calls_changed = asyncio.Event()
        self._faults: list[FaultRule] = []
        self._delays: dict[str, float] = {}
        self._methods: dict[str, tuple[str, Callable[[JSON], Any]]] = {}
        for name, handler in self._handlers().items():
            self._methods[name.lower()] = (name, handler)
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start uvicorn as a task of the running loop and wait until it listens."""
        if self._task is not None:
            raise RuntimeError("FakeBotApi is already running")
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle_api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._handle_file, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app,
            host=self.host,
            port=self.port,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            http="h11",
            timeout_graceful_shutdown=3,
        )
        self._closing = False
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(), name="FakeBotApi-uvicorn")
        ready = asyncio.create_task(self._server.ready.wait())
        await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
            task, self._task = self._task, None
            task.result()  # re-raise the startup error, if any
            raise RuntimeError("FakeBotApi: uvicorn stopped before it started listening")
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Release pending long polls and shut uvicorn down (it waits for open requests)."""
        if self._task is None or self._server is None:
            return
        self._closing = True
        self._wake_pollers()
        self._server.should_exit = True
        task, self._task = self._task, None
        await task

    def file_bytes(self, file_id: str) -> bytes | None:
        """The content of a file the bot uploaded or a test registered (None if unknown)."""
        stored = self._files.get(file_id)
        return stored.data if stored else None

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls, optionally of one method (case-insensitive), oldest first."""
        if method is None:
            return list(self._calls)
        wanted = method.lower()
        return [c for c in self._calls if c.method.lower() == wanted]

    def mark(self) -> int:
        """Current position in the call log, for ``wait_for(..., since=api.mark())``."""
        return len(self._calls)

    def sent(self, chat_id: ChatId | None = None, *, since: int = 0) -> list[Sent]:
        """Messages the bot sent successfully (sendMessage/sendPhoto/sendDocument), oldest first."""
        return [
            sent
            for call in self._calls[since:]
            if (sent := self._as_sent(call)) is not None and self._sent_matches(sent, chat_id)
        ]

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """The current state of a message (after edits), or None if unknown/deleted."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands stored by setMyCommands for this exact scope and language."""
        return copy.deepcopy(self._commands.get((self._scope_key(scope), language_code), []))

    def menu_button(self, chat_id: int | None = None) -> JSON:
        """The menu button a private chat shows (setChatMenuButton): its own, else the bot's
        default, else the commands menu; ``None``: the bot's default."""
        return self._menu_button_of(chat_id)

    @property
    def pending_updates(self) -> list[JSON]:
        """Queued updates not yet confirmed by the bot (getUpdates offset)."""
        return copy.deepcopy(self._queue)

    async def wait_for(
        self,
        match: CallMatcher,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the helper's contract
        *,
        since: int = 0,
    ) -> list[Call]:
        """Wait until ``count`` calls matching ``match`` are recorded (from index ``since``).

        ``match`` is a method name (case-insensitive, failed calls included) or a predicate on
        :class:`Call`. Counting starts at the beginning of the log unless ``since`` is given
        (see :meth:`mark`). Returns all matching calls. Raises TimeoutError listing calls seen.
        """
        predicate: Callable[[Call], bool]
        if isinstance(match, str):
            wanted = match.lower()
            description = repr(match)

            def predicate(call: Call) -> bool:
                return call.method.lower() == wanted

        else:
            predicate, description = match, getattr(match, "__name__", "predicate")
        try:
            async with asyncio.timeout(timeout):
                while True:
                    changed = self._calls_changed
                    found = [c for c in self._calls[since:] if predicate(c)]
                    if len(found) >= count:
                        return found
                    await changed.wait()
        except TimeoutError:
            found = [c for c in self._calls[since:] if predicate(c)]
            raise TimeoutError(
                f"waited {timeout}s for {count} call(s) matching {description}, got {len(found)}.\n"
                + self._describe_calls(since)
            ) from None

    async def wait_for_sent(
        self,
        chat_id: ChatId | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the helper's contract
        since: int = 0,
    ) -> list[Sent]:
        """Wait until the bot sent ``count`` messages (to ``chat_id`` if given); return them."""

        def sent_message(call: Call) -> bool:
            sent = self._as_sent(call)
            return sent is not None and self._sent_matches(sent, chat_id)

        calls = await self.wait_for(sent_message, count, timeout, since=since)
        return [sent for call in calls if (sent := self._as_sent(call)) is not None]

    async def wait_polling(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a getUpdates long poll is pending, i.e. the bot is listening."""
        try:
            async with asyncio.timeout(timeout):
                while self._active_poll is None:
                    await self._updates_changed.wait()
        except TimeoutError:
            raise TimeoutError(f"no getUpdates long poll started within {timeout}s") from None

    async def wait_delivered(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot confirmed (through getUpdates' offset) every deliverable update."""
        try:
            async with asyncio.timeout(timeout):
                while any(self._is_allowed(u) for u in self._queue):
                    await self._updates_changed.wait()
        except TimeoutError:
            ids = [u["update_id"] for u in self._queue]
            raise TimeoutError(f"updates {ids} still unconfirmed after {timeout}s") from None

    def assert_no_violations(self, *, ignore: Iterable[str] = ()) -> None:
        """Fail if the bot made a request Telegram would reject (``ignore``: substrings)."""
        skipped = tuple(ignore)
        found = [v for v in self.violations if not any(s in v.description for s in skipped)]
        if found:
            listing = "\n".join(f"  - {v}" for v in found)
            raise AssertionError(f"{len(found)} Bot API violation(s):\n{listing}")

    def clear(self) -> None:
        """Forget recorded calls and violations (chats, messages and files are kept)."""
        self._calls.clear()
        self.violations.clear()

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        count: int = 1,
        chat_id: ChatId | None = None,
    ) -> FaultRule:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id`` if given) with an error.

        Defaults per status: 429 "Too Many Requests: retry after N" (+ retry_after parameter),
        403 "Forbidden: bot was blocked by the user", 400 "Bad Request: chat not found",
        500/502 their HTTP phrase. ``description`` overrides the text.
        """
        name = self._canonical(method)
        response = ErrorResponse.for_status(status, retry_after=retry_after, description=description)
        wanted_chat = None if chat_id is None else chat_key(chat_id)

        def predicate(called: str, params: JSON) -> bool:
            if called != name:
                return False
            if wanted_chat is None:
                return True
            try:
                return chat_key(params.get("chat_id")) == wanted_chat
            except ApiError:
                return False

        return self.add_fault(predicate, response, count=count)

    def add_fault(
        self,
        predicate: FaultPredicate,
        response: ErrorResponse | Callable[[str, JSON], ErrorResponse | None],
        *,
        count: int | None = None,
    ) -> FaultRule:
        """Answer calls for which ``predicate(method, params)`` is true with ``response``.

        ``response`` may be a callable returning an ErrorResponse or None (no fault). Rules are
        tried in order; ``count`` limits how many times the rule fires (None: forever).
        Example, 5% random flood control: ``api.add_fault(lambda m, p: rng.random() < 0.05,
        ErrorResponse.too_many_requests(1))``.
        """
        rule = FaultRule(predicate, response, count)
        self._faults.append(rule)
        return rule

    def delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` ``seconds`` late (0 removes the delay)."""
        name = self._canonical(method)
        if seconds > 0:
            self._delays[name] = seconds
        else:
            self._delays.pop(name, None)

    async def _handle_api(self, request: Request) -> Response:
        token = str(request.path_params["token"])
        method = str(request.path_params["method"])
        try:
            params = await self._read_params(request)
        except ValueError as exc:
            return self._answer(method, {}, error=ErrorResponse(400, f"Bad Request: {exc}"), violation=True)
        if token != self.token:
            return self._answer(method, params, error=ErrorResponse(401, "Unauthorized"), violation=True)
        entry = self._methods.get(method.lower())
        if entry is None:
            error = ErrorResponse(404, "Not Found: method not found")
            return self._answer(method, params, error=error, violation=True)
        name, handler = entry
        if name in self._delays:
            await asyncio.sleep(self._delays[name])
        fault = self._match_fault(name, params)
        if fault is not None:
            return self._answer(name, params, error=fault, injected=True)
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            return self._answer(name, params, error=exc.response, violation=exc.violation)
        except Exception as exc:  # a bug in the fake must not look like a Telegram answer
            error = ErrorResponse(500, f"Internal Server Error: FakeBotApi failed: {exc!r}")
            return self._answer(name, params, error=error, violation=True)
        return self._answer(name, params, result=result)

    async def _read_params(self, request: Request) -> JSON:
        raw: JSON = dict(request.query_params)
        content_type = request.headers.get("content-type", "")
        body = await request.body()
        files: dict[str, UploadedFile] = {}
        if body:
            if content_type.startswith("application/json"):
                decoded = json.loads(body)
                if not isinstance(decoded, dict):
                    raise ValueError("request body must be a JSON object")
                raw.update(decoded)
            elif content_type.startswith("application/x-www-form-urlencoded"):
                raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            elif content_type.startswith("multipart/form-data"):
                for name, filename, part_type, data in parse_multipart(body, content_type):
                    if filename is None:
                        raw[name] = data.decode("utf-8")
                    else:
                        files[name] = UploadedFile(name, filename, part_type, data)
            else:
                raise ValueError(f"unsupported Content-Type {content_type!r}")
        params = {name: coerce(name, value) for name, value in raw.items()}
        for name, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = files.get(value.removeprefix("attach://"))
                if attached is None:
                    raise ValueError(f"can't find attached file {value!r}")
                params[name] = attached
        for name, uploaded in files.items():
            params.setdefault(name, uploaded)
        return params

    def _answer(
        self,
        method: str,
        params: JSON,
        *,
        result: Any = None,
        error: ErrorResponse | None = None,
        violation: bool = False,
        injected: bool = False,
    ) -> Response:
        call = Call(
            method=method,
            params=params,
            result=copy.deepcopy(result),
            time=time.monotonic(),
            status=200 if error is None else error.status,
            error=error,
            injected=injected,
        )
        if violation and error is not None:
            self.violations.append(Violation(method, error.description, params))
        self._record(call)
        body = {"ok": True, "result": result} if error is None else error.body()
        return Response(
            json_bytes(body),
            status_code=call.status,
            media_type="application/json",
        )

    async def _handle_file(self, request: Request) -> Response:
        """Serve ``/file/bot<token>/<file_path>`` (recorded as a ``downloadFile`` call)."""
        token = str(request.path_params["token"])
        file_path = str(request.path_params["file_path"])
        stored = next((f for f in self._files.values() if f.file_path == file_path), None)
        data = stored.data if stored is not None and token == self.token else None
        error = None if data is not None else ErrorResponse(404, "Not Found")
        self._record(Call("downloadFile", {"file_path": file_path}, None, time.monotonic(), 200, error))
        if data is None:
            return Response(
                json.dumps(ErrorResponse(404, "Not Found").body()), 404, media_type="application/json"
            )
        return Response(data, media_type="application/octet-stream")

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._calls_changed.set()
        self._calls_changed = asyncio.Event()

    def _match_fault(self, method: str, params: JSON) -> ErrorResponse | None:
        for rule in list(self._faults):
            if not rule.predicate(method, params):
                continue
            response = rule.response(method, params) if callable(rule.response) else rule.response
            if response is None:
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._faults.remove(rule)
            return response
        return None

    def _canonical(self, method: str) -> str:
        entry = self._methods.get(method.lower())
        if entry is None:
            raise ValueError(f"FakeBotApi does not implement {method!r}")
        return entry[0]

    def _describe_calls(self, since: int) -> str:
        calls = self._calls[since:]
        polls = sum(1 for c in calls if c.method == "getUpdates")
        others = [c for c in calls if c.method != "getUpdates"]
        lines = [f"Calls seen (plus {polls} getUpdates):"] + [f"  {c.describe()}" for c in others[-40:]]
        if not others:
            lines.append("  (none)")
        return "\n".join(lines)

    def _as_sent(self, call: Call) -> Sent | None:
        if not call.ok or call.method not in SEND_METHODS or not isinstance(call.result, dict):
            return None
        params = call.params
        markup = params.get("reply_markup")
        return Sent(
            method=call.method,
            chat_id=call.result["chat"]["id"],
            message_id=call.result["message_id"],
            text=params.get("text") if call.method == "sendMessage" else None,
            caption=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup if isinstance(markup, dict) else None,
            message=call.result,
            params=params,
        )

    def _sent_matches(self, sent: Sent, chat_id: ChatId | None) -> bool:
        if chat_id is None:
            return True
        return chat_id in (sent.chat_id, sent.params.get("chat_id"))
