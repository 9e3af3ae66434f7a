"""What a question asks, apart from what is said around it: memories, claims and guesses weigh less."""

from __future__ import annotations

from bot.core.engine import Engine
from bot.core.query import CONTEXT_WEIGHT, LEAD_WEIGHT, Query
from tests.helpers import REAL_KNOWLEDGE


def test_a_sentence_beside_the_question_counts_less() -> None:
    query = Query.parse("Wie viele Folgen hat die Serie? Ich bin beim Schauen im Sessel eingeschlafen.")
    assert query.weight("folg") == 1.0
    assert query.weight("sessel") == CONTEXT_WEIGHT
    assert query.weight("?count") == 1.0


def test_a_clause_that_recalls_or_claims_counts_less() -> None:
    query = Query.parse("how many people showed up in 2015? I read it was 100k")
    assert query.weight("peopl") == 1.0
    assert query.weight("read") == CONTEXT_WEIGHT
    assert query.years == ("2015",)  # asked about, not guessed


def test_what_someone_else_claims_counts_less() -> None:
    query = Query.parse("my mate swears it was on netflix, where can I watch the series?")
    assert (query.weight("netflix"), query.weight("watch")) == (CONTEXT_WEIGHT, 1.0)
    assert Query.parse("Mein Kumpel meint Netflix, wo läuft die Serie?").weight("kumpel") == CONTEXT_WEIGHT


def test_a_comparison_beside_the_question_counts_less() -> None:
    german = Query.parse("wie heißt die strecke, so wie monza oder spa")
    english = Query.parse("how long are the episodes, like a quali session?")
    assert (german.weight("streck"), german.weight("monza")) == (1.0, CONTEXT_WEIGHT)
    assert (english.weight("episod"), english.weight("quali")) == (1.0, CONTEXT_WEIGHT)
    # a sentence of its own, question mark and all, that only compares
    beside = Query.parse("Wer ist der Chef des ACO? So wie der NASCAR-Präsident?")
    assert (beside.weight("chef"), beside.weight("nascar")) == (1.0, CONTEXT_WEIGHT)
    # a question made only of a claim still asks it
    assert Query.parse("I think it was 2016?").weight("2016") == 1.0


def test_a_statement_before_a_short_question_says_what_it_asks_about() -> None:
    query = Query.parse("Der Sohn eines Weltmeisters taucht in der Doku auf. Wie heißt er?")
    assert (query.weight("sohn"), query.weight("heisst")) == (LEAD_WEIGHT, 1.0)
    # after the question, or before one that says its subject itself, it is only said around it
    after = Query.parse("Wie heißt er? Der Sohn eines Weltmeisters taucht in der Doku auf.")
    assert after.weight("sohn") == CONTEXT_WEIGHT
    full = Query.parse("Ich habe die Doku gestern gesehen. Wie heißt der Sohn des Weltmeisters?")
    assert (full.weight("gestern"), full.weight("sohn")) == (CONTEXT_WEIGHT, 1.0)


def test_a_courtesy_asks_nothing_so_the_sentence_before_it_does() -> None:
    query = Query.parse("Guten Tag. Ich weiß nicht mehr, wann die Serie erschienen ist. Können Sie mir das sagen?")
    assert (query.weight("?when"), query.weight("erschien"), query.weight("guten")) == (1.0, 1.0, CONTEXT_WEIGHT)
    assert "?when" in query.terms
    assert not {"tag", "sagen"} & set(query.terms)


def test_a_question_put_as_a_statement_asks() -> None:
    german = Query.parse("Meine Nachbarin schwärmt von Le Mans. Ich wüsste gern, wer die Serie gedreht hat.")
    english = Query.parse("My flatmate loves Porsche. I would like to know who directed the series.")
    assert (german.weight("gedreht"), german.weight("nachbarin")) == (1.0, CONTEXT_WEIGHT)
    assert (english.weight("direct"), english.weight("flatmat")) == (1.0, CONTEXT_WEIGHT)


def test_a_greeting_or_thanks_is_only_said_around_the_question() -> None:
    query = Query.parse("Hallo Porsche-Fans, wie viele Folgen hat die Serie? Vielen Dank im Voraus!")
    assert (query.weight("porsch"), query.weight("folg")) == (CONTEXT_WEIGHT, 1.0)
    assert Query.parse("Dear all, who directed it? Thank you in advance!").weight("direct") == 1.0


