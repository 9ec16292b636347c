"""The held-out question sets (written from the plan by people who never saw the code) as a floor:
a change that makes the answerer understand fewer of them fails here. The floors sit a little
under today's figures, so that a general improvement that costs one odd question can still land;
the figures themselves are in the README. Judged as ``../shared/eval/run_eval.py`` judges."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from knowledge.answers import Answerer
from knowledge.render import to_plain

SETS = Path(__file__).resolve().parent.parent / "eval"
LEAD_CHARS = 400
FLOORS = {
    "questions-heldout.jsonl": 127,  # of 133
    "questions-heldout-2.jsonl": 102,  # of 110
    "questions-heldout-3.jsonl": 92,  # of 100
    "questions-heldout-4.jsonl": 160,  # of 170
    "questions-heldout-5.jsonl": 152,  # of 160
    "questions-heldout-6.jsonl": 147,  # of 160
    "questions-heldout-7.jsonl": 149,  # of 160
    "questions-heldout-8.jsonl": 140,  # of 150
    "questions-heldout-9.jsonl": 137,  # of 150
    "questions-heldout-10.jsonl": 141,  # of 150
    "questions-heldout-11.jsonl": 152,  # of 160
    "questions-heldout-12.jsonl": 152,  # of 160
    "questions-heldout-13.jsonl": 141,  # of 150
    "questions-heldout-14.jsonl": 152,  # of 160 (blind first run: 148)
    "questions-heldout-15.jsonl": 146,  # of 160 (blind first run: 140)
    "questions-heldout-16.jsonl": 151,  # of 160 (blind first run: 141)
    "questions-heldout-17.jsonl": 157,  # of 160 (blind first run: 149)
    "questions-heldout-18.jsonl": 157,  # of 160 (blind first run: 153)
    "questions-heldout-19.jsonl": 148,  # of 160 (blind first run: 147)
    "questions-heldout-20.jsonl": 154,  # of 160 (blind first run: 149)
    "questions-heldout-21.jsonl": 152,  # of 160 (blind first run: 150)
    "questions-heldout-22.jsonl": 156,  # of 160 (blind first run: 144)
    "questions-heldout-23.jsonl": 157,  # of 160 (blind first run: 150)
    "questions-heldout-24.jsonl": 146,  # of 160 (blind first run: 149)
    "questions-heldout-25.jsonl": 145,  # of 160 (blind first run: 148)
    "questions-heldout-26.jsonl": 155,  # of 160 (blind first run: 153)
    "questions-heldout-27.jsonl": 141,  # of 160 (blind first run: 139)
    "questions-heldout-28.jsonl": 153,  # of 160 (blind first run: 154)
}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def passes(item: dict[str, object], answer_text: str, confident: bool) -> bool:
    if item.get("abstain"):
        return not confident
    if item.get("abstain_or_greet") or item.get("abstain_ok"):
        return bool(answer_text.strip())
    text = norm(answer_text)
    must = [norm(str(m)) for m in item.get("must", [])]  # type: ignore[attr-defined]
    lead = [norm(str(m)) for m in item.get("lead", [])]  # type: ignore[attr-defined]
    must_not = [norm(str(m)) for m in item.get("must_not", [])]  # type: ignore[attr-defined]
    return (
        all(m in text for m in must)
        and all(m in text[:LEAD_CHARS] for m in lead)
        and not any(m in text for m in must_not)
    )


@pytest.mark.parametrize(("name", "floor"), sorted(FLOORS.items()))
def test_held_out_sets_stay_understood(answerer: Answerer, name: str, floor: int) -> None:
    items = [json.loads(line) for line in (SETS / name).read_text("utf-8").splitlines() if line.strip()]
    answers = [answerer.answer(item["q"].replace("\n", " ")) for item in items]
    passed = sum(passes(item, to_plain(a), a.confident) for item, a in zip(items, answers, strict=True))
    assert passed >= floor, f"{name}: {passed}/{len(items)} (floor {floor})"
