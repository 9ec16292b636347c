"""A synthetic next edition of the plan, made from the bundled document by text substitution,
as the municipality would write next year's POA in the same format.

Every substitution must match the real text exactly as many times as it says (else
:class:`EditionError`), so a change to the bundled document cannot silently leave the edition
the same as the original. What the edition changes, and the figures the tests expect, are the
constants below; :data:`SUBSTITUTIONS` writes them into the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.ingest import read_bundled_text

OLD_YEAR, NEW_YEAR = 2024, 2025


class EditionError(AssertionError):
    """A substitution that does not match the bundled document as many times as expected."""


@dataclass(frozen=True, slots=True)
class Substitution:
    old: str
    new: str
    count: int = 1


# Projects -------------------------------------------------------------------------------------
AMOUNTS = {  # SNIP -> (old amount, new amount), as the table writes them
    "242177": ("4,441,894.00", "3,200,000.00"),
    "297669": ("2,665,533.00", "2,900,000.00"),
    "273703": ("3,725,625.00", "3,100,000.00"),
}
OBSERVATION = ("242177", "MULTIANUAL 2021-2024", "MULTIANUAL 2021-2025")
ZONA_MOVED = ("206213", 10, 7)
"""A project whose row now says another zona (a correction of the place)."""
DROPPED_PROJECTS = {"276227": 2, "287389": 5}  # SNIP -> zona
NEW_PROJECTS = {  # SNIP -> (zona, amount as written, observation)
    "301122": (11, "1,500,000.00", "NUEVO 2025"),
    "301245": (3, "950,000.00", "NUEVO 2025"),
    "301378": (7, "2,250,000.00", "MULTIANUAL 2025-2026"),
}
NEW_PROJECT_ROWS = (
    "8\tCONSTRUCCION DE MURO DE CONTENCION EN COLONIA LOS PINOS, ZONA 11 DEL MUNICIPIO DE MIXCO, "
    "GUATEMALA\t301122\t1,500,000.00\tNUEVO 2025\n"
    "9\tMEJORAMIENTO DE CALLE PRINCIPAL EN COLONIA LAS BRISAS, ZONA 3 DE MIXCO, GUATEMALA"
    "\t301245\t950,000.00\tNUEVO 2025\n"
    "10\tCONSTRUCCION SISTEMA DE DRENAJE PLUVIAL EN COLONIA EL MIRADOR, ZONA 7 DEL MUNICIPIO DE MIXCO, "
    "GUATEMALA\t301378\t2,250,000.00\tMULTIANUAL 2025-2026\n"
)
PROJECTS_TOTAL = ("Q 18,819,178.00", "Q 20,029,884.00")

# Funding --------------------------------------------------------------------------------------
FUNDING_CHANGED = {  # IVA-PAZ: field -> (old, new)
    "available": ("Q 61,100,000.00", "Q 63,500,000.00"),
    "investment": ("Q 45,825,000.00", "Q 47,625,000.00"),
    "operating": ("Q 15,275,000.00", "Q 15,875,000.00"),
}
FUNDING_DROPPED = "Porcentaje Forestal INAB de Madera"
FUNDING_ADDED = ("Cooperación internacional", "Q 1,000,000.00")
FUNDING_TOTAL = {  # the total row: field -> (old, new); kept equal to the sum of the rows
    "available": ("Q 688,310,200.00", "Q 691,706,700.00"),
    "investment": ("Q 364,029,262.59", "Q 366,825,762.59"),
    "operating": ("Q 324,280,937.41", "Q 324,880,937.41"),
}

# Targets, actions, lines, objectives ----------------------------------------------------------
TARGET_VALUE = ("ambientalmente", "95%", "97%")
"""The target of solid waste collection coverage: 95% → 97% by 2032."""
TARGET_REWORDED = (
    "la población mixqueña tiene mayor acceso y cobertura de los servicios de salud pública",
    "la población mixqueña tiene mejor acceso y cobertura de los servicios públicos de salud",
)
ACTION_REWORDED = (
    3,
    ", velando principalmente por atender las medidas sanitarias por el COVID-19.",
    ".",
)
ACTION_DROPPED = (
    "15. Ordenamiento y la seguridad vial en el municipio, mediante el cumplimiento de las normativas de "
    "tránsito que competan.\n"
)
ACTION_ADDED = (
    "Recuperación y mantenimiento de los barrancos y áreas verdes de la zona 7 y de la zona 11, "
    "con participación de los vecinos."
)
OBJECTIVE_REWORDED = (
    "Ampliar la cobertura y acceso a programas de asistencia y bienestar social.",
    "Ampliar la cobertura y el acceso a los programas de asistencia y bienestar social del municipio.",
)
LINE_ADDED = ("incluyente", "Promover la accesibilidad universal en los espacios públicos municipales.")
ACTION_LINE_ADDED = "Adecuar banquetas y accesos de los edificios municipales para personas con discapacidad."
ACTION_LINE_DROPPED = ("saludable", "Desarrollar programas que incentiven la salud preventiva.")
TARGET_ADDED = (
    "incluyente",
    "Para el 2032 el 60% de los edificios municipales son accesibles para personas con discapacidad "
    "(De 10% de edificios accesibles en el año 2024 a 60% de edificios accesibles en el año 2032).",
)
"""A new result, placed before the temática's other results: the ids (``incluyente-r2``) of the
targets after it move up, which must not read as a change."""

_DROPPED_ROW_276227 = (
    "2\tCONSTRUCCION POZO(S) MECÁNICO Y MEJORAMIENTO DEL SISTEMA DE AGUA POTABLE EN COLONIA MOLINO DE LAS "
    "FLORES I, ZONA 2, MIXCO, GUATEMALA\t276227\t1,856,242.00\tMULTIANUAL 2022-2024\n"
)
_DROPPED_ROW_287389 = (
    "\n8\tMEJORAMIENTO PARQUE RECREATIVO EN 22 CALLE A Y 10MA. AVENIDA, COLONIA PRIMERO DE JULIO ZONA 5 "
    "DEL MUNICIPIO DE MIXCO, GUATEMALA\t287389\t375,000.00\tNUEVO 2024"
)


def _total_row(edition: int) -> str:
    """The funding total row's figures, written as the document writes them there ("Q688,…")."""
    available, investment, operating = (FUNDING_TOTAL[f][edition].replace(" ", "") for f in FUNDING_TOTAL)
    return f"{available}\t{investment}\t\t{operating}"


