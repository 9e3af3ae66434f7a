"""A question cut into what the retrievers read, once per ask.

Nothing here is cached: user text is unbounded, so every derived form lives exactly as long as the
question it came from (only text from the knowledge base is cached, by the indexes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from bot.core.text import (
    asks_yes_or_no,
    clean_plain,
    is_year,
    number_of,
    plain,
    stem,
    terms_of_cleaned,
)

PREVIOUS_WEIGHT = 0.8  # a follow-up's borrowed words count less: the new question leads
_LEAST_BORROWED = 0.6  # words from more than two questions back are dropped, so a chain stays short
CONTEXT_WEIGHT = 0.3  # words of what is said around the question: a claim, a memory, chatter
# A statement before a short question that asks about it ("Der Sohn eines Weltmeisters ist dabei. Wie
# heisst er?") says what is asked about: its words count almost as much as the question's.
LEAD_WEIGHT = 0.8
SHORT_QUESTION = 2  # the most content terms a question leaning on the sentence before it has

Role = Literal["asks", "checks", "leads", "context"]
_EITHER_YEARS = re.compile(r"\b((?:19|20)\d\d) (?:or|oder|bzw) ((?:19|20)\d\d)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE = re.compile(r",\s*|\s+[-–—|]\s+")
_REPLYING = re.compile(r"^(?:replying to|reply to|antwort an)\s+\S+:\s*")  # "replying to kartkid99: …"
# A clause that states or recalls rather than asks ("ich glaube, …", "I read 100k", "wasn't it …?").
_HEDGE = re.compile(
    r"^(?:ich (?:glaube|glaub|meine|mein|dachte|denke|hab|habe|hatte)|i (?:think|thought|believe|read|heard|remember"
    r"|seem|was told|guess|am pretty sure|m pretty sure)|pretty sure|meines wissens|soweit ich|angeblich|so hiess es"
    r"|wasnt it|isnt it|werent|wasnt|didnt|war das nicht|war es nicht|oder war|or was|or is"
    r"|my (?:late |old )?(?:wife|husband|partner|friend|mate|kid|son|daughter|dad|mum|mom|brother|sister|cousin"
    r"|neighbou?r|colleague|gran|grandma|grandad|granddad|grandpa|nan|flatmate|roommate|boyfriend|girlfriend)"
    r"|mein (?:verstorbener |alter )?(?:mann|sohn|vater|bruder|kumpel|freund|nachbar|kollege|enkel|opa|mitbewohner)"
    r"|meine (?:frau|freundin|tochter|mutter|schwester|kollegin|nachbarin|enkelin|oma|mitbewohnerin)"
    r"|ich (?:sag|sage|tipp|tippe)"  # a counter-claim: "Kumpel sagt acht, ich sag sechs"
    # a comparison beside the question ("wie heisst die strecke, so wie monza oder spa")
    r"|like (?:a|an|the|in)|kind of like|similar to|so wie|wie in|wie bei|wie im|so ne|so nen|so eine?|sowas wie)\b"
)

# A greeting or thanks around the question ("Liebe Leute,", "Dear all,", "Vielen Dank im Voraus!").
_COURTESY = re.compile(
    r"^(?:liebe|lieber|hallo|hi|hey|hello|servus|moin|dear|sehr geehrte\w*|guten \w+|good (?:morning|afternoon|evening)"
    r"|vielen dank|danke|thanks|thank you|many thanks|cheers|viele grusse|beste grusse|best regards|kind regards)\b"
)
_MOST_COURTESY_WORDS = 5
# A question put as a statement: "ich wüsste gern, wer …", "mich würde interessieren, wann …",
# "I would like to know how many …": the sentence asks, though it has no question mark.
_INDIRECT = re.compile(
    r"\b(?:ich (?:wusste|wurde|mochte|will) (?:gern |gerne |nur |mal )?(?:wissen|erfahren)|ich wusste gerne?"
    r"|mich (?:wurde|wurd|tat) (?:\w+ )?interessieren|mich interessiert"
    r"|kann mir (?:\w+ )?(?:jemand|einer) (?:sagen|verraten)|weiss (?:das )?(?:jemand|einer)"
    r"|i (?:would|d) like to know|id like to know|i want to know|i was wondering|i wonder"
    r"|(?:can|could) (?:somebody|someone|anyone|you) tell me|(?:does )?(?:anyone|anybody) know)\b"
)

# What someone else says or writes, claim included ("Kumpel sagt acht", "a blog I'm quoting says it
# premiered on 16 June"): said around the question, unless it is all the question says.
_REPORTED = re.compile(
    r"^(?!(?:was|wer|wie|wo|wann|welche\w*|warum|what|who|how|where|when|which|why|does|did|do)\b)(?:\w+ ){0,5}"
    r"(?:says|said|claims|claimed|thinks|reckons|calls|writes|wrote|sagt|meint|behauptet|schreibt|schrieb|nennt)\b"
)

_LETTERED = re.compile(r"(?:^|\s)\(?[a-d]\)\s")  # "A) Netflix B) Amazon C) DAZN"
# "or" that offers a choice, not the tag ending a claim ("acht Folgen, oder?", "six, or not?")
_OR = re.compile(r"\b(?:or|oder)\b(?!(?: (?:nicht|not|so|was|wie|what))?$)")


@dataclass(frozen=True, slots=True)
class Query:
    """`terms` for the lexical retriever, `words` for the semantic one; `weights` scale the terms
    and words only said around the question or borrowed from an earlier one (1.0 when absent);
    `guesses` are the numbers and years the asker guesses or claims rather than asks about
    ("sieben Folgen, oder?", "when was it announced? 2016?")."""

    text: str
    cleaned: str
    terms: tuple[str, ...]
    words: tuple[str, ...]
    weights: dict[str, float] = field(default_factory=dict)
    guesses: frozenset[str] = frozenset()
    checked: frozenset[str] = frozenset()  # the terms of a yes/no question: a claim to check
    # a claim made beside an open question ("Lotterer ist doch Belgier, oder? Welche Nationalität hat
    # er?"): its words are the claim to correct, not what the question is about
    disputed: frozenset[str] = frozenset()
    offers_choices: bool = False  # it offers alternatives ("6 oder 8 Folgen?", "Erskine or Kapadia?")

    @classmethod
    def parse(cls, text: str) -> Query:
        """The question's terms and words. What is only said around the question itself counts less:
        a sentence without a question mark beside one with it, a clause that recalls or claims, and
        a guessed number or year."""
        parts = _parts(plain(text))
        words = tuple(word for part in parts for word in part.words)
        cleaned = " ".join(words)
        offers = any(_OR.search(" ".join(part.words)) for part in parts)
        if len(parts) == 1:
            terms = parts[0].terms
            if parts[0].role == "asks":  # most questions: one clause that asks
                return cls(text, cleaned, terms, words, offers_choices=offers)
        else:  # a concept or an episode number spans no clause ("wie, viele"): the clauses' terms
            terms = tuple(dict.fromkeys(term for part in parts for term in part.terms))
        asked: set[str] = set()
        numbers: dict[Role, set[str]] = {"asks": set(), "checks": set(), "leads": set(), "context": set()}
        claim_terms: set[str] = set()
        opened: set[str] = set()
        led: set[str] = set()
        for part in parts:
            numbers[part.role].update(n for w in part.words if (n := number_of(w)) is not None)
            if part.role in ("asks", "checks"):
                asked.update(part.terms, part.words)
            elif part.role == "leads":
                led.update(part.terms, part.words)
            (claim_terms if part.role == "checks" else opened).update(part.terms)
        # A yes/no question's year may be what it asks about ("did Porsche win in 2015?"); beside a
        # question that asks "when", "who", … it is a guess at the answer ("when was it announced? 2016?").
        open_question = any(part.role == "asks" for part in parts)
        checked = {n for n in numbers["checks"] if open_question or not is_year(n)}
        # so is a number said before a short question ("schon ab 2012 vor Ort. In welchen Jahren?")
        guesses = frozenset((checked | numbers["context"] | numbers["leads"]) - numbers["asks"])
        claims = frozenset(claim_terms - opened)
        asked.difference_update(guesses, (w for w in words if number_of(w) in guesses))
        disputed = claims if open_question else frozenset()
        if not _says_something(asked.intersection(terms)):
            asked |= led  # "Der Sohn eines Weltmeisters ist dabei. Wer ist es?"
        # nothing asked nor led to that says something: every word weighs fully
        weights = (
            {item: LEAD_WEIGHT if item in led else CONTEXT_WEIGHT for item in (*terms, *words) if item not in asked}
            if _says_something(asked.intersection(terms))
            else {}
        )
        return cls(text, cleaned, terms, words, weights, guesses, claims, disputed, offers)

    def weight(self, term_or_word: str) -> float:
        return self.weights.get(term_or_word, 1.0)

    @property
    def episode(self) -> int | None:
        return next((int(t[3:]) for t in self.terms if t.startswith("#ep")), None)

    @property
    def years(self) -> tuple[str, ...]:
        """The years asked about: a guessed one ("2016, oder?") or one only said around the question
        excludes nothing."""
        return tuple(t for t in self.terms if is_year(t) and t not in self.guesses and self.weight(t) > CONTEXT_WEIGHT)

    @property
    def either_years(self) -> frozenset[str]:
        """Years asked about as alternatives ("the 2016 or 2017 race"): an entry needs only one."""
        return frozenset(year for pair in _EITHER_YEARS.findall(self.cleaned) for year in pair)

    def with_context(self, previous: Query, replaced: frozenset[str] = frozenset()) -> Query:
        """This question read together with `previous`: its own terms lead, the earlier question's
        subject joins at a lower weight. An earlier question word ("?when") or episode gives way to
        this question's own, and so do the `replaced` terms (an earlier name this question names
        another of: "and Porsche?") and an earlier year when this question names one ("und 2017?")."""
        own_kinds = {t[0] for t in self.terms if t[0] in "?#"}
        own_year = any(is_year(t) for t in self.terms)

        def kept(item: str) -> bool:
            return (
                PREVIOUS_WEIGHT * previous.weight(item) >= _LEAST_BORROWED
                and item not in replaced
                and not (own_year and is_year(item))
            )

        borrowed = [t for t in previous.terms if t not in self.terms and t[0] not in own_kinds and kept(t)]
        words = [w for w in previous.words if w not in self.words and kept(w) and stem(w) not in replaced]
        weights = self.weights | {item: PREVIOUS_WEIGHT * previous.weight(item) for item in (*borrowed, *words)}
        return Query(
            f"{previous.text} … {self.text}",
            f"{previous.cleaned} {self.cleaned}",
            (*self.terms, *borrowed),
            (*self.words, *words),
            weights,
            self.guesses,
            self.checked,
            self.disputed,
            self.offers_choices,
        )


@dataclass(frozen=True, slots=True)
class _Part:
    """A clause of the question, cleaned and cut into terms, and what it does."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    role: Role


