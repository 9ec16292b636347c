"""Charts for Telegram: drawn in a child process, uploaded once, then re-sent by file_id."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
from html import escape
from typing import Any

from telegram import InputFile, Message
from telegram.constants import ParseMode

from handlers.context import BotData, Context
from knowledge import catalog as t
from knowledge.charts import chart_specs

log = logging.getLogger(__name__)

DRAW_TIMEOUT = 60.0


class ChartError(RuntimeError):
    """The chart could not be drawn."""


async def draw_in_child(specs: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    """``python -m knowledge.charts`` draws the PNGs, so matplotlib never loads in the bot."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "knowledge.charts",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, error = await asyncio.wait_for(process.communicate(json.dumps(specs).encode()), DRAW_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ChartError("drawing the charts took too long") from None
    if process.returncode != 0:
        raise ChartError(f"chart process failed: {error.decode(errors='replace')[-300:]}")
    try:
        pngs = {str(key): base64.b64decode(value) for key, value in json.loads(out).items()}
    except (ValueError, AttributeError) as exc:
        raise ChartError(f"chart process answered something else: {out[:100]!r}") from exc
    if set(pngs) != set(specs) or not all(png.startswith(b"\x89PNG") for png in pngs.values()):
        raise ChartError("chart process did not draw every chart")
    return pngs


async def chart_png(data: BotData, key: str, specs: dict[str, dict[str, Any]]) -> bytes:
    """The PNG of chart ``key``. The first request draws every chart in ``specs`` in one child
    process (matplotlib loads once, about a second of CPU, instead of once per chart); whoever
    asks meanwhile waits for that same drawing. A failed drawing is tried again next time."""
    drawing = data.charts_drawn
    if drawing is None or (drawing.done() and (drawing.cancelled() or drawing.exception() is not None)):
        drawing = asyncio.ensure_future(draw_in_child(specs))
        drawing.add_done_callback(_retrieve)
        data.charts_drawn = drawing
    pngs = await asyncio.shield(drawing)
    if key not in pngs:
        raise ChartError(f"no chart {key!r} in this plan")
    return pngs[key]


def _retrieve(done: asyncio.Future[dict[str, bytes]]) -> None:
    """Look at the outcome, so that a drawing nobody waits for any more logs no warning."""
    if not done.cancelled():
        done.exception()


async def send_chart(message: Message, context: Context, key: str, caption: str) -> None:
    """A chart: drawn and uploaded the first time, then re-sent by Telegram's file_id."""
    cache = context.bot_data.photo_cache
    cached = cache.get(key)
    try:
        photo = (
            cached
            if cached
            else InputFile(
                await chart_png(context.bot_data, key, chart_specs(context.answerer.plan)),
                filename=f"{key}.png",
            )
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
