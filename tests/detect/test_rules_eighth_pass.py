"""The rule detector's eighth-pass shortcut (issue 14): the dictionaries' normalised text is
made from the lower-cased text the detector already has, through a byte table for ASCII notes;
it must be ``normalize``'s text, character for character, for every note."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.dictionary import _TABLE, lower_same_length, normalize, normalize_lower
from fairdeid.document import Document


def _old_normalize(text: str) -> str:
    return lower_same_length(text).translate(_TABLE)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_normalize_lower_is_normalize(text: str) -> None:
    assert normalize_lower(lower_same_length(text)) == _old_normalize(text)
    assert normalize(text) == _old_normalize(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_byte_table_is_the_dict_table(text: str) -> None:
    assert normalize_lower(lower_same_length(text)) == _old_normalize(text)


def test_every_ascii_character_and_the_unicode_punctuation() -> None:
    every = "".join(map(chr, range(128))) + "\u2018\u2019\u201c\u201d\u2013\u00a0İ·"
    assert normalize(every) == _old_normalize(every)
    assert len(normalize(every)) == len(every)


def test_detector_finds_dictionary_names_in_ascii_and_other_notes() -> None:
    detector = RuleDetector.from_config({})
    for text in ("Seen with John Smith, MD.", "Seen with John Smith, MD. Caf\u00e9."):
        spans = detector.detect(Document("d", text))
        assert any(text[s.start : s.end] == "John Smith" for s in spans), text
