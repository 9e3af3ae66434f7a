"""Text normalisation shared by the index and the questions, so both sides are cut the same way.

A question becomes a list of *terms*: folded, stemmed content words plus a few language-neutral
concept terms ("?when", "#ep3") for interrogatives and episode numbers, so that "Wann…" and
"When…" or "Folge 3" and "third episode" meet in the same place.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence

from bot.core.schema import Lang

_DISCORD_MARKUP = re.compile(r"<a?:\w+:\d+>|<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b|<t:-?\d+(?::\w)?>|https?://\S+")
_NON_WORD = re.compile(r"[^\w]+")
_TWENTY_FOUR_HOURS = re.compile(r"\b24\s*(?:h|hr|hrs|hour|hours|stunden|std|heures)\b")
_SPACES = re.compile(r"\s+")

# Interrogatives carry the question's intent; they map to one term in both languages.
_CONCEPTS: tuple[tuple[str, str], ...] = (
    ("wie viele", "?count"),
    ("wie viel", "?count"),
    ("how many", "?count"),
    ("wieviele", "?count"),
    ("wieviel", "?count"),
    ("how much", "?count"),
    ("anzahl", "?count"),
    ("number of", "?count"),
    ("wie lange", "?duration"),
    ("wie lang", "?duration"),
    ("how long", "?duration"),
    ("wie alt", "?age"),
    ("how old", "?age"),
    ("wie gross", "?size"),
    ("how tall", "?size"),
    ("how big", "?size"),
    ("wie schnell", "?speed"),
    ("how fast", "?speed"),
    ("top speed", "?speed"),
    ("hochstgeschwindigkeit", "?speed"),
    ("wie schwer", "?weight"),
    ("how heavy", "?weight"),
    ("was kostet", "?cost"),
    ("wie teuer", "?cost"),
    ("how expensive", "?cost"),
    ("kostet", "?cost"),
    ("cost", "?cost"),
    ("costs", "?cost"),
    ("price", "?cost"),
    ("preis", "?cost"),
    ("geboren", "?born"),
    ("born", "?born"),
    ("birthday", "?born"),
    ("geburtstag", "?born"),
    ("fur wen", "?audience"),
    ("an wen", "?audience"),
    ("for whom", "?audience"),
    ("worum", "?about"),
    # Now and the days ahead: no source can speak of them ("wer wird dieses Jahr Weltmeister?").
    ("dieses jahr", "?now"),
    ("this year", "?now"),
    ("nachstes jahr", "?now"),
    ("next year", "?now"),
    ("tomorrow", "?now"),
    ("tonight", "?now"),
    ("this weekend", "?now"),
    ("next weekend", "?now"),
    ("dieses wochenende", "?now"),
    ("nachstes wochenende", "?now"),
    ("nachste saison", "?now"),
    ("kommende saison", "?now"),
    # No source speaks of the weather, and "Wetter" is too everyday a word to weigh as unknown.
    ("wetter", "?weather"),
    ("weather", "?weather"),
    ("forecast", "?weather"),
    ("wettervorhersage", "?weather"),
    # Nor of accounts, bills and devices: help with Prime Video itself is another subject.
    ("kundigen", "?support"),
    ("kundige", "?support"),
    ("passwort", "?support"),
    ("password", "?support"),
    ("einloggen", "?support"),
    ("login", "?support"),
    ("rechnung", "?support"),
    ("billing", "?support"),
    ("refund", "?support"),
    ("erstattung", "?support"),
    ("buffering", "?support"),
    ("ruckelt", "?support"),
    ("fehlercode", "?support"),
    ("seit wann", "?since"),
    ("since when", "?since"),
    ("wann", "?when"),
    ("when", "?when"),
    ("what year", "?when"),
    ("which year", "?when"),
    ("welches jahr", "?when"),
    ("welchem jahr", "?when"),
    ("wer", "?who"),
    ("wem", "?who"),
    ("wen", "?who"),
    ("wessen", "?who"),
    ("who", "?who"),
    ("whos", "?who"),
    ("whom", "?who"),
    ("whose", "?who"),
    ("wo", "?where"),
    ("woher", "?where"),
    ("wohin", "?where"),
    ("where", "?where"),
    ("wheres", "?where"),
    ("warum", "?why"),
    ("wieso", "?why"),
    ("weshalb", "?why"),
    ("why", "?why"),
)
_CONCEPT_OF = dict(_CONCEPTS)

_CARDINALS = {
    "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9, "01": 1, "02": 2, "03": 3,
    "04": 4, "05": 5, "06": 6, "eins": 1, "one": 1, "zwei": 2, "two": 2, "drei": 3, "three": 3,
    "vier": 4, "four": 4, "funf": 5, "five": 5, "sechs": 6, "six": 6,
}  # fmt: skip
_ORDINALS = {
    "erste": 1, "ersten": 1, "erster": 1, "erstes": 1, "first": 1, "1st": 1,
    "zweite": 2, "zweiten": 2, "zweiter": 2, "zweites": 2, "second": 2, "2nd": 2,
    "dritte": 3, "dritten": 3, "dritter": 3, "drittes": 3, "third": 3, "3rd": 3,
    "vierte": 4, "vierten": 4, "vierter": 4, "viertes": 4, "fourth": 4, "4th": 4,
    "funfte": 5, "funften": 5, "funfter": 5, "funftes": 5, "fifth": 5, "5th": 5,
    "sechste": 6, "sechsten": 6, "sechster": 6, "sechstes": 6, "sixth": 6, "6th": 6,
}  # fmt: skip
_NUMBERS = {**_CARDINALS, **_ORDINALS}


def _alternatives(words: dict[str, int]) -> str:
    return "(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")"


_NOUN = r"(?:folge|folgen|episode|episoden|episodes|ep|eps|teil|part)"
_SINGULAR_NOUN = r"(?:folge|episode|ep|teil|part)"
# "Folge 3", "episode three", "3. Folge", "third episode", "die dritte neue Folge", "S01E03";
# a cardinal before a plural noun ("sechs Folgen") is a count, not an episode.
_EPISODE_RES = (
    re.compile(r"\bs0?1\s*e0?(\d)\b"),
    re.compile(rf"\b{_NOUN}\s*(?:nr|no|nummer|number)?\s*{_alternatives(_NUMBERS)}\b"),
    re.compile(rf"\b{_alternatives(_NUMBERS)}\s+{_SINGULAR_NOUN}\b"),
    re.compile(rf"\b{_alternatives(_ORDINALS)}\s+\w+\s+{_NOUN}\b"),
)

_STOPWORDS = frozenset(
    """
    a about all also am an and any anything are as at be been being but by can could did do does doing
    done for from get got had has have he her here him his i if in into is it its just know like me
    more my of on one or our out please s say she so some tell than that the their them then there
    these they this those to too us very was we were what whats which will with would you your yours
    tho though actually really exactly again ever how know knows
    ab aber alle als also am an auch auf aus bei bin bis bitte da dann das dass dem den der des die
    dies diese diesem diesen dieser dieses doch du ein eine einem einen einer eines er es etwa etwas
    euch fur gab gibt gibts habe haben hat hatte hatten hier ich ihr im in ist ja jemand kann
    kannst konnen konnte man mal mir mit mochte nach nicht noch nur ob oder schon sein seine seinen
    seiner sich sie sind so soll sollte uber um und uns unter vom von vor war waren was weiss welche
    welchem welchen welcher welches wenn werden wie wir wird wurde wurden zu zum zur eigentlich
    genau denn nochmal eig eigtl hey hi hallo hello yo ok okay pls plz bot weisst wisst
    lol lmao rofl haha xd omg ngl tbh imo idk btw fyi bro bruh dude mate guys folks yeah yep yup yes
    nah nope right correct isnt didnt wasnt doesnt arent werent dont cant wont hmm um uh like kinda
    sorta literally basically anyway quick question wondering curious remind forgot again
    thanks thx cheers someone anyone somebody anybody guy guys dude dudes bloke lad chap fella kid kids boy
    digga alter leute kurze frage nee ne jo jep gell oda richtig stimmt stimmts danke merci servus
    moin gruezi grussgott weiss jemand irgendwer wisst ihr sag mir sagt mal kurz halt eben bissl
    bisschen irgendwie quasi echt wirklich typ typen kerl kerle junge bursche bzw usw zb
    isch gsi het hend hei gha cho vo uf bim de d z em en nid nod ned scho au oppis opper zame hoi
    nomol gits ma hob
    beim ins ans ums durchs furs aufs ubers vorm aufm ubern unterm hinterm ausm nachm
    uberhaupt wohl bloss gar ding dings
    something somewhere sometimes somehow whatever whoever wherever remember remembered sure
    trying try keep bit bits well believe assume assuming hear heard seem seems seemed ago during
    moment fairly pretty insist apparently genuinely absolutely maybe guess wonder myself
    surely reckon vaguely gonna wanna
    isn didn wasn doesn aren weren haven hasn hadn couldn wouldn shouldn ve re ll
    thing things stuff back way went go gone
    mich dich dort damals mein meine meinem meinen meiner dein deine
    glaube glaub irgendwas irgendwann irgendwo hab erinnere erinnern gelesen vielleicht paar
    geschafft jedenfalls behauptet nich sicher gehort korrekt verwechsle verwechsel verwechselt
    sagen erklaren verraten mitteilen beantworten helfen help explain
    guten herren damen geehrte geehrter geehrtes sehr liebe lieber dear voraus advance
    wusste wussten gern gerne interessieren interessiert interessiere
    dat warn nem nen herr herrn tatsachlich wenigstens drin gabs sorry actual
    quizfrage trivia iirc afaik imho fwiw somethin nothin
    konnten konntet wissen gewesen freundlich freundlicherweise freundlichen grussen beziehungsweise
    irgendetwas erbitte auskunft einfach durch geworden ahm
    kindly grateful gentleman gentlemen madam should learn correctly supposedly saw up
    wait ages used use plus little always getting away usual ask dumb mind bunch official offiziell offizielle
    gemass zeitlich hauptsachlich erreicht ursprunglich
    """.split()
)

# Phrases that say nothing of the question, though "Tag", "morning" or "recht" alone may.
_SAYS_NOTHING = frozenset(
    (
        *("guten tag", "guten morgen", "guten abend", "good morning", "good afternoon", "good evening"),
        *("wer hat recht", "wer hat denn recht", "who is right", "whos right", "who s right"),
        *("true or false", "wahr oder falsch", "richtig oder falsch", "fill in the blank", "fill in"),
        *("bonus round", "bonusfrage"),
    )
)

_ASKING_VERBS = frozenset("name list nenne nenn nennen erzahl erzahle".split())

# Suffixes removed from longer words, longest first: enough to meet "Folgen"/"Folge",
# "released"/"release", "Produzentin"/"Produzent" or a dropped g ("drivin'"/"driving") without a
# full stemmer for two languages.
_SUFFIXES = (
    "ungen",
    "ation",
    "ions",
    "ings",
    "ung",
    "ion",
    "ing",
    "ern",
    "ers",
    "ies",
    "en",
    "er",
    "es",
    "ed",
    "in",
    "or",
    "e",
    "s",
)

# How a yes/no question starts or ends (as `clean` leaves it): "Is it on Netflix?", "sieben Folgen, oder?".
_YES_NO_OPENERS = frozenset(
    """is are was were did does do has have had can could will would isnt arent wasnt didnt doesnt
    ist sind war waren hat haben hatte hatten gibt gab kommt kam kann wird wurde wurden lauft lief fuhr
    fuhren gewann gewannen stimmt true wahr richtig""".split()
)
_YES_NO_TAGS = (
    *("right", "correct", "isnt it", "arent they", "didnt they", "wasnt it", "yeah", "or not"),
    *("oder", "richtig", "gell", "ne", "oder nicht"),
)


def asks_yes_or_no(words: Sequence[str], cleaned: str) -> bool:
    """Whether a question is put as a yes/no one: by its first word, or how its cleaned text ends."""
    return bool(words) and (words[0] in _YES_NO_OPENERS or cleaned.endswith(_YES_NO_TAGS))


_GERMAN_MARKERS = frozenset(
    """der die das und ist wer wie wann wo welche welcher welches gibt es ein eine nicht mit von zu den
    dem des auch noch hat haben kann ich du sie serie folge folgen kommt kam lauft man sind wird wurde
    uber fur gedreht heisst woher warum seit mal ab doku zum zur im vom bei wieviele wieviel""".split()
)
_ENGLISH_MARKERS = frozenset(
    """the and is who what when where which how does did do a an of it on can i you are show episode
    episodes series about whats who's was were there they with for from watch released many much long
    director directed produced made get got why whose has have this that""".split()
)


def fold(text: str) -> str:
    """Case, accents and ß folded, whitespace collapsed: "Hülkenberg" and "hulkenberg" meet."""
    # Marks go before casefolding (which turns the zalgo mark U+0345 into a Greek letter) and after
    # it (which can make new ones: "İ" → "i" + U+0307).
    folded = text.lower() if text.isascii() else _strip_marks(_strip_marks(text).casefold())  # ASCII has no marks
    return _SPACES.sub(" ", folded).strip()


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Shorthand of chat and of racing written out, and everyday words put as the knowledge puts them.
_SHORTHAND = {
    "ep": "episode", "eps": "episodes", "lm": "le mans", "dnf": "retired", "dnfs": "retired",
    "p1": "first place", "p2": "second place", "p3": "third place", "og": "original",
    "prod": "production", "docu": "documentary", "doc": "documentary", "docs": "documentaries",
    "b4": "before", "irl": "real", "pls": "please", "ppl": "people", "nr": "nummer", "gtr": "gt r",
    "merc": "mercedes", "mercs": "mercedes", "doco": "documentary", "docuseries": "documentary series",
    "ca": "circa", "mins": "minutes", "min": "minutes", "hrs": "hours", "yr": "year", "yrs": "years",
    # everyday words for what the knowledge calls otherwise
    "fzg": "auto", "fahrzeug": "auto", "fahrzeuge": "autos", "wagen": "auto", "bolide": "auto", "boliden": "autos",
    "podest": "podium", "podestplatz": "podium", "podestplatze": "podium", "kollege": "teamkollege",
    "kollegen": "teamkollegen", "kollegin": "teamkollegin", "noob": "beginner", "noobs": "beginners",
    "newbie": "beginner", "newbies": "beginners", "auflage": "ausgabe", "sendung": "serie",
    "reihe": "serie", "dokureihe": "dokuserie", "dokumentarreihe": "dokuserie", "siegreiche": "sieger",
    "siegreichen": "sieger", "siegerfahrzeug": "siegerauto", "mannschaft": "team", "fahrzeugs": "autos",
    "geholt": "gewonnen", "gwunne": "gewonnen", "gwunnen": "gewonnen", "auftaucht": "vorkommt",
    "auftauchen": "vorkommen", "mitgewirkt": "mitgemacht", "gefahren": "fuhr", "fahrt": "fuhr",
    "konstruiert": "entworfen", "gebaut": "entworfen", "zocken": "gaming", "zocker": "gamer",
    "eingestampft": "eingestellt", "streamer": "streamingdienst",
    "wat": "was", "abt": "about", "frm": "from", "dt": "deutsche", "synchro": "synchronfassung",
    "prasi": "prasident",
    "staatsangehorigkeit": "nationalitat", "staatsburgerschaft": "nationalitat", "citizenship": "nationality",
    "produktionsgesellschaft": "produktionsfirma", "produktionsgesellschaften": "produktionsfirma",
    # second-language words for the series' parts and people ("how many chapters has the serie?")
    "chapter": "episode", "chapters": "episodes", "capitulo": "episode", "capitulos": "episodes",
    "episodio": "episode", "episodios": "episodes", "episodi": "episodes", "regista": "director",
    "carrera": "race",
}  # fmt: skip


# A year said aloud, as voice input writes it: "twenty fifteen", "zwanzig fünfzehn" is 2015.
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "zehn": 10, "elf": 11, "zwolf": 12, "dreizehn": 13,
    "vierzehn": 14, "funfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
}  # fmt: skip
_SPOKEN_YEAR = re.compile(rf"\b(?:twenty|zwanzig) {_alternatives(_TEENS)}\b")
_GLUED_NUMBER = re.compile(r"\b(ep|folge|episode|teil|part)(\d)\b")  # "ep1" is "ep 1"
_SERIES_NUMBER = re.compile(r"\bseries ([2-9])\b")  # British "series 2" is a second season


def clean(text: str) -> str:
    """Folded words only: Discord mentions, emoji, links and punctuation gone, shorthand written out."""
    return clean_plain(plain(text))


def plain(text: str) -> str:
    """The text folded, Discord mentions, emoji and links gone, punctuation kept (it still tells
    where a sentence ends): the part of `clean` worth doing once for a text cut into pieces."""
    return fold(_DISCORD_MARKUP.sub(" ", text))


def clean_plain(text: str) -> str:
    """`clean` of a text `plain` made."""
    words = _GLUED_NUMBER.sub(r"\1 \2", _NON_WORD.sub(" ", text).replace("_", " ")).split()
    cleaned = " ".join(_SHORTHAND.get(word, word) for word in words)
    cleaned = _SPOKEN_YEAR.sub(lambda match: str(2000 + _TEENS[match.group(1)]), cleaned)
    return _SERIES_NUMBER.sub(r"season \1", _TWENTY_FOUR_HOURS.sub("24h", cleaned))


def stem(word: str) -> str:
    if len(word) <= 4 or word[0] in "?#" or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_NUMBER_WORDS = {
    "zwei": "2", "two": "2", "drei": "3", "three": "3", "vier": "4", "four": "4", "funf": "5", "five": "5",
    "sechs": "6", "six": "6", "sieben": "7", "seven": "7", "acht": "8", "eight": "8", "neun": "9", "nine": "9",
    "zehn": "10", "ten": "10", "zwolf": "12", "twelve": "12", "zwanzig": "20", "twenty": "20",
}  # fmt: skip
_NUMBERED = re.compile(r"(\d+)(?:st|nd|rd|th|ter|ten|te|tes|er|x|k)?")  # "17th", "3x", "300k"


def number_of(word: str) -> str | None:
    """Digits for a number however written ("sieben", "seven", "7", "17th", "3x"), so both languages meet."""
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    match = _NUMBERED.fullmatch(word)
    return (match.group(1).lstrip("0") or "0") if match else None


def is_year(term: str) -> bool:
    return len(term) == 4 and term.isdigit() and term[:2] in ("19", "20")


def is_count(term: str) -> bool:
    """A number that is not a year: a detail or a claim ("sieben Folgen"), not what a question is about."""
    return term.isdigit() and not is_year(term)


# What kind of quantity a text states, so an entry whose answer gives a count or a duration
# answers "how many…"/"how long…" without an example question worded that way.
_QUANTITY_OF_ANSWER: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (concept, re.compile(pattern))
    for concept, pattern in (
        ("?duration", r"\b(?:\d+|ein|eine|einer|a|an|one|two|three|four|five|six|zwei|drei|vier|funf|sechs|gut|good)"
         r"\s+(?:\w+\s+)?(?:min|minute|minuten|minutes|stunde|stunden|hour|hours|tag|tage|tagen|day|days|woche"
         r"|wochen|week|weeks|monat|monate|monaten|month|months|jahr|jahre|jahren|year|years)\b"),
        ("?age", r"\b(?:\d+ (?:jahre alt|jahrig|years old|year old)|alter von|aged? \d+|mit \d+ jahren)\b"),
        ("?born", r"\b(?:geboren|born|jahrgang)\b"),
        ("?speed", r"\b\d+ ?(?:km/h|kmh|mph|stundenkilometer)"),
        ("?size", r"\b\d+(?:[.,]\d+)? ?(?:km|kilometer|kilometres|kilometers|meter|metres|meters|m|cm|miles|meilen)\b"),
        ("?weight", r"\b\d+(?:[.,]\d+)? ?(?:kg|kilogramm|kilograms|tonnen|tons|tonnes|pfund|lbs)\b"),
        ("?cost", r"(?:[$€£] ?\d|\b\d+(?:[.,]\d+)? ?(?:euro|dollar|dollars|pfund|pounds|usd|eur)\b)"),
    )
)  # fmt: skip


_MONTHS = (
    "januar|january|februar|february|marz|march|april|mai|may|juni|june|juli|july|august|september"
    "|oktober|october|november|dezember|december"
)
_DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+\d{{1,2}}\s+\d{{4}}\b")


def quantities(text: str) -> tuple[str, ...]:
    """The quantity concepts ("?count", "?duration", …) a knowledge text states: "?count" for any
    number that is neither a year nor a day of a date, the others by their units."""
    cleaned = fold(text)
    found = [concept for concept, pattern in _QUANTITY_OF_ANSWER if pattern.search(cleaned)]
    words = _DATE.sub(" ", clean(text)).split()  # the 9 of "9 June" counts nothing
    if any(is_count(number) for word in words if (number := number_of(word)) is not None):
        found.append("?count")
    return tuple(found)


def episode_number(cleaned: str) -> tuple[int | None, str]:
    """Find an episode number in any usual form; return it and the text without the number words."""
    for pattern in _EPISODE_RES:
        match = pattern.search(cleaned)
        if match:
            raw = match.group(1)
            number = int(raw) if raw.isdigit() else _NUMBERS[raw]
            if pattern is _EPISODE_RES[0]:
                return number, f"{cleaned[: match.start()]} episode {cleaned[match.end() :]}"
            start, end = match.span(1)
            return number, f"{cleaned[:start]} {cleaned[end:]}"
    return None, cleaned


def terms(text: str) -> tuple[str, ...]:
    """The terms a text is matched by, in order, without duplicates."""
    return terms_of_cleaned(clean(text))


def terms_of_cleaned(cleaned: str) -> tuple[str, ...]:
    """`terms` of an already cleaned text. Interned: an index holds each distinct term once."""
    episode, cleaned = episode_number(cleaned)
    found: list[str] = [f"#ep{episode}"] if episode is not None else []
    words = cleaned.split()
    if len(words) > 1 and words[0] in _ASKING_VERBS and words[1] in _STOPWORDS:
        words = words[1:]  # "Name the three-time winner", "Nenne alle Teams": a request to tell, not a name
    i = 0
    while i < len(words):
        said = next((n for n in (4, 3, 2) if " ".join(words[i : i + n]) in _SAYS_NOTHING), 0)
        if said:
            i += said
            continue
        pair = " ".join(words[i : i + 2])
        if pair in _CONCEPT_OF:
            found.append(_CONCEPT_OF[pair])
            i += 2
            continue
        word = words[i]
        if word in _CONCEPT_OF:
            found.append(_CONCEPT_OF[word])
        elif word not in _STOPWORDS and (len(word) > 1 or word.isdigit()):
            stemmed = stem(word)
            found.append(number_of(word) or number_of(stemmed) or stemmed)  # "dreien" is "drei", 3
        i += 1
    if not found and "about" in words:  # "what's it about?": a question, though every word is a filler
        found.append("?about")
    if words[-1:] == ["for"] and "?who" in found:  # "who is it for?": whom it is for, not who is in it
        found[found.index("?who")] = "?audience"
    return tuple(map(sys.intern, dict.fromkeys(found)))


def detect_language(
    text: str,
    fallback: Lang,
    lexicon: Mapping[str, Lang] | None = None,
    cleaned: str | None = None,
    text_terms: tuple[str, ...] | None = None,
) -> Lang:
    """German or English by function words, umlauts and `lexicon` (terms known in one language
    only, e.g. "erscheinungsdatum"); `fallback` when the text does not tell. A caller that has
    cleaned the text and cut its terms already passes them, so nothing is done twice."""
    lowered = text.casefold()
    cleaned = clean(text) if cleaned is None else cleaned
    words = cleaned.split()
    german = sum(w in _GERMAN_MARKERS for w in words) + 2 * sum(c in "äöüß" for c in lowered)
    english = sum(w in _ENGLISH_MARKERS for w in words)
    if lexicon:
        found = terms_of_cleaned(cleaned) if text_terms is None else text_terms
        known = [lexicon[term] for term in found if term in lexicon]
        german += known.count("de")
        english += known.count("en")
    if german > english:
        return "de"
    if english > german:
        return "en"
    return fallback
