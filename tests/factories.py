"""Small but complete plans for tests, independent of the document parser.

``make_plan()`` has at least one record of every kind, with Decimal amounts with cents,
percentages written with different precision ("97.5", "70.00"), accents and ñ, optional fields
set and unset, and sections. It adds up as ``knowledge.reconcile`` checks: the funding rows are
the bundled document's, so they sum to its total; references name records that exist. Override
any Plan field: ``make_plan(projects=())``. Its edition is ``make_edition()`` (Mixco's POA 2024,
given explicitly: a Plan has no default edition).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from knowledge.model import (
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
    Statement,
    StrategicLine,
    Target,
    Tematica,
)

TERRITORIAL = ("III. MARCO ESTRATÉGICO TERRITORIAL E INSTITUCIONAL", "A. MARCO ESTRATÉGICO TERRITORIAL")
INSTITUTIONAL = ("III. MARCO ESTRATÉGICO TERRITORIAL E INSTITUCIONAL", "B. MARCO ESTRATÉGICO INSTITUCIONAL")
POA = ("V. PLAN OPERATIVO ANUAL 2024",)
FUNDING = (*POA, "FINANCIAMIENTO 2024")
CODEDE = (*POA, "PROYECTOS CON FINANCIAMIENTO CODEDE 2024")


def make_edition(**overrides: Any) -> Edition:
    """Mixco's POA 2024 edition, as the bundled document states it; override any field."""
    values: dict[str, Any] = {
        "municipality": "Mixco",
        "demonym": "mixqueño",
        "year": 2024,
        "pei": (2021, 2025),
        "pom": (2024, 2028),
        "pdmot": "Mixco 2032",
        "pdmot_horizon": 2032,
        "zonas": tuple(range(1, 12)),
    }
    values.update(overrides)
    return Edition(**values)


def make_tematicas() -> tuple[Tematica, ...]:
    return (
        Tematica(
            id="saludable",
            eje="Eje 1: Mixco incluyente",
            name="Mixco saludable",
            pnd=("Bienestar para la gente",),
            ods=("ODS 3", "ODS 6"),
            section=(*TERRITORIAL, "Mixco saludable"),
        ),
        Tematica(
            id="ambiental",
            eje="Eje 2: Mixco próspero y sostenible",
            name="Mixco ambientalmente responsable",
            pnd=(),
            ods=("ODS 11",),
            section=(*TERRITORIAL, "Mixco ambientalmente responsable"),
        ),
    )


def make_targets() -> tuple[Target, ...]:
    return (
        Target(
            id="ambiental-r1",
            tematica="ambiental",
            objective="ambiental-o1",
            text=(
                "Aumentar la producción de agua potable "
                "(De 20,915,104 m³ en el 2021 a 28,235,390 m³ en el 2032)."
            ),
            measures=(
                Measure(
                    baseline="20,915,104 m³", baseline_year=2021, target="28,235,390 m³", target_year=2032
                ),
                Measure(baseline="19 Ha.", baseline_year=2021, target="100 Ha.", target_year=2032),
            ),
            section=(*TERRITORIAL, "Mixco ambientalmente responsable", "Resultado PDM-OT"),
        ),
        Target(
            id="ambiental-r2",
            tematica="ambiental",
            objective=None,
            text="Mantener la calidad del agua en un 88%.",
            measures=(Measure(baseline="88%", baseline_year=2021, target=None, target_year=None),),
            section=(*TERRITORIAL, "Mixco ambientalmente responsable", "Resultado PDM-OT"),
        ),
        Target(
            id="saludable-r1",
            tematica="saludable",
            objective="saludable-o1",
            text="Meta sin medida numérica.",
            measures=(),
            section=(*TERRITORIAL, "Mixco saludable", "Resultado PDM-OT"),
        ),
    )


