"""A resident and a COCODE leader talk to the real bot through the fake Bot API."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.handlers.conftest import Chat

SNIPS = ("242177", "276227", "297669", "299884", "273703", "206148", "206213", "287389")


async def test_start_welcomes_with_the_menu(chat: Chat) -> None:
    (reply,) = await chat.say("/start")
    assert "Plan Operativo Anual 2024" in reply.plain_text
    assert reply.callback_data == [
        "a|zonas",
        "a|lista:projects",
        "a|lista:tematicas",
        "a|lista:funding",
        "a|lista:targets",
        "a|ayuda",
    ]


async def test_commands_are_set_in_spanish(chat: Chat) -> None:
    commands = {c["command"]: c["description"] for c in chat.api.commands()}
    assert {"zona", "proyecto", "proyectos", "temas", "metas", "financiamiento", "plan", "ayuda"} <= set(
        commands
    )
    assert commands["zona"] == "Obras y proyectos de una zona"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("zona_6", "273703"), ("p_242177", "Q 4,441,894.00"), ("tema_seguro", "Mixco seguro")],
)
async def test_deep_links_open_the_answer(chat: Chat, payload: str, expected: str) -> None:
    (reply,) = await chat.say(f"/start {payload}")
    assert expected in reply.plain_text


@pytest.mark.parametrize("payload", ["zona_99", "p_1", "<script>", "x" * 65, "tema_noexiste"])
async def test_bad_deep_link_falls_back_to_the_welcome(chat: Chat, payload: str) -> None:
    (reply,) = await chat.say(f"/start {payload}")
    assert "Bienvenido" in reply.plain_text


async def test_free_text_answers_with_the_plans_figures_and_source(chat: Chat) -> None:
    (reply,) = await chat.say("cuanto pisto viene del iusi")
    assert "Q 268,817,000.00" in reply.plain_text
    assert "Fuente: POA 2024" in reply.plain_text
    assert reply.parse_mode == "HTML"


async def test_zona_answer_offers_buttons_and_the_chart(chat: Chat) -> None:
    (reply,) = await chat.say("obras en la z10")
    assert "242177" in reply.plain_text
    assert "206213" in reply.plain_text
    assert "a|proyecto:242177" in reply.callback_data
    assert "a|grafico:zona:10" in reply.callback_data
    (photo,) = await chat.press(reply, "a|grafico:zona:10")
    assert photo.method == "sendPhoto"
    assert "Zona 10" in (photo.caption or "")


async def test_project_button_opens_the_card(chat: Chat) -> None:
    (reply,) = await chat.say("zona 6")
    (card,) = await chat.press(reply, "a|proyecto:206148")
    assert "SAN JOSE LAS ROSAS" in card.plain_text
    assert "Q 2,108,047.56" in card.plain_text


async def test_follow_up_keeps_the_context(chat: Chat) -> None:
    await chat.say("proyectos de agua en la zona 6")
    (reply,) = await chat.say("¿y en la zona 10?")
    assert "Zona 10" in reply.plain_text
    assert "242177" in reply.plain_text


async def test_follow_up_about_cost_uses_the_last_project(chat: Chat) -> None:
    await chat.say("pozo en San José Las Rosas")
    (reply,) = await chat.say("¿y cuánto cuesta?")
    assert "Q 2,108,047.56" in reply.plain_text


async def test_zona_command_without_number_offers_1_to_11(chat: Chat) -> None:
    (reply,) = await chat.say("/zona")
    assert [b.split(":")[-1] for b in reply.callback_data] == [str(n) for n in range(1, 12)]
    (answer,) = await chat.press(reply, "a|zona:3")
    assert "zona 3 no hay proyectos" in answer.plain_text
    assert not any(s in answer.plain_text for s in SNIPS)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/zona 5", "287389"),
        ("/zona 99", "Mixco tiene zonas de la 1 a la 11"),
        ("/proyecto 206213", "MARILU"),
        ("/proyecto molino de las flores", "276227"),
        ("/proyecto", "código SNIP"),
        ("/proyectos", "Q 18,819,178.00"),
        ("/temas", "Mixco hambre cero"),
        ("/metas", "95%"),
        ("/metas basura", "95%"),
        ("/plan", "desarrollo integral sostenible"),
        ("/ayuda", "/financiamiento"),
    ],
)
async def test_commands(chat: Chat, command: str, expected: str) -> None:
    replies = await chat.say(command)
    assert expected in replies[0].plain_text


async def test_financiamiento_sends_a_chart_and_the_figures(chat: Chat) -> None:
    photo, text = await chat.say("/financiamiento", count=2)
    assert photo.method == "sendPhoto"
    assert len(photo.caption or "") <= 1024
    assert "Q 688,310,200.00" in text.plain_text
    assert "IVA-PAZ" in text.plain_text
    again, _ = await chat.say("/financiamiento", count=2)
    assert again.params["photo"] == photo.message["photo"][-1]["file_id"]


async def test_out_of_scope_is_said_kindly(chat: Chat) -> None:
    (reply,) = await chat.say("receta de pepián")
    assert "no está en el plan" in reply.plain_text
    assert reply.callback_data


async def test_forged_or_stale_button_gets_a_polite_line(chat: Chat) -> None:
    (reply,) = await chat.say("/start")
    for data in ("a|zona:99", "x|nada", "a|proyecto:123", "a|" + "z" * 60):
        mark = chat.api.mark()
        chat.api.press_button(reply.message, data, check=False)
        (call,) = await chat.api.wait_for("answerCallbackQuery", since=mark)
        assert call.params["text"] == "Esta opción ya no está disponible."


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "contact", "document"])
async def test_non_text_messages_get_a_friendly_line(chat: Chat, kind: str) -> None:
    mark = chat.api.mark()
    send: dict[str, Callable[[int], object]] = {
        "sticker": chat.api.send_sticker,
        "photo": chat.api.send_photo_from_user,
        "voice": chat.api.send_voice,
        "location": lambda chat_id: chat.api.send_location(chat_id, 14.63, -90.6),
        "contact": lambda chat_id: chat.api.send_contact(chat_id, "+50212345678", "Ana"),
        # a .txt or .json is a plan file (staff load editions so; tests/handlers/test_plan_upload.py)
        "document": lambda chat_id: chat.api.send_document_from_user(
            chat_id, file_name="recibo.pdf", mime_type="application/pdf"
        ),
    }
    send[kind](chat.api.user_id)
    (reply,) = await chat.api.wait_for_sent(chat.api.user_id, since=mark)
    assert "solo puedo leer texto" in reply.plain_text


async def test_edits_and_channel_posts_are_ignored_without_crashing(chat: Chat) -> None:
    update = chat.api.send_text(chat.api.user_id, "zona 6")
    await chat.api.wait_for_sent(chat.api.user_id)
    mark = chat.api.mark()
    chat.api.edit_text(update["message"], "zona 7")
    chat.api.channel_post(-1001234, "zona 6")
    (reply,) = await chat.say("zona 1")
    assert "299884" in reply.plain_text
    assert len(chat.api.sent(since=mark)) == 1


async def test_long_answer_is_split_under_the_limit(chat: Chat) -> None:
    replies = await chat.say("/metas")
    assert all(len(r.body) <= 4096 for r in replies)


async def test_cards_offer_to_stop_following_what_the_chat_follows(chat: Chat) -> None:
    *_, card = await chat.say("proyecto 242177")
    assert "a|seguir:proyecto:242177" in card.callback_data
    (followed,) = await chat.press(card, "a|seguir:proyecto:242177")
    assert followed.plain_text.startswith("Listo, le avisaré de los cambios en el proyecto 242177 (")
    *_, card = await chat.say("proyecto 242177")
    assert "a|dejar:proyecto:242177" in card.callback_data
    assert "a|seguir:proyecto:242177" not in card.callback_data
    assert any(b["text"] == "🔕 Dejar de seguir" for b in card.buttons)
    await chat.say("/suscribir zona 6")
    *_, zona = await chat.say("/zona 6")
    assert "a|dejar:zona:6" in zona.callback_data
    (listed,) = await chat.say("/suscripciones")
    assert listed.callback_data == ["a|dejar:proyecto:242177", "a|dejar:zona:6"]
    (stopped,) = await chat.press(listed, "a|dejar:zona:6")
    assert stopped.plain_text == "Listo, ya no le avisaré de los cambios en la zona 6."
    *_, zona = await chat.say("/zona 6")
    assert "a|seguir:zona:6" in zona.callback_data
    (listed,) = await chat.say("/suscripciones")
    assert listed.callback_data == ["a|dejar:proyecto:242177"]
