"""Ages in words under the presets, one policy with ages in digits (``fairdeid.age_values``):
resolve reads an AGE span's value, digits first, else the language's number words, so Safe
Harbor keeps every age under 90 and removes 90 and over, ``strict`` removes all, whichever
detector proposed it. Every sentence was written for these tests."""

from __future__ import annotations

import functools
import random

import pytest

from fairdeid.age_values import AgeReading, age_value, read_age
from fairdeid.document import Document, Span
from fairdeid.evaluate.scope import scope_to_policy
from fairdeid.pipeline import Pipeline
from fairdeid.replace.surrogates.age import Ages
from fairdeid.replace.surrogates.context import SurrogateContext


@functools.cache
def _pipeline(preset: str, language: str, mode: str = "tag") -> Pipeline:
    return Pipeline.from_config(
        None, overrides={"resolve": {"preset": preset}}, detectors=["rules"], mode=mode,
        language=language)


def _ages(preset: str, language: str, text: str) -> list[str]:
    spans = _pipeline(preset, language).detect(text).document.spans
    return [text[s.start : s.end] for s in spans if s.label == "AGE"]


#: (language, text, an age under 90 in words, one of 90 or more in words); the young one is
#: proposed by ``spoken.age`` (en, de, fr) or the Spanish pack's ``age.es_words``
WORDS = [
    ("en", "A sixty-three-year-old man; his mother, aged ninety-four, came too.",
     "sixty-three", "ninety-four"),
    ("de", "Der vierzigjährige Sohn begleitet die vierundneunzigjährige Mutter.",
     "vierzig", "vierundneunzig"),
    ("fr", "Homme âgé de quarante ans, sa mère âgée de quatre-vingt-quatorze ans.",
     "quarante", "quatre-vingt-quatorze"),
    ("es", "Mujer de sesenta y tres años; su madre, mujer de noventa y dos años.",
     "sesenta y tres años", "noventa y dos años"),
]


@pytest.mark.parametrize(("language", "text", "young", "old"), WORDS)
def test_safe_harbor_keeps_a_young_age_in_words_and_removes_an_old_one(
    language: str, text: str, young: str, old: str
) -> None:
    removed = _ages("safe_harbor", language, text)
    assert any(old in r for r in removed)
    assert not any(young in r for r in removed)


@pytest.mark.parametrize(("language", "text", "young", "old"), WORDS)
def test_strict_removes_every_age_in_words(
    language: str, text: str, young: str, old: str
) -> None:
    removed = _ages("strict", language, text)
    assert any(old in r for r in removed)
    assert any(young in r for r in removed)


@pytest.mark.parametrize(
    ("language", "text", "value"),
    [
        ("en", "sixty-three", 63), ("en", "ninety-four", 94), ("en", "34-year-old", 34),
        ("de", "Vierundneunzigjährige", 94), ("de", "vierzig", 40),
        ("fr", "quatre-vingt-quatorze ans", 94), ("fr", "soixante et onze", 71),
        ("es", "sesenta y tres años", 63), ("es", "ciento un años", 101),
        ("es", "un mes de vida", 1), ("nl", "vijfenzestigjarige", 65),
        ("it", "novantaquattro anni", 94),
    ],
)
def test_an_age_span_has_the_value_its_words_say(language: str, text: str, value: int) -> None:
    note = f"Seen: {text}."
    span = Span(6, 6 + len(text), "AGE", "rules:x")
    assert age_value(span, note, language) == value


@pytest.mark.parametrize(
    ("text", "part", "value"),
    [
        ("Seen this week, one hundred and two-yr-old on oxygen.", "one", 102),
        ("Seen this week, one hundred and\ntwo-yr-old on oxygen.", "one", 100),
        ("Ms Greig forty-seven-year-old, osteoarthritis.", "seven", 47),
        ("A 102-year-old.", "10", 102),
    ],
)
def test_a_span_over_part_of_a_number_has_the_whole_numbers_value(text: str, part: str,
                                                                   value: int) -> None:
    """A model may tag one word of an age: "one" alone would make a 102-year-old young and
    keep a word of it under Safe Harbor."""
    start = text.index(part)
    span = Span(start, start + len(part), "AGE", "transformer:x")
    assert age_value(span, text, "en") == value
    resolver = _pipeline("safe_harbor", "en").resolver
    assert resolver.keeps(text, span) is (value < 90)


def test_no_value_where_the_span_says_no_number() -> None:
    """"Adolescente" is an age to MEDDOCAN but no number: no value, so no preset keeps it."""
    assert read_age("Adolescente", "es") is None
    assert age_value(Span(0, 10, "AGE"), "hochbetagt", "de") is None
    assert age_value(Span(0, 5, "DATE"), "sixty", "en") is None  # not an age
    assert read_age("noventa y dos años", "es") == AgeReading(92, 0, 13, True)


def test_an_unreadable_age_is_removed_under_safe_harbor() -> None:
    """Failing safe: a value the resolver cannot read is never "under 90"."""
    resolver = _pipeline("safe_harbor", "de").resolver
    assert not resolver.keeps("Patientin hochbetagt", Span(10, 20, "AGE"))
    assert resolver.keeps("Patientin vierzig", Span(10, 17, "AGE"))


def test_the_preset_scope_reads_gold_ages_in_words_too() -> None:
    """``--scope preset`` asks the resolver the same question, so a gold age in words under
    90 leaves the gold as one in digits does (MEDDOCAN marks them all)."""
    text = "Mujer de sesenta y tres años, madre de noventa y dos años, 45 años de edad."
    gold = Document(id="g", text=text, spans=(
        Span(9, 28, "AGE"), Span(39, 57, "AGE"), Span(59, 61, "AGE")))
    pred = Document(id="g", text=text)
    scoped, _, report = scope_to_policy([gold], [pred], [_pipeline("safe_harbor", "es").resolver])
    assert [text[s.start : s.end] for s in scoped[0].spans] == ["noventa y dos años"]
    assert report.gold_dropped == {"AGE": 2}


@pytest.mark.parametrize(
    ("language", "original", "expected"),
    [
        ("es", "noventa y dos años", "90+ años"), ("fr", "quatre-vingt-quatorze", "90+"),
        ("de", "vierundneunzig", "90+"), ("en", "ninety-four", "90+"),
    ],
)
def test_an_old_age_in_words_becomes_ninety_plus(language: str, original: str,
                                                  expected: str) -> None:
    ctx = SurrogateContext(language=language)
    assert Ages().like(original, random.Random(1), ctx) == expected


def test_a_young_age_in_words_moves_and_is_written_in_digits() -> None:
    ctx = SurrogateContext(language="es", age_offset=2)
    assert Ages().like("sesenta y tres años", random.Random(1), ctx) == "65 años"


def test_surrogate_mode_writes_ninety_plus_for_an_old_age_in_words() -> None:
    out = _pipeline("strict", "es", "surrogate").deidentify(
        "Mujer de noventa y dos años con disnea.").text
    assert "90+ años" in out
    assert "noventa" not in out