def make_funding() -> tuple[FundingSource, ...]:
    return (
        FundingSource(
            source="Impuesto a circulación de vehículos terrestres",
            available=Decimal("5516300.00"),
            investment=Decimal("5378392.50"),
            investment_pct=Decimal("97.5"),
            operating=Decimal("137907.50"),
            operating_pct=Decimal("2.5"),
            section=FUNDING,
        ),
        FundingSource(
            source="Fondos de IUSI",
            available=Decimal("268817000.00"),
            investment=Decimal("188171900.00"),
            investment_pct=Decimal("70.00"),
            operating=Decimal("80645100.00"),
            operating_pct=Decimal("30"),
            section=FUNDING,
        ),
        FundingSource(
            source="Ingresos propios",
            available=Decimal("298040400.00"),
            investment=Decimal("75117470.09"),
            investment_pct=Decimal("25"),
            operating=Decimal("222922929.91"),
            operating_pct=Decimal("75"),
            section=FUNDING,
        ),
        *(
            FundingSource(
                source,
                Decimal(available),
                Decimal(investment),
                Decimal(investment_pct),
                Decimal(operating),
                Decimal(operating_pct),
                FUNDING,
            )
            for source, available, investment, investment_pct, operating, operating_pct in (
                ("Situado constitucional", "53000000.00", "47700000.00", "90", "5300000.00", "10"),
                ("IVA-PAZ", "61100000.00", "45825000.00", "75", "15275000.00", "25"),
                ("Fonpetrol", "1833000.00", "1833000.00", "100", "0.00", "0"),
                ("Porcentaje Forestal INAB de Madera", "3500.00", "3500.00", "100", "0.00", "0"),
            )
        ),
    )


def make_projects() -> tuple[Project, ...]:
    return (
        Project(
            number=1,
            snip="242177",
            name="CONSTRUCCION SISTEMA DE ALCANTARILLADO SANITARIO EN BARRIO SAN ANTONIO ZONA 10",
            zona=10,
            amount=Decimal("4441894.00"),
            observation="MULTIANUAL 2021-2024",
            place="Barrio San Antonio",
            in_total=True,
            section=CODEDE,
        ),
        Project(
            number=2,
            snip="276227",
            name="CONSTRUCCION POZO(S) MECÁNICO EN COLONIA MOLINO DE LAS FLORES I, ZONA 2",
            zona=2,
            amount=Decimal("1856242.37"),
            observation="ARRASTRE",
            place=None,
            in_total=True,
            section=CODEDE,
        ),
        Project(
            number=8,
            snip="300001",
            name="MEJORAMIENTO CALLE EN CAÑADAS DE SAN JOSÉ LAS ROSAS",
            zona=None,
            amount=Decimal("0.05"),
            observation="NUEVO 2024",
            place="San José Las Rosas",
            in_total=False,
            section=CODEDE,
        ),
    )


def make_policies() -> tuple[Policy, ...]:
    return (
        Policy(
            id="seguridad",
            name="Política Municipal de Seguridad Ciudadana y Convivencia Pacífica",
            general_objectives=("Reducir la violencia en el municipio.",),
            specific_objectives=("Prevenir la violencia contra la niñez.", "Recuperar espacios públicos."),
            axes=(
                PolicyAxis(
                    national_axis="Prevención de la violencia",
                    axis="Eje de prevención",
                    objective="Fortalecer la participación comunitaria",
                    items=("Talleres en escuelas", "Ferias de convivencia"),
                ),
                PolicyAxis(national_axis=None, axis="Eje de seguimiento", objective=None, items=()),
            ),
            section=(*INSTITUTIONAL, "POLÍTICAS MUNICIPALES"),
        ),
    )


def make_plan(**overrides: Any) -> Plan:
    """A complete small plan; keyword arguments replace whole Plan fields."""
    values: dict[str, Any] = {
        "tematicas": make_tematicas(),
        "objectives": (
            Objective(
                id="saludable-o1",
                tematica="saludable",
                text="Ampliar la cobertura de salud",
                section=(*TERRITORIAL, "Mixco saludable"),
            ),
            Objective(
                id="ambiental-o1",
                tematica="ambiental",
                text="Garantizar el acceso al agua",
                section=(*TERRITORIAL, "Mixco ambientalmente responsable"),
            ),
        ),
        "strategic_lines": (
            StrategicLine(
                id="ambiental-le1",
                tematica="ambiental",
                objective="ambiental-o1",
                text="Gestión integral del recurso hídrico",
                section=(*TERRITORIAL, "Mixco ambientalmente responsable"),
            ),
        ),
        "action_lines": (
            ActionLine(
                id="ambiental-la1",
                tematica="ambiental",
                strategic_line="ambiental-le1",
                text="Perforación de pozos en zonas con déficit",
                section=(*TERRITORIAL, "Mixco ambientalmente responsable"),
            ),
        ),
        "targets": make_targets(),
        "funding": make_funding(),
        "funding_total": FundingTotal(
            available=Decimal("688310200.00"),
            investment=Decimal("364029262.59"),
            operating=Decimal("324280937.41"),
        ),
        "projects": make_projects(),
        "actors": (
            Actor(
                number=1,
                name="Consejo Municipal de Desarrollo (COMUDE)",
                role="Priorización de proyectos",
                influence_decisions="Alta",
                influence_implementation="Media",
                section=(*TERRITORIAL, "MAPEO DE ACTORES"),
            ),
        ),
        "potentialities": (
            Item(number=1, text="Cercanía con la capital", section=(*TERRITORIAL, "POTENCIALIDADES")),
        ),
        "problems": (
            Item(number=1, text="Escasez de agua en época seca", section=(*TERRITORIAL, "PROBLEMÁTICAS")),
            Item(
                number=2,
                text="Manejo inadecuado de desechos sólidos",
                section=(*TERRITORIAL, "PROBLEMÁTICAS"),
            ),
        ),
        "laws": (
            Law(
                name="Código Municipal",
                decree="Decreto 12-2002",
                description="Regula la organización municipal.",
                section=("I. MARCO LEGAL",),
            ),
            Law(
                name="Constitución Política de la República",
                decree=None,
                description="Artículo 253.",
                section=(),
            ),
        ),
        "governance": (
            GovernanceIndex(
                name="Índice de información a la ciudadanía",
                text="Categoría media.",
                section=(*INSTITUTIONAL, "RANKING"),
            ),
        ),
        "policies": make_policies(),
        "pom_lines": (
            PomLine(
                eje="Eje 2",
                tematica="ambiental",
                text="Agua potable para todos",
                section=(
                    "IV. PLAN OPERATIVO MULTIANUAL 2024-2028",
                    "LINEAS ESTRATÉGICAS DEL PDM-OT EN EL POM 2024-2028",
                ),
            ),
        ),
        "operational_actions": (
            Item(
                number=1,
                text="Mantenimiento de la red de agua potable",
                section=(*POA, "ACCIONES OPERATIVAS"),
            ),
            Item(number=16, text="Señalización vial en la zona 6", section=(*POA, "ACCIONES OPERATIVAS")),
        ),
        "statements": (
            Statement(
                id="vision", title="VISIÓN", text="Ser un municipio ordenado y seguro.", section=INSTITUTIONAL
            ),
            Statement(
                id="mission", title="MISIÓN", text="Servir a los vecinos de Mixco.", section=INSTITUTIONAL
            ),
            Statement(
                id="institutional_objective",
                title="OBJETIVO INSTITUCIONAL",
                text="Mejorar la calidad de vida de la población mixqueña.",
                section=INSTITUTIONAL,
            ),
            Statement(
                id="poa_objective", title="OBJETIVO OPERATIVO ANUAL", text="Cumplir las metas.", section=POA
            ),
        ),
        "ejes": ("Eje 1: Mixco incluyente", "Eje 2: Mixco próspero y sostenible"),
        "edition": make_edition(),
    }
    unknown = set(overrides) - set(values)
    if unknown:
        raise TypeError(f"make_plan: unknown Plan fields {sorted(unknown)}")
    values.update(overrides)
    return Plan(**values)
