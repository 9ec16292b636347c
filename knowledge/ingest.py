"""Parse the plan document (POA text export) into typed records.

The parser follows the document's own structure: roman-numeral chapters, the temáticas of
the PDM-OT with their OBJETIVO / LÍNEA ESTRATÉGICA / Líneas de acción / Resultado PDM-OT
blocks, tab-separated tables and the inline HTML lists of the policy tables. Nothing of the
plan's content is typed in here except the short table of corrections below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources

from knowledge import catalog as t
from knowledge.edition import read_edition
from knowledge.errors import PlanFormatError, checked
from knowledge.model import (
    LEAD_IN,
    ActionLine,
    Actor,
    Edition,
    FundingSource,
    FundingTotal,
    GovernanceIndex,
    Item,
    Law,
    Measure,
    Objective,
    Plan,
    Policy,
    PolicyAxis,
    PomLine,
    Project,
    Section,
    Statement,
    StrategicLine,
    Target,
    Tematica,
    amount_problem,
    number_problem,
    percent_problem,
)
from knowledge.reconcile import PrintedTotal, check_plan
from knowledge.text import fold, slugify

BUNDLED_PLAN = "poa-2024-mixco.txt"

# The document's own typos, fixed where they would hide a record from search. Only spelling:
# no figure is ever corrected here.
CORRECTIONS: dict[str, str] = {
    " Inuyente y solidario": " Incluyente y solidario",
    "LIBRES DE ESECHOS SÓLIDOS": "LIBRES DE DESECHOS SÓLIDOS",
    "Teritorio": "Territorio",
}

CHAPTER = re.compile(r"^(I|II|III|IV|V)\.\s+\S")
SUBCHAPTER = re.compile(r"^[AB]\.\s+MARCO ESTRAT")
NUMBERED = re.compile(r"^(\d+)[.)]\s+(.*)$")
BULLET = re.compile(r"^(?:[-•■]\s*)+(.*)$")
TOC_LINE = re.compile(r"\t\s*\d+\s*$|\tANEXOS|Marcador no definido")
QUOTES = re.compile(r'^[“"]\s*|\s*[”"](?=\.?$)')
DASH = re.compile("[\u2013-]\\s+")
"""The en dash or hyphen between "PND 3 - PND 10" items."""
HTML_TAG = re.compile(r"<[^>]+>")
ITALICS = re.compile(r"\*(\w[^*\n]*?)\*")
FOOTNOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹"
"""A line that starts with one of these is the footnote of the text that carries the mark."""
YEAR = r"((?:19|20)\d{2})"
MEASURE = re.compile(
    r"(?:\bde|\bprevalencia de)\s+(?:un\s+)?(?P<b>[^()]+?)\s+(?:en|para)\s+el\s+(?:año\s+)?"
    + YEAR
    + r"\s+a\s+(?:un\s+)?(?P<t>[^()]+?)\s+(?:en|para)\s+el\s+(?:año\s+)?"
    + YEAR,
    re.IGNORECASE,
)
BASELINE_ONLY = re.compile(r"siendo\s+(?:un\s+)?(?P<b>[\d.,]+\s*%?)[^()]*?en el\s+(?:año\s+)?" + YEAR, re.I)
TARGET_YEAR = re.compile(r"\b(?:para|en)\s+(?:el\s+)?(?:año\s+)?(20\d{2})\b", re.IGNORECASE)
ZONA_IN_NAME = re.compile(r"\bZONA\s+(\d{1,2})\b", re.IGNORECASE)
PLACE_IN_NAME = re.compile(r"\bEN\s+(?!.*\bEN\s)(.+?),?\s+(?:ZONA|DEL MUNICIPIO)\b", re.IGNORECASE)
SNIP = re.compile(r"^\d{5,7}$")
EXCERPT_CHARS = 48
"""How much of a line an error quotes."""
AMOUNT_SPACING = re.compile(r"[\s,]")
"""Spaces (a non-breaking one too) and thousands' commas inside an amount."""
CURRENCY = re.compile(r"^(-?)Q\.?")
"""The quetzal sign before an amount: "Q 1,833,000.00", "Q1,833,000.00", "Q. …", "Q.1,833,000.00"."""
TEMATICA_FILLER = frozenset({"con", "y", "de", "el", "la"})


@dataclass(slots=True)
class Line:
    number: int
    text: str

    @property
    def place(self) -> str:
        """The line as an error names it: its number and the start of its text, cells apart."""
        text = " | ".join(cell.strip() for cell in self.text.split("\t") if cell.strip())
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS].rstrip() + "…"
        return f"línea {self.number} «{text}»"


def read_bundled_text() -> str:
    """The plan document shipped inside the package."""
    return resources.files("knowledge").joinpath("data", BUNDLED_PLAN).read_text(encoding="utf-8")


def load_bundled_plan() -> Plan:
    """The bundled document (it says its own zonas: no setting is needed)."""
    return parse_plan(read_bundled_text())


def decode_document(raw: bytes) -> str:
    """Bytes of a plan file → text: UTF-8, or UTF-16 (what Windows calls "Unicode"); binary or
    other content is refused with a clear error."""
    utf16 = _utf16_encoding(raw)
    if utf16 is not None:
        try:
            return raw.decode(utf16)
        except UnicodeDecodeError as exc:
            message = f"el archivo parece UTF-16 pero no se puede leer (byte {exc.start})"
            raise PlanFormatError(message) from exc
    if b"\x00" in raw[:65536]:
        raise PlanFormatError("el archivo es binario, no un documento de texto del plan")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFormatError(f"el archivo no es texto UTF-8 (byte {exc.start})") from exc


