"""Answers as users read them: the decided match turned into text in the asker's language."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from bot.core.decide import Match
from bot.core.schema import Entry, Lang, Source

MAX_QUESTION_LENGTH = 500

Kind = Literal["answer", "unknown", "unsure", "none", "invalid"]

MESSAGES: dict[str, dict[Lang, str]] = {
    "unsure": {
        "de": "Da bin ich mir nicht sicher. Meintest du eine dieser Fragen?",
        "en": "I'm not sure what you mean. Did you mean one of these?",
    },
    "none": {
        "de": (
            "Das weiß ich (noch) nicht. Ich kenne mich mit der Doku-Serie „Le Mans: Racing Is Everything“ aus: "
            "Folgen, Mitwirkende, Crew, Veröffentlichung, Dreharbeiten und das Rennen 2015."
        ),
        "en": (
            "I don't know that (yet). I know about the documentary series “Le Mans: Racing Is Everything”: "
            "its episodes, cast, crew, release, production and the 2015 race."
        ),
    },
    "empty": {
        "de": "Stell mir eine Frage zur Serie, zum Beispiel: „Wann kam die Serie raus?“",
        "en": "Ask me something about the series, for example: “When was it released?”",
    },
    "too_long": {
        "de": f"Deine Frage ist zu lang (höchstens {MAX_QUESTION_LENGTH} Zeichen). Magst du sie kürzer fassen?",
        "en": f"Your question is too long (at most {MAX_QUESTION_LENGTH} characters). Could you ask it more briefly?",
    },
}


@dataclass(frozen=True, slots=True)
class Suggestion:
    entry_id: str
    title: str


@dataclass(frozen=True, slots=True)
class AnswerLink:
    """A link under an answer, its label in the answer's language."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Answer:
    """One reply. `answered` is true only when the text states a fact that answers the question."""

    question: str
    lang: Lang
    kind: Kind
    text: str
    entry_id: str | None = None
    title: str | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    sources: tuple[Source, ...] = ()  # best first; each surface names the first few
    links: tuple[AnswerLink, ...] = ()

    @property
    def answered(self) -> bool:
        return self.kind == "answer"

    def plain_text(self) -> str:
        """The reply as one plain text, suggestions listed, as the CLI prints it."""
        if self.answered and self.suggestions:
            also = "Oder meintest du" if self.lang == "de" else "Or did you mean"
            return f"{self.text}\n({also}: {' · '.join(s.title for s in self.suggestions)}?)"
        return "\n".join([self.text, *(f"  - {s.title}" for s in self.suggestions)])

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.plain_text(),
            "entry": self.entry_id,
            "score": round(self.score, 1),
            "lang": self.lang,
            "suggestions": [{"entry": s.entry_id, "title": s.title} for s in self.suggestions],
            "sources": [{k: v for k, v in asdict(source).items() if v is not None} for source in self.sources],
            "links": [{"label": link.label, "url": link.url} for link in self.links],
        }


def entry_answer(question: str, entry: Entry, lang: Lang, score: float = 100.0) -> Answer:
    """An entry's own text: a fact, or for `status: unknown` an honest "no source says"."""
    return Answer(
        question=question,
        lang=lang,
        kind="answer" if entry.status == "known" else "unknown",
        text=getattr(entry.answer, lang),
        entry_id=entry.id,
        title=getattr(entry.title, lang),
        score=score,
        sources=entry.cited,
        links=tuple(AnswerLink(getattr(link.label, lang), link.url) for link in entry.links),
    )


def compose(question: str, match: Match, lang: Lang) -> Answer:
    """The reply for a decision; `score` is the decision's confidence in percent."""
    score = 100 * match.confidence
    suggestions = tuple(Suggestion(s.entry.id, getattr(s.entry.title, lang)) for s in match.suggestions)
    if match.kind == "answer" and match.best is not None:
        answer = entry_answer(question, match.best.entry, lang, score)
        return replace(answer, suggestions=suggestions)
    if match.kind == "unsure":
        return Answer(question, lang, "unsure", MESSAGES["unsure"][lang], score=score, suggestions=suggestions)
    return Answer(question, lang, "none", MESSAGES["none"][lang], score=score)


def refusal(question: str, cleaned: str, lang: Lang) -> Answer | None:
    """A polite answer for input that is not a question we should match at all: nothing, too
    much, or not a single word (only emoji, punctuation, mentions or links); `cleaned` is the
    question as `clean` leaves it."""
    if not question.strip():
        return Answer(question, lang, "invalid", MESSAGES["empty"][lang])
    if len(question) > MAX_QUESTION_LENGTH:
        return Answer(question, lang, "invalid", MESSAGES["too_long"][lang])
    if not cleaned:
        return Answer(question, lang, "invalid", MESSAGES["empty"][lang])
    return None
