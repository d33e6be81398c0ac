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
from typing import NamedTuple

from fairdeid.document import Span
from fairdeid.taxonomy import coarse

_DIGITS = re.compile(r"\d+")


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
    if not any(c.isalpha() for c in text):
        return None
    from fairdeid.detect.rules.spoken import finder_for  # the rules import the documents

    finder = finder_for(language) or finder_for("en")
    found = finder.first_number(text) if finder is not None else None
    if found is None:
        return None
    value, start, end = found
    return AgeReading(value, start, end, True)


def age_value(span: Span, text: str, language: str) -> int | None:
    """The age in years an AGE span of ``text`` says, or None (another label, or no number)."""
    if coarse(span.label) != "AGE":
        return None
    found = read_age(text[span.start : span.end], language)
    return None if found is None else found.value


def is_young_age(span: Span, text: str, min_age: int, language: str) -> bool:
    """An AGE span whose value is below ``min_age`` ("34-year-old", "sesenta y tres años"
    under Safe Harbor); an age without a readable value is never young."""
    value = age_value(span, text, language)
    return value is not None and value < min_age