def _utf16_encoding(raw: bytes) -> str | None:
    """ "utf-16" when the file starts with a UTF-16 byte order mark; "utf-16-le" / "utf-16-be"
    when, without one, NUL bytes fill every other byte (the upper half of Latin text)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = raw[:4096]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if b"\x00" not in even and odd.count(0) * 2 > len(odd):
        return "utf-16-le"
    if b"\x00" not in odd and even.count(0) * 2 > len(even):
        return "utf-16-be"
    return None


def parse_plan(text: str, *, zonas: tuple[int, ...] | None = None) -> Plan:
    """The whole plan document → :class:`Plan`. Raises PlanFormatError naming line or section.

    ``zonas``: the municipality's zonas when the document does not say how many it has (the
    ``PLAN_ZONAS`` setting); what the document says wins."""
    lines = _clean_lines(text)
    if not lines:
        raise PlanFormatError("el documento está vacío")
    chapters = _split_chapters(lines)
    builder = _PlanBuilder(_edition(lines, chapters, zonas))
    builder.read_introduction(lines)
    builder.read_legal(chapters["I"])
    builder.read_national(chapters["II"])
    territorial, institutional = _split_subchapters(chapters["III"])
    builder.read_territorial(territorial)
    builder.read_institutional(institutional)
    builder.read_pom(chapters["IV"])
    builder.read_poa(chapters["V"])
    plan = builder.build()
    check_plan(plan, builder.place, builder.projects_total)
    return plan


def _edition(lines: list[Line], chapters: dict[str, list[Line]], zonas: tuple[int, ...] | None) -> Edition:
    """Which plan the document is: its title block (the lines before INTRODUCCIÓN), its
    introduction, the headings of chapters IV and V and, for the zonas, its whole text."""
    start = next((n for n, line in enumerate(lines) if fold(line.text) == "introduccion"), 0)
    end = next(
        (n for n in range(start, len(lines)) if fold(lines[n].text).startswith("tabla de contenido")), start
    )
    return read_edition(
        title="\n".join(line.text for line in lines[:start]),
        introduction="\n".join(line.text for line in lines[start:end]),
        headings="\n".join(chapters[c][0].text for c in ("IV", "V")),
        text="\n".join(line.text for line in lines),
        zonas=zonas,
    )


def _clean_lines(text: str) -> list[Line]:
    if "\x00" in text:
        raise PlanFormatError("el archivo es binario, no un documento de texto del plan")
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\u00a0", " ").rstrip()
        for wrong, right in CORRECTIONS.items():
            line = line.replace(wrong, right)
        if line.strip():
            out.append(Line(number, line.strip() if "\t" not in line else line))
    return out


def _split_chapters(lines: list[Line]) -> dict[str, list[Line]]:
    """Split at the roman-numeral chapter headings, skipping the table of contents (before the
    first chapter only: inside one, a line ending in a number is a table row, such as a project
    row cut short after its SNIP)."""
    chapters: dict[str, list[Line]] = {}
    current: str | None = None
    for line in lines:
        if not chapters and TOC_LINE.search(line.text):
            continue
        found = CHAPTER.match(line.text)
        if found and line.text.isupper():
            current = found.group(1)
            if current in chapters:
                first = chapters[current][0].number
                raise PlanFormatError(
                    f"el capítulo {current} aparece otra vez (ya estaba en la línea {first}): "
                    "¿el documento está repetido?",
                    line.place,
                )
            chapters[current] = [line]
        elif current:
            chapters[current].append(line)
    missing = [c for c in ("I", "II", "III", "IV", "V") if c not in chapters]
    if missing:
        raise PlanFormatError(
            f"faltan capítulos del plan: {', '.join(missing)} (¿documento truncado?)", lines[-1].place
        )
    return chapters


def _split_subchapters(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    starts = [i for i, line in enumerate(lines) if SUBCHAPTER.match(line.text)]
    if len(starts) != 2:
        raise PlanFormatError(
            "el capítulo III debe tener las partes A (territorial) y B (institucional)",
            lines[0].place,
        )
    return lines[starts[0] : starts[1]], lines[starts[1] :]


def _with_notes(text: str, notes: dict[str, str]) -> str:
    """ "… de la Agenda 2030¹, …" with its footnote said where the mark is: "… de la Agenda 2030
    (Revisión Nacional Voluntaria 2019, …, SEGEPLAN), …"."""
    for mark, note in notes.items():
        text = text.replace(mark, f" ({note})")
    return text


def _strip_markup(text: str) -> str:
    text = ITALICS.sub(r"\1", HTML_TAG.sub(" ", text).replace("**", ""))  # "*Ranking*" is "Ranking"
    return " ".join(text.split())


def _unquote(text: str) -> str:
    """A quoted paragraph without its quotes: “Texto”. → Texto."""
    return QUOTES.sub("", _strip_markup(text).strip())


def _bullet(line: Line) -> str | None:
    found = BULLET.match(line.text.strip())
    return _strip_markup(found.group(1)) if found else None


