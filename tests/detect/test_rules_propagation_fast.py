"""Name propagation finds the same occurrences on its two paths.

Notes up to ``SHORT_TEXT`` characters are scanned by their distinct words (``Propagator._runs``),
longer ones in one bounded-memory pass over every word (``_runs_long``); both must report the
same runs, so a note's spans never depend on which path its length chose.
"""

from __future__ import annotations

import pytest

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
