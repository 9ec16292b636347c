"""Turn the plan's records into searchable documents.

Each document's text is what a person might use to find it: its own words, its temática's
name and, for tables, the column names ("monto", "inversión"). List documents stand for a
whole section ("Problemáticas del municipio") so that "¿cuáles son los problemas?" finds the
list rather than one of its items. Titles and words that name the edition ("Proyectos … 2024",
"pom 2024-2028") are written with its fields and filled for the plan's own edition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from knowledge.edition import edition_fields, fill
from knowledge.model import Edition, Plan, Policy, PolicyAxis
from knowledge.search import Doc
from knowledge.text import find_zonas, fold

Record = object
NUMBERED_HEADING = re.compile(r"^(?:[IVX]+|[A-Z]|\d+)\.\s")
MONEY_WORDS = "fuente de financiamiento dinero monto fondos disponible inversion funcionamiento"
FUNDING_TOTAL_TITLE = "Total financiamiento para el año fiscal {poa_year}"
FUNDING_TOTAL_WORDS = (
    "presupuesto total disponibilidad financiera monto destinado a inversion "
    "monto destinado a funcionamiento dinero"
)

LIST_TEMPLATES: dict[str, tuple[str, str]] = {
    # id: (title, words people use for it)
    "projects": (
        "Proyectos con aporte del Consejo Departamental de Desarrollo (CODEDE) {poa_year}",
        "proyectos obras listado todos aporte consejo departamental desarrollo codede monto total",
    ),
    "funding": (
        "Disponibilidad financiera {poa_year}: fuentes de financiamiento",
        "fuentes financiamiento de donde viene el dinero ingresos procedencia",
    ),
    "problems": ("Problemáticas del municipio", "problemas problematicas necesidades"),
    "potentialities": ("Potencialidades del municipio", "potencialidades fortalezas ventajas"),
    "actors": ("Actores presentes en el municipio", "actores instituciones aliados analisis de actores"),
    "laws": ("Marco legal del plan", "leyes marco legal normativas decretos"),
    "operational_actions": (
        "Acciones operativas del POA {poa_year}",
        "acciones operativas poa {poa_year} plan operativo anual",
    ),
    "tematicas": ("Temas del plan: temáticas del PDM-OT {pdmot}", "temas tematicas ejes estructura"),
    "targets": ("Metas {pdmot_year} del PDM-OT (Resultados)", "metas resultados {pdmot_year} indicadores"),
    "pom_lines": (
        "Líneas estratégicas del POM {pom_period}",
        "lineas estrategicas pom multianual {pom_period}",
    ),
    "governance": (
        "Ranking de la gestión municipal: índices",
        "ranking indices gestion municipal gobernanza",
    ),
    "policies": ("Políticas públicas municipales de seguridad", "politicas publicas municipales"),
}
"""The whole lists as templates; :func:`list_documents` fills them for an edition."""


@lru_cache(maxsize=8)
def list_documents(edition: Edition) -> dict[str, tuple[str, str]]:
    """Each whole list's title and the words people use for it, for this edition."""
    return {
        key: (_filled(title, edition), _filled(words, edition))
        for key, (title, words) in LIST_TEMPLATES.items()
    }


def _filled(template: str, edition: Edition) -> str:
    filled = fill(template, edition_fields(edition))
    assert filled is not None, template  # the templates name only fields every edition has
    return filled


def plan_documents(plan: Plan) -> Iterator[tuple[Doc, Record]]:
    """Every searchable document with the record it stands for."""
    yield from _pdmot_documents(plan)
    yield from _table_documents(plan)
    yield from _item_documents(plan)
    yield from _policy_documents(plan)
    for statement in plan.statements:
        text = f"{statement.text} {_heading_of(statement.section)}"
        yield Doc(f"statement:{statement.id}", "statement", statement.title, text, statement.id), statement
    for list_id, (title, aliases) in list_documents(plan.edition).items():
        yield Doc(f"list:{list_id}", "list", title, aliases, list_id), list_id


