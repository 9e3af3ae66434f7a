"""The loader accepts good knowledge and reports every problem with file, line and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.loader import KnowledgeError, load_directory
from tests.knowledge_factory import SOURCE_ID, entry, write, write_sources


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_directory(directory)
    return [str(p) for p in caught.value.problems]


def test_valid_directory_loads_every_entry(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("one"), entry("two")])
    write(tmp_path, "b.yaml", [entry("three", aliases=["Weissach"])])
    knowledge = load_directory(tmp_path)
    assert [e.id for e in knowledge.entries] == ["one", "two", "three"]
    assert knowledge.by_id["three"].aliases == ["Weissach"]


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("entries:\n  - id: x\n    title: {de: 'a', en: 'b'\n", encoding="utf-8")
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path.name}/broken.yaml:")
    assert "YAML syntax error" in problem


def test_every_problem_is_listed_with_line_and_entry(tmp_path: Path) -> None:
    bad = entry("bad", colour="red")
    del bad["answer"]["en"]
    write(tmp_path, "a.yaml", [entry("fine"), bad, entry("empty", answer={"de": "  ", "en": "x"})])
    problems = problems_of(tmp_path)
    assert len(problems) == 3
    assert any("entry 'bad': unknown key 'colour'" in p for p in problems)
    assert any("entry 'bad': missing key 'answer.en'" in p for p in problems)
    assert any("entry 'empty': answer.de" in p for p in problems)
    lines = {int(p.split(":")[1]) for p in problems}
    assert all(line > 1 for line in lines), problems  # a line inside the entry, not the file start


def test_duplicate_ids_and_aliases_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("same", aliases=["Webber"]), entry("other")])
    write(tmp_path, "b.yaml", [entry("same"), entry("rival", aliases=["webber"])])
    problems = problems_of(tmp_path)
    assert any("b.yaml" in p and "entry 'same': duplicate id (first defined at" in p for p in problems)
    assert any("entry 'rival': alias 'webber' already names entry 'same'" in p for p in problems)


def test_missing_language_and_overlong_answer(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        [
            entry("nolang", questions={"de": ["Frage?"]}),
            entry("long", answer={"de": "x" * 4001, "en": "ok"}),
        ],
    )
    problems = problems_of(tmp_path)
    assert any("entry 'nolang': missing key 'questions.en'" in p for p in problems)
    assert any("entry 'long': answer.de" in p and "4000" in p for p in problems)


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    write_sources(tmp_path)
    (tmp_path / "a.yaml").write_text(
        "entries:\n"
        "  - id: x\n    topic: release\n    topic: cast\n"
        "    title: {de: a, en: b}\n    answer: {de: a, en: b}\n"
        f"    questions: {{de: [a], en: [b]}}\n    sources: [{SOURCE_ID}]\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path) == [f"{tmp_path.name}/a.yaml:4: duplicate key 'topic'"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "a.yaml: must be a mapping with the key 'entries', found nothing (the file is empty)"),
        ("- just\n- a list\n", "a.yaml:1: must be a mapping with the key 'entries', found a list"),
        ("entries: []\n", "a.yaml:1: entries: List should have at least 1 item after validation, not 0"),
    ],
    ids=["empty", "a-list", "no-entries"],
)
def test_wrong_file_shapes_are_rejected(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "a.yaml").write_text(content, encoding="utf-8")
    assert problems_of(tmp_path) == [f"{tmp_path.name}/{problem}"]


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope") == [f"{tmp_path / 'nope'}: is not a directory"]
    assert problems_of(tmp_path) == [f"{tmp_path}: holds no *.yaml files"]


def test_unreadable_bytes_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"entries:\n  - id: \xff\xfe\n")
    [problem] = problems_of(tmp_path)
    assert "cannot be read" in problem


def test_related_must_name_other_existing_entries(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("one", related=["two"]), entry("self", related=["self"])])
    write(tmp_path, "b.yaml", [entry("two", related=["one", "gone"])])

    problems = problems_of(tmp_path)

    assert sorted(p.split(": ", 1)[1] for p in problems) == [
        "entry 'self': related 'self' is the entry itself",
        "entry 'two': related 'gone' is no entry's id",
    ]


def test_related_lists_at_most_three_distinct_entries(tmp_path: Path) -> None:
    others = [entry(name) for name in "abcd"]
    write(tmp_path, "a.yaml", [*others, entry("many", related=list("abcd")), entry("twice", related=["a", "a"])])

    problems = problems_of(tmp_path)

    assert len(problems) == 2
    assert any("entry 'many'" in p and "at most 3" in p for p in problems)
    assert any("entry 'twice'" in p and "listed twice" in p for p in problems)
