"""A plan file's bytes → Plan: a plan document (UTF-8 or UTF-16 text) or a JSON export, whatever
brought it (``python -m bot load`` reads a path, staff send it to the bot as a Telegram document).

Pure: no telegram, no database. PlanFormatError says what is wrong, with the line or JSON path.
"""

from __future__ import annotations

import json

from knowledge.errors import PlanFormatError
from knowledge.ingest import decode_document, parse_plan
from knowledge.model import Plan
from knowledge.plan_json import plan_from_json


def read_plan(raw: bytes, *, zonas: tuple[int, ...] | None = None) -> Plan:
    """The plan a file's bytes hold; ``zonas`` (``PLAN_ZONAS``): the municipality's zonas when
    the document does not say them. The caller bounds the size (PLAN_MAX_BYTES)."""
    text = decode_document(raw)
    if text.lstrip().startswith(("{", "[")):  # JSON (a list is refused by plan_from_json)
        return plan_from_json(read_json(text), zonas=zonas)
    return parse_plan(text, zonas=zonas)


def read_json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFormatError(f"JSON no válido: {exc.msg}", f"línea {exc.lineno}") from exc
    except RecursionError:  # what the json module raises for deep nesting
        raise PlanFormatError("JSON no válido: anidado a demasiada profundidad") from None
    except ValueError:  # a number longer than int() takes
        raise PlanFormatError("JSON no válido: un número tiene demasiadas cifras") from None
