"""Language identification's eighth-pass shortcuts (issue 14) find the same words and take the
same English shortcut as the plain code: an ASCII-only word pattern for ASCII samples, and the
English test lower-casing the sample in one call and counting in C."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.lang.identify import (
    _ASCII_WORD,
    _ENGLISH_MIN,
    _ENGLISH_ONLY,
    _ENGLISH_SHARE,
    _FOREIGN,
    _WORD,
    LanguageIdentifier,
    _plainly_english,
)
from fairdeid.lang.packs import available_languages


def _old_plainly_english(words: Sequence[str]) -> bool:
    sample = [word.lower() for word in words[:200]]
    hits = sum(word in _ENGLISH_ONLY for word in sample)
    if hits < _ENGLISH_MIN or hits < _ENGLISH_SHARE * len(sample):
        return False
    foreign = sum(word in _FOREIGN for word in sample)
    return foreign <= max(2, 0.2 * hits)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_word_pattern_finds_the_unicode_patterns_words(text: str) -> None:
    assert _ASCII_WORD.findall(text) == _WORD.findall(text)


def test_ascii_word_pattern_on_word_shapes() -> None:
    text = "O'Neil's x-ray re-check 12abc de_la the--end a b9c Dr. ab'"
    assert _ASCII_WORD.findall(text) == _WORD.findall(text)


_VOCABULARY = sorted(_ENGLISH_ONLY | _FOREIGN) + ["Patient", "İstanbul", "ẞtraße", "NA", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_VOCABULARY).map(lambda w: w.title() if len(w) % 2 else w),
                max_size=260))
def test_english_shortcut_decides_as_before(words: list[str]) -> None:
    assert _plainly_english(words) == _old_plainly_english(words)


def test_english_shortcut_on_long_and_unicode_samples() -> None:
    english = ["Na", *["the", "patient", "and", "her", "family", "were", "seen"] * 40]
    assert _plainly_english(english) == _old_plainly_english(english) is True
    odd = ["İL", "the", "and", "of", "ẞ", "with"] * 10
    assert _plainly_english(odd) == _old_plainly_english(odd)


def test_identify_uses_the_same_words_for_ascii_and_other_notes() -> None:
    identifier = LanguageIdentifier(available_languages())
    ascii_note = "The patient was seen with her daughter, and she reports no pain at all."
    accented = ascii_note + " Café."
    assert identifier.identify(ascii_note).language == "en"
    assert identifier.identify(accented).language == "en"
