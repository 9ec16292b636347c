"""Inline keyboards: every button carries an :class:`~knowledge.actions.Action`, encoded (and
checked) in one place, :func:`button`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from knowledge import catalog as t
from knowledge.actions import Action, ActionError, record_key
from knowledge.answers import Answer, FollowUp
from knowledge.catalog import EditionTexts
from knowledge.explorer import explorer_path

BUTTONS_PER_ROW = 2
LABEL_CHARS = 60


def button(label: str, action: Action) -> InlineKeyboardButton:
    """A button that sends ``action`` back (:class:`~knowledge.actions.ActionTooLong` when it
    cannot travel as callback data)."""
    return InlineKeyboardButton(label[:LABEL_CHARS], callback_data=action.encode())


def keyboard(
    follow_ups: Sequence[FollowUp], extra_rows: Sequence[Sequence[InlineKeyboardButton]] = ()
) -> InlineKeyboardMarkup | None:
    rows = [*follow_up_rows(tuple(follow_ups)), *(tuple(row) for row in extra_rows if row)]
    return InlineKeyboardMarkup(rows) if rows else None


@lru_cache(maxsize=4096)
def follow_up_rows(follow_ups: tuple[FollowUp, ...]) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    """Follow-up buttons, two a row; a follow-up whose action no button can carry is left out.
    Built once per set of follow-ups (PTB's buttons are immutable, so one answer's keyboard can
    be shared by every reply that shows it)."""
    buttons = [b for b in (follow_up_button(f) for f in follow_ups) if b is not None]
    return tuple(tuple(buttons[i : i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW))


def follow_up_button(follow_up: FollowUp) -> InlineKeyboardButton | None:
    try:
        return button(follow_up.label, Action.from_text(follow_up.action))
    except ActionError:
        return None


ZONAS_PER_ROW = 4


def zona_picker(zonas: Sequence[int], verb: str = "zona") -> InlineKeyboardMarkup:
    """The municipality's zonas, four a row; ``verb`` "mizona" makes the pick the chat's own zona."""
    buttons = [button(str(n), Action.of(verb, n)) for n in zonas]
    return InlineKeyboardMarkup(
        [buttons[i : i + ZONAS_PER_ROW] for i in range(0, len(buttons), ZONAS_PER_ROW)]
    )


def welcome_keyboard(
    texts: EditionTexts, webapp_url: str | None = None, *, private: bool = True
) -> InlineKeyboardMarkup:
    """Under /start's welcome; with the plan explorer's address, a row that opens its home."""
    buttons = [
        button(t.BTN_MY_ZONA, Action.of("zonas")),
        button(t.BTN_PROJECTS, Action.of("lista", "projects")),
        button(t.BTN_TEMATICAS, Action.of("lista", "tematicas")),
        button(t.BTN_FUNDING, Action.of("lista", "funding")),
        button(texts.BTN_TARGETS, Action.of("lista", "targets")),
        button(t.BTN_HELP, Action.of("ayuda")),
    ]
    rows = [buttons[0:2], buttons[2:4], buttons[4:6]]
    if webapp_url is not None:
        rows.append(list(web_app_row(webapp_url, private)))
    return InlineKeyboardMarkup(rows)


@lru_cache(maxsize=256)
def web_app_row(url: str, private: bool) -> tuple[InlineKeyboardButton, ...]:
    """ "🗺️ Ver el plan" opening ``url``: as a Mini App in a private chat (Telegram allows web_app
    buttons only there), as a link anywhere else."""
    if private:
        return (InlineKeyboardButton(t.BTN_WEBAPP, web_app=WebAppInfo(url)),)
    return (InlineKeyboardButton(t.BTN_WEBAPP, url=url),)


def explorer_row(webapp_url: str | None, answer: Answer, *, private: bool) -> list[InlineKeyboardButton]:
    """The button that opens the answer's page of the plan explorer (a zona's, a project's); none
    without WEBAPP_URL or for an answer the explorer has no page of."""
    path = explorer_path(answer)
    if webapp_url is None or path is None:
        return []
    return list(web_app_row(webapp_url + path, private))


def change_zona_row() -> list[InlineKeyboardButton]:
    return [button(t.BTN_CHANGE_ZONA, Action.of("zonas", "cambiar"))]


def feedback_row(query_id: int) -> list[InlineKeyboardButton]:
    """👍 / 👎 under an answer, naming the logged question."""
    return [
        button(t.BTN_USEFUL, Action.of("fb", query_id, 1)),
        button(t.BTN_NOT_USEFUL, Action.of("fb", query_id, 0)),
    ]


def status_rows(snip: str) -> list[list[InlineKeyboardButton]]:
    """The staff's status buttons under a project card."""
    buttons = [button(label, Action.of("estado", snip, status)) for status, label in t.STATUS_LABELS.items()]
    return [buttons[:2], buttons[2:]]


def confirm_row(label: str, yes: Action, no: Action) -> list[InlineKeyboardButton]:
    """A confirmation: ``label`` does it, Cancelar does not."""
    return [button(label, yes), button(t.BTN_CANCEL, no)]


def card_follow_ups(
    answer: Answer, followed: frozenset[tuple[str, str]] = frozenset()
) -> tuple[FollowUp, ...]:
    """The answer's follow-ups, then what every zona or project card offers: its chart, following
    it (or, when the chat follows it already, stopping), reporting on it."""
    offers: list[tuple[str, Action | None]] = []
    subject = card_subject(answer)
    if answer.kind == "zona" and answer.matches and answer.zona:
        offers.append((t.BTN_CHART, offer("grafico", "zona", answer.zona)))
    if subject is not None:
        label, verb = (t.BTN_UNFOLLOW, "dejar") if subject in followed else (t.BTN_FOLLOW, "seguir")
        offers.append((label, offer(verb, *subject)))
    if subject is not None and subject[0] == "proyecto":
        offers.append((t.BTN_REPORT, offer("reportar", subject[1])))
    return (*answer.follow_ups, *(FollowUp(label, a.text) for label, a in offers if a is not None))


def offer(verb: str, *args: str | int) -> Action | None:
    """The action, or None when the card's subject fits no button (it is then not offered, as a
    follow-up no button can carry is not)."""
    try:
        return Action.of(verb, *args)
    except ActionError:
        return None


def card_subject(answer: Answer) -> tuple[str, str] | None:
    """What a zona or project card can be followed as: ("zona", "6"), ("proyecto", SNIP)."""
    if answer.kind == "zona" and answer.zona:
        return "zona", str(answer.zona)
    snip = project_snip(answer)
    return ("proyecto", snip) if answer.kind == "project" and snip else None


def project_snip(answer: Answer) -> str | None:
    """The SNIP of the answer's first match, when it is a project."""
    return next((record_key(m.id) for m in answer.matches[:1] if m.kind == "project"), None)
