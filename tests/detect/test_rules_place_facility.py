"""``location.place_facility``: "our Dallas clinic" is one location when a detector found the town.

ASQ-PHI annotates "Dallas clinic", "Chicago office", "NYU Langone clinic" as one location; the
pipeline found the town and left the noun, which with the town names the place of care.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.layout import facilities_after_places, facility_nouns
from fairdeid.document import Document, Span
from fairdeid.pipeline import Pipeline


class PlaceModel(BaseDetector):
    """A stand-in for the model: proposes ``label`` on the first occurrence of each word."""

    name = "model"

    def __init__(self, marks: Sequence[tuple[str, str]]) -> None:
        self.marks = list(marks)

    def detect(self, doc: Document) -> list[Span]:
        out = []
        for word, label in self.marks:
            start = doc.text.find(word)
            if start >= 0:
                out.append(Span(start, start + len(word), label, "model:stub", 0.9))
        return out


RULES = RuleDetector.from_config({})


def _spans(text: str, marks: Sequence[tuple[str, str]], **rules: object) -> list[tuple[str, str]]:
    detector = RuleDetector.from_config(rules) if rules else RULES
    pipeline = Pipeline({"rules": detector, "model": PlaceModel(marks)})
    return [(text[s.start : s.end], s.label) for s in pipeline.detect(text).spans]


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("Seen at our Qaxwell clinic today.", [("Qaxwell", "CITY")],
         ("Qaxwell clinic", "HOSPITAL")),
        ("Call the Qaxwell Office.", [("Qaxwell", "CITY")], ("Qaxwell Office", "HOSPITAL")),
        ("the Qaxwell downtown practice", [("Qaxwell downtown", "LOCATION")],
         ("Qaxwell downtown practice", "HOSPITAL")),
        ("the Zorvu Langone clinic?", [("Zorvu Langone", "HOSPITAL")],
         ("Zorvu Langone clinic", "HOSPITAL")),
        ("our Qaxwell Widgets office", [("Qaxwell Widgets", "ORGANIZATION")],
         ("Qaxwell Widgets office", "ORGANIZATION")),
    ],
)
def test_a_facility_noun_after_a_found_place_joins_it(
    text: str, marks: list[tuple[str, str]], expected: tuple[str, str]
) -> None:
    assert expected in _spans(text, marks)


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("Follow-up at the Cardiology clinic.", [("Cardiology", "DEPARTMENT")]),  # a service
        ("Follow-up at the Qaxwell clinic.", []),  # nothing found the place
        ("our Qaxwell  clinic", [("Qaxwell", "CITY")]),  # not directly after
        ("our Qaxwell\nclinic", [("Qaxwell", "CITY")]),
        ("our Qaxwell clinical trial", [("Qaxwell", "CITY")]),  # not the noun
        ("12 Qaxwell Street office", [("12 Qaxwell Street", "STREET")]),
    ],
)
def test_no_facility_without_a_place_right_before(
    text: str, marks: list[tuple[str, str]]
) -> None:
    assert not any(label == "HOSPITAL" and " " in covered and covered.endswith(
        ("clinic", "office")) for covered, label in _spans(text, marks))


def test_the_rule_can_be_switched_off() -> None:
    text = "Seen at our Qaxwell clinic today."
    spans = _spans(text, [("Qaxwell", "CITY")], disabled=["location.place_facility"])
    assert spans == [("Qaxwell", "CITY")]


def test_facilities_after_places_reads_the_listed_nouns_only() -> None:
    nouns = facility_nouns(["clinic", "office"])
    assert nouns is not None and facility_nouns([]) is None
    text = "Dallas clinic, Dallas ward, Dallas office-based"
    found = list(facilities_after_places(text, [(0, 6), (15, 21), (28, 34)], nouns))
    assert [text[s:e] for s, e in found] == ["Dallas clinic"]
