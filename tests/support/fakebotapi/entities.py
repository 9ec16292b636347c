"""Text entities as Telegram makes them: the HTML parse mode (``parse_html``, with tdlib's error
wording and byte offsets), the entities a client adds to what a user types (``auto_entities``),
and the stripping of surrounding white space. Offsets are in UTF-16 code units, like Telegram's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.support.fakebotapi.records import JSON


class HtmlParseError(ValueError):
    """Raised by :func:`parse_html` with Telegram's wording (without the "Bad Request" prefix)."""


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start16: int
    begin: int
    language: str | None = None


def _u16(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]*)(;?)")
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode the entity at ``text[index] == "&"``: (character, next index), or None if literal.

    Like Telegram, numeric entities and &lt; &gt; &amp; &quot; are decoded and a bare "&" is kept.
    Stricter than Telegram (which shows them verbatim), any other named entity ending in ";" is
    rejected: it nearly always means the bot forgot to escape its text.
    """
    match = _HTML_ENTITY_RE.match(text, index)
    if match is None:
        return None
    body, semicolon = match.groups()
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end()
    if body in _NAMED_HTML_ENTITIES:
        return _NAMED_HTML_ENTITIES[body], match.end()
    if semicolon:
        raise HtmlParseError(f'Unsupported HTML entity "&{body};" at byte offset {_byte_offset(text, index)}')
    return None


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse Telegram's HTML subset like the Bot API does: (plain text, MessageEntity dicts).

    Follows tdlib's parser (tag names, attribute syntax, error wording and byte offsets).
    Raises :class:`HtmlParseError` on input Telegram rejects.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    n = len(text)
    i = 0

    def fail(message: str, index: int) -> HtmlParseError:
        return HtmlParseError(f"{message} at byte offset {_byte_offset(text, index)}")

    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                value, i = decoded
                out.append(value)
                pos16 += _u16(value)
                continue
        if char != "<":
            out.append(char)
            pos16 += _u16(char)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise fail("Unexpected end tag", begin)
            j = i + 1
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 1 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise fail("Unclosed end tag", begin)
            tag = stack.pop()
            if end_name and end_name != tag.name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag.name}>", found "</{end_name}>"'
                )
            i = j + 1
            entity = _html_entity(tag, pos16, stack)
            if entity is not None:
                entities.append(entity)
            continue

        j = i
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise fail("Unclosed start tag", begin)
        name = text[i:j].lower()
        if name not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{name}"', begin)
        attrs: dict[str, str] = {}
        while True:
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f'Unclosed start tag "{name}"', begin)
            if text[j] == ">":
                break
            attr_begin = j
            while j < n and not text[j].isspace() and text[j] not in "=>":
                j += 1
            attr = text[attr_begin:j].lower()
            if not attr:
                raise fail(f'Empty attribute name in the tag "{name}"', begin)
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != "=":
                if name == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                if j >= n:
                    raise fail(f'Unclosed start tag "{name}"', begin)
                raise fail(f'Expected equal sign in declaration of an attribute of the tag "{name}"', begin)
            j += 1
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f'Unclosed start tag "{name}"', begin)
            if text[j] in "\"'":
                quote = text[j]
                value_begin = j
                j += 1
                chars: list[str] = []
                while j < n and text[j] != quote:
                    if text[j] == "&" and (decoded := _decode_html_entity(text, j)) is not None:
                        chars.append(decoded[0])
                        j = decoded[1]
                        continue
                    chars.append(text[j])
                    j += 1
                if j >= n:
                    raise fail("Unclosed end of attribute value", value_begin)
                j += 1
                attrs[attr] = "".join(chars)
            else:
                token_begin = j
                while j < n and text[j].isascii() and (text[j].isalnum() or text[j] in ".-"):
                    j += 1
                if j < n and not text[j].isspace() and text[j] != ">":
                    raise fail("Unexpected end of name token", token_begin)
                attrs[attr] = text[token_begin:j].lower()
        i = j + 1
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail('Tag "span" must have class "tg-spoiler"', begin)
        stack.append(_OpenTag(name, attrs, pos16, _byte_offset(text, begin)))

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(tag: _OpenTag, end16: int, stack: list[_OpenTag]) -> JSON | None:
    """The MessageEntity for a closed tag, or None when Telegram would not create one."""
    css_class = tag.attrs.get("class", "")
    if tag.name == "code" and stack and stack[-1].name == "pre" and css_class.startswith("language-"):
        # <pre><code class="language-x">: one "pre" entity with a language
        stack[-1].language = css_class.removeprefix("language-")
        return None
    length = end16 - tag.start16
    if length <= 0:
        return None
    entity: JSON = {"offset": tag.start16, "length": length}
    if tag.name in _HTML_ENTITY_TYPES:
        entity["type"] = _HTML_ENTITY_TYPES[tag.name]
        if tag.name == "pre" and tag.language:
            entity["language"] = tag.language
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    elif tag.name == "a":
        if not tag.attrs.get("href"):
            return None
        entity.update(type="text_link", url=tag.attrs["href"])
    elif tag.name == "tg-emoji":
        if not tag.attrs.get("emoji-id"):
            return None
        entity.update(type="custom_emoji", custom_emoji_id=tag.attrs["emoji-id"])
    else:  # pragma: no cover - every tag in _HTML_TAGS is handled above
        return None
    return entity


_AUTO_ENTITY_PATTERNS = (
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}\b")),
    ("url", re.compile(r"(?<!\S)https?://\S+")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)


def auto_entities(text: str) -> list[JSON]:
    """The entities Telegram detects in a user's message: /commands, @mentions, URLs, #hashtags."""
    entities: list[JSON] = [
        {"type": kind, "offset": _u16(text[: m.start()]), "length": _u16(m.group())}
        for kind, pattern in _AUTO_ENTITY_PATTERNS
        for m in pattern.finditer(text)
    ]
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return entities


def strip_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram trims leading/trailing whitespace of a message; shift and clip entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = _u16(text[: len(text) - len(text.lstrip())])
    total16 = _u16(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - lead16)
        end = min(total16, entity["offset"] + entity["length"] - lead16)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
