"""What staff read when they send an edition, and what each zona's followers hear of it."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

from knowledge.edition_upload import (
    NOTICE_CHARS,
    file_size,
    preview_messages,
    refusal_html,
    upload_preview,
    zona_notices,
)
from knowledge.errors import PlanFormatError
from knowledge.model import Plan
from knowledge.render import MAX_MESSAGE
from tests.support.editions import DROPPED_PROJECTS, NEW_PROJECTS, ZONA_MOVED

TAG = re.compile(r"</?(?:b|i)>")


def plain(html: str) -> str:
    return unescape(TAG.sub("", html))


def test_the_preview_says_which_plan_it_is_what_it_holds_and_what_changes(
    bundled_edition: Plan, next_edition: Plan
) -> None:
    messages = preview_messages(bundled_edition, next_edition)
    assert all(len(m) <= MAX_MESSAGE for m in messages)
    text = "\n".join(plain(m) for m in messages)
    assert "Plan Operativo Anual 2025 de la Municipalidad de Mixco" in text
    assert "Plan Operativo Multianual: 2024-2028" in text
    assert "Zonas: de la 1 a la 11" in text
    assert f"Trae {len(next_edition.projects)} proyectos, {len(next_edition.funding)} fuentes" in text
    assert "Del POA 2024 al POA 2025: 3 proyectos nuevos, 2 proyectos dejaron de estar" in text
    assert text.rstrip().endswith("recibirán un aviso de lo que cambia en su zona.")


def test_the_consoles_summary_holds_every_change_the_chats_first_page_starts_with(
    bundled_edition: Plan, next_edition: Plan
) -> None:
    preview = upload_preview(bundled_edition, next_edition)
    first = [item for _, items in preview.first_page.sections for item in items]
    whole = [item for _, items in preview.summary.sections for item in items]
    assert 0 < len(first) < len(whole)
    assert whole[: len(first)] == first
    assert preview.summary.lines[0] == preview.first_page.lines[0]  # the same counts
    assert not any(line.startswith("Página") for line in preview.summary.lines if isinstance(line, str))
    assert len(whole) == len(set(whole))


def test_the_same_plan_again_says_there_are_no_changes(bundled_edition: Plan) -> None:
    text = "\n".join(plain(m) for m in preview_messages(bundled_edition, bundled_edition))
    assert "No hay cambios: el POA 2024 (archivo) trae los mismos proyectos" in text


def test_a_municipality_named_with_markup_is_escaped(bundled_edition: Plan, next_edition: Plan) -> None:
    odd = replace(next_edition, edition=replace(next_edition.edition, municipality="<b>San & Juan</b>"))
    (first, *_) = preview_messages(bundled_edition, odd)
    assert "de la Municipalidad de &lt;b&gt;San &amp; Juan&lt;/b&gt;" in first
    notices = zona_notices(bundled_edition, odd)
    assert all("&lt;b&gt;San &amp; Juan" in html for html in notices.values())


def test_each_zona_with_changes_gets_its_own_notice_and_the_others_none(
    bundled_edition: Plan, next_edition: Plan
) -> None:
    notices = zona_notices(bundled_edition, next_edition)
    changed = {
        *(zona for zona, *_ in NEW_PROJECTS.values()),
        *DROPPED_PROJECTS.values(),
        *ZONA_MOVED[1:],
    }
    assert changed <= set(notices)
    assert 9 not in notices
    assert 1 not in notices
    for snip, (zona, *_) in NEW_PROJECTS.items():
        assert f"SNIP {snip}" in plain(notices[zona])
        others = [s for s, (z, *_) in NEW_PROJECTS.items() if z != zona]
        assert not any(f"SNIP {s} " in plain(notices[zona]) for s in others)
    assert all(len(html) <= NOTICE_CHARS for html in notices.values())
    assert plain(notices[3]).startswith(
        "📄 Nuevo plan: Plan Operativo Anual 2025 de la Municipalidad de Mixco"
    )


def test_the_refusal_names_the_line_and_the_reason() -> None:
    error = PlanFormatError("el TOTAL de proyectos no cuadra: dice Q 1 < Q 2", "línea 1290 «TOTAL")
    html = refusal_html(error)
    assert "Línea 1290 «TOTAL: el TOTAL de proyectos no cuadra: dice Q 1 &lt; Q 2." in html
    assert "No se cambió nada" in html


def test_file_sizes_read_as_staff_read_them() -> None:
    assert (file_size(250_000), file_size(5_000_000), file_size(12)) == ("250 KB", "5.0 MB", "1 KB")
