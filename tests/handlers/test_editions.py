"""The bot on another edition of the plan, end to end: what it says and shows names the edition
its database holds (Villa Nueva's fifteen zonas; next year's POA)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db.migrate import upgrade
from db.plan_store import save_plan
from db.session import create_engine, create_sessionmaker
from knowledge.model import Plan
from tests.conftest import running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.handlers.test_groups_inline import ask_inline, check_results
from tests.support.fakebotapi import FakeBotApi


async def _saved(database: Path, plan: Plan, source: str) -> None:
    """The database as ``python -m bot load`` leaves it after loading ``plan``."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade(engine)
        async with create_sessionmaker(engine)() as session, session.begin():
            await save_plan(session=session, plan=plan, source=source)
    finally:
        await engine.dispose()


@pytest.fixture
async def villa_nueva(api: FakeBotApi, tmp_path: Path, other_municipality_plan: Plan) -> AsyncIterator[Chat]:
    await _saved(tmp_path / "bot.db", other_municipality_plan, "poa-villa-nueva.txt")
    async with running_bot(api, settings_for(api, tmp_path / "bot.db")) as application:
        yield Chat(api, application)
    api.assert_no_violations()


@pytest.fixture
async def next_year(api: FakeBotApi, tmp_path: Path, next_year_plan: Plan) -> AsyncIterator[Chat]:
    await _saved(tmp_path / "bot.db", next_year_plan, "poa-2025.txt")
    async with running_bot(api, settings_for(api, tmp_path / "bot.db")) as application:
        yield Chat(api, application)
    api.assert_no_violations()


async def test_the_welcome_names_the_municipality(villa_nueva: Chat) -> None:
    (welcome,) = await villa_nueva.say("/start")
    assert welcome.plain_text.startswith(
        "¡Bienvenido! Soy el asistente del Plan Operativo Anual 2024 de la Municipalidad de Villa Nueva."
    )
    assert "Mixco" not in welcome.plain_text


async def test_the_zona_picker_has_the_municipalitys_zonas(villa_nueva: Chat) -> None:
    (picker,) = await villa_nueva.say("/zona")
    assert picker.plain_text == "¿De qué zona quiere saber? Villa Nueva tiene zonas de la 1 a la 15."
    assert [b["callback_data"] for b in picker.buttons] == [f"a|zona:{n}" for n in range(1, 16)]
    (zona,) = await villa_nueva.press(picker, "a|zona:14")
    assert zona.plain_text.startswith("Zona 14 de Villa Nueva\nProyectos del POA 2024 en la zona 14")


async def test_a_deep_link_to_a_zona_is_checked_against_the_edition(villa_nueva: Chat) -> None:
    (fourteen,) = await villa_nueva.say("/start zona_14")
    assert fourteen.plain_text.startswith("Zona 14 de Villa Nueva")
    (sixteen,) = await villa_nueva.say("/start zona_16")
    assert sixteen.plain_text.startswith("Esta opción ya no está disponible.")


async def test_following_a_zona_and_announcing_to_it_use_the_editions_zonas(villa_nueva: Chat) -> None:
    (followed,) = await villa_nueva.say("/suscribir zona 15")
    assert followed.plain_text == "Listo, le avisaré de los cambios en la zona 15."
    (refused,) = await villa_nueva.say("/suscribir zona 16")
    assert refused.plain_text.startswith("Uso: /suscribir")


async def test_inline_cards_name_the_municipality(villa_nueva: Chat) -> None:
    results = check_results(villa_nueva.api, await ask_inline(villa_nueva.api, "zona 14"))
    assert results[0]["title"] == "Zona 14 de Villa Nueva"
    assert not any("Mixco" in str(result) for result in results)


async def test_the_command_menu_and_the_cards_say_next_year(next_year: Chat) -> None:
    described = {c["command"]: c["description"] for c in next_year.api.commands()}
    assert described["proyectos"] == "Todos los proyectos 2025"
    assert described["metas"] == "Metas para 2032"
    (card,) = await next_year.say("proyecto 242177")
    assert "Monto 2025: Q 4,441,894.00" in card.plain_text
    assert "Fuente: POA 2025" in card.plain_text
    assert not re.search(r"\b2024\b", card.plain_text + str(card.buttons))
    (funding,) = await next_year.say("presupuesto 2024")
    assert "El plan trae las cifras de dinero de 2025; para otros años no tiene datos." in funding.plain_text
