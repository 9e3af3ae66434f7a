"""The knowledge cache: a cached load answers as a validated one, and any doubt means validating."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot import cli
from bot.core import cache as cache_module
from bot.core import validation
from bot.core.cache import KnowledgeCache
from bot.core.engine import Engine
from bot.core.knowledge import Knowledge
from bot.core.loader import KnowledgeError, Texts, load_directory
from tests.helpers import REAL_KNOWLEDGE
from tests.knowledge_factory import director, entry, write

QUESTIONS = ("wann kam die serie raus", "who directed it?", "what's the weather in Paris", "Wer führte Regie?")


def small_knowledge(directory: Path, answer: str = "Am 9. Juni 2017.") -> Path:
    return write(
        directory,
        "a.yaml",
        [
            entry(
                "release-date",
                answer={"de": answer, "en": "On 9 June 2017."},
                questions={"de": ["Wann kam die Serie raus?"], "en": ["When was it released?"]},
            ),
            director(),
        ],
    )


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Texts]:
    """The texts validated in the test, in order (a cached load validates none)."""
    seen: list[Texts] = []
    real = validation.validate

    def counted(texts: Texts) -> Knowledge:
        seen.append(texts)
        return real(texts)

    monkeypatch.setattr(validation, "validate", counted)
    return seen


def answers(knowledge: Knowledge, directory: Path) -> list[dict[str, object]]:
    engine = Engine(knowledge, directory)
    return [engine.ask(question).to_json() for question in QUESTIONS]


def test_a_cached_load_answers_exactly_as_a_validated_one(tmp_path: Path, validations: list[Texts]) -> None:
    directory, cache = tmp_path / "knowledge", KnowledgeCache(tmp_path / "cache")
    small_knowledge(directory)
    validated = load_directory(directory, cache)
    cached = load_directory(directory, cache)
    assert len(validations) == 1
    assert cached is not validated
    assert (cached.entries, cached.sources, cached.warnings) == (
        validated.entries,
        validated.sources,
        validated.warnings,
    )
    assert cached.fingerprint == validated.fingerprint
    assert answers(cached, directory) == answers(load_directory(directory), directory)


def test_the_real_knowledge_answers_the_same_from_the_cache(tmp_path: Path) -> None:
    cache = KnowledgeCache(tmp_path)
    validated = load_directory(REAL_KNOWLEDGE, cache)
    cached = load_directory(REAL_KNOWLEDGE, cache)
    assert cached is not validated
    assert answers(cached, REAL_KNOWLEDGE) == answers(validated, REAL_KNOWLEDGE)


def test_a_file_changed_after_a_cached_load_is_validated_again(tmp_path: Path, validations: list[Texts]) -> None:
    directory, cache = tmp_path / "knowledge", KnowledgeCache(tmp_path / "cache")
    small_knowledge(directory)
    load_directory(directory, cache)
    small_knowledge(directory, answer="Am 9. Juni 2017, einem Freitag.")
    changed = load_directory(directory, cache)
    assert len(validations) == 2
    assert changed.by_id["release-date"].answer.de == "Am 9. Juni 2017, einem Freitag."
    (directory / "a.yaml").write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"a\.yaml:2: YAML syntax error"):
        load_directory(directory, cache)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit of the payload
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"",
        lambda data: b"\x80\x05garbage" * 100,
        lambda data: data.replace(cache_module.FORMAT, b"lemans-bot knowledge cache 0\n"),
    ],
    ids=["bit", "truncated", "empty", "garbage", "other-format"],
)
def test_a_spoilt_cache_file_is_ignored_and_replaced(tmp_path: Path, validations: list[Texts], spoil: object) -> None:
    directory, folder = tmp_path / "knowledge", tmp_path / "cache"
    small_knowledge(directory)
    expected = answers(load_directory(directory, KnowledgeCache(folder)), directory)
    (stored,) = folder.glob("knowledge-*.pickle")
    assert callable(spoil)
    stored.write_bytes(spoil(stored.read_bytes()))
    assert answers(load_directory(directory, KnowledgeCache(folder)), directory) == expected
    assert len(validations) == 2  # the spoilt file was not used
    load_directory(directory, KnowledgeCache(folder))
    assert len(validations) == 2  # and was replaced by a good one


def test_a_cache_written_by_other_code_is_ignored(
    tmp_path: Path, validations: list[Texts], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, cache = tmp_path / "knowledge", KnowledgeCache(tmp_path / "cache")
    small_knowledge(directory)
    load_directory(directory, cache)
    monkeypatch.setattr(cache_module, "_code", lambda: "another version of bot/core")
    load_directory(directory, cache)
    assert len(validations) == 2


def test_a_directory_of_another_name_with_the_same_texts_is_validated(tmp_path: Path, validations: list[Texts]) -> None:
    """Problems and warnings name the directory, so its name is part of what was cached."""
    cache = KnowledgeCache(tmp_path / "cache")
    small_knowledge(tmp_path / "one")
    small_knowledge(tmp_path / "two")
    load_directory(tmp_path / "one", cache)
    load_directory(tmp_path / "two", cache)
    assert len(validations) == 2


def test_a_cache_folder_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    directory, blocked = tmp_path / "knowledge", tmp_path / "not-a-folder"
    small_knowledge(directory)
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    knowledge = load_directory(directory, KnowledgeCache(blocked))
    assert answers(knowledge, directory) == answers(load_directory(directory), directory)
    assert list(tmp_path.glob("**/*.pickle")) == []


def test_knowledge_that_cannot_be_pickled_is_still_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validations: list[Texts]
) -> None:
    directory = tmp_path / "knowledge"
    small_knowledge(directory)

    def unpicklable(*args: object, **kwargs: object) -> bytes:
        raise TypeError("cannot pickle '_thread.lock' object")

    monkeypatch.setattr(pickle, "dumps", unpicklable)
    knowledge = load_directory(directory, KnowledgeCache(tmp_path / "cache"))
    assert answers(knowledge, directory) == answers(load_directory(directory), directory)
    assert list((tmp_path / "cache").glob("*")) == []


def test_writers_at_once_leave_one_whole_file(tmp_path: Path, validations: list[Texts]) -> None:
    directory, folder = tmp_path / "knowledge", tmp_path / "cache"
    small_knowledge(directory)
    knowledge = load_directory(directory)
    texts = validations[0]
    start = threading.Barrier(4)

    def store() -> None:
        start.wait()
        for _ in range(5):
            KnowledgeCache(folder).store(texts, knowledge)

    writers = [threading.Thread(target=store) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert [path.name for path in folder.iterdir()] == [next(folder.glob("knowledge-*.pickle")).name]
    assert KnowledgeCache(folder).load(texts) is not None


def test_check_validates_even_what_the_cache_holds(
    tmp_path: Path, validations: list[Texts], capsys: pytest.CaptureFixture[str]
) -> None:
    small_knowledge(tmp_path / "knowledge")
    assert cli.main(["ask", "--knowledge", str(tmp_path / "knowledge"), "who directed it?"]) == 0
    assert cli.main(["ask", "--knowledge", str(tmp_path / "knowledge"), "who directed it?"]) == 0
    assert len(validations) == 1  # the second ask came from the cache (.cache in the working directory)
    assert cli.main(["check", str(tmp_path / "knowledge")]) == 0
    assert len(validations) == 2
    assert "ok: 2 entries" in capsys.readouterr().out


def test_asking_from_the_cache_imports_no_validation_and_no_discord(tmp_path: Path) -> None:
    """What makes `ask` start fast: with the knowledge cached, neither YAML nor pydantic nor
    discord.py (nor dotenv, without a .env) is imported."""
    small_knowledge(tmp_path / "knowledge")
    script = (
        "import json, sys\n"
        "from bot.cli import main\n"
        "main(['ask', '--json', '--knowledge', sys.argv[1], 'who directed it?'])\n"
        "heavy = ('yaml', 'pydantic', 'pydantic_core', 'discord', 'dotenv')\n"
        "print(json.dumps(sorted(name for name in sys.modules if name.split('.')[0] in heavy)))\n"
    )

    def run() -> tuple[dict[str, object], list[str]]:
        command = [sys.executable, "-c", script, str(tmp_path / "knowledge")]
        lines = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True).stdout.splitlines()
        return json.loads(lines[0]), json.loads(lines[1])

    first, imported = run()
    assert {"yaml", "pydantic"} <= set(imported)  # nothing cached yet: validated
    second, imported = run()
    assert imported == []
    assert second == first
    assert second["entry"] == "director"
