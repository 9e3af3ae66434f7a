"""Normalisation, episode recognition and language detection."""

from __future__ import annotations

import pytest

from bot.core.text import clean, detect_language, episode_number, fold, quantities, terms


def test_fold_handles_case_accents_and_sharp_s() -> None:
    assert fold("  Hülkenberg  STRAßE André ") == "hulkenberg strasse andre"


def test_clean_strips_discord_markup_links_and_punctuation() -> None:
    text = "<@123456> <@!42> <@&77> <#99> <:pog:123> <t:1700000000:R> @everyone @here Wann?! https://x.y/z"
    assert clean(text) == "wann"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("folge 3", 3),
        ("ep. 3", 3),
        ("episode three", 3),
        ("third episode", 3),
        ("die dritte folge", 3),
        ("3. folge", 3),
        ("s01e03", 3),
        ("die erste neue folge", 1),
        ("fünfte Folge", 5),
        ("episode 6", 6),
    ],
)
def test_episode_numbers_in_any_form(text: str, number: int) -> None:
    assert episode_number(clean(text))[0] == number


@pytest.mark.parametrize("text", ["sechs folgen", "how many episodes", "zum ersten mal in le mans", "6 episodes"])
def test_counts_and_other_ordinals_are_not_episode_numbers(text: str) -> None:
    assert episode_number(clean(text))[0] is None


def test_terms_map_interrogatives_to_shared_concepts() -> None:
    assert terms("Wann kam sie raus?")[0] == terms("When did it come out?")[0] == "?when"
    assert "?count" in terms("wie viele Folgen")
    assert "?count" in terms("how many episodes")
    assert terms("Folgen") == terms("Folge")
    assert terms("what year did Webber retire") == terms("when did Webber retire")
    assert terms("In welchem Jahr hörte Webber auf?") == terms("Wann hörte Webber auf?")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wann kam die Serie raus?", "de"),
        ("when did the show come out", "en"),
        ("Wer führte Regie?", "de"),
        ("who directed it", "en"),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text, "en" if lang == "de" else "de") == lang


def test_language_falls_back_when_the_text_does_not_tell() -> None:
    assert detect_language("Webber?", "de") == "de"
    assert detect_language("Webber?", "en") == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Es gab 60 Autos am Start.", {"?count"}),
        ("Each episode runs about 26 minutes.", {"?count", "?duration"}),
        ("gut drei Wochen vor dem 9. Juni 2017", {"?count", "?duration"}),
        ("Released on 9 June 2017.", set()),  # a date counts nothing
        ("He was born in 1987.", {"?born"}),
        ("The circuit is 13.6 km long.", {"?count", "?size"}),
        ("Hülkenberg won with Porsche.", set()),
    ],
)
def test_quantities_an_answer_states(text: str, expected: set[str]) -> None:
    assert set(quantities(text)) == expected


def test_shorthand_and_everyday_words_meet_the_knowledges_words() -> None:
    assert clean("who got P2 at LM?") == "who got second place at le mans"
    assert terms("eps how long") == terms("episodes how long")
    assert "retir" in terms("jann car DNF why")
    assert terms("ep1 wo gedreht?") == terms("episode 1 wo gedreht?")
    assert terms("what's it about?") == ("?about",)  # not nothing: every word of it is a filler otherwise
    assert terms("what about the trailer?") == terms("the trailer?")  # with a subject, "about" says nothing
    assert terms("Für wen ist die Serie?") == ("?audience", "seri")  # whom it is for, not who is in it
    assert terms("Wie viele Fahrzeuge standen auf dem Podest?") == terms("Wie viele Autos standen auf dem Podium?")
    assert terms("wie viele min hat eine folge") == terms("wie viele minuten hat eine folge")
    assert terms("hat Audi 2015 den Sieg geholt") == terms("hat Audi 2015 den Sieg gewonnen")
    assert terms("für wen ist Prost gefahren") == terms("für wen ist Prost fuhr")  # not "Gefahr", danger
    assert terms("Nr. 19") == terms("Nummer 19")
    assert terms("when did the merc take off") == terms("when did the mercedes take off")
    assert terms("der Nissan GTR") == terms("der Nissan GT-R")
    assert terms("Motor des Fahrzeugs") == terms("Motor des Autos")
    assert terms("Wer ist da einfach Zweiter geworden, ähm?") == terms("Wer ist da Zweiter?")


def test_german_contractions_of_a_preposition_and_article_are_fillers_like_their_parts() -> None:
    assert terms("wie lange vorm Release?") == terms("wie lange vor dem Release?")
    assert terms("wer lag beim Rennen vorn?") == terms("wer lag bei dem Rennen vorn?")
    assert terms("was gibts übers Rennen fürs Handy") == terms("was gibts über das Rennen für das Handy")


def test_numbers_however_inflected_and_days_to_come() -> None:
    assert "3" in terms("wer von den dreien saß im Porsche")
    assert "300" in terms("crowd was like 300k")
    assert "?now" in terms("Wer wird dieses Jahr Weltmeister?")
    assert "?now" in terms("what's on tomorrow at the track")
    assert "?now" in terms("Was läuft dieses Wochenende in Le Mans?")


