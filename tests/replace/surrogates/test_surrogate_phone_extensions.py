"""A phone's extension is no part of its identity: the number with and without it gets one
surrogate, the extension's word is written back as it was, and its digits are replaced."""

from __future__ import annotations

import re

import pytest

from fairdeid.document import Document, Span
from fairdeid.replace import build_replacer
from fairdeid.replace.surrogates import SurrogateReplacer
from fairdeid.replace.surrogates.identity import written

KEY = "extension-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"


def _surrogates(values: list[str], *, patient: str = "p1", label: str = "PHONE") -> list[str]:
    rep = build_replacer({"mode": "surrogate", "locales": ["en_US"], "key": KEY})
    assert isinstance(rep, SurrogateReplacer)
    text = " ; ".join(values)
    spans, cursor = [], 0
    for value in values:
        i = text.index(value, cursor)
        cursor = i + len(value)
        spans.append(Span(i, i + len(value), label))
    out = rep.replace(Document("d", text, {"patient_id": patient}), spans)
    return [out.text[s.start : s.end] for s in out.spans]


@pytest.mark.parametrize(
    ("value", "number", "tail"),
    [
        ("617-555-0142 ext. 214", "617-555-0142", " ext. 214"),
        ("(617) 555-0199 x12", "(617) 555-0199", " x12"),
        ("617 555 0199x12", "617 555 0199", "x12"),
        ("020 7946 0018, ext 4", "020 7946 0018", ", ext 4"),
        ("0161 496 0000 poste 23", "0161 496 0000", " poste 23"),
        ("+49 89 1234567 Durchwahl 17", " 89 1234567", " Durchwahl 17"),
        ("010 123 4567 toestel 221", "010 123 4567", " toestel 221"),
        ("02 1234 5678 interno 35", "02 1234 5678", " interno 35"),
    ],
)
def test_an_extension_is_split_off_the_number(value: str, number: str, tail: str) -> None:
    parts = written("PHONE", value)
    assert parts is not None
    assert (parts.body, parts.tail) == (number, tail)


@pytest.mark.parametrize("value", ["12 x 3", "555 x12", "+49 89 1234-567", "x1234567"])
def test_no_extension_is_read_where_the_number_is_too_short_or_has_none(value: str) -> None:
    parts = written("PHONE", value)
    assert parts is not None
    assert parts.tail == ""


def test_identifiers_keep_their_letters_in_the_identity() -> None:
    parts = written("MEDICALRECORD", "MRN 4471 x12")
    assert parts is not None and parts.tail == "" and parts.key.endswith("X12")


def test_the_number_with_and_without_its_extension_gets_one_surrogate() -> None:
    out = _surrogates(["617-555-0142 ext. 214", "617-555-0142", "617.555.0142 x214"])
    numbers = {re.sub(r"\D", "", s.split(" e")[0].split(" x")[0]) for s in out}
    assert len(numbers) == 1, out
    assert numbers != {"6175550142"}
    assert out[1] == out[0].split(" ext.")[0]


def test_the_extension_word_stays_and_its_digits_are_replaced() -> None:
    first, second = _surrogates(["617-555-0142 ext. 214", "(617) 555-0199 x12"])
    assert re.fullmatch(r"\d{3}-\d{3}-\d{4} ext\. \d{3}", first), first
    assert not first.endswith(" 214")
    assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4} x\d{2}", second), second


def test_one_extension_of_one_number_reads_the_same_in_every_note_of_the_patient() -> None:
    a = _surrogates(["617-555-0142 ext. 214"])
    b = _surrogates([f"617-555-0142 ext. {n}" for n in range(214, 222)])
    assert a[0] == b[0]
    # other extensions of the number: the same number, their own (keyed) digits
    assert len({s.split(" ext. ")[0] for s in b}) == 1
    assert len({s.split(" ext. ")[1] for s in b}) > 1
