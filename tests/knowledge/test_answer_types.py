"""Small pieces every answer uses."""

from __future__ import annotations

import pytest

from knowledge.answer_types import shorten


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Mejoramiento calle colonia", 40, "Mejoramiento calle colonia"),
        ("Mejoramiento calle colonia El Milagro", 20, "Mejoramiento calle…"),
        ("Mejoramiento calle, colonia El Milagro", 21, "Mejoramiento calle…"),  # no dangling comma
        ("Mejoramiento calle colonia", 19, "Mejoramiento calle…"),  # the limit falls right after a word
        ("Alcantarilladosanitario", 10, "Alcantari…"),  # one long word: cut where the limit falls
    ],
)
def test_shorten_cuts_at_the_end_of_a_word(text: str, limit: int, expected: str) -> None:
    shortened = shorten(text, limit)
    assert shortened == expected
    assert len(shortened) <= limit
