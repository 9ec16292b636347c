"""Charts for Telegram: drawn in a child process, uploaded once, then re-sent by file_id."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from html import escape
from typing import Any

from telegram import InputFile, Message
from telegram.constants import ParseMode

from handlers.context import BotData, Context
from knowledge import catalog as t

log = logging.getLogger(__name__)

DRAW_TIMEOUT = 60.0


class ChartError(RuntimeError):
    """The chart could not be drawn."""


async def draw_in_child(spec: dict[str, Any]) -> bytes:
    """``python -m knowledge.charts`` draws the PNG, so matplotlib never loads in the bot."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "knowledge.charts",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        png, error = await asyncio.wait_for(process.communicate(json.dumps(spec).encode()), DRAW_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ChartError("drawing the chart took too long") from None
    if process.returncode != 0 or not png.startswith(b"\x89PNG"):
        raise ChartError(f"chart process failed: {error.decode(errors='replace')[-300:]}")
    return png


async def chart_png(data: BotData, key: str, spec: dict[str, Any]) -> bytes:
    """The chart's PNG; people asking for the same chart while it is drawn share one drawing."""
    drawing = data.charts_drawing.get(key)
    if drawing is None:
        drawing = asyncio.ensure_future(_draw_when_free(data.chart_slots, spec))
        data.charts_drawing[key] = drawing
        drawing.add_done_callback(lambda done: _forget_drawing(data.charts_drawing, key, done))
    return await asyncio.shield(drawing)


async def _draw_when_free(slots: asyncio.Semaphore, spec: dict[str, Any]) -> bytes:
    async with slots:
        return await draw_in_child(spec)


def _forget_drawing(drawing: dict[str, asyncio.Future[bytes]], key: str, done: asyncio.Future[bytes]) -> None:
    drawing.pop(key, None)
    if not done.cancelled():
        done.exception()  # retrieved here, so a drawing nobody waits for any more logs no warning


async def send_chart(
    message: Message, context: Context, key: str, spec: dict[str, Any], caption: str
) -> None:
    """A chart: drawn and uploaded the first time, then re-sent by Telegram's file_id."""
    cache = context.bot_data.photo_cache
    cached = cache.get(key)
    try:
        photo = (
            cached
            if cached
            else InputFile(await chart_png(context.bot_data, key, spec), filename=f"{key}.png")
        )
    except ChartError:
        log.warning("chart %s could not be drawn", key, exc_info=True)
        await message.reply_text(t.CHART_FAILED, do_quote=False)
        return
    sent = await message.reply_photo(
        photo, caption=escape(caption)[:1024], parse_mode=ParseMode.HTML, do_quote=False
    )
    if not cached and sent.photo:
        cache[key] = sent.photo[-1].file_id
