"""Turn the plan's records into searchable documents.

Each document's text is what a person might use to find it: its own words, its temática's
name and, for tables, the column names ("monto", "inversión"). List documents stand for a
whole section ("Problemáticas del municipio") so that "¿cuáles son los problemas?" finds the
list rather than one of its items.
"""

from __future__ import annotations

from collections.abc import Iterator

from knowledge.model import Plan
from knowledge.search import Doc
from knowledge.text import find_zonas, fold

Record = object
MONEY_WORDS = "fuente de financiamiento dinero monto fondos disponible"

LISTS: dict[str, tuple[str, str]] = {
    # id: (title, words people use for it)
    "projects": (
        "Proyectos con aporte del Consejo Departamental de Desarrollo (CODEDE) 2024",
        "proyectos obras listado todos aporte consejo departamental desarrollo codede monto total",
    ),
    "funding": (
        "Disponibilidad financiera 2024: fuentes de financiamiento",
        "fuentes financiamiento de donde viene el dinero ingresos procedencia",
    ),
    "problems": ("Problemáticas del municipio", "problemas problematicas necesidades"),
    "potentialities": ("Potencialidades del municipio", "potencialidades fortalezas ventajas"),
    "actors": ("Actores presentes en el municipio", "actores instituciones aliados analisis de actores"),
    "laws": ("Marco legal del plan", "leyes marco legal normativas decretos"),
    "operational_actions": ("Acciones operativas del POA 2024", "acciones operativas poa 2024 plan operativo anual"),
    "tematicas": ("Temas del plan: temáticas del PDM-OT Mixco 2032", "temas tematicas ejes estructura"),
    "targets": ("Metas 2032 del PDM-OT (Resultados)", "metas resultados 2032 indicadores"),
    "pom_lines": ("Líneas estratégicas del POM 2024-2028", "lineas estrategicas pom multianual 2024-2028"),
    "governance": ("Ranking de la gestión municipal: índices", "ranking indices gestion municipal gobernanza"),
    "policies": ("Políticas públicas municipales de seguridad", "politicas publicas municipales"),
}


def plan_documents(plan: Plan) -> Iterator[tuple[Doc, Record]]:
    """Every searchable document with the record it stands for."""
    names = {t.id: t.name for t in plan.tematicas}
    for t in plan.tematicas:
        objectives = " ".join(o.text for o in plan.objectives if o.tematica == t.id)
        text = f"tema {t.eje} {' '.join(t.pnd + t.ods)} {objectives}"
        yield Doc(f"tematica:{t.id}", "tematica", t.name, text, t.id, (), t.id), t
    for o in plan.objectives:
        yield _doc(f"objective:{o.id}", "objective", o.text, names[o.tematica], o.tematica), o
    for s in plan.strategic_lines:
        yield _doc(f"line:{s.id}", "strategic_line", s.text, names[s.tematica], s.tematica), s
    for a in plan.action_lines:
        yield _doc(f"action:{a.id}", "action_line", a.text, names[a.tematica], a.tematica), a
    for r in plan.targets:
        yield _doc(f"target:{r.id}", "target", r.text, f"meta resultado 2032 {names[r.tematica]}", r.tematica), r
    for f in plan.funding:
        yield Doc(f"funding:{fold(f.source)}", "funding", f.source, MONEY_WORDS, f.source), f
    if plan.funding_total:
        yield (
            Doc(
                "funding_total",
                "funding_total",
                "Total financiamiento para el año fiscal 2024",
                "presupuesto total disponibilidad financiera monto destinado a inversion "
                "monto destinado a funcionamiento dinero",
                "total",
            ),
            plan.funding_total,
        )
    for p in plan.projects:
        text = f"proyecto obra snip {p.snip} zona {p.zona} {p.observation} {p.place or ''} monto"
        yield Doc(f"project:{p.snip}", "project", p.name, text, p.snip, (p.zona,) if p.zona else ()), p
    for a in plan.actors:
        yield _doc(f"actor:{a.number}", "actor", a.name, f"actor rol {a.role}", None), a
    for kind, items, context in (
        ("potentiality", plan.potentialities, "potencialidad del municipio"),
        ("problem", plan.problems, "problema problematica del municipio"),
        ("operational_action", plan.operational_actions, "accion operativa poa 2024"),
    ):
        for item in items:
            yield _doc(f"{kind}:{item.number}", kind, item.text, context, None), item
    for n, law in enumerate(plan.laws, start=1):
        yield _doc(f"law:{n}", "law", law.name, f"ley {law.description}", None), law
    for n, g in enumerate(plan.governance, start=1):
        yield _doc(f"governance:{n}", "governance", g.name, g.text, None), g
    for policy in plan.policies:
        yield _doc(f"policy:{policy.id}", "policy", policy.name, " ".join(policy.general_objectives), None), policy
        for a_n, axis in enumerate(policy.axes, start=1):
            for i_n, item in enumerate(axis.items, start=1):
                context = f"{axis.national_axis or ''} {axis.axis} politica"
                doc_id = f"policy_item:{policy.id}-{a_n}-{i_n}"
                yield _doc(doc_id, "policy_item", item, context, None), (policy, axis, item)
    for n, line in enumerate(plan.pom_lines, start=1):
        yield _doc(f"pom:{n}", "pom_line", line.text, f"pom 2024-2028 {names[line.tematica]}", line.tematica), line
    for s in plan.statements:
        yield Doc(f"statement:{s.id}", "statement", s.title, s.text, s.id), s
    for list_id, (title, aliases) in LISTS.items():
        yield Doc(f"list:{list_id}", "list", title, aliases, list_id), list_id


def _doc(doc_id: str, kind: str, text: str, context: str, tematica: str | None) -> Doc:
    """A document whose title is the record's own text; zonas named in it are kept."""
    zonas = tuple(sorted({z.number for z in find_zonas(fold(text)) if 1 <= z.number <= 11}))
    return Doc(doc_id, kind, text, context, doc_id, zonas, tematica)
