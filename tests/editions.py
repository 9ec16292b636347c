"""Other editions of the plan, made from the bundled document by text substitution: what next
year's document, a document typed differently, or another municipality's document in the same
format look like to the parser. Fixtures in ``tests/conftest.py`` hand them to tests."""

from __future__ import annotations

import re

from knowledge.ingest import read_bundled_text

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def next_year_text() -> str:
    """The 2025 edition: the POA's year and the POM's period one year on ("POA 2025", "Plan
    Operativo Multianual 2025-2029"); every 2024 of the document is 2025 and every 2028 is 2029."""
    text = re.sub(r"\b2024\b", "2025", read_bundled_text())
    return re.sub(r"\b2028\b", "2029", text)


PREVIOUS_YEAR_AMOUNT = ("4,441,894.00", "5,000,000.00")
"""Project 242177's amount in the bundled document and in :func:`previous_year_text`."""
PREVIOUS_YEAR_TOTAL = ("Q 18,819,178.00", "Q 19,377,284.00")
"""The projects' TOTAL row, in the same two documents (it adds up in both)."""


def previous_year_text() -> str:
    """The 2023 edition: every 2024 of the document is 2023 (the POA, its POM from 2023), and
    project 242177 costs Q 5,000,000.00, as its TOTAL row says: a figure no other edition has."""
    text = re.sub(r"\b2024\b", "2023", read_bundled_text())
    old, new = PREVIOUS_YEAR_AMOUNT
    assert text.count(f"\t{old}\t") == 1
    assert text.count(PREVIOUS_YEAR_TOTAL[0]) == 1
    text = text.replace(f"\t{old}\t", f"\t{new}\t")
    return text.replace(*PREVIOUS_YEAR_TOTAL)


def drifted_text() -> str:
    """The same plan typed differently: amounts written "Q.", "Q." with a space, "Q" alone and
    without the sign, some with non-breaking spaces, and non-breaking spaces between words."""
    forms = ("Q.{}", "Q. {}", "Q{}", "{}", f"Q{NBSP}{{}}", f"Q.{NARROW_NBSP}{{}}")
    amounts = iter(range(10_000))

    def retyped(found: re.Match[str]) -> str:
        return forms[next(amounts) % len(forms)].format(found.group(1))

    text = re.sub(r"Q (\d[\d,]*\.\d{2})", retyped, read_bundled_text())
    return text.replace("Plan Operativo Anual", f"Plan{NBSP}Operativo{NBSP}Anual")


def other_municipality_text(*, zonas_said: bool = True, zona_ten_as: int = 14) -> str:
    """Villa Nueva's POA in Mixco's format: the name (and its capitals) and the people's name
    replaced, fifteen zonas instead of eleven, and the zona 10 projects in zona ``zona_ten_as``.
    Without ``zonas_said`` the document does not say how many zonas the municipality has."""
    text = read_bundled_text().replace("Mixco", "Villa Nueva").replace("MIXCO", "VILLA NUEVA")
    text = text.replace("mixqueñ", "villanuevan")
    text = re.sub(r"\bZONA 10\b", f"ZONA {zona_ten_as}", text)
    said = "las quince zonas del municipio" if zonas_said else "todas las colonias del municipio"
    return text.replace("las once zonas del municipio", said)