def _parts(folded: str) -> list[_Part]:
    """The text's clauses, each with what it does: asks (a sentence with a question mark or put as a
    question, or any when none is), checks a guess (a yes/no question), leads to a short question
    (the sentence before "Wie heißt er?") or only says something around the question (another
    sentence, a greeting, a clause that recalls or claims: "ich glaube, …", "I read 100k").
    `folded` is the text as `plain` leaves it."""
    sentences = [s for s in _SENTENCE_END.split(_REPLYING.sub("", folded.strip())) if s.strip()]
    cuts = []
    offered: list[list[tuple[str, tuple[str, ...]]]] = []  # lettered choices: "A) Netflix B) Amazon C) DAZN"
    asking = []
    for sentence in sentences:
        letters = list(_LETTERED.finditer(sentence))
        choices = sentence[letters[0].start() :] if len(letters) > 1 else ""
        head = sentence[: len(sentence) - len(choices)]
        offered.append([(cleaned, terms_of_cleaned(cleaned))] if (cleaned := clean_plain(choices)) else [])
        clauses = [cleaned for clause in _CLAUSE.split(head) if (cleaned := clean_plain(clause))]
        cuts.append([(clause, terms_of_cleaned(clause)) for clause in clauses])
        said = " ".join(clauses + [clause for clause, _ in offered[-1]])
        asking.append(sentence.rstrip().endswith("?") or _INDIRECT.search(said) is not None)
    if not any(asking):
        asking = [True] * len(sentences)
    beside_another = sum(asking) > 1
    first_asking = asking.index(True) if sentences else 0
    asked_terms = {t for cut, asks in zip(cuts, asking, strict=True) if asks for _, found in cut for t in found}
    short = sum(t[0] not in "?#" for t in asked_terms) <= SHORT_QUESTION
    read = []
    for place, (cut, asks) in enumerate(zip(cuts, asking, strict=True)):
        clauses = [clause for clause, _ in cut]
        role: Role = "leads" if short and place < first_asking else "context"
        if asks:
            role = "checks" if _checks(" ".join(clauses), cut, beside_another) else "asks"
        hedges = [_hedged(clause) for clause in clauses]
        read.append((cut, asks, role, hedges))
    # A question made only of what is said around one still asks it ("I think it was 2016?", "Webber
    # said you can smell something, what was it?"); beside another that asks, it is said around that.
    asked = [found for cut, asks, _, hedges in read if asks for (_, found), h in zip(cut, hedges, strict=True) if not h]
    if not any(map(_says_something, asked)):
        read = [(cut, asks, role, [h and not asks for h in hedges]) for cut, asks, role, hedges in read]
    parts: list[_Part] = []
    for (cut, _, role, hedges), lettered in zip(read, offered, strict=True):
        # the choices a question offers are claims to check ("… – 4, 6 oder 8?", "Erskine or Kapadia?"),
        # and so is, beside a clause that asks, one of nothing but a number ("which year, 2016?")
        choices = _choices(cut) if role == "asks" else [False] * len(cut)
        for (clause, found), hedge, choice in zip(cut, hedges, choices, strict=True):
            guess = choice or (role == "asks" and len(cut) > 1 and bool(found) and all(t.isdigit() for t in found))
            parts.append(_Part(tuple(clause.split()), found, "context" if hedge else "checks" if guess else role))
        parts += [_Part(tuple(clause.split()), found, "checks") for clause, found in lettered]
    return parts