def _is_heading(text: str) -> bool:
    """Upper-case headings such as "OBJETIVO", "VISIÓN" or "EJE SOCIAL"."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(text) < 90 and "\t" not in text


def _parse_amount(cell: str, where: str) -> Decimal:
    cleaned = CURRENCY.sub(r"\1", AMOUNT_SPACING.sub("", cell)) or "0"
    try:
        amount = Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise PlanFormatError(f"monto no válido «{cell.strip()}»", where) from exc
    return checked(amount, amount_problem(amount), where)


def _parse_percent(cell: str, where: str) -> Decimal:
    cleaned = cell.replace("%", "").strip()
    try:
        percent = Decimal(cleaned)
    except InvalidOperation as exc:
        raise PlanFormatError(f"porcentaje no válido «{cell.strip()}»", where) from exc
    return checked(percent, percent_problem(percent), where)


def _parse_number(cell: str, where: str) -> int:
    """A row's "No." (or any whole number the document writes)."""
    try:
        number = int(cell.strip())
    except ValueError:
        raise PlanFormatError(f"número no válido «{cell.strip()[:40]}»", where) from None
    return checked(number, number_problem(number), where)


def parse_measures(text: str) -> tuple[Measure, ...]:
    """The "De X en el AAAA a Y en el AAAA" pairs of a target, as the text words them."""
    measures = [
        Measure(
            baseline=_tidy_value(m.group("b")),
            baseline_year=int(m.group(2)),
            target=_tidy_value(m.group("t")),
            target_year=int(m.group(4)),
        )
        for m in MEASURE.finditer(text)
    ]
    if measures:
        return tuple(measures)
    target_year = TARGET_YEAR.search(text)
    only = BASELINE_ONLY.search(text)
    if only:
        value = _tidy_value(only.group("b"))
        # "ha mantenido ... en un 88% (Siendo un 88% ... en el año 2021)": the target keeps the baseline.
        kept = value if value and f"en un {value}" in text else None
        return (Measure(value, int(only.group(2)), kept, int(target_year.group(1)) if target_year else None),)
    if target_year:
        return (Measure(None, None, None, int(target_year.group(1))),)
    return ()


def _tidy_value(value: str) -> str | None:
    value = " ".join(value.split()).strip(" ,.;")
    return value or None


