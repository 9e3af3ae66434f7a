"""Yes/no questions with a wrong number in them ("sieben Folgen, oder?", "was it the 85th race?"):
the answer leads with "No" when its own numbers contradict the claim.

Only a contradiction is said, and only of numbers. A number, name or year the answer also contains
does not make a claim true ("best placed Toyota was the #1?" is answered by an entry about the #1's
driver), so no answer leads with "Yes".
"""

from __future__ import annotations

from bot.core.query import Query
from bot.core.schema import Lang
from bot.core.text import asks_yes_or_no, clean, is_count, terms_of_cleaned

_ALREADY = ("yes", "no", "ja", "nein")
NO: dict[Lang, str] = {"de": "Nein.", "en": "No."}  # put before the answer, with a space


def lead(query: Query, answer: str, lang: Lang) -> str | None:
    """ "No" (in `lang`) when the question claims a number and the answer states others but not that
    one; None otherwise."""
    if not asks_yes_or_no(query.words, query.cleaned):
        return None
    claimed = {term for term in query.guesses if is_count(term)}
    if not claimed:
        return None
    cleaned = clean(answer)
    if cleaned.startswith(_ALREADY):
        return None
    stated = {term for term in terms_of_cleaned(cleaned) if is_count(term)}
    if query.offers_choices:  # "6 oder 8 Folgen?": wrong only if none of them is stated
        return NO[lang] if stated and not claimed & stated else None
    return NO[lang] if stated and not claimed <= stated else None
