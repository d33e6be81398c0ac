"""Name propagation finds the same occurrences on its three paths.

Notes up to ``SHORT_TEXT`` characters are scanned by their distinct words (``Propagator._runs``),
ASCII ones among them by the names' keys in the lower-cased note (``_runs_ascii``), longer ones
in one bounded-memory pass over every word (``_runs_long``); all must report the same runs, so a
note's spans never depend on which path its length or its characters chose.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.corpora.synth import NoteGenerator
from fairdeid.detect.rules import RuleDetector, propagation
from fairdeid.detect.rules.propagation import NameSource, Propagator

_TRICKY = (
    "Dr. José Ñúñez saw JOSE NUNEZ and jose's chart; Nuñez's wife, Núñez-Ruiz, Josefina, "
    "xJose, Jose_1, Jose-Maria, d'Nunez, Li, LI, li, Li's, Lima, ’Li’, Li-Wei, Wei Li, wei li. "
    "Smith Smithson Smith's Smith’s SMITH smith-Smith Anne-Marie Smith Anne Marie Smith\n"
)
_NAMES = ("José Ñúñez", "Li", "Anne-Marie Smith", "Smith", "Wei Li")


def _propagator() -> Propagator:
    return Propagator(
        [NameSource(name, "PATIENT") for name in _NAMES],
        is_stop=lambda tok: False,
        common=frozenset({"li"}),
    )


def test_both_paths_report_the_same_runs_on_tricky_text() -> None:
    prop = _propagator()
    text = _TRICKY * 3
    short = prop._runs(text)
    assert short == list(prop._runs_long(text))
    assert len(short) > 20  # the text exercises the paths


@pytest.mark.parametrize("seed", [0, 7])
def test_both_paths_give_the_same_spans_on_generated_notes(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    detector = RuleDetector.from_config({})
    notes = list(NoteGenerator(seed, None).generate(60))
    short = [detector.detect(note) for note in notes]
    monkeypatch.setattr(propagation, "SHORT_TEXT", 0)  # every note on the long path
    long = [detector.detect(note) for note in notes]
    assert short == long
    assert any(s.source == "rules:name.propagated" for spans in short for s in spans)


_ASCII_TRICKY = (
    "Dr. Jose Nunez saw JOSE NUNEZ and jose's chart; Nunez's wife, Nunez-Ruiz, Josefina, "
    "xJose, Jose_1, Jose-Maria, d'Nunez, Li, LI, li, Li's, Lima, 'Li', Li-Wei, Wei Li, wei li. "
    "Smith Smithson Smith's SMITH smith-Smith Anne-Marie Smith Anne Marie Smith O'Neil o'neil's\n"
)
_ASCII_NAMES = ("Jose Nunez", "Li", "Anne-Marie Smith", "Smith", "Wei Li", "O'Neil", "Zoë Ng")


def _ascii_propagator() -> Propagator:
    return Propagator(
        [NameSource(name, "PATIENT") for name in _ASCII_NAMES],
        is_stop=lambda tok: False,
        common=frozenset({"li"}),
    )


def test_the_ascii_path_reports_the_word_listing_runs() -> None:
    prop = _ascii_propagator()
    text = _ASCII_TRICKY * 3
    assert text.isascii()
    ascii_runs = prop._runs_ascii(text)
    assert ascii_runs == list(prop._runs_long(text))
    assert len(ascii_runs) > 20


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" \t\n.,'-_1SmithLiWeOnN", max_size=60))
def test_the_ascii_path_reports_the_word_listing_runs_on_any_text(text: str) -> None:
    prop = _ascii_propagator()
    assert prop._runs(text) == list(prop._runs_long(text))
