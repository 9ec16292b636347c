"""What changed between two editions: every kind of change found, with the right figures, on a
next-year edition made from the bundled document (tests.support.editions)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from knowledge.answer_types import format_q
from knowledge.diff import PlanChanges, change_counts, changes_to_json, compare_plans, for_zona
from knowledge.ingest import parse_plan, read_bundled_text
from knowledge.model import Item, Plan
from knowledge.plan_json import plan_from_json, plan_to_json
from tests.support import editions as e

UNTOUCHED_SNIPS = ("299884", "206148")
"""Projects the next edition lists exactly as the bundled one."""


@pytest.fixture(scope="module")
def changes(bundled_edition: Plan, next_edition: Plan) -> PlanChanges:
    return compare_plans(bundled_edition, next_edition)


def q(written: str) -> str:
    """An amount as the table writes it ("3,200,000.00") as the bot writes it ("Q 3,200,000.00")."""
    return written if written.startswith("Q") else f"Q {written}"


def test_the_next_edition_adds_up(next_edition: Plan) -> None:
    """The fixture itself: its funding rows add up to its total row, its projects to its TOTAL."""
    total = next_edition.funding_total
    assert total is not None
    for name in ("available", "investment", "operating"):
        assert format_q(sum((getattr(f, name) for f in next_edition.funding), Decimal(0))) == q(
            e.FUNDING_TOTAL[name][1]
        )
        assert format_q(getattr(total, name)) == q(e.FUNDING_TOTAL[name][1])
    in_total = sum((p.amount for p in next_edition.projects if p.in_total), Decimal(0))
    assert format_q(in_total) == e.PROJECTS_TOTAL[1]


def test_new_projects_with_their_zona_amount_and_observation(changes: PlanChanges) -> None:
    found = {p.snip: (p.zona, format_q(p.amount), p.observation) for p in changes.projects_added}
    assert found == {snip: (zona, q(amount), obs) for snip, (zona, amount, obs) in e.NEW_PROJECTS.items()}
    assert {p.zona for p in changes.projects_added} == {3, 7, 11}


def test_dropped_projects_with_their_last_figures(changes: PlanChanges, bundled_edition: Plan) -> None:
    assert {p.snip: p.zona for p in changes.projects_dropped} == e.DROPPED_PROJECTS
    assert [p.amount for p in changes.projects_dropped] == [
        p.amount for p in bundled_edition.projects if p.snip in e.DROPPED_PROJECTS
    ]


def test_changed_amounts_with_both_figures(changes: PlanChanges) -> None:
    found = {c.snip: (format_q(c.old.amount), format_q(c.new.amount)) for c in changes.amounts_changed}
    assert found == {snip: (q(old), q(new)) for snip, (old, new) in e.AMOUNTS.items()}


def test_changed_observation_and_zona(changes: PlanChanges) -> None:
    snip, before, after = e.OBSERVATION
    assert [(c.snip, c.old.observation, c.new.observation) for c in changes.observations_changed] == [
        (snip, before, after)
    ]
    assert [(c.snip, c.old.zona, c.new.zona) for c in changes.zonas_changed] == [e.ZONA_MOVED]


def test_projects_listed_alike_are_not_changes(changes: PlanChanges) -> None:
    mentioned = {
        *(p.snip for p in (*changes.projects_added, *changes.projects_dropped)),
        *(c.snip for c in changes.projects_changed),
    }
    assert mentioned.isdisjoint(UNTOUCHED_SNIPS)
    assert {c.snip for c in changes.projects_changed} == {*e.AMOUNTS, e.ZONA_MOVED[0]}


def test_funding_sources_added_dropped_and_changed(changes: PlanChanges) -> None:
    assert [(f.source, format_q(f.available)) for f in changes.funding_added] == [e.FUNDING_ADDED]
    assert [f.source for f in changes.funding_dropped] == [e.FUNDING_DROPPED]
    (changed,) = changes.funding_changed
    assert changed.new.source == "IVA-PAZ"
    assert changed.fields == ("available", "investment", "operating")  # the percentages stayed
    assert {
        f: (format_q(getattr(changed.old, f)), format_q(getattr(changed.new, f))) for f in changed.fields
    } == (e.FUNDING_CHANGED)


def test_funding_total_with_both_figures(changes: PlanChanges) -> None:
    total = changes.funding_total
    assert total is not None
    assert total.old is not None
    assert total.new is not None
    assert total.fields == ("available", "investment", "operating")
    assert {f: (format_q(getattr(total.old, f)), format_q(getattr(total.new, f))) for f in total.fields} == {
        f: (q(old), q(new)) for f, (old, new) in e.FUNDING_TOTAL.items()
    }


def test_a_changed_target_value(changes: PlanChanges) -> None:
    tematica, before, after = e.TARGET_VALUE
    (changed,) = changes.targets_with_new_values
    assert changed.new.tematica == tematica
    assert (changed.old.target, changed.new.target) == (before, after)
    assert changed.old.baseline == changed.new.baseline == "85%"


def test_a_reworded_target_keeps_its_figures(changes: PlanChanges) -> None:
    (reworded,) = changes.targets_reworded
    assert e.TARGET_REWORDED[0] in reworded.old.text
    assert e.TARGET_REWORDED[1] in reworded.new.text
    assert reworded.old.measures == reworded.new.measures


def test_a_new_target_moving_the_others_ids_is_the_only_target_added(changes: PlanChanges) -> None:
    tematica, text = e.TARGET_ADDED
    assert [(r.tematica, r.text) for r in changes.targets_added] == [(tematica, text)]
    assert changes.targets_dropped == ()
    assert {c.new.tematica for c in changes.targets_changed} == {e.TARGET_VALUE[0], "saludable"}


def test_operational_actions_added_dropped_and_reworded(changes: PlanChanges, bundled_edition: Plan) -> None:
    found = changes.operational_actions
    assert [(a.number, a.text) for a in found.added] == [(16, e.ACTION_ADDED)]
    assert [f"{a.number}. {a.text}\n" for a in found.dropped] == [e.ACTION_DROPPED]
    number, clause, replacement = e.ACTION_REWORDED
    (reworded,) = found.reworded
    old = next(a for a in bundled_edition.operational_actions if a.number == number)
    assert reworded.old == old
    assert (reworded.new.number, reworded.new.text) == (number, old.text.replace(clause, replacement))
    renumbered = next(a for a in bundled_edition.operational_actions if a.number == 16)  # 15 now
    assert renumbered.text not in {a.text for a in (*found.added, *found.dropped)}


def test_objectives_and_lines(changes: PlanChanges) -> None:
    assert [(p.old.text, p.new.text) for p in changes.objectives.reworded] == [e.OBJECTIVE_REWORDED]
    assert changes.objectives.added == changes.objectives.dropped == ()
    assert [(s.tematica, s.text) for s in changes.strategic_lines.added] == [e.LINE_ADDED]
    assert changes.strategic_lines.dropped == changes.strategic_lines.reworded == ()
    assert [(a.tematica, a.text) for a in changes.action_lines.added] == [
        (e.LINE_ADDED[0], e.ACTION_LINE_ADDED)
    ]
    assert [(a.tematica, a.text) for a in changes.action_lines.dropped] == [e.ACTION_LINE_DROPPED]
    assert changes.action_lines.reworded == ()


def test_backwards_every_addition_is_a_drop(
    bundled_edition: Plan, next_edition: Plan, changes: PlanChanges
) -> None:
    back = compare_plans(next_edition, bundled_edition)
    assert back.projects_dropped == changes.projects_added
    assert back.projects_added == changes.projects_dropped
    assert back.funding_dropped == changes.funding_added
    assert back.targets_dropped == changes.targets_added
    assert back.strategic_lines.dropped == changes.strategic_lines.added
    assert back.action_lines.added == changes.action_lines.dropped
    assert back.operational_actions.dropped == changes.operational_actions.added
    assert [(c.old.amount, c.new.amount) for c in back.amounts_changed] == [
        (c.new.amount, c.old.amount) for c in changes.amounts_changed
    ]
    assert [(c.old.target, c.new.target) for c in back.targets_with_new_values] == [("97%", "95%")]


def test_an_identical_edition_has_no_changes(bundled_edition: Plan) -> None:
    for same in (
        bundled_edition,
        parse_plan(read_bundled_text()),
        plan_from_json(plan_to_json(bundled_edition)),
    ):
        changes = compare_plans(bundled_edition, same)
        assert changes.empty
        assert set(change_counts(changes).values()) == {0}
        assert changes_to_json(changes)["changed"] is False


def test_spelling_alone_is_not_a_change(bundled_edition: Plan) -> None:
    first = bundled_edition.operational_actions[0]
    respelled = replace(first, text=first.text.upper().replace("Ó", "O"))
    edition = replace(
        bundled_edition, operational_actions=(respelled, *bundled_edition.operational_actions[1:])
    )
    assert compare_plans(bundled_edition, edition).empty


def test_other_words_altogether_are_a_drop_and_an_addition(bundled_edition: Plan) -> None:
    first = bundled_edition.operational_actions[0]
    other = Item(first.number, "Construcción de un mercado municipal nuevo.", first.section)
    edition = replace(bundled_edition, operational_actions=(other, *bundled_edition.operational_actions[1:]))
    found = compare_plans(bundled_edition, edition).operational_actions
    assert (found.added, found.dropped, found.reworded) == ((other,), (first,), ())


def test_a_percentage_written_otherwise_is_not_a_change(bundled_edition: Plan) -> None:
    """ "70.00%" and "70%" are the same share; a share that moves is a change of that figure."""
    iusi = next(f for f in bundled_edition.funding if f.source == "Fondos de IUSI")
    same = replace(iusi, investment_pct=Decimal("70"))
    moved = replace(iusi, investment_pct=Decimal("71.5"))
    for source, expected in ((same, ()), (moved, ("investment_pct",))):
        edition = replace(
            bundled_edition, funding=tuple(source if f is iusi else f for f in bundled_edition.funding)
        )
        assert tuple(c.fields for c in compare_plans(bundled_edition, edition).funding_changed) == (
            (expected,) if expected else ()
        )


def test_for_zona_keeps_that_zona_projects_and_the_texts_that_name_it(changes: PlanChanges) -> None:
    seven = for_zona(changes, 7)
    assert seven.zona == 7
    assert [p.snip for p in seven.projects_added] == ["301378"]
    assert [c.snip for c in seven.projects_changed] == [e.ZONA_MOVED[0]]  # moved into zona 7
    assert [a.text for a in seven.operational_actions.added] == [e.ACTION_ADDED]  # "… de la zona 7 …"
    assert (seven.funding_added, seven.funding_changed, seven.funding_total) == ((), (), None)
    assert seven.targets_changed == seven.targets_added == ()
    assert seven.strategic_lines.empty
    assert seven.objectives.empty


@pytest.mark.parametrize(
    ("zona", "added", "dropped", "changed"),
    [
        (10, [], [], ["242177", "206213"]),  # 206213 moved out of zona 10
        (2, [], ["276227"], []),
        (3, ["301245"], [], []),
        (11, ["301122"], [], []),
        (6, [], [], ["273703"]),
    ],
)
def test_for_zona_projects(
    changes: PlanChanges, zona: int, added: list[str], dropped: list[str], changed: list[str]
) -> None:
    mine = for_zona(changes, zona)
    assert [p.snip for p in mine.projects_added] == added
    assert [p.snip for p in mine.projects_dropped] == dropped
    assert [c.snip for c in mine.projects_changed] == changed


def test_for_a_zona_nothing_touched(changes: PlanChanges) -> None:
    assert for_zona(changes, 8).empty
    assert not for_zona(changes, 11).empty  # the new action names zona 11 too


def test_json_has_both_figures_of_each_change(changes: PlanChanges) -> None:
    data = changes_to_json(changes)
    assert data["changed"] is True
    assert data["counts"] == change_counts(changes)
    assert data["counts"]["projects_added"] == 3
    assert data["counts"]["amounts_changed"] == 3
    first = next(c for c in data["projects"]["changed"] if c["snip"] == "242177")
    assert first["amount"] == {"old": 4441894.0, "new": 3200000.0}
    assert first["observation"] == {"old": e.OBSERVATION[1], "new": e.OBSERVATION[2]}
    assert "zona" not in first
    moved = next(c for c in data["projects"]["changed"] if c["snip"] == e.ZONA_MOVED[0])
    assert moved["zona"] == {"old": 10, "new": 7}
    assert [p["snip"] for p in data["projects"]["added"]] == list(e.NEW_PROJECTS)
    (source,) = data["funding"]["changed"]
    assert source["available"] == {"old": 61100000.0, "new": 63500000.0}
    assert data["funding"]["total"]["new"]["available"] == 691706700.0
    (target,) = [c for c in data["targets"]["changed"] if c["values_changed"]]
    assert (target["old"]["target"], target["new"]["target"]) == ("95%", "97%")
    assert data["operational_actions"]["added"][0]["text"] == e.ACTION_ADDED
    assert data["action_lines"]["dropped"][0]["text"] == e.ACTION_LINE_DROPPED[1]


def test_a_target_rewritten_around_the_same_figures_is_that_target(bundled_edition: Plan) -> None:
    waste = next(r for r in bundled_edition.targets if "desechos sólidos" in r.text)
    rewritten = replace(
        waste, text=f"Mixco recoge la basura de más hogares {waste.text[waste.text.index('(') :]}"
    )
    edition = replace(
        bundled_edition, targets=tuple(rewritten if r is waste else r for r in bundled_edition.targets)
    )
    changes = compare_plans(bundled_edition, edition)
    assert [(c.old, c.new) for c in changes.targets_reworded] == [(waste, rewritten)]
    assert changes.targets_added == changes.targets_dropped == ()


def test_a_second_copy_of_a_text_is_an_addition(bundled_edition: Plan) -> None:
    copy = replace(bundled_edition.operational_actions[0], number=17)
    edition = replace(bundled_edition, operational_actions=(*bundled_edition.operational_actions, copy))
    found = compare_plans(bundled_edition, edition).operational_actions
    assert (found.added, found.dropped, found.reworded) == ((copy,), (), ())


def test_a_funding_source_named_nearly_alike_is_the_same_source(bundled_edition: Plan) -> None:
    iusi = next(f for f in bundled_edition.funding if f.source == "Fondos de IUSI")
    renamed = replace(iusi, source="Fondo de IUSI", available=iusi.available + 1)
    respelled = replace(iusi, source="FONDOS DE IUSI.")
    for source, fields in ((renamed, ("available",)), (respelled, None)):
        edition = replace(
            bundled_edition, funding=tuple(source if f is iusi else f for f in bundled_edition.funding)
        )
        changes = compare_plans(bundled_edition, edition)
        assert (changes.funding_added, changes.funding_dropped) == ((), ())
        assert [c.fields for c in changes.funding_changed] == ([fields] if fields else [])
