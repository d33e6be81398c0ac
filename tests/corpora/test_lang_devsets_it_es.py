"""The Italian and Spanish hand-written dev sets: readable, complete, and true to their own rules.

A dev set is only as good as its gold: a note that fails to parse silently drops out of every
score, an identifier with a wrong check character teaches a checksum rule to miss real ones, and
a span with a blank at its edge costs characters in every character-level figure.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from fairdeid.corpora.markup import iter_markup
from fairdeid.document import Document
from fairdeid.errors import RecordError

DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "lang"
CODES = ("it", "es")


def _notes(code: str) -> list[Document]:
    items = list(iter_markup(DEV / f"{code}.markup"))
    errors = [i for i in items if isinstance(i, RecordError)]
    assert not errors, [f"{e.record}: {e.reason}" for e in errors]
    return [i for i in items if isinstance(i, Document)]


@pytest.mark.parametrize("code", CODES)
def test_every_note_parses_and_is_a_real_note(code: str) -> None:
    notes = _notes(code)
    assert len(notes) >= 20
    assert len({n.id for n in notes}) == len(notes)
    for note in notes:
        assert note.id.startswith(f"{code}-") and note.meta.get("lang") == code
        assert note.meta.get("type")
        assert 60 <= len(note.text.split()) <= 250, note.id
        assert note.spans, note.id


@pytest.mark.parametrize("code", CODES)
def test_spans_do_not_overlap_and_have_no_blank_edges(code: str) -> None:
    for note in _notes(code):
        spans = sorted(note.spans, key=lambda s: (s.start, s.end))
        for a, b in zip(spans, spans[1:], strict=False):
            assert a.end <= b.start, note.id
        for s in spans:
            value = note.text[s.start : s.end]
            assert value == value.strip(), note.id


@pytest.mark.parametrize("code", CODES)
def test_the_sets_cover_the_main_labels(code: str) -> None:
    labels = Counter(s.label for n in _notes(code) for s in n.spans)
    for label in ("PATIENT", "DOCTOR", "DATE", "HOSPITAL", "CITY", "PHONE", "SSN", "PROFESSION",
                  "AGE", "STREET", "ZIP", "MEDICALRECORD", "HEALTHPLAN"):
        assert labels[label] > 0, label


def _values(code: str, label: str) -> list[str]:
    return [n.text[s.start : s.end] for n in _notes(code) for s in n.spans if s.label == label]


def test_italian_identifiers_carry_valid_check_characters() -> None:
    stdnum_it = pytest.importorskip("stdnum.it.codicefiscale")
    luhn = pytest.importorskip("stdnum.luhn")
    fiscal = _values("it", "SSN")
    assert fiscal and all(stdnum_it.is_valid(v) for v in fiscal)
    cards = [v for v in _values("it", "HEALTHPLAN") if v.isdigit() and len(v) == 20]
    assert cards and all(luhn.is_valid(v) for v in cards)


def test_spanish_identifiers_carry_valid_check_characters() -> None:
    dni = pytest.importorskip("stdnum.es.dni")
    nie = pytest.importorskip("stdnum.es.nie")
    ids = _values("es", "SSN")
    assert ids and all((nie if v[0] in "XYZ" else dni).is_valid(v) for v in ids)
    nass = [v for v in _values("es", "HEALTHPLAN") if re.fullmatch(r"\d\d/\d{8}/\d\d", v)]
    assert nass
    for value in nass:  # NASS control digits: province and number, mod 97
        province, number, control = value.split("/")
        assert int(province + number) % 97 == int(control)


@pytest.mark.parametrize("code", CODES)
def test_ages_under_90_and_bare_years_are_not_gold(code: str) -> None:
    """The sets follow HIPAA: ages below 90 and a year on its own stay in the text (words
    such as "nonagenaria" are ages over 89 too)."""
    assert all(int(v) >= 90 for v in _values(code, "AGE") if v.isdigit())
    assert not [v for v in _values(code, "DATE") if re.fullmatch(r"(19|20)\d\d", v)]
