"""Inline mode: ``@bot zona 6`` in any chat offers ready-to-send cards with a link back to the bot."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import InlineQueryHandler

from handlers.answering import answer_of_plan
from handlers.context import Context
from knowledge import catalog as t
from knowledge.actions import Action, opening
from knowledge.answers import Answer, Answerer
from knowledge.explorer import explorer_path
from knowledge.render import to_html, to_plain
from knowledge.text import clean_text

MAX_RESULTS = 10
DESCRIPTION_CHARS = 120


def card_action(answer: Answer) -> Action | None:
    """The action that opens the same card: the zona's, or its first match's."""
    if answer.kind == "zona" and answer.zona:
        return Action.of("zona", answer.zona)
    return opening(answer.matches[0].kind, answer.matches[0].id) if answer.matches else None


def deep_link_payload(answer: Answer) -> str | None:
    """The /start payload that opens the same answer in a private chat with the bot."""
    action = card_action(answer)
    return action.deep_link() if action is not None else None


def inline_answers(answerer: Answerer, query: str) -> list[Answer]:
    """The best answer first, then a card for each other strong match (no duplicates)."""
    main = answerer.answer(query)
    # a zona's card is worth sharing even when it says the plan lists no projects there
    answers = [main] if main.confident or main.kind == "zona" else []
    for match in main.matches:
        action = opening(match.kind, match.id)
        extra = answer_of_plan(answerer, action) if action is not None else None
        if extra is not None and all(extra.title != a.title for a in answers):
            answers.append(extra)
    return answers[:MAX_RESULTS]


def article(
    n: int, answer: Answer, bot_username: str, webapp_url: str | None = None
) -> InlineQueryResultArticle:
    """One inline result: the card, a button back to the bot and, with WEBAPP_URL, one to the
    card's page of the plan explorer (a link: the result may be sent to any chat)."""
    payload = deep_link_payload(answer)
    url = f"https://t.me/{bot_username}?start={payload}" if payload else f"https://t.me/{bot_username}"
    rows = [[InlineKeyboardButton(t.INLINE_OPEN_BOT, url=url)]]
    page = explorer_path(answer)
    if webapp_url is not None and page is not None:
        rows.append([InlineKeyboardButton(t.BTN_WEBAPP, url=webapp_url + page)])
    plain = to_plain(answer).split("\n", 1)
    return InlineQueryResultArticle(
        id=f"r{n}",
        title=answer.title[:100],
        description=(plain[1] if len(plain) > 1 else "")[:DESCRIPTION_CHARS],
        input_message_content=InputTextMessageContent(to_html(answer)[0], parse_mode=ParseMode.HTML),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    text = clean_text(query.query).strip()[:256]
    answers = inline_answers(context.answerer, text) if text else []
    if not answers:
        answers = [Answer(t.INLINE_EMPTY_TITLE, (t.INLINE_EMPTY_TEXT,))] if not text else []
    results = [article(n, a, context.bot.username, context.webapp_url) for n, a in enumerate(answers)]
    await query.answer(results, cache_time=300, is_personal=False)


HANDLERS = [InlineQueryHandler(inline_query)]
