"""Render an :class:`Answer` as Telegram HTML (escaped, split under 4096 characters) or plain text."""

from __future__ import annotations

from html import escape

from knowledge.answers import Answer, Fact, Line

MAX_MESSAGE = 4096
MAX_CAPTION = 1024


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
