"""Command line: ``python -m bot {run,webhook,web,ask,load,export,diff,chat,migrate}``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.schema import start_migration
from bot.settings import Settings, load_settings
from knowledge import catalog as t

if TYPE_CHECKING:
    from knowledge.answers import Answer, Answerer
    from knowledge.editions import PlanEditions
    from knowledge.model import Plan

# The heavy modules (telegram, SQLAlchemy, the search index) are imported where a command needs
# them: ``run`` and ``webhook`` start the schema migration first, so that it runs meanwhile.


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Mixco Plan Bot: answers about a municipal operating plan (POA)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot with long polling (needs TELEGRAM_TOKEN)")
    sub.add_parser(
        "webhook",
        help="serve updates over a webhook (POST /telegram, GET /healthz, /metrics) and the plan explorer",
    )
    sub.add_parser("web", help="serve the plan explorer (/app/) alone, beside a bot that polls (WEB_PORT)")
    ask = sub.add_parser("ask", help="answer a question as the bot would (plain text)")
    ask.add_argument(
        "question", nargs="?", help="the question; with --batch, a file with one question a line"
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--batch", action="store_true", help="read questions from the FILE given as argument")
    load = sub.add_parser(
        "load", help="(re)load plan data: the bundled document, a document file or a JSON export"
    )
    load.add_argument(
        "file", nargs="?", type=Path, help="plan document (.txt) or JSON export; default: bundled"
    )
    sub.add_parser("export", help="print the whole plan as JSON (accepted back by load)")
    diff = sub.add_parser("diff", help="what changed between two editions of the plan (plain text)")
    diff.add_argument(
        "old", metavar="OLD", help="the earlier edition: a plan document (.txt) or a JSON export"
    )
    diff.add_argument("new", metavar="NEW", help="the later edition, in either form")
    diff.add_argument("--json", action="store_true", help="print the changes as one JSON object")
    diff.add_argument(
        "--zona", type=int, metavar="N", help="only what changed in zona N, and the texts that name it"
    )
    sub.add_parser("chat", help="talk to the bot in this terminal, without a token")
    sub.add_parser("migrate", help="bring the database schema up to date and exit")
    return parser


def answer_json(question: str, answer: Answer, elapsed_ms: float) -> str:
    from knowledge.render import to_plain

    return json.dumps(
        {
            "q": question,
            "answer": to_plain(answer),
            "confident": answer.confident,
            "matches": [
                {"id": m.id, "kind": m.kind, "title": m.title, "score": m.score} for m in answer.matches
            ],
            "elapsed_ms": round(elapsed_ms, 4),
        },
        ensure_ascii=False,
    )


def timed_answer(answerer: Answerer | PlanEditions, question: str) -> tuple[Answer, float]:
    start = time.perf_counter()
    answer = answerer.answer(question)
    return answer, (time.perf_counter() - start) * 1000


def read_questions(args: argparse.Namespace) -> list[str] | None:
    """The question, or with --batch the lines of the file; None (after saying why) when unusable."""
    if not args.question:
        print('Escriba la pregunta entre comillas: python -m bot ask "proyectos zona 6"', file=sys.stderr)
        return None
    if not args.batch:
        return [args.question]
    try:
        return Path(args.question).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"No se pudo leer {args.question}: {exc}", file=sys.stderr)
        return None


async def cmd_ask(settings: Settings, args: argparse.Namespace, questions: list[str]) -> int:
    from bot.storage import current_plan, older_editions, open_storage
    from knowledge.answers import Answerer
    from knowledge.editions import PlanEditions
    from knowledge.render import to_plain

    storage = await open_storage(settings.database_url)
    try:
        plan = await current_plan(storage, zonas=settings.plan_zonas)
        editions = PlanEditions.of(Answerer(plan), await older_editions(storage, plan))
    finally:
        await storage.close()
    for question in questions:
        answer, elapsed = timed_answer(editions, question)
        print(answer_json(question, answer, elapsed) if args.json else to_plain(answer))
    return 0


async def cmd_load(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage import current_plan, open_storage, read_plan_file, replace_plan
    from knowledge.catalog import texts
    from knowledge.errors import PlanFormatError
    from knowledge.ingest import BUNDLED_PLAN, load_bundled_plan

    try:
        plan = (
            read_plan_file(args.file, settings.plan_max_bytes, zonas=settings.plan_zonas)
            if args.file
            else load_bundled_plan()
        )
    except PlanFormatError as exc:
        print(f"No se cargó el plan: {exc}. La base de datos no cambió.", file=sys.stderr)
        return 1
    storage = await open_storage(settings.database_url)
    try:
        saved = await replace_plan(storage, plan, str(args.file) if args.file else BUNDLED_PLAN)
        current = await current_plan(storage, zonas=settings.plan_zonas)
    finally:
        await storage.close()
    if not saved.current:
        print(
            t.LOAD_KEPT_OLDER.format(
                plan=texts(plan.edition).PLAN_NAME, current=texts(current.edition).PLAN_NAME
            )
        )
        return 0
    print(
        f"Plan cargado: {texts(plan.edition).PLAN_NAME}; "
        f"{len(plan.tematicas)} temáticas, {len(plan.targets)} metas, "
        f"{len(plan.projects)} proyectos, {len(plan.funding)} fuentes de financiamiento, "
        f"{len(plan.actors)} actores."
    )
    return 0


async def cmd_export(settings: Settings) -> int:
    from bot.storage import current_plan, open_storage
    from knowledge.plan_json import plan_to_json

    storage = await open_storage(settings.database_url)
    try:
        plan = await current_plan(storage, zonas=settings.plan_zonas)
    finally:
        await storage.close()
    print(json.dumps(plan_to_json(plan), ensure_ascii=False, indent=2))
    return 0


@dataclass(frozen=True, slots=True)
class Edition:
    plan: Plan
    name: str
    """What the edition is called when the plan does not say its year (the file's name)."""


async def read_edition(argument: str, settings: Settings) -> Edition:
    """The edition an OLD or NEW argument of ``diff`` names: a file (a plan document or a JSON
    export), or a year that is no file's name: the edition kept in the database for that year
    (PlanFormatError when it cannot be read or there is none)."""
    from bot.storage import kept_edition, open_storage, read_plan_file
    from knowledge.errors import PlanFormatError

    path = Path(argument)
    if not YEAR_ARGUMENT.fullmatch(argument) or await asyncio.to_thread(path.exists):
        return Edition(read_plan_file(path, settings.plan_max_bytes), path.name)
    storage = await open_storage(settings.database_url)
    try:
        plan = await kept_edition(storage, int(argument))
    finally:
        await storage.close()
    if plan is None:
        raise PlanFormatError(t.DIFF_NO_EDITION.format(year=argument), argument)
    return Edition(plan, argument)


YEAR_ARGUMENT = re.compile(r"(?:19|20)\d{2}")
"""A ``diff`` argument that names a kept edition by its year."""


async def cmd_diff(settings: Settings, args: argparse.Namespace) -> int:
    from knowledge.diff import changes_to_json, compare_plans, for_zona
    from knowledge.diff_answer import change_pages, edition_labels, lead
    from knowledge.errors import PlanFormatError
    from knowledge.model import MOST_ZONAS
    from knowledge.render import to_plain

    if args.zona is not None and not 1 <= args.zona <= MOST_ZONAS:
        print(t.DIFF_BAD_ZONA.format(n=args.zona, first=1, last=MOST_ZONAS), file=sys.stderr)
        return 2
    editions = []
    for argument in (args.old, args.new):
        try:
            editions.append(await read_edition(argument, settings))
        except PlanFormatError as exc:
            problem = str(exc).removeprefix(f"{argument}: ")
            print(t.DIFF_UNREADABLE.format(file=argument, problem=problem), file=sys.stderr)
            return 1
    old, new = editions
    zonas = new.plan.edition.zonas
    if args.zona is not None and args.zona not in zonas:  # the newer edition's zonas
        print(t.DIFF_BAD_ZONA.format(n=args.zona, first=zonas[0], last=zonas[-1]), file=sys.stderr)
        return 2
    changes = compare_plans(old.plan, new.plan)
    if args.zona is not None:
        changes = for_zona(changes, args.zona)
    old_label, new_label = edition_labels(old.plan, new.plan, old.name, new.name)
    if args.json:
        out = {
            "old": {"label": old_label, "file": args.old},
            "new": {"label": new_label, "file": args.new},
            "summary": lead(changes, old_label, new_label),
            **changes_to_json(changes),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(to_plain(page) for page in change_pages(changes, old_label, new_label)))
    return 0


async def cmd_migrate(settings: Settings) -> int:
    from bot.storage import open_storage
    from db.migrate import head_revision

    storage = await open_storage(settings.database_url)
    await storage.close()
    print(f"Base de datos al día (revisión {head_revision()}).")
    return 0


def missing_setting(command: str, settings: Settings) -> str | None:
    """What ``run`` or ``webhook`` needs and is not set, as the line to print; None when all is."""
    if settings.telegram_token is None:
        return t.MISSING_TOKEN
    if command == "webhook" and settings.webhook_secret is None:
        return t.MISSING_WEBHOOK_SECRET
    return None


def run_terminal_chat(settings: Settings) -> int:
    from bot.app import build_application
    from bot.terminal import TerminalRequest, run_chat

    logging.getLogger().setLevel(logging.WARNING)
    request = TerminalRequest()
    local = settings.model_copy(
        update={"telegram_token": SecretStr("1:terminal-chat-without-a-real-token-000")}
    )
    application = build_application(local, request=request, concurrent_updates=1)
    asyncio.run(run_chat(application, request))
    return 0


def main(argv: list[str] | None = None) -> int:
    # python-telegram-bot 22: report RetryAfter.retry_after as a timedelta (the coming default).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = build_parser().parse_args(argv)
    settings = load_settings()
    if settings is None:
        return 2
    if args.command in ("run", "webhook"):
        missing = missing_setting(args.command, settings)
        if missing is not None:
            print(missing, file=sys.stderr)  # one clear line, exit 2
            return 2
        migration = start_migration(settings.database_url)
    from bot.observability import configure_logging

    configure_logging(settings.log_level, settings.log_format, secrets=settings.secrets())
    if args.command == "ask":
        questions = read_questions(args)
        return asyncio.run(cmd_ask(settings, args, questions)) if questions is not None else 2
    if args.command == "load":
        return asyncio.run(cmd_load(settings, args))
    if args.command == "export":
        return asyncio.run(cmd_export(settings))
    if args.command == "diff":
        return asyncio.run(cmd_diff(settings, args))
    if args.command == "migrate":
        return asyncio.run(cmd_migrate(settings))
    if args.command == "chat":
        return run_terminal_chat(settings)
    if args.command == "run":
        from bot.app import run_polling

        return run_polling(settings, migration)
    if args.command == "webhook":
        from bot.app import run_webhook

        return run_webhook(settings, migration)
    if args.command == "web":
        from bot.web import run_web

        return run_web(settings)
    return 2


def run() -> int:
    """``main`` for a shell: a reader that stops early (``python -m bot ask … | head``) ends the
    command quietly, as it ends ``ls`` or ``cat``, rather than with a traceback."""
    try:
        code = main()
        sys.stdout.flush()  # a pipe closed early fails here, inside the try, not at exit
    except BrokenPipeError:
        # what is left unwritten goes nowhere (the Python documentation's way, "Note on SIGPIPE")
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


if __name__ == "__main__":
    sys.exit(run())
