"""Status notes kept before every note was cleaned where it enters: no control or
bidirectional-control character left in one (U+202E showed the rest of a note reversed on every
card, in every notice and in the console), each on one line of at most 500 characters — the rule
``knowledge.staff.note_text`` applies to every note since (/estado, the console, a CSV).

The stored notes are cleaned once, here, rather than wherever a note is shown: a note is shown
by the card in the chat, /historial, the followers' status notice, the console's table and
history, the explorer's project page and the CSV export, and every one of them (and any later
one) reads clean notes when the rows are clean, while the rule at the input keeps them so. The
rule is written out below as it is on this revision (a migration does not load the application's
modules, and must do what it did when it ran); ``tests/db/test_migrate.py`` checks that it
cleans a note as ``note_text`` does. Clean notes are left untouched; the audit log keeps what was
recorded then.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
INVISIBLE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
MAX_NOTE = 500


def cleaned(note: str) -> str | None:
    text = CONTROL.sub(" ", INVISIBLE.sub("", note.replace("\x00", "")))
    return " ".join(text.split())[:MAX_NOTE].rstrip() or None


def upgrade() -> None:
    bind = op.get_bind()
    status = sa.table("project_status", sa.column("id", sa.Integer()), sa.column("note", sa.String()))
    rows = bind.execute(sa.select(status.c.id, status.c.note).where(status.c.note.is_not(None))).all()
    for row_id, note in rows:
        clean = cleaned(note)
        if clean != note:
            bind.execute(sa.update(status).where(status.c.id == row_id).values(note=clean))


def downgrade() -> None:
    """Nothing to undo: the characters taken out are not put back."""
