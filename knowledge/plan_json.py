"""The plan as JSON: a readable export, and a strict import that names the exact bad path.

Amounts and percentages are written as JSON numbers. On the way back every number goes through
``Decimal(str(x))`` so that the float's shortest repr (``364029262.59``) is what we keep; amounts
are quantized to cents, percentages are kept as given. Reading is driven by the type hints of the
records in :mod:`knowledge.model`, so a record gains JSON support the moment it gains a field.

Exports written by earlier versions still load: a renamed field is read under its old name
(:data:`RENAMED`), and an export without ``edition`` has it read from its own texts, as the
document's would be (:func:`knowledge.edition.edition_of`).
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from knowledge.edition import edition_of
from knowledge.errors import PlanFormatError, checked
from knowledge.model import (
    Plan,
    Project,
    Target,
    amount_problem,
    edition_problem,
    number_problem,
    percent_problem,
)
from knowledge.reconcile import check_plan
from knowledge.text import UNSTORABLE

__all__ = ["plan_digest", "plan_from_json", "plan_to_json", "record_from_json", "record_to_json"]

R = TypeVar("R")
JsonDict = dict[str, Any]

CENTS = Decimal("0.01")
PERCENT_FIELDS = frozenset({"investment_pct", "operating_pct"})
"""Decimal fields that are percentages; every other Decimal field is an amount in quetzales."""

TARGET_SUMMARY = ("baseline", "baseline_year", "target", "target_year")
"""Target keys derived from ``measures[0]``: written for readers, checked (not stored) on input."""

INSTITUTION = {"vision": "vision", "mission": "mission", "objective": "institutional_objective"}
"""``institution`` key -> statement id. Derived on output, ignored on input."""

RENAMED: dict[type, dict[str, str]] = {Project: {"amount_2024": "amount"}}
"""Field names of earlier exports, by record: old name -> the field's name now."""


# --- output -------------------------------------------------------------------------------


def plan_to_json(plan: Plan) -> JsonDict:
    """The plan as a JSON-ready dict (numbers as floats, tuples as lists)."""
    out = _plan_dict(plan, float)
    out["institution"] = {key: _statement_text(plan, sid) for key, sid in INSTITUTION.items()}
    return out


def record_to_json(record: object) -> JsonDict:
    """One plan record as a JSON-ready dict."""
    return _record_dict(record, float)