@dataclass
class _PlanBuilder:
    """Collects records chapter by chapter; ``build`` checks and freezes them."""

    edition: Edition
    tematicas: list[Tematica] = field(default_factory=list)
    tematica_titles: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], Section]] = field(
        default_factory=dict
    )
    objectives: list[Objective] = field(default_factory=list)
    strategic_lines: list[StrategicLine] = field(default_factory=list)
    action_lines: list[ActionLine] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    funding: list[FundingSource] = field(default_factory=list)
    funding_total: FundingTotal | None = None
    projects: list[Project] = field(default_factory=list)
    projects_total: PrintedTotal | None = None
    """The projects' TOTAL row, which the plan does not keep: checked against the rows above it."""
    lines_of: dict[str, list[Line]] = field(default_factory=dict)
    """The line of each funding row and project, for the checks' errors (knowledge.reconcile)."""
    heading_of: dict[str, Line] = field(default_factory=dict)
    """The line that heads a table ("funding", "projects", "funding_total") or, failing that,
    chapter V: where an error about a missing table or row points."""
    actors: list[Actor] = field(default_factory=list)
    potentialities: list[Item] = field(default_factory=list)
    problems: list[Item] = field(default_factory=list)
    laws: list[Law] = field(default_factory=list)
    governance: list[GovernanceIndex] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    pom_lines: list[PomLine] = field(default_factory=list)
    operational_actions: list[Item] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    ejes: list[str] = field(default_factory=list)
    eje_of_tematica: dict[str, str] = field(default_factory=dict)

    def place(self, kind: str, position: int | None, _field: str | None) -> str | None:
        """Where a record of the plan stands in the document (a :data:`knowledge.reconcile.Place`)."""
        if position is not None and position < len(self.lines_of.get(kind, ())):
            return self.lines_of[kind][position].place
        heading = self.heading_of.get(kind) or self.heading_of.get("poa")
        return heading.place if heading else None

    def add_gap(self, heading: str, section: Section) -> None:
        """A heading the document names but whose content is not in its text (a lost image or
        table): kept as a statement with no text, so the bot can say so instead of guessing."""
        title = _title_case(heading.split(";")[0].strip().rstrip(":.").strip())
        gap_id = f"gap-{slugify(title)}"
        if title and not any(s.id == gap_id for s in self.statements):
            self.statements.append(Statement(gap_id, title, "", section))

    def add_statement(self, stmt_id: str, title: str, paragraphs: list[str], section: Section) -> None:
        text = " ".join(p for p in paragraphs if p)
        if text:
            self.statements.append(Statement(stmt_id, title, text, section))

    def add_quote_below(self, stmt_id: str, title: str, below: Line, section: Section) -> None:
        """A statement whose text is the (quoted) line below its heading: an objective, a vision."""
        self.statements.append(Statement(stmt_id, title, _unquote(below.text), section))

    # Introduction --------------------------------------------------------------------------
    def read_introduction(self, lines: list[Line]) -> None:
        """The paragraphs between INTRODUCCIÓN and the table of contents."""
        paragraphs: list[str] = []
        inside = False
        for line in lines:
            folded = fold(line.text)
            if folded == "introduccion":
                inside = True
            elif inside and (folded.startswith("tabla de contenido") or CHAPTER.match(line.text)):
                break
            elif inside:
                paragraphs.append(_strip_markup(line.text))
        self.add_statement(
            "introduction", f"Introducción del POA {self.edition.year}", paragraphs, ("Introducción",)
        )

    # I. Marco legal -------------------------------------------------------------------
    def read_legal(self, lines: list[Line]) -> None:
        section = ("I. Marco legal",)
        current: dict[str, object] | None = None
        lead_in: list[str] = []
        for line in lines[1:]:
            text = line.text.strip()
            if text.startswith("- **") or (text.startswith("- ") and "**" in text):
                if current:
                    self.laws.append(_make_law(current, section))
                current = {"name": _strip_markup(text[2:]).rstrip("."), "body": []}
            elif current is not None:
                body = current["body"]
                assert isinstance(body, list)
                body.append(_strip_markup(text))
            elif text:
                lead_in.append(_strip_markup(text))
        # "La planificación municipal … se sustenta en las siguientes normativas": what every law is
        self.add_statement(LEAD_IN.format(list_id="laws"), "Marco legal", lead_in, section)
        if current:
            self.laws.append(_make_law(current, section))
        if not self.laws:
            raise PlanFormatError("el marco legal no tiene leyes", lines[0].place)

    # II. Marco estratégico nacional ------------------------------------------------------
    def read_national(self, lines: list[Line]) -> None:
        title = lines[1].text if len(lines) > 1 else "Marco estratégico nacional"
        notes = {line.text[0]: line.text[1:].strip() for line in lines[2:] if line.text[:1] in FOOTNOTE_MARKS}
        body = [
            _with_notes(_strip_markup(line.text), notes)
            for line in lines[2:]
            if line.text[:1] not in FOOTNOTE_MARKS and not line.text.rstrip().endswith(":")
        ]
        section = ("II. Marco estratégico nacional",)
        self.statements.append(Statement("national_framework", _title_case(title), " ".join(body), section))
        for line in lines[2:]:
            if line.text.rstrip().endswith(":"):
                self.add_gap(line.text, section)

    # III.A Marco estratégico territorial ------------------------------------------------
    def read_territorial(self, lines: list[Line]) -> None:
        section: Section = (
            "III. Marco estratégico territorial e institucional",
            "A. Marco estratégico territorial",
        )
        intro = []
        head = []
        for line in lines[1:]:
            if NUMBERED.match(line.text.strip()):
                break
            head.append(line)
        for n, line in enumerate(head):
            if len(line.text) > 120:
                intro.append(_strip_markup(line.text))
            elif not fold(line.text).startswith("fuente") and (
                n + 1 == len(head) or len(head[n + 1].text) <= 120
            ):
                self.add_gap(line.text, section)
        self.add_statement(
            "pdmot_intro",
            f"Plan de Desarrollo Municipal con Enfoque Territorial {self.edition.pdmot} (PDM-OT)",
            intro,
            section,
        )
        blocks = _numbered_blocks(lines)
        for heading, block in blocks.items():
            key = fold(heading)
            sub = (*section, heading)
            if key.startswith("potencialidades"):
                self.potentialities = _bullet_items(block, sub)
            elif key.startswith("problematicas"):
                self.problems = _bullet_items(block, sub)
            elif key.startswith("analisis de actores"):
                self._read_actors_and_pdmot(block, sub, section)
        if not self.potentialities or not self.problems or not self.actors:
            raise PlanFormatError(
                "faltan potencialidades, problemáticas o actores en el marco territorial",
                lines[0].place,
            )

    def _read_actors_and_pdmot(self, block: list[Line], sub: Section, section: Section) -> None:
        rest_start = len(block)
        for i, line in enumerate(block):
            cells = line.text.split("\t")
            if cells[0].strip().isdigit() and len(cells) >= 2:
                self.actors.append(_make_actor(cells, line, sub))
            elif self.actors and not cells[0].strip().isdigit() and "\t" not in line.text:
                rest_start = i
                break
        self._read_pdmot(block[rest_start:], section)

    def _read_pdmot(self, lines: list[Line], section: Section) -> None:
        """The PDM-OT: objective, vision, ejes and the temáticas with their blocks."""
        i = 0
        while i < len(lines):
            text = lines[i].text
            folded = fold(text)
            if folded.startswith("objetivo del pdm-ot"):
                horizon = str(self.edition.pdmot_horizon)
                quote = text[text.find("**") :] if "**" in text else text.split(horizon, 1)[-1]
                self.statements.append(
                    Statement(
                        "pdmot_objective",
                        f"Objetivo del Plan de Desarrollo Municipal {self.edition.pdmot} (PDM-OT)",
                        _unquote(quote),
                        section,
                    )
                )
            elif folded == "vision del plan" and i + 1 < len(lines):
                self.add_quote_below(
                    "pdmot_vision",
                    f"Visión del Plan de Desarrollo Municipal {self.edition.pdmot} (PDM-OT)",
                    lines[i + 1],
                    section,
                )
            elif folded.startswith("- eje "):
                self.ejes.append(_strip_markup(text[2:]).rstrip("."))
            elif folded == "analisis:":
                i += 1
                bullets = []
                while i < len(lines) and _bullet(lines[i]):
                    bullets.append(_bullet(lines[i]) or "")
                    i += 1
                self.add_statement("actors_analysis", "Análisis de actores: conclusiones", bullets, section)
                continue
            elif folded.startswith("estructura del pdm-ot"):
                i += 1
                paragraphs = []
                while i < len(lines) and not _is_tematica_title(lines, i):
                    text = lines[i].text
                    if fold(text).startswith("- eje "):
                        self.ejes.append(_strip_markup(text[2:]).rstrip("."))
                    paragraphs.append(_bullet(lines[i]) or _strip_markup(text))
                    i += 1
                self.add_statement(
                    "pdmot_structure",
                    f"Estructura del PDM-OT {self.edition.pdmot}: ejes y temáticas",
                    paragraphs,
                    section,
                )
                continue
            elif _is_tematica_title(lines, i):
                i = self._read_tematica(lines, i, section)
                continue
            i += 1
        if not self.tematica_titles:
            raise PlanFormatError("no se encontraron temáticas del PDM-OT", lines[0].place)

    def _read_tematica(self, lines: list[Line], start: int, section: Section) -> int:
        name = lines[start].text.strip()
        tem_id = _tematica_id(name, self.edition.municipality, frozenset(self.tematica_titles))
        pnd = tuple(p.strip() for p in re.split(DASH, lines[start + 1].text) if p.strip())
        ods = tuple(o.strip() for o in re.split(DASH, lines[start + 2].text) if o.strip())
        sub = (*section, f"PDM-OT {self.edition.pdmot}", name)
        self.tematica_titles[tem_id] = (name, pnd, ods, sub)
        i = start + 3
        state = ""
        objective: Objective | None = None
        acting_objective: Objective | None = None
        line_obj: StrategicLine | None = None
        owner: StrategicLine | None = None
        orphan: list[str] = []
        while i < len(lines) and not _is_tematica_title(lines, i):
            text = lines[i].text.strip()
            label = fold(text.lstrip("■ ").strip())
            if label == "objetivo":
                state = "objective"
            elif label == "linea estrategica":
                state = "line"
            elif label in ("lineas de accion", "linea de accion"):
                state = "actions"
                owner = self._line_for_actions(tem_id, line_obj)
            elif label == "resultado pdm-ot":
                state = "result"
            elif text.startswith("B. MARCO"):
                break
            elif state == "objective":
                objective = Objective(f"{tem_id}-o{_count(self.objectives, tem_id) + 1}", tem_id, text, sub)
                self.objectives.append(objective)
                acting_objective = None
                state = ""
            elif state == "line":
                if objective is None:
                    raise PlanFormatError("línea estratégica sin objetivo", lines[i].place)
                n = sum(1 for s in self.strategic_lines if s.objective == objective.id) + 1
                line_obj = StrategicLine(f"{objective.id}-l{n}", tem_id, objective.id, text, sub)
                self.strategic_lines.append(line_obj)
                state = ""
            elif state == "actions":
                if owner is None:
                    raise PlanFormatError("líneas de acción sin línea estratégica", lines[i].place)
                body = _bullet(lines[i]) or _strip_markup(text)
                acting_objective = next(o for o in self.objectives if o.id == owner.objective)
                n = sum(1 for a in self.action_lines if a.strategic_line == owner.id) + 1
                self.action_lines.append(ActionLine(f"{owner.id}-a{n}", tem_id, owner.id, body, sub))
            elif state == "result" and _bullet(lines[i]):
                body = _bullet(lines[i]) or ""
                self._add_target(tem_id, acting_objective or objective, body, orphan, sub)
                state = ""
            else:
                orphan.append(_strip_markup(text))
            i += 1
        return i

    def _line_for_actions(self, tem_id: str, current: StrategicLine | None) -> StrategicLine | None:
        """The strategic line a new "Líneas de acción" block belongs to.

        Normally the current line. In one garbled passage of the document (Mixco seguro) a
        line's actions appear after the next objective's result: a block that comes when the
        current line already has its actions goes to the first line still waiting for them.
        """
        with_actions = {a.strategic_line for a in self.action_lines}
        if current is not None and current.id not in with_actions:
            return current
        waiting = [s for s in self.strategic_lines if s.tematica == tem_id and s.id not in with_actions]
        return waiting[0] if waiting else current

    def _add_target(
        self, tem_id: str, objective: Objective | None, body: str, orphan: list[str], sub: Section
    ) -> None:
        """A result whose sentence was cut takes the orphan fragment that continues it."""
        if not body.rstrip().endswith((".", ")")) and orphan and orphan[-1].startswith("("):
            body = f"{body} … {orphan.pop()}"
        n = _count(self.targets, tem_id) + 1
        self.targets.append(
            Target(
                f"{tem_id}-r{n}", tem_id, objective.id if objective else None, body, parse_measures(body), sub
            )
        )

    # III.B Marco estratégico institucional ------------------------------------------------
    def read_institutional(self, lines: list[Line]) -> None:
        section: Section = (
            "III. Marco estratégico territorial e institucional",
            "B. Marco estratégico institucional",
        )
        headings = {
            "vision": ("vision", "Visión de la municipalidad"),
            "mision": ("mission", "Misión de la municipalidad"),
            "objetivo institucional": ("institutional_objective", "Objetivo institucional"),
        }
        previous_paragraph: str | None = None
        i = 0
        while i < len(lines):
            text = lines[i].text.strip()
            folded = fold(text)
            if folded in headings:
                stmt_id, title = headings[folded]
                nxt = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
                if nxt and not _is_heading(nxt):
                    body = _unquote(nxt)
                    i += 1
                elif previous_paragraph:
                    # The document prints the mission's text above its heading.
                    body = previous_paragraph
                else:
                    raise PlanFormatError(f"el apartado {title} está vacío", lines[i].place)
                self.statements.append(Statement(stmt_id, title, body, (*section, "Filosofía institucional")))
                previous_paragraph = None
            elif folded.startswith("gobernanza y fortalecimiento") and i + 1 < len(lines):
                self.add_statement(
                    "governance_intro",
                    "Gobernanza: Ranking de la gestión municipal",
                    [_strip_markup(lines[i + 1].text)],
                    (*section, "Gobernanza y fortalecimiento institucional"),
                )
                i += 1
            elif fold(_strip_markup(text)).startswith("- indice de"):
                name = _strip_markup(text[2:]).rstrip(":")
                body = _strip_markup(lines[i + 1].text) if i + 1 < len(lines) else ""
                sub = (*section, "Gobernanza y fortalecimiento institucional")
                self.governance.append(GovernanceIndex(name, body, sub))
                i += 1
            elif folded.startswith("- politica"):
                i = self._read_policy(lines, i, section)
                continue
            elif not _is_heading(text):
                previous_paragraph = _unquote(text)
            elif _empty_heading(text, lines[i + 1].text.strip() if i + 1 < len(lines) else "", headings):
                self.add_gap(text, (*section, _title_case(text)))
            i += 1
        for stmt_id in ("vision", "mission", "institutional_objective"):
            if not any(s.id == stmt_id for s in self.statements):
                raise PlanFormatError(f"falta el apartado «{stmt_id}» del marco institucional")

    def _read_policy(self, lines: list[Line], start: int, section: Section) -> int:
        name = _strip_markup(lines[start].text[2:]).rstrip(".")
        general: list[str] = []
        specific: list[str] = []
        axes: list[PolicyAxis] = []
        target: list[str] | None = None
        i = start + 1
        while i < len(lines) and not fold(lines[i].text).startswith(("- politica", "iv. ")):
            text = lines[i].text
            folded = fold(text.strip())
            if folded.startswith("objetivos generales") or folded.startswith("objetivo general"):
                target = general
            elif folded.startswith("objetivos especificos"):
                target = specific
            elif folded.startswith(("ejes de la politica", "ejes y lineas")):
                target = None
            elif "\t" in text:
                _read_policy_row(lines[i], axes)
            elif target is not None:
                numbered = NUMBERED.match(text.strip())
                target.append(_strip_markup(numbered.group(2) if numbered else text))
            i += 1
        policy_id = f"politica-{len(self.policies) + 1}"
        self.policies.append(
            Policy(
                policy_id,
                name,
                tuple(general),
                tuple(specific),
                tuple(axes),
                (*section, "Políticas públicas municipales"),
            )
        )
        return i

    # IV. POM ----------------------------------------------------------------------------------------
    def read_pom(self, lines: list[Line]) -> None:
        period = f"{self.edition.pom[0]}-{self.edition.pom[1]}"
        pom = f"Plan Operativo Multianual {period}"
        section: Section = (f"IV. {pom}",)
        eje = ""
        tematica = ""
        by_name = {slugify(name): tem_id for tem_id, (name, *_) in self.tematica_titles.items()}
        if len(lines) > 1 and not _is_heading(lines[1].text):
            self.add_statement("pom_intro", f"{pom} (POM)", [lines[1].text], section)
        i = 1
        while i < len(lines):
            text = lines[i].text.strip()
            folded = fold(text)
            if folded == "objetivo operativo multianual" and i + 1 < len(lines):
                self.add_quote_below(
                    "pom_objective",
                    f"Objetivo del {pom} (POM)",
                    lines[i + 1],
                    section,
                )
                i += 1
            elif folded.startswith("eje "):
                eje = self._eje_named(text, lines[i])
            elif folded.startswith("tematica:"):
                tematica = by_name.get(slugify(text.split(":", 1)[1]), "")
                if tematica not in self.tematica_titles:
                    raise PlanFormatError(f"temática desconocida «{text}»", lines[i].place)
                self.eje_of_tematica[tematica] = eje
            elif _bullet(lines[i]) and tematica:
                sub = (*section, f"Líneas estratégicas del PDM-OT en el POM {period}", eje)
                self.pom_lines.append(PomLine(eje, tematica, _sentence_case(_bullet(lines[i]) or ""), sub))
            i += 1

    def _eje_named(self, heading: str, line: Line) -> str:
        for eje in self.ejes:
            if fold(eje) == fold(heading):
                return eje
        raise PlanFormatError(f"eje desconocido «{heading}»", line.place)

    # V. POA ---------------------------------------------------------------------------------------
    def read_poa(self, lines: list[Line]) -> None:
        year = self.edition.year
        section: Section = (f"V. Plan Operativo Anual {year}",)
        self.heading_of["poa"] = lines[0]
        intro = [line.text for line in lines[1:4] if not _is_heading(line.text) and len(line.text) > 120]
        self.add_statement("poa_intro", f"Plan Operativo Anual {year} (POA)", intro, section)
        i = 1
        while i < len(lines):
            folded = fold(lines[i].text.strip())
            if folded == "objetivo operativo anual" and i + 1 < len(lines):
                self.add_quote_below(
                    "poa_objective", f"Objetivo del Plan Operativo Anual {year} (POA)", lines[i + 1], section
                )
                i += 1
            elif folded == "acciones operativas":
                i = self._read_actions(lines, i + 1, (*section, "Acciones operativas"))
                continue
            elif folded.startswith("disponibilidad financiera"):
                self.heading_of["funding"] = self.heading_of["funding_total"] = lines[i]
                i = self._read_funding(lines, i + 1, (*section, f"Disponibilidad financiera {year}"))
                continue
            elif folded.startswith("proyectos con ap"):
                self.heading_of["projects"] = lines[i]
                i = self._read_projects(lines, i + 1, (*section, f"Proyectos con aporte del CODEDE {year}"))
                continue
            i += 1

    def _read_actions(self, lines: list[Line], i: int, section: Section) -> int:
        while i < len(lines):
            found = NUMBERED.match(lines[i].text.strip())
            if not found:
                if _is_heading(lines[i].text.strip()):
                    break
                i += 1
                continue
            number = _parse_number(found.group(1), lines[i].place)
            self.operational_actions.append(Item(number, found.group(2).strip(), section))
            i += 1
        return i

    def _read_funding(self, lines: list[Line], i: int, section: Section) -> int:
        i += 1  # the header row
        while i < len(lines) and "\t" in lines[i].text:
            cells = [c.strip() for c in lines[i].text.split("\t")]
            where = lines[i].place
            if fold(cells[0]).lstrip("0123456789) ").startswith("total"):
                amounts = [c for c in cells[1:] if c]
                if len(amounts) < 3:
                    raise PlanFormatError("la fila del total de financiamiento está incompleta", where)
                self.funding_total = FundingTotal(*(_parse_amount(a, where) for a in amounts[:3]))
                self.heading_of["funding_total"] = lines[i]
                return i + 1
            if len(cells) < 6:
                raise PlanFormatError(
                    f"la fila de financiamiento tiene {len(cells)} columnas; se esperaban 6", where
                )
            self.lines_of.setdefault("funding", []).append(lines[i])
            self.funding.append(
                FundingSource(
                    source=cells[0],
                    available=_parse_amount(cells[1], where),
                    investment=_parse_amount(cells[2], where),
                    investment_pct=_parse_percent(cells[3], where),
                    operating=_parse_amount(cells[4], where),
                    operating_pct=_parse_percent(cells[5], where),
                    section=section,
                )
            )
            i += 1
        raise PlanFormatError("la tabla de financiamiento no tiene fila de total", lines[i - 1].place)

    def _read_projects(self, lines: list[Line], i: int, section: Section) -> int:
        i += 1  # the header row
        in_total = True
        while i < len(lines) and "\t" in lines[i].text:
            cells = [c.strip() for c in lines[i].text.split("\t")]
            where = lines[i].place
            if fold(cells[0]).startswith("total"):
                self._read_projects_total(cells, lines[i])
                in_total = False
                i += 1
                continue
            _check_project_cells(cells, where)
            zona = ZONA_IN_NAME.search(cells[1])
            place = PLACE_IN_NAME.search(cells[1])
            self.lines_of.setdefault("projects", []).append(lines[i])
            self.projects.append(
                Project(
                    number=_parse_number(cells[0], where),
                    snip=cells[2],
                    name=cells[1],
                    zona=int(zona.group(1)) if zona else None,
                    amount=_parse_amount(cells[3], where),
                    observation=cells[4],
                    place=place.group(1).strip(" ,") if place else None,
                    in_total=in_total,
                    section=section,
                )
            )
            i += 1
        return i

    def _read_projects_total(self, cells: list[str], line: Line) -> None:
        """The TOTAL row: its amount is checked against the rows above it once the plan is read."""
        if self.projects_total is not None:
            raise PlanFormatError(
                t.CHECK_PROJECTS_TOTAL_TWICE.format(first=self.projects_total.place), line.place
            )
        amounts = [c for c in cells[1:] if c]
        if len(amounts) != 1:
            raise PlanFormatError(t.CHECK_PROJECTS_TOTAL_EMPTY, line.place)
        self.projects_total = PrintedTotal(_parse_amount(amounts[0], line.place), line.place)

    def build(self) -> Plan:
        for tem_id, (name, pnd, ods, sub) in self.tematica_titles.items():
            eje = self.eje_of_tematica.get(tem_id)
            if not eje:
                raise PlanFormatError(f"la temática «{name}» no aparece en ningún eje del POM")
            self.tematicas.append(Tematica(tem_id, eje, name, pnd, ods, sub))
        return Plan(
            edition=self.edition,
            tematicas=tuple(self.tematicas),
            objectives=tuple(self.objectives),
            strategic_lines=tuple(self.strategic_lines),
            action_lines=tuple(self.action_lines),
            targets=tuple(self.targets),
            funding=tuple(self.funding),
            funding_total=self.funding_total,
            projects=tuple(self.projects),
            actors=tuple(self.actors),
            potentialities=tuple(self.potentialities),
            problems=tuple(self.problems),
            laws=tuple(self.laws),
            governance=tuple(self.governance),
            policies=tuple(self.policies),
            pom_lines=tuple(self.pom_lines),
            operational_actions=tuple(self.operational_actions),
            statements=tuple(self.statements),
            ejes=tuple(self.ejes),
        )


