"""The button and deep-link protocol (``knowledge.actions``): every verb round-trips through its
callback data within Telegram's 64 bytes, the callback data buttons already sent carry still
reads, and anything else is refused with an error that says why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.actions import (
    CALLBACK_MAX_BYTES,
    VERBS,
    Action,
    ActionError,
    ActionTooLong,
    MalformedArguments,
    NotAnAction,
    Slot,
    UnknownVerb,
    opening,
    record_key,
)
from knowledge.answers import Answerer
from knowledge.ingest import load_bundled_plan
from knowledge.model import Plan

EVAL_SETS = Path(__file__).resolve().parent.parent / "eval"

ISSUED = {
    "a|zona:6": ("zona", ("6",)),
    "a|zona:11": ("zona", ("11",)),
    "a|proyecto:242177": ("proyecto", ("242177",)),
    "a|tema:seguro": ("tema", ("seguro",)),
    "a|metas:seguro": ("metas", ("seguro",)),
    "a|lista:projects": ("lista", ("projects",)),
    "a|lista:tematicas": ("lista", ("tematicas",)),
    "a|lista:funding": ("lista", ("funding",)),
    "a|lista:targets": ("lista", ("targets",)),
    "a|lista:actors:2": ("lista", ("actors", "2")),
    "a|lista:action_lines:99": ("lista", ("action_lines", "99")),
    "a|lista:actors:influencia-alta:3": ("lista", ("actors", "influencia-alta", "3")),
    "a|cambios:2": ("cambios", ("2",)),
    "a|cambios:zona:7:3": ("cambios", ("zona", "7", "3")),
    "a|zonas": ("zonas", ()),
    "a|zonas:cambiar": ("zonas", ("cambiar",)),
    "a|mizona:10": ("mizona", ("10",)),
    "a|plan": ("plan", ()),
    "a|ayuda": ("ayuda", ()),
    "a|grafico:zona:10": ("grafico", ("zona", "10")),
    "a|seguir:zona:1": ("seguir", ("zona", "1")),
    "a|seguir:proyecto:242177": ("seguir", ("proyecto", "242177")),
    "a|dejar:zona:6": ("dejar", ("zona", "6")),
    "a|dejar:proyecto:242177": ("dejar", ("proyecto", "242177")),
    "a|reportar:242177": ("reportar", ("242177",)),
    "a|reporte:enviar:17": ("reporte", ("enviar", "17")),
    "a|reporte:cancelar:17": ("reporte", ("cancelar", "17")),
    "a|fb:123456789012:1": ("fb", ("123456789012", "1")),
    "a|fb:5:0": ("fb", ("5", "0")),
    "a|olvidar:si:7000000011234567": ("olvidar", ("si", "7000000011234567")),
    "a|olvidar:no:42": ("olvidar", ("no", "42")),
    "a|estado:242177:en_ejecucion": ("estado", ("242177", "en_ejecucion")),
    "a|estado:242177:planificado": ("estado", ("242177", "planificado")),
    "a|estado:242177:suspendido": ("estado", ("242177", "suspendido")),
    "a|estado:242177:finalizado": ("estado", ("242177", "finalizado")),
    "a|enviar:3": ("enviar", ("3",)),
    "a|cancelar:3": ("cancelar", ("3",)),
    "a|aplicar:9": ("aplicar", ("9",)),
    "a|descartar:9": ("descartar", ("9",)),
    "a|revisar:12": ("revisar", ("12",)),
    "a|cargar:4": ("cargar", ("4",)),  # an uploaded edition's preview (since its verbs came)
    "a|nocargar:4": ("nocargar", ("4",)),
}
"""Callback data as the bot wrote it before the protocol had a module of its own (copied from the
buttons it sent), so buttons already in chats keep working."""

REFUSED: dict[str, type[ActionError]] = {
    "": NotAnAction,
    "zona:6": NotAnAction,
    "b|zona:6": NotAnAction,
    " a|zona:6": NotAnAction,
    "a|": UnknownVerb,
    "a|borrar:1": UnknownVerb,
    "a|a|zona:6": UnknownVerb,
    "a|Zona:6": UnknownVerb,
    "a|zona:": MalformedArguments,
    "a|zona:0": MalformedArguments,
    "a|zona:100": MalformedArguments,
    "a|zona:06": MalformedArguments,
    "a|zona:6\n": MalformedArguments,
    "a|zona:6:7": MalformedArguments,
    "a|zona:٦": MalformedArguments,  # an Arabic-Indic digit six
    "a|proyecto:24217": MalformedArguments,
    "a|proyecto:٢٤٢١٧٧": MalformedArguments,
    "a|tema:Seguro": MalformedArguments,
    "a|lista:nada": MalformedArguments,
    "a|lista:actors:0": MalformedArguments,
    "a|lista:actors:100": MalformedArguments,
    "a|lista:actors:x:y:2": MalformedArguments,
    "a|zonas:": MalformedArguments,
    "a|plan:1": MalformedArguments,
    "a|grafico:proyecto:242177": MalformedArguments,
    "a|seguir:tema:seguro": MalformedArguments,
    "a|fb:1:2": MalformedArguments,
    "a|fb:x:1": MalformedArguments,
    "a|olvidar:no": MalformedArguments,
    "a|olvidar:quizas:1": MalformedArguments,
    "a|estado:242177:terminado": MalformedArguments,
    "a|revisar:1234567890123": MalformedArguments,
    "a|lista:" + "x" * 70: ActionTooLong,
    "a|fb:1:1" + " " * 60: ActionTooLong,
}
"""Forged, garbled or stale callback data, and the error each is refused with."""


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_bundled_plan()


def test_the_issued_forms_cover_every_verb() -> None:
    assert {verb for verb, _ in ISSUED.values()} == set(VERBS)


@pytest.mark.parametrize(("data", "expected"), ISSUED.items())
def test_callback_data_already_sent_still_reads(data: str, expected: tuple[str, tuple[str, ...]]) -> None:
    action = Action.parse(data)
    assert (action.verb, action.args) == expected
    assert action.encode() == data


@pytest.mark.parametrize(("data", "error"), REFUSED.items())
def test_anything_else_is_refused_with_a_specific_error(data: str, error: type[ActionError]) -> None:
    with pytest.raises(error):
        Action.parse(data)


def forms() -> st.SearchStrategy[Action]:
    """Any well-formed action of any verb, its arguments drawn from each argument's grammar."""

    def of_form(verb: str, form: tuple[Slot, ...]) -> st.SearchStrategy[Action]:
        arguments = st.tuples(*(st.from_regex(s.pattern, fullmatch=True) for s in form))
        return st.builds(Action, st.just(verb), arguments)

    return st.one_of(*(of_form(verb, form) for verb, verb_forms in VERBS.items() for form in verb_forms))


