"""Render an :class:`Answer` as Telegram HTML (escaped, split under 4096 characters) or plain text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape, unescape

from knowledge import catalog as t
from knowledge.answers import Answer, Fact, Line
from knowledge.counts import count_of

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
TAG = re.compile(r"<[^>]*>")


def shown_length(html: str) -> int:
    """How long Telegram reads a message in its HTML parse mode, as its limit counts it: the
    tags out, each entity one character (``&lt;`` is "<"), in UTF-16 code units (an emoji is two)."""
    return len(unescape(TAG.sub("", html)).encode("utf-16-le")) // 2


def fit_lines(
    head: Sequence[str],
    lines: Sequence[str],
    tail: Sequence[str] = (),
    limit: int = MAX_MESSAGE,
    *,
    keep_last: bool = False,
) -> str:
    """One message of HTML lines: ``head``, as many of ``lines`` as fit, then ``tail``, with what
    Telegram shows of it (:func:`shown_length`) at most ``limit``. Lines are kept whole (never cut
    inside a tag or an entity). When some are left out — the last ones, or with ``keep_last``
    the first ones (a history, newest last) — a line where they were says how many."""
    whole = "\n".join((*head, *lines, *tail))
    if shown_length(whole) <= limit:
        return whole
    candidate = whole
    for kept in range(len(lines) - 1, -1, -1):
        left_out = len(lines) - kept
        if keep_last:
            cut = escape(t.MESSAGE_CUT_EARLIER.format(lines=count_of(left_out, t.LINES_EARLIER)))
            shown = [cut, *lines[left_out:]]
        else:
            cut = escape(t.MESSAGE_CUT.format(lines=count_of(left_out, t.LINES_LEFT_OUT)))
            shown = [*lines[:kept], cut]
        candidate = "\n".join((*head, *shown, *tail))
        if shown_length(candidate) <= limit:
            break
    return candidate


def _html_line(line: Line) -> str:
    if isinstance(line, Fact):
        return f"<b>{escape(line.label)}:</b> {escape(line.value)}"
    return escape(line)


def _plain_line(line: Line) -> str:
    return f"{line.label}: {line.value}" if isinstance(line, Fact) else line


def to_html_blocks(answer: Answer) -> list[str]:
    """The answer as HTML blocks (paragraphs); :func:`to_html` packs them into messages."""
    blocks = [f"<b>{escape(answer.title)}</b>"]
    sections = list(answer.sections)
    if answer.lead_section and sections:
        blocks.extend(_html_section(*sections.pop(0)))
    blocks.extend(_html_line(line) for line in answer.lines)
    blocks.extend(f"• {escape(item)}" for item in answer.items)
    for title, items in sections:
        blocks.extend(_html_section(title, items))
    if answer.source:
        blocks.append(f"<i>{escape(answer.source)}</i>")
    return blocks


def _html_section(title: str, items: tuple[str, ...]) -> list[str]:
    return [f"<b>{escape(title)}</b>", *(f"• {escape(item)}" for item in items)]


def _plain_section(title: str, items: tuple[str, ...]) -> list[str]:
    return [title, *(f"• {item}" for item in items)]


def to_html(answer: Answer, limit: int = MAX_MESSAGE) -> list[str]:
    """Telegram HTML messages, each at most ``limit`` characters; never splits inside a tag."""
    return pack(to_html_blocks(answer), limit)


def pack(blocks: list[str], limit: int) -> list[str]:
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) > limit:
                messages.append(current)
                current = piece
            else:
                current = candidate
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    """A block longer than a message is cut at spaces, outside tags and entities."""
    if len(block) <= limit:
        return [block]
    plain = block.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace("</i>", "")
    pieces = []
    while len(plain) > limit:
        cut = plain.rfind(" ", 0, limit)
        amp = plain.rfind("&", 0, cut if cut > 0 else limit)
        if amp != -1 and ";" not in plain[amp : cut if cut > 0 else limit]:
            cut = amp
        cut = cut if cut > 0 else limit
        pieces.append(plain[:cut])
        plain = plain[cut:].lstrip()
    pieces.append(plain)
    return pieces


def to_plain(answer: Answer) -> str:
    """The answer as plain text: what ``python -m bot ask`` prints."""
    lines = [answer.title]
    sections = list(answer.sections)
    if answer.lead_section and sections:
        lines.extend(_plain_section(*sections.pop(0)))
    lines.extend(_plain_line(line) for line in answer.lines)
    lines.extend(f"• {item}" for item in answer.items)
    for title, items in sections:
        lines.extend(_plain_section(title, items))
    if answer.source:
        lines.append(answer.source)
    return "\n".join(lines)