def plan_digest(plan: Plan) -> str:
    """SHA-256 of a canonical JSON form of the plan, exact to the written Decimal ("70.00")."""
    canonical = json.dumps(_plan_dict(plan, str), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plan_dict(plan: Plan, number: Callable[[Decimal], object]) -> JsonDict:
    return {f.name: _to_json(getattr(plan, f.name), number) for f in fields(plan)}


def _statement_text(plan: Plan, statement_id: str) -> str | None:
    statement = plan.statement(statement_id)
    return statement.text if statement else None


def _record_dict(record: object, number: Callable[[Decimal], object]) -> JsonDict:
    assert is_dataclass(record), record
    out = {f.name: _to_json(getattr(record, f.name), number) for f in fields(record)}
    if isinstance(record, Target):
        # Summary keys before the measures they summarise, for whoever reads the file.
        measures, section = out.pop("measures"), out.pop("section")
        out.update({key: getattr(record, key) for key in TARGET_SUMMARY})
        out.update(measures=measures, section=section)
    return out


def _to_json(value: object, number: Callable[[Decimal], object]) -> object:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, tuple):
        return [_to_json(item, number) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return _record_dict(value, number)
    return value


# --- input --------------------------------------------------------------------------------


def plan_from_json(data: object, *, zonas: tuple[int, ...] | None = None) -> Plan:
    """Rebuild a Plan from :func:`plan_to_json` output; raise PlanFormatError naming the bad path,
    for a wrong shape and for a plan that does not add up (:func:`knowledge.reconcile.check_plan`).

    ``zonas``: the municipality's zonas for an export without ``edition`` whose texts do not say
    them (the ``PLAN_ZONAS`` setting)."""
    if not isinstance(data, Mapping):
        raise PlanFormatError(f"expected a JSON object for the plan, got {_type_name(data)}")
    missing_edition = "edition" not in data
    plan = _record(Plan, data, "", extra=frozenset({"institution"}), optional=frozenset({"edition"}))
    if missing_edition:  # written before editions: its own texts say which plan it is
        plan = replace(plan, edition=edition_of(_records(plan), zonas=zonas))
    checked(plan.edition, edition_problem(plan.edition), "edition")
    check_plan(plan, json_place)
    return plan


def json_place(kind: str, position: int | None, field: str | None) -> str:
    """The path of a plan list's record or field: ``funding[3].investment_pct``, ``projects``."""
    path = kind if position is None else f"{kind}[{position}]"
    return _join(path, field) if field else path


def _records(plan: Plan) -> list[object]:
    """Every record of the plan, in field order."""
    out: list[object] = []
    for f in fields(plan):
        value = getattr(plan, f.name)
        out.extend(value if isinstance(value, tuple) else [value])
    return out


def record_from_json(record_type: type[R], data: object, where: str) -> R:
    """Build one record (e.g. ``Project``) from a JSON-like dict, checking every field.

    ``where`` is the path used in error messages (``projects[3]``). Numbers may also be given as
    ``Decimal`` (the database hands them back that way).
    """
    return _parse(data, record_type, where)  # type: ignore[no-any-return]


def _parse(value: object, tp: Any, path: str, name: str = "") -> Any:
    """Check ``value`` against the type hint ``tp``; ``name`` is the field (for Decimal kinds)."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _optional(value, tp, path, name)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return _tuple(value, args[0], path)
        return _fixed_tuple(value, args, path)
    if isinstance(tp, type) and is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise _wrong(path, "an object", value)
        return _record(tp, value, path)
    if tp is Decimal:
        return _number(value, path, amount=name not in PERCENT_FIELDS)
    if tp is bool:
        if not isinstance(value, bool):
            raise _wrong(path, "true or false", value)
        return value
    if tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _wrong(path, "an integer", value)
        return checked(value, number_problem(value), path)
    if tp is str:
        if not isinstance(value, str):
            raise _wrong(path, "a string", value)
        return checked(value, _text_problem(value), path)
    raise TypeError(f"{path}: no JSON reader for type {tp!r}")  # a model change we do not know


def _optional(value: object, tp: Any, path: str, name: str) -> Any:
    if value is None:
        return None
    (inner,) = (arg for arg in get_args(tp) if arg is not type(None))
    try:
        return _parse(value, inner, path, name)
    except _WrongType as error:
        if error.where != path:  # the problem is deeper inside the value
            raise
        raise _wrong(path, f"{_describe(inner)} or null", value) from None


def _tuple(value: object, item_type: Any, path: str) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise _wrong(path, "a list", value)
    return tuple(_parse(item, item_type, f"{path}[{i}]") for i, item in enumerate(value))


def _fixed_tuple(value: object, item_types: tuple[Any, ...], path: str) -> tuple[Any, ...]:
    """A pair such as a period ``[2024, 2028]``: exactly as many items as the type has."""
    if not isinstance(value, list | tuple):
        raise _wrong(path, "a list", value)
    if len(value) != len(item_types):
        raise PlanFormatError(f"expected {len(item_types)} items, got {len(value)}", where=path)
    return tuple(
        _parse(item, tp, f"{path}[{i}]") for i, (item, tp) in enumerate(zip(value, item_types, strict=True))
    )


def _record(
    cls: type[R],
    data: Mapping[Any, Any],
    path: str,
    extra: frozenset[str] = frozenset(),
    optional: frozenset[str] = frozenset(),
) -> R:
    """``optional``: fields that may be missing; they are None until the caller fills them."""
    hints = _hints(cast(type, cls))
    old_names = RENAMED.get(cls, {})
    if cls is Target:
        extra = extra | set(TARGET_SUMMARY)
    for key in data:
        if key not in hints and key not in extra and key not in old_names:
            raise PlanFormatError(f"unexpected key {key!r}", where=path or None)
    values: dict[str, Any] = {}
    for name, tp in hints.items():
        key = _key_of(name, data, old_names, path)
        if key is None and name in optional:
            values[name] = None
        elif key is None:
            raise PlanFormatError("missing key", where=_join(path, name))
        else:
            values[name] = _parse(data[key], tp, _join(path, key), name)
    record = cls(**values)
    if isinstance(record, Target):
        _check_target_summary(record, data, path)
    return record


def _key_of(name: str, data: Mapping[Any, Any], old_names: Mapping[str, str], path: str) -> str | None:
    """The key ``data`` gives a field under: its name, or the name an earlier version wrote
    (``amount_2024`` for ``amount``); None when it has neither."""
    old = [key for key, new in old_names.items() if new == name and key in data]
    if old and name in data:
        raise PlanFormatError(
            f"both {old[0]!r} and {name!r} given (the same field)", where=_join(path, old[0])
        )
    if name in data:
        return name
    return old[0] if old else None


def _check_target_summary(target: Target, data: Mapping[Any, Any], path: str) -> None:
    """The summary keys are derived; if a hand-edited file changes them, say so instead of ignoring it."""
    for key in TARGET_SUMMARY:
        if key not in data:
            continue
        given = _parse(data[key], int | None if key.endswith("_year") else str | None, _join(path, key))
        if given != getattr(target, key):
            raise PlanFormatError(
                f"{given!r} does not match measures[0] ({getattr(target, key)!r})", where=_join(path, key)
            )


def _number(value: object, path: str, *, amount: bool) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _wrong(path, "a number", value)
    number = Decimal(str(value))
    if not number.is_finite():
        raise PlanFormatError(f"expected a finite number, got {value!r}", where=path)
    if not amount:
        return checked(number, percent_problem(number), path)
    try:
        cents = number.quantize(CENTS)
    except InvalidOperation:
        raise PlanFormatError(f"amount out of range: {value!r}", where=path) from None
    return checked(cents, amount_problem(cents), path)


def _text_problem(text: str) -> str | None:
    """Why a text cannot be kept (a character no database stores), or None."""
    found = UNSTORABLE.search(text)
    return None if found is None else f"texto con un carácter que no se puede guardar (U+{ord(found[0]):04X})"


@cache
def _hints(cls: type) -> dict[str, Any]:
    """Field name -> resolved type hint, in declaration order."""
    hints = get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls)}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _describe(tp: Any) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", Decimal: "a number"}
    return names.get(tp, "an object" if is_dataclass(tp) else "a list")


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


class _WrongType(PlanFormatError):
    """A value of the wrong JSON type (as opposed to a missing or unexpected key)."""


def _wrong(path: str, expected: str, value: object) -> PlanFormatError:
    return _WrongType(f"expected {expected}, got {_type_name(value)}", where=path or None)
