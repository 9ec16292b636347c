"""Rendering: escaped HTML within Telegram's limits, plain text for the CLI."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from knowledge import catalog as t
from knowledge.answers import Answer, Fact
from knowledge.render import fit_lines, pack, shown_length, to_html, to_plain

ALLOWED = {"b", "i"}


class TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        assert tag in ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text += data


def parse(html: str) -> str:
    checker = TagChecker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []
    return checker.text


def test_dynamic_strings_are_escaped() -> None:
    answer = Answer("<b>x</b> & y", (Fact("a<b", "c>d"), "5 > 3 & 2 < 4"), ("<i>item</i>",), source="s&p")
    (html,) = to_html(answer)
    text = parse(html)
    assert "<b>x</b> & y" in text
    assert "a<b: c>d" in text
    assert "<i>item</i>" in text
    assert "s&p" in text


def test_long_answers_split_under_the_limit_without_breaking_tags() -> None:
    items = tuple(f"Proyecto {n} & <obra> " + "palabra " * 40 for n in range(200))
    messages = to_html(Answer("Lista", items=items), limit=4096)
    assert len(messages) > 1
    assert all(len(m) <= 4096 for m in messages)
    joined = "".join(parse(m) for m in messages)
    assert joined.count("Proyecto") == 200


def test_one_huge_block_is_cut_at_spaces_not_inside_entities() -> None:
    block = "&amp; " * 2000
    pieces = pack([block], 100)
    assert all(len(p) <= 100 for p in pieces)
    assert all(not re.search(r"&[a-z]*$", p) for p in pieces)


def test_plain_text_has_no_markup() -> None:
    answer = Answer(
        "Título", (Fact("Monto", "Q 1.00"),), ("uno",), sections=(("Más", ("dos",)),), source="Fuente"
    )
    assert to_plain(answer) == "Título\nMonto: Q 1.00\n• uno\nMás\n• dos\nFuente"


def test_a_lead_section_comes_right_under_the_title() -> None:
    answer = Answer(
        "Política",
        ("Objetivo general.",),
        sections=(("Objetivos específicos:", ("Uno.",)), ("Ejes:", ("Eje A",))),
        lead_section=True,
    )
    assert to_plain(answer).splitlines() == [
        "Política",
        "Objetivos específicos:",
        "• Uno.",
        "Objetivo general.",
        "Ejes:",
        "• Eje A",
    ]
    html = "\n".join(to_html(answer))
    assert html.index("Objetivos específicos:") < html.index("Objetivo general.") < html.index("Ejes:")


def test_what_telegram_shows_is_counted_with_entities_read_and_emoji_as_two() -> None:
    assert shown_length("<b>a &lt;b&gt;</b> &amp; 📢") == len("a <b> & ") + 2


def test_lines_that_do_not_fit_are_left_out_whole_and_counted() -> None:
    head, tail = ("<b>Título</b>",), ("cierre &amp; fin",)
    lines = [f"{n:02d} " + "&lt;" * 40 for n in range(30)]  # 43 shown, 163 written
    assert fit_lines(head, lines, tail, limit=10_000) == "\n".join((*head, *lines, *tail))
    message = fit_lines(head, lines, tail, limit=500)
    assert shown_length(message) <= 500
    shown = message.split("\n")
    assert (shown[0], shown[-1]) == (head[0], tail[0])
    kept = shown[1:-2]
    assert kept == lines[: len(kept)]  # the first lines, each whole
    assert shown[-2] == t.MESSAGE_CUT.format(lines=f"{30 - len(kept)} líneas más")
    assert len(kept) == (500 - len("Título\ncierre & fin\n") - len(shown[-2]) - 1) // 44  # as many as fit
    newest = fit_lines(head, lines, limit=500, keep_last=True).split("\n")
    assert newest[2:] == lines[-len(newest[2:]) :]  # a history keeps its newest lines, last
    assert newest[1] == t.MESSAGE_CUT_EARLIER.format(lines=f"{30 - len(newest[2:])} líneas anteriores")