def _heading_of(section: tuple[str, ...]) -> str:
    """The heading a paragraph sits under, which describes it too: the vision and the mission
    are the municipality's «Filosofía institucional». A numbered part of the document ("A. Marco
    estratégico territorial") holds too much to describe one paragraph."""
    heading = section[-1] if section else ""
    return "" if NUMBERED_HEADING.match(heading) else heading


def ancestors(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Each PDM-OT line's documents above it, nearest first: a line of action's strategic line
    and objective, a strategic line's objective. Their words describe it too ("las líneas de
    acción para los mantos freáticos" are the ones under that objective, whatever they say)."""
    objective_of = {line.id: line.objective for line in plan.strategic_lines}
    above: dict[str, tuple[str, ...]] = {
        f"line:{line.id}": (f"objective:{line.objective}",) for line in plan.strategic_lines
    }
    for action in plan.action_lines:
        objective = objective_of.get(action.strategic_line)
        chain = [f"line:{action.strategic_line}"]
        if objective is not None:
            chain.append(f"objective:{objective}")
        above[f"action:{action.id}"] = tuple(chain)
    return above


def _pdmot_documents(plan: Plan) -> Iterator[tuple[Doc, Record]]:
    """Temáticas (with their objectives' words), objectives, lines, targets and POM lines."""
    names = {t.id: t.name for t in plan.tematicas}
    zonas = plan.edition.zonas
    for tematica in plan.tematicas:
        objectives = " ".join(o.text for o in plan.objectives if o.tematica == tematica.id)
        text = f"tema tematica {tematica.eje} {' '.join(tematica.pnd + tematica.ods)} {objectives}"
        yield (
            Doc(f"tematica:{tematica.id}", "tematica", tematica.name, text, tematica.id, (), tematica.id),
            tematica,
        )
    for objective in plan.objectives:
        context = f"objetivo {names[objective.tematica]}"
        yield (
            _doc(
                f"objective:{objective.id}", "objective", objective.text, context, objective.tematica, zonas
            ),
            objective,
        )
    for line in plan.strategic_lines:
        context = f"linea estrategica {names[line.tematica]}"
        yield _doc(f"line:{line.id}", "strategic_line", line.text, context, line.tematica, zonas), line
    for action in plan.action_lines:
        context = f"linea de accion {names[action.tematica]}"
        yield _doc(f"action:{action.id}", "action_line", action.text, context, action.tematica, zonas), action
    for target in plan.targets:
        context = f"meta resultado linea base {plan.edition.pdmot_horizon} {names[target.tematica]}"
        yield _doc(f"target:{target.id}", "target", target.text, context, target.tematica, zonas), target
    for n, pom in enumerate(plan.pom_lines, start=1):
        pom_period = f"{plan.edition.pom[0]}-{plan.edition.pom[1]}"
        context = f"linea estrategica pom {pom_period} {pom.eje} {names[pom.tematica]}"
        yield _doc(f"pom:{n}", "pom_line", pom.text, context, pom.tematica, zonas), pom


def _table_documents(plan: Plan) -> Iterator[tuple[Doc, Record]]:
    """Funding rows and total, CODEDE projects, actors."""
    for source in plan.funding:
        yield (
            Doc(f"funding:{fold(source.source)}", "funding", source.source, MONEY_WORDS, source.source),
            source,
        )
    if plan.funding_total:
        yield (
            Doc(
                "funding_total",
                "funding_total",
                _filled(FUNDING_TOTAL_TITLE, plan.edition),
                FUNDING_TOTAL_WORDS,
                "total",
            ),
            plan.funding_total,
        )
    for project in plan.projects:
        text = (
            f"proyecto obra snip {project.snip} zona {project.zona} {project.observation} "
            f"{project.place or ''} monto aporte codede"
        )
        zonas = (project.zona,) if project.zona else ()
        yield Doc(f"project:{project.snip}", "project", project.name, text, project.snip, zonas), project
    for actor in plan.actors:
        context = f"actor rol {actor.role} grado de influencia en decisiones e implementacion"
        yield _doc(f"actor:{actor.number}", "actor", actor.name, context, None, plan.edition.zonas), actor


def _item_documents(plan: Plan) -> Iterator[tuple[Doc, Record]]:
    """Numbered and bulleted items; each carries its section's words ("problema")."""
    zonas = plan.edition.zonas
    for kind, items, context in (
        ("potentiality", plan.potentialities, "potencialidad del municipio"),
        ("problem", plan.problems, "problema problematica del municipio"),
        ("operational_action", plan.operational_actions, f"accion operativa poa {plan.edition.year}"),
    ):
        for item in items:
            yield _doc(f"{kind}:{item.number}", kind, item.text, context, None, zonas), item
    for n, law in enumerate(plan.laws, start=1):
        yield _doc(f"law:{n}", "law", law.name, f"ley {law.description}", None, zonas), law
    for n, index in enumerate(plan.governance, start=1):
        context = f"ranking de la gestion municipal {index.text}"
        yield _doc(f"governance:{n}", "governance", index.name, context, None, zonas), index


def _policy_documents(plan: Plan) -> Iterator[tuple[Doc, Record]]:
    """Each security policy, each of its axes that lists several targets or lines (what the axis
    aims at, and all it lists) and each of those targets or lines as its own document."""
    zonas = plan.edition.zonas
    for policy in plan.policies:
        objectives = " ".join((*policy.general_objectives, "ejes de la politica"))
        if any(axis.national_axis for axis in policy.axes):  # its table's columns: «EJE NACIONAL», …
            objectives += " nacionales y municipales"
        yield _doc(f"policy:{policy.id}", "policy", policy.name, objectives, None, zonas), policy
        for a_n, axis in enumerate(policy.axes, start=1):
            context = f"{axis.national_axis or ''} {axis.axis} politica"
            name = " / ".join(x for x in (axis.national_axis, axis.axis) if x)
            elsewhere = _same_axis_elsewhere(plan, policy, axis)
            if len(axis.items) > 1:  # an axis of one item is that item: its card says the axis
                axis_words = f"{axis.objective or ''} eje de la politica"
                axis_doc = _doc(
                    f"policy_axis:{policy.id}-{a_n}", "policy_axis", name, axis_words, None, zonas
                )
                yield axis_doc, (policy, axis, elsewhere)
                elsewhere = ()
            for i_n, text in enumerate(axis.items, start=1):
                doc_id = f"policy_item:{policy.id}-{a_n}-{i_n}"
                yield _doc(doc_id, "policy_item", text, context, None, zonas), (policy, axis, text, elsewhere)


def _same_axis_elsewhere(
    plan: Plan, policy: Policy, axis: PolicyAxis
) -> tuple[tuple[Policy, PolicyAxis], ...]:
    """The axes of the other policies that bear this axis's name, when that name is one axis's
    in each ("Observatorio municipal de seguridad ciudadana"): the same programme, whose card
    shows what both policies say of it. Names several axes of a policy share ("Participación
    ciudadana") name no one programme."""

    def only_axis_named(owner: Policy, name: str) -> PolicyAxis | None:
        named = [a for a in owner.axes if fold(a.axis) == name]
        return named[0] if len(named) == 1 else None

    name = fold(axis.axis)
    if only_axis_named(policy, name) is None:
        return ()
    found = ((other, only_axis_named(other, name)) for other in plan.policies if other is not policy)
    return tuple((other, same) for other, same in found if same is not None)


def _doc(
    doc_id: str, kind: str, text: str, context: str, tematica: str | None, zonas: tuple[int, ...]
) -> Doc:
    """A document whose title is the record's own text; the municipality's zonas named in it are kept."""
    named = tuple(sorted({z.number for z in find_zonas(fold(text)) if z.number in zonas}))
    return Doc(doc_id, kind, text, context, doc_id, named, tematica)
