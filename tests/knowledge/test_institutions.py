"""Institutions named in the plan's text: by the plan's actors, its glossary and their kind."""

from __future__ import annotations

import pytest

from knowledge.glossary import glossary
from knowledge.ingest import load_bundled_plan
from knowledge.institutions import Institutions


@pytest.fixture(scope="module")
def institutions() -> Institutions:
    plan = load_bundled_plan()
    return Institutions(plan.actors, glossary(plan.edition))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Fortalecer y apoyar los servicios que presta CONALFA para la educación.", ["CONALFA"]),
        (
            "Coordinar en conjunto con Secretaría de Obras Sociales de la Esposa del Presidente y "
            "Secretaría de Bienestar Social la ampliación de los Centros de Cuidado Infantil.",
            ["Secretaría de Obras Sociales de la Esposa del Presidente", "Secretaría de Bienestar Social"],
        ),
        ("la red de Derivación Multisectorial del Ministerio Público", ["MINISTERIO PÚBLICO"]),
        (
            "SESAN \u2013 Secretaría de Seguridad Alimentaria y Nutricional",
            ["SESAN \u2013 Secretaría de Seguridad Alimentaria y Nutricional"],
        ),
        ("Ampliar la cobertura de Centros de Cuidado Infantil Municipal.", []),
        ("Promover la participación de los vecinos del municipio.", []),
        ("Gestionar ante el MINEDUC la ampliación de la oferta educativa.", ["MINEDUC"]),
        ("Suscribir un convenio con el INGUAT para el turismo.", ["INGUAT"]),
        ("Mejorar la recaudación del IUSI con campañas.", []),
        ("Apoyo a familias afectadas por el COVID en la zona.", []),
    ],
)
def test_the_institutions_a_text_names(institutions: Institutions, text: str, names: list[str]) -> None:
    assert institutions.named_in(text) == names