def test_the_weather_the_future_and_account_help_are_what_no_source_speaks_of() -> None:
    assert terms("wie wird das Wetter in Le Mans") == ("?weather", "le", "mans")
    assert "?weather" in terms("weather forecast for the race?")
    assert "?support" in terms("wie kündige ich mein prime abo")
    assert "?now" in terms("Bei welchem Team fährt Hülkenberg nächste Saison?")


def test_a_year_said_aloud_is_a_year() -> None:
    assert "2015" in terms("wer hat das rennen zwanzig fünfzehn gewonnen")
    assert "2017" in terms("when did the race start in twenty seventeen")


def test_quiz_forms_say_nothing_of_the_question() -> None:
    assert terms("True or false: the series came out in 2018") == terms("the series came out in 2018")
    assert terms("Fill in the blank: the series has ___ episodes") == terms("the series has episodes")
    assert terms("Kumpel sagt acht, wer hat denn recht?") == terms("Kumpel sagt acht")
    assert terms("Wahr oder falsch: Mardenborough kam übers Zocken zum Motorsport") == terms(
        "Mardenborough kam übers Gaming zum Motorsport"
    )


def test_a_dropped_g_and_a_feminine_ending_meet_the_plain_word() -> None:
    assert terms("which team was nico prost drivin for") == terms("which team was nico prost driving for")
    assert terms("Wer ist die Produzentin?") == terms("Wer ist der Produzent?")


def test_formal_german_counts_and_nationality() -> None:
    assert terms("Anzahl der Folgen") == terms("wie viele Folgen")
    assert terms("Staatsangehörigkeit Mark Webber") == terms("Nationalität Mark Webber")


def test_second_language_words_for_the_series_parts() -> None:
    assert terms("how many chapters has the serie") == terms("how many episodes has the serie")
    assert terms("who is the regista") == terms("who is the director")


def test_a_request_to_name_something_is_no_name() -> None:
    assert terms("Name all the teams in it.") == terms("all the teams in it")
    assert terms("Nenne mir die drei Sieger") == terms("die drei Sieger")
    assert "name" in terms("what is the name of the circuit")  # here it is what is asked
    assert terms("Erzähl mir was über die Serie") == terms("was über die Serie")  # not the narrator's "erzählt"
    assert "erzahl" in terms("wer ist der Erzähler")


def test_who_a_thing_is_for_is_its_audience() -> None:
    assert terms("Who is the series for?") == ("?audience", "seri")
    assert terms("who is in the series?") == ("?who", "seri")


def test_words_for_a_person_are_fillers_like_guy() -> None:
    assert terms("where's the gamer kid from?") == terms("where's the gamer from?")
    assert terms("der Junge vom Computerspiel") == terms("der vom Computerspiel")


def test_a_british_series_number_is_a_season() -> None:
    assert terms("Series 2 when?") == terms("season 2 when?")
    assert "seri" in terms("how many episodes does the series have")


def test_hedging_and_recalling_words_are_fillers() -> None:
    assert terms("Lotterer gewann dreimal mit Audi, korrekt?") == terms("Lotterer gewann dreimal mit Audi?")
    assert terms("how many laps, something like 300? I can't remember") == terms("how many laps, like 300?")
    assert terms("wie viele Runden hat er geschafft, vielleicht so ein paar hundert?") == terms(
        "wie viele Runden hat er, so ein hundert?"
    )


def test_a_negated_contraction_is_a_filler_however_the_apostrophe_splits_it() -> None:
    assert terms("Prost is Alain Prost's nephew, isn't he?") == terms("Prost is Alain Prost's nephew, isnt he?")
    assert terms("Porsche won in 2015, didn’t they?") == terms("Porsche won in 2015?")


def test_pronouns_and_vague_words_are_fillers() -> None:
    assert terms("wann kam die Serie damals raus, kannst du mir das sagen, ich mein dort bei Amazon") == terms(
        "wann kam die Serie raus, kannst du das sagen, ich bei Amazon"
    )
    assert terms("the thing with Webber back in 2015, where did he finish?") == terms(
        "Webber in 2015, where did he finish?"
    )
    assert terms("Wie viele Zuschauer warn dat tatsächlich, Herr Bot?") == terms("Wie viele Zuschauer?")
    assert terms("sorry, which docs has the director made") == terms("which documentaries has the director made")
    assert terms("wer hat den Nissan konstruiert") == terms("wer hat den Nissan entworfen")


def test_polite_formulas_are_fillers() -> None:
    assert terms("Erbitte Auskunft über die Produzentin der Reihe.") == terms("die Produzentin der Serie?")
    assert set(terms("Könnten Sie mir freundlicherweise sagen, wer Regie führte?")) == set(terms("wer führte Regie?"))
    assert terms("Would you kindly tell me the name of the gentleman who directed it?") == terms(
        "tell me the name of the one who directed it?"
    )
    assert terms("I should be grateful to learn who won") == terms("who won")
    assert terms("Welche Nummer trug der siegreiche Wagen?") == terms("Welche Nummer trug der Sieger-Wagen?")


def test_everyday_words_that_say_nothing_of_the_question_are_fillers() -> None:
    assert terms("how many people showed up") == terms("how many people showed")  # a particle says nothing
    assert terms("dumb question, what was the official release date, wait") == terms("what was the release date")
    assert terms("Welchen Platz hat Audi ursprünglich erreicht?") == terms("Welchen Platz hat Audi?")
