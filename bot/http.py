"""python-telegram-bot's networking on aiohttp, with JSON request bodies.

Why not PTB's default (httpx): profiles of the end-to-end benchmark showed httpx's pure-Python
HTTP stack taking about half of the bot's CPU per update (client, transport, connection pool and
h11 layers, form encoding of every answer's text). aiohttp parses HTTP in C and keeps one lean
connection pool; requests without files carry a JSON body, one of the four ways of passing
parameters the Bot API documents ("application/json (except for uploading files)"), and requests
with files go as ``multipart/form-data`` exactly as PTB builds them.

PTB documents :class:`telegram.request.BaseRequest` as the place to plug in another networking
backend; this class follows its contract: ``do_request`` returns the status and the raw body,
and raises only :class:`telegram.error.TimedOut` or :class:`telegram.error.NetworkError`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON_HEADERS = {"Content-Type": "application/json"}
Timeout = float | None


class AiohttpRequest(BaseRequest):
    """One aiohttp session (opened in ``initialize``, closed in ``shutdown``) for Bot API calls.

    The timeouts mean what they mean for PTB's ``HTTPXRequest``: ``pool_timeout`` to get a free
    connection, ``connect_timeout`` to open one, ``read_timeout`` between bytes of the answer
    (PTB adds the long-poll time for ``getUpdates``), ``write_timeout`` to send the request
    (``media_write_timeout`` when it carries files). aiohttp has no separate write timeout, so
    the whole call is bounded by the sum of all four.
    """

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: Timeout = 5.0,
        write_timeout: Timeout = 5.0,
        connect_timeout: Timeout = 5.0,
        pool_timeout: Timeout = 1.0,
        media_write_timeout: Timeout = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),
                trust_env=False,  # proxies are looked up once per host (below), not on every request
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        has_files = request_data is not None and request_data.contains_files
        timeout = self._timeout(
            read=_given(read_timeout, self._read_timeout),
            write=_given(write_timeout, self._media_write_timeout if has_files else self._write_timeout),
            connect=_given(connect_timeout, self._connect_timeout),
            pool=_given(pool_timeout, self._pool_timeout),
        )
        body, headers = _encode(request_data)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy_for(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's ServerTimeoutError is one too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _proxy_for(self, url: str) -> str | None:
        """The proxy the environment names for this URL (``HTTPS_PROXY``, ``HTTP_PROXY``, minus
        ``NO_PROXY``), as PTB's default transport would use; looked up once per scheme and host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxy = getproxies().get(parts.scheme)
            self._proxies[key] = None if proxy is None or proxy_bypass(key[1]) else proxy
        return self._proxies[key]

    @staticmethod
    def _timeout(*, read: Timeout, write: Timeout, connect: Timeout, pool: Timeout) -> aiohttp.ClientTimeout:
        parts = (read, write, connect, pool)
        total = None if any(part is None for part in parts) else sum(p for p in parts if p is not None)
        waiting = None if pool is None or connect is None else pool + connect
        return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)


def _given(value: Any, default: Timeout) -> Timeout:
    """PTB passes DEFAULT_NONE when the caller set no timeout: then ours applies."""
    return default if isinstance(value, DefaultValue) else value


Body = bytes | aiohttp.FormData | None


def _encode(request_data: RequestData | None) -> tuple[Body, dict[str, str] | None]:
    if request_data is None or not request_data.parameters:
        return None, None
    if not request_data.contains_files:
        return json.dumps(request_data.parameters, ensure_ascii=False).encode(), JSON_HEADERS
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content, *rest = upload
        form.add_field(name, content, filename=filename, content_type=rest[0] if rest else None)
    return form, None