def _choices(cut: list[tuple[str, tuple[str, ...]]]) -> list[bool]:
    """Which clauses after the first offer choices: the last one with "or" ("6 oder 8", "Stuck or
    Rast") of a few words, and the bare ones right before it ("Lotterer, Stuck oder Rast")."""
    marks = [False] * len(cut)
    last = next((k for k in range(len(cut) - 1, 0, -1) if _OR.search(cut[k][0]) and len(cut[k][1]) <= 4), None)
    if last is not None:
        marks[last] = True
        before = last - 1
        while before >= 1 and len(cut[before][1]) <= 2 and not any(t[0] == "?" for t in cut[before][1]):
            marks[before] = True
            before -= 1
    return marks


def _hedged(clause: str) -> bool:
    """Whether the clause is only said around the question: it recalls, claims, reports or greets."""
    return _HEDGE.match(clause) is not None or _REPORTED.match(clause) is not None or _courteous(clause)


def _says_something(found: Iterable[str]) -> bool:
    """Whether any of the terms is a word of its own, not only a question word or an episode."""
    return any(term[0] not in "?#" for term in found)


def _courteous(clause: str) -> bool:
    return len(clause.split()) <= _MOST_COURTESY_WORDS and _COURTESY.match(clause) is not None


def _checks(cleaned: str, cut: list[tuple[str, tuple[str, ...]]], beside_another: bool) -> bool:
    """A yes/no question ("War das schon 2016?", "isn't it?"), or beside another question a bare
    guess ("2016?"): nothing in it asks "when", "who", "how many" … `cleaned` is the sentence
    cleaned, `cut` its clauses with their terms."""
    words = cleaned.split()
    if not words or any(term[0] == "?" for _, found in cut for term in found):
        return False
    return (beside_another and len(words) <= 2) or asks_yes_or_no(words, cleaned)