def _check_project_cells(cells: list[str], where: str) -> None:
    """A project row has No., name, SNIP and amount (the observation may be empty)."""
    if len(cells) < 5:
        raise PlanFormatError(t.CHECK_PROJECT_SHORT.format(cells=len(cells)), where)
    for cell, name in zip(cells, t.CHECK_PROJECT_CELLS, strict=False):
        if not cell:
            raise PlanFormatError(t.CHECK_PROJECT_CELL_EMPTY.format(cell=name), where)
    if not cells[0].isdigit():
        raise PlanFormatError(t.CHECK_PROJECT_NUMBER.format(value=cells[0][:40]), where)
    if not SNIP.match(cells[2]):
        raise PlanFormatError(t.CHECK_PROJECT_SNIP.format(value=cells[2][:40]), where)


def _empty_heading(text: str, following: str, known: dict[str, tuple[str, str]]) -> bool:
    """An institutional heading directly followed by another heading: its content was not text.
    The subchapter title and the headings the parser reads (and their parent) are not gaps."""
    return (
        fold(text) not in known
        and not SUBCHAPTER.match(text)
        and bool(following)
        and _is_heading(following)
        and fold(following) not in known
    )


def _numbered_blocks(lines: list[Line]) -> dict[str, list[Line]]:
    """Split a chapter at "1. Potencialidades"-style headings."""
    blocks: dict[str, list[Line]] = {}
    current: list[Line] | None = None
    for line in lines:
        found = NUMBERED.match(line.text.strip())
        if found and "\t" not in line.text and len(line.text) < 80:
            current = blocks.setdefault(found.group(2).strip(), [])
        elif current is not None:
            current.append(line)
    return blocks


