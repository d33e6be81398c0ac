"""The value of an age, in digits or in words: one reading for every detector and for gold.

Why one module: the preset decides on an AGE span by its value (Safe Harbor keeps ages under
90, ``strict`` removes every one), and ages reach resolve written in digits ("34-year-old"), in
words ("sesenta y tres años", "vierundneunzigjährig") from the rules, from models, or as gold
annotations scored with ``--scope preset``. Reading each span's own text here, digits first and
else the language's number words (``detect/rules/spoken.py``, the pack's ``spoken.toml``), gives
them all the same answer whoever proposed them. An age that reads as no number ("Adolescente",
"hochbetagt") has no value and is removed under every preset but ``limited_data_set``: failing
safe beats guessing.

Why the value is read, not stored on the span: ``Span.attrs`` goes into every span output
(``--spans-out``, the service's JSON), and an exact age of 90 or more is PHI that the replaced
text no longer holds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from fairdeid.document import Span
from fairdeid.taxonomy import coarse

if TYPE_CHECKING:
    from fairdeid.detect.rules.spoken import SpokenFinder

_DIGITS = re.compile(r"\d+")
#: characters either side of an AGE span searched for the rest of its number
_REACH = 60


class AgeReading(NamedTuple):
    """An age read from a text: its value in years and where its number is written."""

    value: int
    #: offsets of the number inside the text read ("noventa y dos" in "noventa y dos años")
    start: int
    end: int
    in_words: bool


def read_age(text: str, language: str) -> AgeReading | None:
    """The age ``text`` writes: its first number in digits, else its first number in the
    words of ``language`` (English without a pack's words); None when it holds neither."""
    digits = _DIGITS.search(text)
    if digits is not None:
        return AgeReading(int(digits.group()), digits.start(), digits.end(), False)
    finder = _finder(language) if any(c.isalpha() for c in text) else None
    found = finder.first_number(text) if finder is not None else None
    if found is None:
        return None
    value, start, end = found
    return AgeReading(value, start, end, True)


def age_value(span: Span, text: str, language: str) -> int | None:
    """The age in years an AGE span of ``text`` says, or None (another label, or no number).

    The whole number the span touches is read, not only the span's part of it: a model may
    tag "one" of "one hundred and two" or "forty" of "forty-seven", and the part alone would
    make a 102-year-old young. Where several numbers touch the span, the largest counts."""
    if coarse(span.label) != "AGE":
        return None
    start, end = span.start, span.end
    digits = _DIGITS.search(text, start, end)
    if digits is not None:
        lo, hi = digits.start(), digits.end()
        while lo > 0 and text[lo - 1].isdigit():
            lo -= 1
        while hi < len(text) and text[hi].isdigit():
            hi += 1
        return int(text[lo:hi])
    finder = _finder(language) if any(c.isalpha() for c in text[start:end]) else None
    if finder is None:
        return None
    lo, hi = max(0, start - _REACH), min(len(text), end + _REACH)
    while lo > 0 and text[lo - 1].isalnum():  # from a word's start
        lo -= 1
    values = [value for value, s, e in finder.numbers_in(text[lo:hi])
              if s + lo < end and e + lo > start]
    return max(values, default=None)


def is_young_age(span: Span, text: str, min_age: int, language: str) -> bool:
    """An AGE span whose value is below ``min_age`` ("34-year-old", "sesenta y tres años"
    under Safe Harbor); an age without a readable value is never young."""
    value = age_value(span, text, language)
    return value is not None and value < min_age


def _finder(language: str) -> SpokenFinder | None:
    """The language's number words (English where its pack has none)."""
    from fairdeid.detect.rules.spoken import finder_for  # the rules import the documents

    return finder_for(language) or finder_for("en")
