"""Whole-word multi-pattern dictionary matching with one Aho-Corasick automaton.

Why this shape: ~25k names plus places and occupations must be looked up in one pass over the
text. A loop of regexes would be thousands of scans. The automaton scans once; the word-boundary
check is built into the keys: text and keys are lower-cased and every non-alphanumeric character
becomes a space (a length-preserving mapping, so offsets stay valid), and each key is stored as
" key ". A key can then only match a whole word or phrase, so the automaton reports almost no
partial hits to filter in Python, which keeps this fast.

Scripts without spaces between words (Chinese, Japanese, Thai) only match where the name is
delimited by spaces or punctuation; the name module has a separate rule for Chinese names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick


class Kind:
    """What a dictionary entry is, as bit flags; one phrase can be several ("Georgia").

    Plain ints rather than ``enum.IntFlag``: flag arithmetic runs per dictionary hit, and
    IntFlag's operators cost a Python call each.
    """

    FIRST = 1
    LAST = 2
    AMBIGUOUS = 4
    CITY = 8
    COUNTRY = 16
    STATE = 32
    HOSPITAL = 64
    PROFESSION = 128
    CLINICAL_PROFESSION = 256
    EPONYM = 512
    STOP = 1024
    CLINICAL = 2048


NAME_KINDS = Kind.FIRST | Kind.LAST | Kind.AMBIGUOUS

# Every ASCII character that is not a letter or digit becomes a space, plus common Unicode
# punctuation. Everything else maps to itself.
_TABLE = {i: " " for i in range(128) if not chr(i).isalnum()}
for _ch in "\u2018\u2019\u201c\u201d\u2013\u2014\u00a0\u00b7\u3001\u3002\uff0c\uff1a\u0964":
    _TABLE[ord(_ch)] = " "


def lower_same_length(text: str) -> str:
    """``text.lower()`` unless that changes the length ("İ" lowers to two code points)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def normalize(text: str) -> str:
    """Lower-case and turn punctuation into spaces, keeping every offset."""
    return lower_same_length(text).translate(_TABLE)


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    kind: int  # a Kind bit set, kept as int: building IntFlag objects per hit is slow


class DictionaryMatcher:
    """Add phrases with their kind, ``build()`` once, then ``find()`` in any number of texts."""

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        self._kinds: dict[str, int] = {}
        self._built = False

    def __len__(self) -> int:
        return len(self._kinds)

    def add(self, phrase: str, kind: int) -> None:
        key = " ".join(normalize(phrase).split())
        if not key:
            return
        variants = {key}
        if "." in phrase:  # "Mt. Sinai" is also written "Mt Sinai"
            variants.add(" ".join(normalize(phrase.replace(".", "")).split()))
            variants.add(normalize(phrase).strip())  # keep the double space the period leaves
        for variant in variants:
            self._kinds[variant] = self._kinds.get(variant, 0) | kind
        self._built = False

    def add_many(self, phrases: Iterable[str], kind: int) -> None:
        for phrase in phrases:
            self.add(phrase, kind)

    def kind_of(self, word: str) -> int:
        return self._kinds.get(" ".join(normalize(word).split()), 0)

    def build(self) -> None:
        automaton = ahocorasick.Automaton()
        for key, kind in self._kinds.items():
            padded = f" {key} "
            automaton.add_word(padded, (len(padded), kind))
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton
        self._built = True

    def find(self, text: str, normalized: str | None = None) -> list[Hit]:
        """Whole-word hits in ``text`` (offsets into ``text``), sorted by start."""
        if not self._built:
            self.build()
        if not len(self._automaton):
            return []
        padded = " " + (normalized if normalized is not None else normalize(text)) + " "
        hits = []
        for end, (length, kind) in self._automaton.iter(padded):
            # key spans padded[end - length + 1 : end + 1]; drop its two boundary spaces and
            # the one-character padding offset
            start = end - length + 1
            hits.append(Hit(start, end - 1, kind))
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits
