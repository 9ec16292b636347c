"""The button and deep-link protocol: what a button, a ``/start`` link or a follow-up stands for.

An :class:`Action` is a verb and its arguments: ``Action("zona", ("6",))``. Its text is
``zona:6`` (what :class:`knowledge.answer_types.FollowUp` carries); on a button it travels as
callback data ``a|zona:6``, at most 64 bytes (Telegram's limit); a ``/start`` deep link carries
``zona_6``, ``p_242177`` or ``tema_seguro``. Each verb's arguments are given by its entry in
:data:`VERBS`, and an Action is only made of arguments that fit one of them, so whatever
:meth:`Action.parse` returns is well formed; :meth:`Action.known_in` then checks that the projects
temáticas and zonas it names are in the plan. What each verb does is the handlers' business
(``handlers.buttons.ROUTES``, which also says which verbs are for staff).

Pure: no telegram, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from knowledge import catalog as t
from knowledge.model import Plan

CALLBACK_MAX_BYTES = 64
"""Telegram's limit on a button's callback data."""
PREFIX = "a|"
"""What every button of this bot starts with."""


class ActionError(ValueError):
    """Callback data, a deep link or an action's text that is not one this bot issues: stale,
    forged or garbled."""


class NotAnAction(ActionError):
    """Not in the form of this bot's callback data or deep links at all."""


class UnknownVerb(ActionError):
    """A verb no button has (any more)."""


class MalformedArguments(ActionError):
    """A known verb with arguments that fit none of its forms."""


class ActionTooLong(ActionError):
    """Over Telegram's 64 bytes of callback data."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One argument: the text it may be, and what of the plan it names (see ``known_in``)."""

    pattern: re.Pattern[str]
    names: Literal["project", "tematica", "zona"] | None = None

    def fits(self, arg: str) -> bool:
        return self.pattern.fullmatch(arg) is not None


def slot(regex: str, names: Literal["project", "tematica", "zona"] | None = None) -> Slot:
    return Slot(re.compile(f"(?:{regex})"), names)


def word(*choices: str) -> Slot:
    """An argument that is one of a few fixed words."""
    return slot("|".join(re.escape(choice) for choice in choices))


Form = tuple[Slot, ...]
"""The arguments of one form of a verb, in order."""

ZONA = slot(r"[1-9][0-9]?", "zona")
"""A zona's number: checked against the plan's edition (its municipality's zonas)."""
SNIP = slot(r"[0-9]{6}", "project")
"""A project's SNIP: checked against the plan."""
TEMA = slot(r"[a-z0-9-]{1,40}", "tematica")
"""A temática's id, checked against the plan like a SNIP."""
ROW_ID = slot(r"[0-9]{1,12}")
"""A database row (a logged question, a broadcast, a pending confirmation, a report): the handler
that reads it says when it is gone."""
USER_ID = slot(r"[0-9]{1,16}")
LIST_ID = slot(r"[a-z_]{1,24}")
LIST_FILTER = slot(r"[a-z0-9-]{1,24}")
PAGE = slot(r"[1-9][0-9]?")
STATUS = word(*t.STATUS_LABELS)
FOLLOWED: tuple[Form, ...] = ((word("zona"), ZONA), (word("proyecto"), SNIP))
"""What a chat may follow: a zona or a project."""
ROW_VERBS = ("enviar", "cancelar", "aplicar", "descartar", "revisar", "cargar", "nocargar")
"""Staff confirmations and reviews, each naming its row."""

VERBS: dict[str, tuple[Form, ...]] = {
    "zona": ((ZONA,),),
    "proyecto": ((SNIP,),),
    "tema": ((TEMA,),),
    "metas": ((TEMA,),),
    "lista": (
        (word("projects", "funding", "tematicas", "targets"),),  # a whole list
        (LIST_ID, PAGE),  # lista:<list_id>:<page>
        (LIST_ID, LIST_FILTER, PAGE),  # lista:<list_id>:<filter>:<page>
    ),
    "cambios": ((PAGE,), (word("zona"), ZONA, PAGE)),  # the pages of what changed between editions
    "zonas": ((), (word("cambiar"),)),
    "mizona": ((ZONA,),),
    "plan": ((),),
    "ayuda": ((),),
    "grafico": ((word("zona"), ZONA),),
    "seguir": FOLLOWED,
    "dejar": FOLLOWED,
    "reportar": ((SNIP,),),
    "reporte": ((word("enviar", "cancelar"), ROW_ID),),
    "fb": ((ROW_ID, word("0", "1")),),
    "olvidar": ((word("si", "no"), USER_ID),),
    "estado": ((SNIP, STATUS),),
    **{verb: ((ROW_ID,),) for verb in ROW_VERBS},
}
"""Every verb a button may carry, with the forms its arguments may take. Anything else is stale
or forged. A new button is one entry here and one in ``handlers.buttons.ROUTES``."""

DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What Telegram allows in a ``/start`` payload."""
DEEP_LINKS = {"zona": "zona_", "proyecto": "p_", "tema": "tema_"}
"""The verbs a deep link may stand for, by the prefix of its payload: ``p_242177``."""
OPENS = {"project": "proyecto", "tematica": "tema"}
"""The verb that shows a record's card, by the record's kind."""


@dataclass(frozen=True, slots=True)
class Action:
    """A verb and its arguments, well formed by construction (else :class:`ActionError`)."""

    verb: str
    args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.form()

    @classmethod
    def of(cls, verb: str, *args: str | int) -> Action:
        """``Action.of("fb", 12, 1)`` is ``fb:12:1``."""
        return cls(verb, tuple(str(arg) for arg in args))

    def form(self) -> Form:
        """The form of the verb the arguments fit."""
        forms = VERBS.get(self.verb)
        if forms is None:
            raise UnknownVerb(f"no button has the verb {self.verb[:30]!r}")
        for form in forms:
            if len(form) == len(self.args) and all(
                s.fits(arg) for s, arg in zip(form, self.args, strict=True)
            ):
                return form
        raise MalformedArguments(f"{self.verb}: arguments {self.args!r} fit none of its forms"[:200])

    @property
    def text(self) -> str:
        """``zona:6``, ``lista:actors:2``, ``plan``."""
        return ":".join((self.verb, *self.args))

    def encode(self) -> str:
        """The callback data of a button: ``a|zona:6``."""
        data = PREFIX + self.text
        if _size(data) > CALLBACK_MAX_BYTES:
            raise ActionTooLong(f"{data[:70]!r} is over {CALLBACK_MAX_BYTES} bytes")
        return data

    @classmethod
    def parse(cls, data: str) -> Action:
        """The action a button's callback data carries; :class:`ActionError` when it is not one
        this bot issues (too long, without ``a|``, an unknown verb, arguments that do not fit)."""
        if _size(data) > CALLBACK_MAX_BYTES:
            raise ActionTooLong(f"callback data over {CALLBACK_MAX_BYTES} bytes")
        if not data.startswith(PREFIX):
            raise NotAnAction(f"not this bot's callback data: {data[:70]!r}")
        return cls.from_text(data[len(PREFIX) :])

    @classmethod
    def from_text(cls, text: str) -> Action:
        """``zona:6`` → the action (as a follow-up carries it); :class:`ActionError` otherwise."""
        verb, *args = text.split(":")
        return cls(verb, tuple(args))

    @classmethod
    def from_deep_link(cls, payload: str) -> Action:
        """``zona_6`` → ``zona:6``, ``p_242177`` → ``proyecto:242177``, ``tema_seguro`` →
        ``tema:seguro``; :class:`ActionError` for any other payload."""
        if DEEP_LINK.fullmatch(payload) is None:
            raise NotAnAction(f"not a deep link: {payload[:70]!r}")
        for verb, prefix in DEEP_LINKS.items():
            if payload.startswith(prefix):
                return cls(verb, (payload[len(prefix) :],))
        raise UnknownVerb(f"no deep link starts like {payload[:70]!r}")

    def deep_link(self) -> str | None:
        """The ``/start`` payload that opens this action's answer, if it has one."""
        prefix = DEEP_LINKS.get(self.verb)
        return prefix + self.args[0] if prefix is not None and len(self.args) == 1 else None

    def known_in(self, plan: Plan) -> bool:
        """Every project, temática and zona the action names is in the plan (a zona: one of its
        municipality's). Buttons and deep links are checked with it on arrival."""
        for s, arg in zip(self.form(), self.args, strict=True):
            if s.names == "project" and plan.project(arg) is None:
                return False
            if s.names == "tematica" and plan.tematica(arg) is None:
                return False
            if s.names == "zona" and int(arg) not in plan.edition.zonas:
                return False
        return True


def record_key(record_id: str) -> str:
    """A record's key in its id: ``project:242177`` → ``242177``, ``tematica:seguro`` → ``seguro``."""
    return record_id.partition(":")[2]


def opening(kind: str, record_id: str) -> Action | None:
    """The action that shows a record's card (``proyecto:242177`` for the record
    ``project:242177``); None for a kind without a card of its own, or a key no button can carry."""
    verb = OPENS.get(kind)
    if verb is None:
        return None
    try:
        return Action(verb, (record_key(record_id),))
    except ActionError:
        return None


def _size(data: str) -> int:
    return len(data.encode("utf-8", "surrogatepass"))