def test_what_someone_reports_is_said_around_the_question_unless_it_is_all_it_asks() -> None:
    dispute = Query.parse("Wie viele Folgen hat die Serie? Kumpel sagt acht, ich sag sechs – wer hat recht?")
    assert (dispute.weight("folg"), dispute.weight("kumpel")) == (1.0, CONTEXT_WEIGHT)
    assert dispute.guesses == {"8", "6"}
    assert "recht" not in dispute.terms
    quoted = Query.parse("webber said you can smell something on sunday morning, what was it? I'm hungry now")
    assert (quoted.weight("smell"), quoted.weight("hungry")) == (1.0, CONTEXT_WEIGHT)


def test_the_choices_a_quiz_question_offers_are_claims_to_check() -> None:
    numbers = Query.parse("Quizfrage: Wie viele Folgen hat die Serie – 4, 6 oder 8?")
    assert numbers.guesses == {"4", "6", "8"}
    assert "quizfrag" not in numbers.terms
    names = Query.parse("Trivia: who directed it, A) Asif Kapadia B) James Erskine C) Ron Howard?")
    assert (names.weight("direct"), names.weight("howard")) == (1.0, 1.0)
    assert {"asif", "kapadia", "erskin", "howard"} <= names.checked
    assert "kapadia" in Query.parse("Welcher Regisseur war es – Erskine oder Kapadia?").checked


def test_a_claim_beside_an_open_question_is_disputed_not_asked_about() -> None:
    query = Query.parse("Lotterer ist doch Belgier, oder? Welche Nationalität hat er wirklich?")
    assert "belgi" in query.disputed
    assert not Query.parse("Ist Lotterer Belgier?").disputed  # alone, the claim is what it asks


def test_discord_reply_prefixes_and_bars_are_no_words_of_the_question() -> None:
    query = Query.parse("replying to kartkid99: wait how many cars did nissan enter | asking for a friend")
    assert "kartkid99" not in query.terms
    assert "reply" not in query.terms
    assert query.weight("nissan") == 1.0


def test_a_question_without_a_question_mark_is_all_asked() -> None:
    assert Query.parse("wer hat regie gefuhrt. und wann kam sie raus").weights == {}


def test_a_guess_beside_an_open_question_excludes_no_entry() -> None:
    query = Query.parse("when was the series announced? 2016?")
    assert query.guesses == {"2016"}
    assert query.years == ()
    assert query.weight("announc") == 1.0


def test_a_bare_number_beside_the_asking_clause_is_a_guess() -> None:
    query = Query.parse("which year's race does the series follow, 2016?")
    assert query.guesses == {"2016"}
    assert query.years == ()
    assert Query.parse("who won in 2015, porsche?").years == ("2015",)  # a clause with a name is no bare guess


def test_a_yes_no_question_asks_about_its_year_but_guesses_its_count() -> None:
    query = Query.parse("did Porsche win in 2015?")
    assert query.years == ("2015",)
    assert query.guesses == frozenset()
    claim = Query.parse("Die Serie hat doch zehn Folgen, oder?")
    assert claim.guesses == {"10"}
    assert claim.weight("folg") == 1.0
    assert claim.weight("10") == CONTEXT_WEIGHT
    assert Query.parse("1923 winners?").years == ("1923",)  # alone, a short question is no guess


def test_a_follow_up_keeps_its_own_guesses_and_weights() -> None:
    own = Query.parse("und wann kam sie raus? 2016?")
    together = own.with_context(Query.parse("wer hat die Serie angekündigt"))
    assert together.guesses == own.guesses == {"2016"}
    assert together.weight("2016") == CONTEXT_WEIGHT


def test_a_follow_up_year_takes_the_place_of_the_earlier_one() -> None:
    together = Query.parse("und 2017?").with_context(Query.parse("wie viele Zuschauer waren 2015 da?"))
    assert together.years == ("2017",)
    assert "zuschau" in together.terms


def test_a_yes_no_question_is_a_claim_to_check() -> None:
    assert {"le", "mans", "itali"} <= Query.parse("Le Mans liegt in Italien, oder?").checked
    assert Query.parse("wo liegt Le Mans?").checked == frozenset()


def test_a_wrong_guess_or_claim_does_not_hide_the_answer() -> None:
    engine = Engine.from_directory(REAL_KNOWLEDGE)
    answer = engine.ask("when was the series announced? 2016?")
    assert answer.entry_id == "series-announcement"
    assert "2017" in answer.text
    claim = engine.ask("Le Mans liegt in Italien, oder?")  # "Italien", which no entry knows, is the claim
    assert claim.entry_id == "background-circuit"
    assert "Frankreich" in claim.text
    assert engine.ask("the first race was in 1950, right?").kind == "unsure"  # a year no entry has excludes none


def test_what_no_source_can_know_is_not_answered() -> None:
    engine = Engine.from_directory(REAL_KNOWLEDGE)
    assert not engine.ask("who will be F1 champion this year?").answered
