"""Errors the knowledge layer raises for bad input."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class PlanFormatError(ValueError):
    """A plan document or JSON export that cannot be read; ``where`` names the line or path."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


def checked(value: T, problem: str | None, where: str | None) -> T:
    """``value``, or PlanFormatError(``problem``, ``where``) when there is a problem."""
    if problem is not None:
        raise PlanFormatError(problem, where)
    return value
