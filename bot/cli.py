"""Command line: ask and chat offline, check the knowledge, report unanswered questions, run or sync the bot.

Only `run`, `sync` and `show` import discord.py, and only a knowledge base that is not in the cache
brings in YAML and pydantic, so asking offline starts fast; none needs a token but `run` and `sync`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.config import MAX_RETENTION_DAYS, Settings, SettingsError, knowledge_failure
from bot.core import citations
from bot.core.answers import Answer
from bot.core.cache import KnowledgeCache
from bot.core.engine import Engine
from bot.core.loader import KnowledgeError, load_directory
from bot.core.schema import LANGS, Lang


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader left (`… | head`): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return 141


def _run(argv: Sequence[str] | None) -> int:
    if Path(".env").is_file():  # the working directory's, like the default knowledge and database paths
        from dotenv import load_dotenv

        load_dotenv(".env")
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    directory: Path = getattr(args, "knowledge", None) or settings.knowledge_dir
    if args.command == "check":
        return _check(args.directory or directory)
    if args.command == "report":
        return _report(settings, args.days)
    if args.command in ("run", "sync"):
        from bot.runner import run, sync  # discord.py only from here on

        return run(settings) if args.command == "run" else sync(settings, args.guild)
    try:
        engine = Engine.from_directory(directory, settings.default_lang, KnowledgeCache(settings.cache_dir))
    except KnowledgeError as exc:
        print(knowledge_failure(exc, directory), file=sys.stderr)
        return 2
    if args.command == "show":
        from bot.show import show  # discord.py: the reply is built by the bot's own code

        return show(settings, engine, args.target, args.lang or settings.default_lang)
    if args.command == "ask":
        questions: Iterable[str] = [" ".join(args.question)] if args.question else sys.stdin
        return _ask(engine, questions, args.lang, as_json=args.json)
    return _chat(engine, args.lang)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lemans-bot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    knowledge = argparse.ArgumentParser(add_help=False)
    knowledge.add_argument("--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR or ./knowledge)")
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument("--lang", choices=LANGS, help="answer in this language instead of the question's")

    ask = commands.add_parser("ask", parents=[knowledge, language], help="answer a question (or stdin lines)")
    ask.add_argument("question", nargs="*", help="the question; without it, one question per line on stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    commands.add_parser("chat", parents=[knowledge, language], help="interactive console")
    show = commands.add_parser(
        "show", parents=[knowledge, language], help="print a reply as Discord lays it out (an entry or /release …)"
    )
    show.add_argument("target", help="an entry id, or /release, /crew, /episodes, /cast, /about, /help")
    check = commands.add_parser("check", help="validate a knowledge directory")
    check.add_argument("directory", nargs="?", type=Path)
    report = commands.add_parser("report", help="the most asked unanswered questions and unhelpful answers")
    report.add_argument("--days", type=_days, default=30, help="how many days back to look (default 30)")
    commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    sync = commands.add_parser("sync", help="publish the slash commands to Discord (owner action)")
    sync.add_argument("--guild", type=int, help="sync to this guild only (instant) instead of globally")
    return parser


def _ask(engine: Engine, questions: Iterable[str], lang: Lang | None, *, as_json: bool) -> int:
    for line in questions:
        question, conversation = _question(line.rstrip("\n")) if as_json else (line.rstrip("\n"), None)
        if not as_json and not question.strip():
            continue
        answer = engine.ask(question, lang=lang, conversation=conversation)
        print(json.dumps(answer.to_json(), ensure_ascii=False) if as_json else _render(answer), flush=True)
    return 0


def _question(line: str) -> tuple[str, str | None]:
    """A line of `ask --json` input: plain text, or {"question": …, "conversation": "id"} so that a
    follow-up is read with the same conversation's previous question."""
    if line.lstrip().startswith("{"):
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            return line, None
        if isinstance(data, dict) and isinstance(data.get("question"), str):
            conversation = data.get("conversation")
            return data["question"], str(conversation) if conversation is not None else None
    return line, None


def _render(answer: Answer) -> str:
    """The answer as a person reads it in a terminal: title, text, its best sources and its links,
    each with the address to open."""
    lines = [f"{answer.title}\n" if answer.title else "", answer.plain_text()]
    shown = citations.shown(answer.sources)
    if shown:
        lines.append(f"\n{citations.label(len(shown), answer.lang)}:")
        lines.extend(f"  {citations.cite(source, answer.lang)}: {source.url}" for source in shown)
        if len(answer.sources) > len(shown):
            lines.append("  " + citations.more(len(answer.sources) - len(shown), answer.lang))
    lines.extend(f"{link.label}: {link.url}" for link in answer.links)
    return "\n".join(line for line in lines if line)


def _chat(engine: Engine, lang: Lang | None) -> int:
    print("Ask about “Le Mans: Racing Is Everything” (Ctrl-D or 'quit' to leave).")
    while True:
        try:
            question = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question.strip().lower() in {"quit", "exit", "q"}:
            return 0
        if question.strip():
            print(_render(engine.ask(question, lang=lang, conversation="chat")) + "\n")


def _check(directory: Path) -> int:
    try:
        knowledge = load_directory(directory)
    except KnowledgeError as exc:
        print(knowledge_failure(exc, directory), file=sys.stderr)
        return 1
    for warning in knowledge.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    files = len(list(directory.glob("*.yaml")))
    print(f"ok: {len(knowledge)} entries and {len(knowledge.sources)} sources in {files} files in {directory}")
    return 0


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_RETENTION_DAYS:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days from 1 to {MAX_RETENTION_DAYS}, got {text!r}"
        )
    return int(text)


def _report(settings: Settings, days: int) -> int:
    """What /unanswered shows, for every server and DM, from SQLite or PostgreSQL; never prunes."""
    from bot.insights.report import build_report, format_report  # the database driver only for this command
    from bot.insights.store import InsightsUnavailable, open_store

    if not settings.database_url and not settings.database_path.is_file():
        where = settings.database_path
        print(f"no insights database at {where}: the bot creates it when it runs (DATABASE_PATH)", file=sys.stderr)
        return 1
    with open_store(settings, prune=False) as store:
        try:
            tally = store.tally(days).result()
        except InsightsUnavailable as exc:
            print(f"cannot read the insights database: {exc}", file=sys.stderr)
            return 1
    print(format_report(build_report(tally, days)))
    return 0
