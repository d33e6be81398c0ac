"""Post steps: what a pattern rule does to its span after the regex, context and validator.

Why steps are declared in the data (``post = ["trim_leads"]`` on a ``[[rule]]``) rather than
chosen by rule name or label in the detector: a language pack or a site's extra pattern file can
use them on its own rules, and the detector holds no list of special rule names. The words the
steps read (lead words, generic place words, ambiguous state codes) are data too, from the
``[places]`` table of ``patterns.toml``; the steps themselves are language-independent.

A step gets the match and the current span and returns the new span; an empty span drops the
rule's main span (its ``group_labels`` spans are still reported), and ``None`` rejects the match
altogether, as a validator would. Steps run in the order the rule lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

#: a trailing ", 12345" after "City, ST" (a ZIP makes an ambiguous state code a state)
_ZIP_AFTER = re.compile(r"\.?,?\s{1,2}\d{5}")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class PlaceWords:
    """The word lists the post steps read, compiled once per detector."""

    #: one or more lead words with their spaces at the start of a phrase, or None
    leads: re.Pattern[str] | None
    #: a capitalised word that is not generic ("Mercy" in "Mercy Clinic")
    distinct: re.Pattern[str]
    #: words after which a care or residence place stops ("ICU", "Home", "Monday")
    care_stop: frozenset[str]
    #: lower-case clinical words, never part of a place after a cue
    clinical: frozenset[str]
    #: state codes that also abbreviate credentials or clinical terms ("MD", "MS", "OR")
    ambiguous_states: frozenset[str]
    #: whether a phrase is a known city (the detector's dictionary)
    is_city: Callable[[str], bool]
    #: lower-case common words (stop lists, common English, clinical words), never the
    #: distinct part of a lower-case place ("the local hospital")
    common: frozenset[str] = frozenset()
    #: lower-case words a lower-case place never starts with ("to", "the", "referred", "fyi")
    lower_stop: frozenset[str] = frozenset()
    #: the dictionary kinds of a word (``Kind`` flags: first name, surname, ambiguous, ...)
    kind_of: Callable[[str], int] = lambda _word: 0
    #: lower-case words never taken as a bare name (the name stopwords: "durante", "con")
    name_stop: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        places: Mapping[str, Iterable[str]],
        care_stop: Iterable[str],
        clinical: frozenset[str],
        is_city: Callable[[str], bool],
        common: frozenset[str] = frozenset(),
        kind_of: Callable[[str], int] | None = None,
        name_stop: frozenset[str] = frozenset(),
    ) -> PlaceWords:
        generic = frozenset(w.lower() for w in places.get("generic_words", ()))
        leads = frozenset(w.lower() for w in places.get("lead_words", ()))
        return cls(
            leads=_leads_regex(places.get("lead_words", ())),
            distinct=_distinct_regex(places.get("generic_words", ())),
            care_stop=frozenset(care_stop),
            clinical=clinical,
            ambiguous_states=frozenset(places.get("ambiguous_state_codes", ())),
            is_city=is_city,
            common=common | clinical | generic | leads,
            lower_stop=clinical
            | leads
            | frozenset(w.lower() for w in places.get("lower_place_stop", ())),
            kind_of=kind_of or (lambda _word: 0),
            name_stop=name_stop,
        )


PostStep = Callable[
    [PlaceWords, str, re.Match[str], "re.Match[str] | None", int, int], "tuple[int, int] | None"
]


def trim_leads(
    words: PlaceWords, text: str, m: re.Match[str], before: re.Match[str] | None, s: int, e: int
) -> tuple[int, int] | None:
    """Drop lead words ("The", "Visited", "Our") from the start of a place."""
    if e <= s or words.leads is None:
        return s, e
    lead = words.leads.match(text[s:e])
    return (s + lead.end(), e) if lead else (s, e)


def needs_distinct_word(
    words: PlaceWords, text: str, m: re.Match[str], before: re.Match[str] | None, s: int, e: int
) -> tuple[int, int] | None:
    """Drop a place made only of generic words ("Mental Health Clinic")."""
    if e <= s:
        return s, e
    return (s, e) if words.distinct.search(text, s, e) else (s, s)


def trim_care_words(
    words: PlaceWords, text: str, m: re.Match[str], before: re.Match[str] | None, s: int, e: int
) -> tuple[int, int] | None:
    """After a care or residence verb, the place ends before a unit or clinical word
    ("admitted to ICU", "transferred to Mercy Hospital ICU")."""
    if e <= s:
        return s, e
    kept = 0
    for w in _WORD.finditer(text, s, e):
        word = w.group(0).rstrip(".,;:")
        if word in words.care_stop or word.lower() in words.clinical:
            break
        kept = w.start() - s + len(word)
    end = s + kept
    if end > s and text[s:end].lower() in words.clinical:
        return s, s
    return s, end


def state_evidence(
    words: PlaceWords, text: str, m: re.Match[str], before: re.Match[str] | None, s: int, e: int
) -> tuple[int, int] | None:
    """Reject "City, ST" when ST is also a credential or abbreviation ("Jane Doe, MD") unless
    a ZIP follows or the city is in the dictionary."""
    if text[m.start("state") : m.end("state")] not in words.ambiguous_states:
        return s, e
    if _ZIP_AFTER.match(text[m.end() : m.end() + 9]):
        return s, e
    city = ""
    if before is not None and "phi" in before.re.groupindex:
        city = text[before.start("phi") : before.end("phi")]
    return (s, e) if words.is_city(city) else None


def trim_common_lower(
    words: PlaceWords, text: str, m: re.Match[str], before: re.Match[str] | None, s: int, e: int
) -> tuple[int, int] | None:
    """A lower-case place: the words right before the place word, read backwards up to a lead
    word ("to", "the", "referred") or, once a distinct word is in, up to a common word ("he
    fell near coutts nursing home" -> "coutts nursing home"). It needs a distinct word there
    ("the local hospital", "to hospital" are no names) or a distinct place after a comma
    ("government medical college and hospital, mathura")."""
    if e <= s:
        return None
    start = m.start()
    distinct = False
    for w in reversed(list(_WORD.finditer(text, s, m.start()))):
        word = w.group(0).lower()
        if len(word) < 2 or word in words.lower_stop:
            break
        common = word in words.common
        if common and distinct:
            break
        distinct = distinct or not common
        start = w.start()
    if not distinct:
        tail = [w.group(0).lower().strip(",.") for w in _WORD.finditer(text, m.start(), e)]
        if not ("," in text[m.start() : e] and tail and tail[-1] not in words.common):
            return None
    return start, e


def known_city(
    words: PlaceWords, text: str, m: re.Match[str], before: re.Match[str] | None, s: int, e: int
) -> tuple[int, int] | None:
    """Keep the longest run of leading words that the city dictionary knows, whatever its
    case: a dictated note writes "natural de juliaca, puno" in lower case, where no capital
    marks the town, so only the dictionary can tell "juliaca" from "casa" or "pareja"."""
    if e <= s:
        return None
    spans = [
        (w.start(), w.start() + len(w.group(0).rstrip(".,;:"))) for w in _WORD.finditer(text, s, e)
    ]
    for n in range(len(spans), 0, -1):
        end = spans[n - 1][1]
        if words.is_city(text[s:end]):
            return s, end
    return None


#: dictionary kinds (``detect.rules.dictionary.Kind``) read by ``known_given_name``; plain ints,
#: so this module imports no dictionary code
_FIRST, _LAST, _NOT_NAME = 1, 2, 4 | 512 | 1024 | 2048  # ambiguous, eponym, stop, clinical


def known_given_name(
    words: PlaceWords, text: str, m: re.Match[str], before: re.Match[str] | None, s: int, e: int
) -> tuple[int, int] | None:
    """Keep the run of leading words the name dictionaries know, when the first is a given
    name: a note typed without capitals writes "su marido costel", "pareja jonathan ezequiel
    ledesma", where no capital marks the name, so only the lists can tell "thiago" from "mayor"
    or "trabaja". A word the lists hold as ambiguous (a name that is also an ordinary word of
    the language), an eponym, a stop or a clinical word, or one of the language's name
    stopwords ("la madre durante el embarazo": "Durante" is also a surname) ends the run; a
    run that does not start with a given name is no name."""
    end = s
    for i, w in enumerate(_WORD.finditer(text, s, e)):
        word = w.group(0).rstrip(".,;:")
        kind = words.kind_of(word)
        wanted = _FIRST if i == 0 else _FIRST | _LAST
        if not kind & wanted or kind & _NOT_NAME or word.lower() in words.name_stop:
            break
        end = w.start() + len(word)
    return (s, end) if end > s else None


#: step name (the value in ``post``) -> (step, named groups the rule's pattern must have)
POST_STEPS: dict[str, tuple[PostStep, frozenset[str]]] = {
    "trim_leads": (trim_leads, frozenset()),
    "needs_distinct_word": (needs_distinct_word, frozenset()),
    "trim_care_words": (trim_care_words, frozenset()),
    "state_evidence": (state_evidence, frozenset({"state"})),
    "trim_common_lower": (trim_common_lower, frozenset()),
    "known_city": (known_city, frozenset()),
    "known_given_name": (known_given_name, frozenset()),
}


def _leads_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    items = sorted({w for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    return re.compile(rf"^(?:(?:{'|'.join(re.escape(w) for w in items)})\s+)+")


def _distinct_regex(generic: Iterable[str]) -> re.Pattern[str]:
    items = sorted({w for w in generic if w}, key=len, reverse=True)
    if not items:
        return re.compile(r"\b[A-Z][\w'’.-]+")
    return re.compile(rf"\b(?!(?:{'|'.join(re.escape(w) for w in items)})\b)[A-Z][\w'’.-]+")
