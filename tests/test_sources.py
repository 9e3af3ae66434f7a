"""Sources as data: the registry, citations by id, links, the German/English parity check, and how a
source is named to a reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core import citations, fileformat
from bot.core.loader import KnowledgeError, load_directory
from bot.core.schema import Source
from tests.knowledge_factory import SOURCE_ID, SOURCES, entry, write, write_sources


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_directory(directory)
    return [str(problem) for problem in caught.value.problems]


def source(**fields: Any) -> Source:
    base = {"id": "s", "publisher": "Stuttgarter Nachrichten", "url": "https://example.org/a", "language": "de"}
    return fileformat.Source.model_validate({"kind": "press", **base, **fields}).record()


# ---------------------------------------------------------------------------------------- registry


def test_entries_get_their_sources_resolved_best_first(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("a", sources=["review-2017-06", SOURCE_ID])])

    knowledge = load_directory(tmp_path)

    assert [s.id for s in knowledge.by_id["a"].cited] == ["review-2017-06", SOURCE_ID]
    assert knowledge.by_id["a"].cited[1].author == "Dominika Jaschek"
    assert knowledge.warnings == ()


def test_an_unknown_source_id_is_reported_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("a", sources=[SOURCE_ID, "seed-000"])])
    text = (tmp_path / "a.yaml").read_text("utf-8").splitlines()
    line = next(number for number, row in enumerate(text, 1) if "seed-000" in row)

    assert problems_of(tmp_path) == [
        f"{tmp_path.name}/a.yaml:{line}: entry 'a': unknown source 'seed-000' (not in {tmp_path.name}/sources.yaml)"
    ]


def test_without_sources_yaml_every_citation_is_unknown(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("a")])
    (tmp_path / "sources.yaml").unlink()

    [problem] = problems_of(tmp_path)
    assert "unknown source 'zeitung-2017-06-09'" in problem


def test_a_source_nobody_cites_is_a_warning_not_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("a")])

    knowledge = load_directory(tmp_path)

    text = (tmp_path / "sources.yaml").read_text("utf-8").splitlines()
    line = next(number for number, row in enumerate(text, 1) if "id: review-2017-06" in row)
    assert knowledge.warnings == (f"{tmp_path.name}/sources.yaml:{line}: source 'review-2017-06' is cited by no entry",)


def test_a_malformed_source_is_a_problem(tmp_path: Path) -> None:
    write_sources(tmp_path, [SOURCES[0], {**SOURCES[1], "date": "June 2017", "kind": "rumour"}])
    write(tmp_path, "a.yaml", [entry("a")])

    assert problems_of(tmp_path) == [
        f"{tmp_path.name}/sources.yaml:12: date: expected a date like 2017, 2017-06 or 2017-06-09",
        f"{tmp_path.name}/sources.yaml:15: kind: Input should be 'press', 'review', 'official', 'reference' or 'blog'",
    ]


def test_a_source_listed_twice_is_a_problem(tmp_path: Path) -> None:
    write_sources(tmp_path, [SOURCES[0], dict(SOURCES[0])])
    write(tmp_path, "a.yaml", [entry("a")])

    assert problems_of(tmp_path) == [
        f"{tmp_path.name}/sources.yaml:9: source 'zeitung-2017-06-09' is listed twice (first at line 2)"
    ]


def test_a_known_fact_needs_a_source_and_an_unknown_one_may_have_none(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("a", sources=[]), entry("b", status="unknown", sources=[])])

    [problem] = problems_of(tmp_path)
    assert "entry 'a': a known fact needs at least one source under 'sources'" in problem


def test_the_resolved_sources_cannot_be_written_in_yaml(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("a", cited=[SOURCES[0]])])

    [problem] = problems_of(tmp_path)
    assert "unknown key 'cited'" in problem


# ---------------------------------------------------------------------------------------- links


def link(url: str) -> dict[str, Any]:
    return {"label": {"de": "Ansehen", "en": "Watch"}, "url": url}


def test_links_may_lead_to_a_cited_page_an_official_site_or_the_platform(tmp_path: Path) -> None:
    official = {"id": "aco", "publisher": "ACO", "url": "https://www.24h-lemans.com/en/news/x", "language": "en"}
    write_sources(tmp_path, [*SOURCES, {**official, "kind": "official"}])
    links = [
        link("https://example.org/zeitung/le-mans"),
        link("https://24h-lemans.com/en"),
        link("https://www.primevideo.com/search/ref=atv_nb_sr?phrase=Le%20Mans"),
    ]
    write(tmp_path, "a.yaml", [entry("a", sources=[SOURCE_ID, "aco", "review-2017-06"], links=links)])

    answer_links = load_directory(tmp_path).by_id["a"].links

    assert [item.url for item in answer_links] == [item["url"] for item in links]


def test_a_link_to_an_uncited_page_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("a", links=[link("https://example.org/review")])])

    [problem] = problems_of(tmp_path)
    assert "entry 'a': link 'https://example.org/review' is neither a cited source's page" in problem


# ---------------------------------------------------------------------------------------- parity


def answer(de: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"answer": {"de": de, "en": en}, **extra}


def test_german_and_english_must_carry_the_same_numbers_and_names(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        [
            entry("a", **answer("Porsche gewann 2015 in Le Mans.", "Porsche won at Le Mans in 2015.")),
            entry("b", **answer("Audis Serie endete 2015.", "Audi's run ended in 2016 at Le Mans.")),
        ],
    )
    text = (tmp_path / "a.yaml").read_text("utf-8").splitlines()
    line = next(number for number, row in enumerate(text, 1) if "Audis Serie" in row)

    assert problems_of(tmp_path) == [
        f"{tmp_path.name}/a.yaml:{line}: entry 'b': German and English differ: only the German answer has '2015'",
        f"{tmp_path.name}/a.yaml:{line}: entry 'b': German and English differ: "
        "only the English answer has '2016', 'Le', 'Mans'",
    ]


def test_translated_numbers_and_words_in_each_language_are_not_differences(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        [
            entry("a", **answer("2.209 km im Juni, 13,6 km je Runde", "2,209 km in June, 13.6 km a lap")),
            entry("b", **answer("Die Londoner Firma New Black Films", "The London company New Black Films")),
            entry("c", **answer("Audis fünfter Sieg", "Audi's fifth win")),
        ],
    )

    assert len(load_directory(tmp_path)) == 3


def test_a_listed_exception_allows_a_difference_and_must_stay_needed(tmp_path: Path) -> None:
    ok = entry("a", **answer("Im Fernsehen lief es nicht.", "It was not on TV.", parity_exceptions=["TV"]))
    stale = entry("b", **answer("Bei Amazon.", "On Amazon.", parity_exceptions=["TV"]))
    uses_tv = entry("c", **answer("Kein TV.", "No TV."))
    write(tmp_path, "a.yaml", [ok, stale, uses_tv])

    [problem] = problems_of(tmp_path)
    assert "entry 'b': German and English differ: parity_exceptions 'TV' no longer differ" in problem


# ---------------------------------------------------------------------------------------- naming a source


@pytest.mark.parametrize(
    ("date", "de", "en"),
    [
        ("2017-06-09", "9. Juni 2017", "9 June 2017"),
        ("2017-03", "März 2017", "March 2017"),
        ("2017", "2017", "2017"),
    ],
)
def test_dates_read_as_precisely_as_they_are_known(date: str, de: str, en: str) -> None:
    assert citations.date_text(date, "de") == de
    assert citations.date_text(date, "en") == en


def test_short_and_long_forms_of_a_source() -> None:
    full = source(date="2017-06-09", author="Dominika Jaschek", headline="Mini-Serie blickt hinter die Kulissen")

    assert citations.cite(full, "de") == "Stuttgarter Nachrichten, 9. Juni 2017"
    assert citations.cite(source(), "en") == "Stuttgarter Nachrichten"
    assert citations.describe(full, "en") == (
        "Stuttgarter Nachrichten (by Dominika Jaschek), 9 June 2017: “Mini-Serie blickt hinter die Kulissen”"
    )
    assert citations.describe(full, "de").startswith("Stuttgarter Nachrichten (von Dominika Jaschek), 9. Juni 2017: „")


def test_an_unquoted_yaml_date_means_the_same_as_a_quoted_one(tmp_path: Path) -> None:
    write_sources(tmp_path, [SOURCES[0]])
    path = tmp_path / "sources.yaml"
    path.write_text(path.read_text("utf-8").replace("'2017-06-09'", "2017-06-09"), encoding="utf-8")
    write(tmp_path, "a.yaml", [entry("a")])

    assert load_directory(tmp_path).by_id["a"].cited[0].date == "2017-06-09"


def test_digests_rank_sources_by_how_many_answers_cite_them() -> None:
    a, b, c = source(id="a"), source(id="b"), source(id="c")

    assert [s.id for s in citations.ranked([(a, b), (c, b), (b,)])] == ["b", "a", "c"]


def test_sources_are_counted_by_kind_in_a_fixed_order() -> None:
    kinds = [source(id=str(n), kind=kind) for n, kind in enumerate(["review", "press", "press", "reference"])]

    assert citations.by_kind(kinds) == {"press": 2, "review": 1, "reference": 1}
