"""Surrogates for dates and ages written in words: dates moved and written in digits, ages "90+".

A date in words ("dritten März zweitausendfünfundzwanzig") used to fall to the same-shape
fallback: random letters of the same length, which kept the note unreadable and the shift
lost. It is now read by the language's number words (``detect/rules/spoken.py``), moved like
any date, and written with its day and year in digits and its month as a word of the note's
language ("17. April 2025"). None of the original's number words reaches the output.
"""

from __future__ import annotations

import random

import pytest

from fairdeid.replace.surrogates.age import Ages
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.dates import Dates, spoken_in_digits

#: (language, date in words, the same date moved by SHIFT days)
SHIFT = 40
CASES = [
    ("en", "july ninth nineteen fifty two", "august 18th 1952"),
    ("en", "twenty-first of March, 2019", "30th of April, 2019"),
    ("en", "July twenty twenty-three", "August 2023"),
    ("de", "dritten März zweitausendfünfundzwanzig", "12. April 2025"),
    ("de", "einundzwanzigsten Juni neunzehnhundertzweiundfünfzig", "31. Juli 1952"),
    ("fr", "vingt-deux juin deux mille vingt-cinq", "1 août 2025"),
    ("fr", "premier mai", "10 juin"),
    ("nl", "negentiende november tweeduizend vijfentwintig", "29 december 2025"),
    ("it", "dodici luglio duemilaventicinque", "21 agosto 2025"),
    ("es", "veinte de mayo de dos mil veinte", "29 de junio de 2020"),
]


@pytest.mark.parametrize(("lang", "original", "moved"), CASES)
def test_a_date_in_words_is_moved_and_written_in_digits(lang: str, original: str,
                                                        moved: str) -> None:
    ctx = SurrogateContext(date_shift=SHIFT, date_order="DMY", language=lang)
    out = Dates().like(original, random.Random(1), ctx)
    assert out == moved
    # no number word of the original survives (the month is moved, so it changes too)
    number_words = {w.strip(",").lower() for w in original.split()
                    if not w.strip(",").isdigit()} - {"de", "of"}
    assert not number_words & {w.strip(",").lower() for w in out.split()}


def test_the_words_are_read_before_the_shift() -> None:
    assert spoken_in_digits("dritten März zweitausendfünfundzwanzig", "de") == "3. März 2025"
    assert spoken_in_digits("veinte de mayo de dos mil veinte", "es") == "20 de mayo de 2020"
    # text without number words is left as it is (the same-shape fallback takes it)
    assert spoken_in_digits("Christmas Eve", "en") == "Christmas Eve"
    assert spoken_in_digits("Weihnachten", "xx") == "Weihnachten"


def test_an_unreadable_date_in_words_never_echoes_its_numbers() -> None:
    """A date the parser cannot move after reading its words still loses them: the digits
    are drawn at random ("Ostern neunzehnhundertzweiundfünfzig" is no date it knows)."""
    ctx = SurrogateContext(date_shift=SHIFT, language="de")
    out = Dates().like("Ostern neunzehnhundertzweiundfünfzig", random.Random(3), ctx)
    assert "neunzehnhundert" not in out.lower()
    assert "1952" not in out


@pytest.mark.parametrize(("lang", "original"), [("en", "ninety-three"), ("de", "vierundneunzig"),
                                                ("fr", "nonante-deux"), ("es", "ciento dos")])
def test_an_age_in_words_becomes_ninety_plus(lang: str, original: str) -> None:
    """An age of 90 or more in words gets the same "90+" as one in digits, not random
    letters of its shape."""
    ctx = SurrogateContext(language=lang)
    assert Ages().like(original, random.Random(2), ctx) == "90+"
    # words that are no number keep the same-shape fallback
    assert Ages().like("hochbetagt", random.Random(2), SurrogateContext(language="de")) != "90+"