SUBSTITUTIONS: tuple[Substitution, ...] = (
    # the edition's year where the document names its own POA
    Substitution("Plan Operativo Anual\n\n2024\n", "Plan Operativo Anual\n\n2025\n"),  # the title block
    Substitution("Plan Operativo Anual 2024", "Plan Operativo Anual 2025", 2),
    Substitution("PLAN OPERATIVO ANUAL 2024", "PLAN OPERATIVO ANUAL 2025", 3),
    Substitution("para el año 2024", "para el año 2025", 2),
    Substitution("DESARROLLO, AÑO 2024", "DESARROLLO, AÑO 2025"),
    Substitution("\tMONTO 2024\t", "\tMONTO 2025\t"),
    # projects
    *(
        Substitution(f"\t{snip}\t{old}\t", f"\t{snip}\t{new}\t")
        for snip, (old, new) in AMOUNTS.items()
        if snip != OBSERVATION[0]
    ),
    Substitution(
        f"\t{OBSERVATION[0]}\t{AMOUNTS[OBSERVATION[0]][0]}\t{OBSERVATION[1]}",
        f"\t{OBSERVATION[0]}\t{AMOUNTS[OBSERVATION[0]][1]}\t{OBSERVATION[2]}",
    ),
    Substitution("CALLE 0 COLONIA MARILU, ZONA 10,", "CALLE 0 COLONIA MARILU, ZONA 7,"),
    Substitution(_DROPPED_ROW_276227, ""),
    Substitution(_DROPPED_ROW_287389, ""),
    Substitution(
        f"TOTAL\t\t\t{PROJECTS_TOTAL[0]}\t",
        f"{NEW_PROJECT_ROWS}TOTAL\t\t\t{PROJECTS_TOTAL[1]}\t",
    ),
    # funding
    Substitution(
        "IVA-PAZ\t" + "\t".join(FUNDING_CHANGED[f][0] for f in ("available", "investment")) + "\t75%\t",
        "IVA-PAZ\t" + "\t".join(FUNDING_CHANGED[f][1] for f in ("available", "investment")) + "\t75%\t",
    ),
    Substitution(f"\t{FUNDING_CHANGED['operating'][0]}\t25%", f"\t{FUNDING_CHANGED['operating'][1]}\t25%"),
    Substitution(
        f"{FUNDING_DROPPED}\tQ 3,500.00\tQ 3,500.00\t100%\t\t0%\n",
        f"{FUNDING_ADDED[0]}\t{FUNDING_ADDED[1]}\t{FUNDING_ADDED[1]}\t100%\t\t0%\n",
    ),
    Substitution(f"año fiscal 2024\t{_total_row(0)}\t", f"año fiscal 2025\t{_total_row(1)}\t"),
    # targets
    Substitution(
        "desechos sólidos a un 95% (De un 85% en el año 2021 a un 95% para el año 2032)",
        "desechos sólidos a un 97% (De un 85% en el año 2021 a un 97% para el año 2032)",
    ),
    Substitution(*TARGET_REWORDED),
    # operational actions
    Substitution(ACTION_REWORDED[1], ACTION_REWORDED[2]),
    Substitution(ACTION_DROPPED, ""),
    Substitution("\n16. Apoyo, promoción", "\n15. Apoyo, promoción"),
    Substitution(
        "crisis sanitaria del COVID-19.\n\nDISPONIBILIDAD FINANCIERA",
        f"crisis sanitaria del COVID-19.\n16. {ACTION_ADDED}\n\nDISPONIBILIDAD FINANCIERA",
    ),
    # objectives and lines
    Substitution(*OBJECTIVE_REWORDED),
    Substitution(
        "- Crear marcos normativos y regulatorios para la generación de viviendas de interés social.\n",
        "- Crear marcos normativos y regulatorios para la generación de viviendas de interés social.\n"
        f"\nLÍNEA ESTRATÉGICA\n\n{LINE_ADDED[1]}\n\nLíneas de acción\n\n- {ACTION_LINE_ADDED}\n"
        f"\nResultado PDM-OT\n\n- {TARGET_ADDED[1]}\n",
    ),
    Substitution(f"- {ACTION_LINE_DROPPED[1]}\n", ""),
)


def next_edition_text(text: str | None = None) -> str:
    """The bundled document (or ``text``) as next year's edition."""
    edited = read_bundled_text() if text is None else text
    for substitution in SUBSTITUTIONS:
        found = edited.count(substitution.old)
        if found != substitution.count:
            raise EditionError(
                f"{substitution.old[:60]!r} is {found} times in the document, not {substitution.count}"
            )
        edited = edited.replace(substitution.old, substitution.new)
    return edited
