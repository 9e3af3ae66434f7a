"""The offline command line: ask (text and JSON lines), check, and no discord import."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import NO_KNOWLEDGE
from bot.core.answers import Answer
from bot.insights.postgres import PostgresBackend
from bot.insights.sqlite import SQLiteBackend
from bot.insights.store import InsightStore
from tests.helpers import REAL_KNOWLEDGE
from tests.knowledge_factory import entry, write


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    write(
        directory,
        "a.yaml",
        [
            entry(
                "release-date",
                answer={"de": "Am 9. Juni 2017.", "en": "On 9 June 2017."},
                questions={"de": ["Wann kam die Serie raus?"], "en": ["When was it released?"]},
            )
        ],
    )
    return directory


def test_ask_prints_title_answer_and_source(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(knowledge), "Wann", "kam", "die", "Serie", "raus?"]) == 0
    out = capsys.readouterr().out
    assert "Am 9. Juni 2017." in out
    assert "Quelle:\n  Stuttgarter Nachrichten, 9. Juni 2017: https://example.org/zeitung/le-mans" in out


def test_ask_json_reads_stdin_and_keeps_order(knowledge: Path) -> None:
    questions = "When was it released?\n\ntell me a joke\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--knowledge", str(knowledge)],
        input=questions,
        capture_output=True,
        text=True,
        check=True,
    )
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in replies] == ["When was it released?", "", "tell me a joke"]
    assert replies[0]["answered"] is True
    assert replies[0]["entry"] == "release-date"
    assert replies[0]["lang"] == "en"
    assert replies[0]["answer"] == "On 9 June 2017."
    assert set(replies[0]) == {
        "question",
        "answered",
        "answer",
        "entry",
        "score",
        "lang",
        "suggestions",
        "sources",
        "links",
    }
    assert replies[0]["sources"] == [
        {
            "id": "zeitung-2017-06-09",
            "publisher": "Stuttgarter Nachrichten",
            "author": "Dominika Jaschek",
            "date": "2017-06-09",
            "url": "https://example.org/zeitung/le-mans",
            "language": "de",
            "kind": "press",
        }
    ]
    assert replies[1]["answered"] is False
    assert replies[2]["answered"] is False


def test_ask_does_not_import_discord(knowledge: Path) -> None:
    code = (
        "import sys; from bot.cli import main; "
        f"main(['ask', '--knowledge', {str(knowledge)!r}, 'release?']); "
        "sys.exit(3 if any(m == 'discord' or m.startswith('discord.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, check=False).returncode == 0


def test_ask_stops_quietly_when_the_reader_leaves(knowledge: Path) -> None:
    """`python -m bot ask < questions | head -1`: no traceback when the pipe closes early."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--knowledge", str(knowledge)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdin.write("When was it released?\n" * 2000)  # within a pipe's buffer
    process.stdin.close()
    assert process.stdout.readline()
    process.stdout.close()  # the reader leaves while answers are still coming
    assert process.wait() == 141
    assert process.stderr.read() == ""


def test_check_reports_ok_and_problems(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(knowledge)]) == 0
    captured = capsys.readouterr()
    assert "ok: 1 entries and 2 sources in 2 files" in captured.out
    assert "warning: knowledge/sources.yaml:9: source 'review-2017-06' is cited by no entry" in captured.err
    (knowledge / "b.yaml").write_text("entries:\n  - id: Bad Id\n", encoding="utf-8")
    assert main(["check", str(knowledge)]) == 1
    assert "knowledge/b.yaml:2: entry 'Bad Id'" in capsys.readouterr().err


def test_broken_knowledge_makes_ask_fail_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text("entries: [oops\n", encoding="utf-8")

    assert main(["ask", "--knowledge", str(tmp_path), "hi"]) == 2

    err = capsys.readouterr().err
    assert f"{tmp_path.name}/bad.yaml:2: YAML syntax error" in err
    assert NO_KNOWLEDGE not in err  # the folder is there: its problems are the news


