"""The offline command line: ask (text and JSON lines), check, and no discord import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
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
    assert "Quellen: seed 000_0823885388cc5827.txt" in out


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
    assert set(replies[0]) == {"question", "answered", "answer", "entry", "score", "lang", "suggestions"}
    assert replies[1]["answered"] is False
    assert replies[2]["answered"] is False


def test_ask_does_not_import_discord(knowledge: Path) -> None:
    code = (
        "import sys; from bot.cli import main; "
        f"main(['ask', '--knowledge', {str(knowledge)!r}, 'release?']); "
        "sys.exit(3 if any(m == 'discord' or m.startswith('discord.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, check=False).returncode == 0


def test_check_reports_ok_and_problems(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(knowledge)]) == 0
    assert "ok: 1 entries in 1 files" in capsys.readouterr().out
    (knowledge / "b.yaml").write_text("entries:\n  - id: Bad Id\n", encoding="utf-8")
    assert main(["check", str(knowledge)]) == 1
    assert "knowledge/b.yaml:2: entry 'Bad Id'" in capsys.readouterr().err


def test_broken_knowledge_makes_ask_fail_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(tmp_path / "missing"), "hi"]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_chat_answers_until_quit(
    knowledge: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = iter(["When was it released?", "quit"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(replies))
    assert main(["chat", "--knowledge", str(knowledge)]) == 0
    assert "On 9 June 2017." in capsys.readouterr().out