@settings(max_examples=400, deadline=None, database=None)
@given(action=forms())
def test_every_action_round_trips_within_64_bytes(action: Action) -> None:
    data = action.encode()
    assert len(data.encode()) <= CALLBACK_MAX_BYTES
    assert Action.parse(data) == action
    assert Action.from_text(action.text) == action


def test_encode_refuses_an_action_over_64_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """No verb of today can be longer, so the check is shown on a verb made for the test."""
    monkeypatch.setitem(VERBS, "nota", ((Slot(re.compile("[a-z]{1,100}")),),))
    fits = Action.of("nota", "a" * (CALLBACK_MAX_BYTES - len("a|nota:")))
    assert len(fits.encode()) == CALLBACK_MAX_BYTES
    with pytest.raises(ActionTooLong):
        Action.of("nota", "a" * (CALLBACK_MAX_BYTES - len("a|nota:") + 1)).encode()


@pytest.mark.parametrize(
    ("verb", "args"),
    [("zona", (100,)), ("zona", ()), ("proyecto", ("24217",)), ("lista", ("actors", 0)), ("nada", ())],
)
def test_an_action_cannot_be_made_malformed(verb: str, args: tuple[str | int, ...]) -> None:
    with pytest.raises(ActionError):
        Action.of(verb, *args)


@pytest.mark.parametrize(
    ("payload", "action"),
    [
        ("zona_6", Action.of("zona", 6)),
        ("zona_11", Action.of("zona", 11)),
        ("p_242177", Action.of("proyecto", "242177")),
        ("tema_seguro", Action.of("tema", "seguro")),
    ],
)
def test_deep_links_round_trip(payload: str, action: Action) -> None:
    assert Action.from_deep_link(payload) == action
    assert action.deep_link() == payload


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "zona_100",
        "zona_0",
        "zona_",
        "p_24217",
        "p_2421770",
        "tema_Seguro",
        "tema_a_b",
        "x_1",
        "zona 6",
        "a" * 65,
    ],
)
def test_other_deep_links_are_refused(payload: str) -> None:
    with pytest.raises(ActionError):
        Action.from_deep_link(payload)


@pytest.mark.parametrize(
    "action", [Action.of("plan"), Action.of("lista", "projects"), Action.of("metas", "seguro")]
)
def test_only_cards_have_deep_links(action: Action) -> None:
    assert action.deep_link() is None


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("proyecto:242177", True),
        ("proyecto:999999", False),
        ("tema:seguro", True),
        ("metas:no-existe", False),
        ("seguir:proyecto:242177", True),
        ("dejar:proyecto:999999", False),
        ("estado:999999:finalizado", False),
        ("reportar:242177", True),
        ("zona:6", True),
        ("zona:11", True),
        ("zona:12", False),  # Mixco has zonas 1 to 11: a zona is checked against the edition
        ("grafico:zona:12", False),
        ("seguir:zona:12", False),
        ("lista:nada:1", True),  # a list the answerer does not have is its call (a stale answer)
        ("fb:999999:1", True),  # rows are checked by the handler that reads them
    ],
)
def test_what_an_action_names_is_checked_against_the_plan(plan: Plan, text: str, known: bool) -> None:
    assert Action.from_text(text).known_in(plan) is known


def test_a_record_opens_by_its_kind() -> None:
    assert record_key("project:242177") == "242177"
    assert opening("project", "project:242177") == Action.of("proyecto", "242177")
    assert opening("tematica", "tematica:seguro") == Action.of("tema", "seguro")
    assert opening("target", "target:seguro-1") is None
    assert opening("project", "project:no-snip") is None


def test_every_follow_up_the_answerer_offers_is_an_action(plan: Plan) -> None:
    """Knowledge writes follow-ups as an action's text: each must read back as one, and fit."""
    answerer = Answerer(plan)
    questions = [
        json.loads(line)["q"]
        for path in sorted(EVAL_SETS.glob("questions-heldout*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    answers = [answerer.answer(q) for q in questions]
    answers += [answerer.zona_answer(n) for n in plan.edition.zonas]
    answers += [answerer.project_answer(p.snip) for p in plan.projects]
    answers += [answerer.help_answer(), answerer.plan_answer(), answerer.projects_answer()]
    follow_ups = {f.action for answer in answers if answer is not None for f in answer.follow_ups}
    assert len(follow_ups) > 20
    for text in sorted(follow_ups):
        Action.from_text(text).encode()