def _bullet_items(block: list[Line], section: Section) -> list[Item]:
    texts: Iterator[str] = (b for b in (_bullet(line) for line in block) if b)
    return [Item(n, text, section) for n, text in enumerate(texts, start=1)]


def _make_actor(cells: list[str], line: Line, section: Section) -> Actor:
    cells = [c.strip() for c in cells]
    if len(cells) < 5 or not all(cells[1:5]):
        raise PlanFormatError(
            f"la fila de actor debe tener No., actor, rol y dos grados de influencia ({len(cells)} columnas)",
            line.place,
        )
    number = _parse_number(cells[0], line.place)
    return Actor(number, cells[1], cells[2], cells[3], cells[4], section)


def _make_law(raw: dict[str, object], section: Section) -> Law:
    name = str(raw["name"])
    decree = re.search(r"(?:Decreto|Acuerdo Gubernativo)[^0-9]*(\d+-\d{2,4})", name)
    body = raw["body"]
    assert isinstance(body, list)
    return Law(name, decree.group(1) if decree else None, " ".join(body), section)


def _read_policy_row(line: Line, axes: list[PolicyAxis]) -> None:
    """One row of a policy table.

    Policy tables come in two shapes: EJE NACIONAL | EJE MUNICIPAL | targets, and
    EJE | OBJETIVO | strategic lines. A row whose first cells are empty continues the row above.
    """
    raw_cells = line.text.split("\t")
    cells = [_strip_markup(c) for c in raw_cells]
    items = tuple(_split_items(raw_cells[-1]))
    if fold(cells[0]) in ("eje nacional", "eje"):
        return  # header row
    if not any(cells[:-1]):
        if not axes:
            raise PlanFormatError("fila de continuación sin eje anterior", line.place)
        prev = axes.pop()
        axes.append(PolicyAxis(prev.national_axis, prev.axis, prev.objective, prev.items + items))
        return
    if len(cells) < 3:
        raise PlanFormatError(
            f"la fila de eje de política tiene {len(cells)} columnas; se esperaban 3", line.place
        )
    if _looks_like_sentence(cells[1]):
        axes.append(PolicyAxis(None, cells[0], cells[1], items))
    else:
        axes.append(PolicyAxis(cells[0], cells[1], None, items))