def test_without_a_knowledge_folder_it_says_where_it_looked_and_what_to_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Installed with `pip install .`, the bot carries no knowledge: it reads ./knowledge or KNOWLEDGE_DIR."""
    assert main(["ask", "hi"]) == 2  # the working directory holds no knowledge/
    assert capsys.readouterr().err.splitlines()[-2:] == ["knowledge: is not a directory", NO_KNOWLEDGE]

    assert main(["check", str(tmp_path / "missing")]) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == [f"{tmp_path / 'missing'}: is not a directory", NO_KNOWLEDGE]


def test_chat_answers_until_quit(
    knowledge: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = iter(["When was it released?", "quit"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(replies))
    assert main(["chat", "--knowledge", str(knowledge)]) == 0
    assert "On 9 June 2017." in capsys.readouterr().out


# --- report --------------------------------------------------------------------------------------


def fill(store: InsightStore) -> None:
    for question, guild in [("When does season 2 come out?", 1), ("when will season two come out", 2)]:
        store.record_question(Answer(question, "en", "none", "?"), guild)
    store.record_question(Answer("Wer hat die Musik gemacht?", "de", "unknown", "?", entry_id="crew-music"), None)
    for question in ("Who is Porsche's engineer?", "Who is Audi's engineer?"):  # same count and second: by text
        store.record_question(Answer(question, "en", "none", "?"), 3)
    store.record_feedback("release-date", False, guild_id=1, user_id=5, lang="en", question="release?")
    store.record_feedback("cast-webber", False, guild_id=2, user_id=5, lang="en", question="webber?")
    store.record_feedback("cast-webber", True, guild_id=2, user_id=6, lang="en", question="webber?")


REPORT = [
    "Unanswered questions in the last 7 days: 5 asked, 4 different",
    "     2×  When does season 2 come out?  (+1 similar)",
    "     1×  Wer hat die Musik gemacht?",
    "     1×  Who is Audi's engineer?",
    "     1×  Who is Porsche's engineer?",
    "",
    "Answers marked not helpful:",
    "  release-date: 1 not helpful, 0 helpful",
    "  cast-webber: 1 not helpful, 1 helpful",
]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "insights.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    moment = datetime.now(UTC)
    with InsightStore(SQLiteBackend(path), clock=lambda: moment) as store:
        fill(store)
    return path


def test_report_prints_every_servers_unanswered_questions_and_votes(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--days", "7"]) == 0

    assert capsys.readouterr().out.splitlines() == REPORT


def test_report_reads_the_same_from_postgresql(
    database: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--days", "7"]) == 0
    from_sqlite = capsys.readouterr().out
    moment = datetime.now(UTC)
    with InsightStore(PostgresBackend(postgres_url), clock=lambda: moment) as store:
        fill(store)
    monkeypatch.setenv("DATABASE_URL", postgres_url)

    assert main(["report", "--days", "7"]) == 0

    assert capsys.readouterr().out == from_sqlite
    assert from_sqlite.splitlines() == REPORT


def test_report_without_a_database_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "nowhere.sqlite3"))

    assert main(["report"]) == 1

    assert f"no insights database at {tmp_path / 'nowhere.sqlite3'}" in capsys.readouterr().err
    assert not (tmp_path / "nowhere.sqlite3").exists()


def test_report_of_a_broken_database_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.sqlite3").write_bytes(b"not a database" * 100)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "broken.sqlite3"))

    assert main(["report"]) == 1

    err = capsys.readouterr().err
    assert err.startswith("cannot read the insights database: ")
    assert "file is not a database" in err


@pytest.mark.parametrize("days", ["0", "-1", "x", "1.5"])
def test_report_days_must_be_a_whole_number(days: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--days", days])

    assert exit_.value.code == 2
    assert "expected a whole number of days" in capsys.readouterr().err


def test_report_never_prunes_and_does_not_import_discord(database: Path) -> None:
    old = datetime.now(UTC) - timedelta(days=400)
    with InsightStore(SQLiteBackend(database), prune_interval=None, clock=lambda: old) as store:
        store.record_question(Answer("a very old question", "en", "none", "?"), 1)
    code = (
        "import sys; from bot.cli import main; code = main(['report', '--days', '36500']); "
        "sys.exit(3 if any(m == 'discord' or m.startswith('discord.') for m in sys.modules) else code)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert "a very old question" in result.stdout


def test_ask_json_reads_a_follow_up_in_its_conversation() -> None:
    lines = [
        json.dumps({"question": "who directed the series?", "conversation": "a"}),
        json.dumps({"question": "and who produced it?", "conversation": "a"}),
        json.dumps({"question": "and who produced it?", "conversation": "b"}),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--knowledge", str(REAL_KNOWLEDGE)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [reply["question"] for reply in replies] == ["who directed the series?", *(["and who produced it?"] * 2)]
    assert "Gregory" in replies[1]["answer"]
    assert replies[1]["answer"] != replies[2]["answer"]  # another conversation has no context
