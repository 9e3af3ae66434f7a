"""How an answer's text is shaped for a chat screen: the key fact first and in bold, detail after it,
and race results behind spoiler tags. Pure text in, Discord markdown out; no discord import.

The knowledge holds one text per answer; these rules cut it, so editors write plain sentences.
"""

from __future__ import annotations

import re

LEAD_SENTENCES = 2
LEAD_LIMIT = 280  # characters of the first screen; a longer first sentence is still kept whole
WHOLE_LIMIT = 360  # an answer this short is shown whole, its detail as a second paragraph

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember"
)
_NUMBER = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|zwei|drei|vier|fünf|sechs|sieben)"
_UNIT = r"(?:episodes?|Folgen|minutes|Minuten|laps|Runden|seasons?|Staffeln?)"  # not hours: "24 Hours of Le Mans"
# A date ("9 June 2017", "9. Juni 2017", "13–14 June 2015") or an amount ("six episodes", "26 Minuten").
_KEY_FACT = re.compile(
    rf"\b(?:\d{{1,2}}\.?(?:[–-]\d{{1,2}}\.?)? (?:{_MONTHS}) \d{{4}}|{_NUMBER} {_UNIT})\b", re.IGNORECASE
)
# A sentence ends at . ! or ? before a space and a capital, digit or quote, unless the dot ends a
# day of the month ("9. Juni"), an abbreviation ("u. a.", "Dr.") or an initial.
_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][“”\"»«)]))\s+(?=[A-ZÄÖÜ0-9„“\"(#|])")
_NOT_AN_END = re.compile(
    r"(?:\b\d{1,2}\.|\b(?:[a-zA-Z]|u\. a|z\. B|bzw|ca|Dr|Nr|St|Mr|Mrs|Jr|vs|etc|inkl)\.)[“”\"»«)]?$"
)

_OUTCOME = re.compile(
    r"\b(?:won|wins?|winners?|winning|victor(?:y|ies)|one-two|podium|second|third|eighth|finished|finish|"
    r"retired|classified|chequered|"
    r"gewann|gewonnen|gewinnt|Sieg|Siege|Sieger|siegreich\w*|Doppelsieg|Gesamtsieg|Zweiter|Dritter|Platz|"
    r"Ziel\w*|fiel|ausfiel|ausgefallen|gewertet)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
SPOILED_YEAR = "2015"  # the race the series tells: its results are what a first-time viewer must not read


def sentences(text: str) -> list[str]:
    """`text` cut into sentences (their spaces kept out), paragraphs never joined."""
    found: list[str] = []
    for paragraph in text.split("\n"):
        start = 0
        for end in _END.finditer(paragraph):
            piece = paragraph[start : end.start()]
            if _NOT_AN_END.search(piece):
                continue
            found.append(piece)
            start = end.end()
        if paragraph[start:].strip():
            found.append(paragraph[start:])
    return [s.strip() for s in found if s.strip()]


def lead_and_detail(text: str, *, spoilers: bool = False) -> tuple[str, str]:
    """The first screen (one or two sentences, within about LEAD_LIMIT characters, its key fact in
    bold) and the rest; with `spoilers`, race results in spoiler tags."""
    parts = sentences(text)
    if spoilers:
        parts = hide_outcomes(parts)
    lead = parts[:1]
    for sentence in parts[1:LEAD_SENTENCES]:
        if len(" ".join([*lead, sentence])) > LEAD_LIMIT:
            break
        lead.append(sentence)
    return emphasise(" ".join(lead)), " ".join(parts[len(lead) :])


def first_sentence(text: str) -> str:
    parts = sentences(text)
    return parts[0] if parts else text


def emphasise(text: str) -> str:
    """The first date or amount in bold: what a reader scans for."""
    return _KEY_FACT.sub(lambda m: f"**{m[0]}**", text, count=1)


def hide_outcomes(parts: list[str]) -> list[str]:
    """Race results in spoiler tags: a sentence that tells a 2015 result, and after one such sentence
    every result sentence that names no other year ("The win ended Audi's run")."""
    shown: list[str] = []
    spoiled = False
    for sentence in parts:
        years = set(_YEAR.findall(sentence))
        if _OUTCOME.search(sentence) and (SPOILED_YEAR in years or (spoiled and not years)):
            spoiled = True
            sentence = f"||{sentence}||"
        shown.append(sentence)
    return shown
