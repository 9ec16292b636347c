"""Errors the knowledge layer raises for bad input."""

from __future__ import annotations


class PlanFormatError(ValueError):
    """A plan document or JSON export that cannot be read; ``where`` names the line or path."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