def _looks_like_sentence(text: str) -> bool:
    return any(c.islower() for c in text)


def _split_items(cell: str) -> list[str]:
    plain = _strip_markup(cell)
    return [part.strip() for part in plain.split("•") if part.strip()]


def _is_tematica_title(lines: list[Line], i: int) -> bool:
    """A temática is its name ("Mixco saludable") followed by its PND and ODS lines."""
    return (
        i + 2 < len(lines)
        and not lines[i].text.startswith(("PND", "ODS", "-", "•", "■"))
        and lines[i + 1].text.startswith("PND")
        and lines[i + 2].text.startswith("ODS")
    )


def _tematica_id(name: str, municipality: str, taken: frozenset[str]) -> str:
    """ "Mixco con educación de calidad" → "educacion": the first word after the municipality's
    name that says what it is about; the first two ("educacion-calidad") and so on when another
    temática has that id already, so that no two temáticas share one."""
    own = set(slugify(municipality).split("-"))
    words = [w for w in slugify(name).split("-") if w not in own and w not in TEMATICA_FILLER]
    if not words:
        raise PlanFormatError(f"nombre de temática vacío «{name}»")
    for n in range(1, len(words) + 1):
        candidate = "-".join(words[:n])
        if candidate not in taken:
            return candidate
    return next(f"{words[0]}-{n}" for n in range(2, len(taken) + 3) if f"{words[0]}-{n}" not in taken)


def _count(records: list[Objective] | list[Target], tem_id: str) -> int:
    return sum(1 for r in records if r.tematica == tem_id)


def _title_case(text: str) -> str:
    return text[:1] + text[1:].lower() if text.isupper() else text


def _sentence_case(text: str) -> str:
    if not text.isupper():
        return text
    lowered = text.lower()
    return lowered[:1].upper() + lowered[1:]
