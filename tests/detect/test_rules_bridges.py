"""rules/bridges.py: an institution's name found as two pieces around "and"/"&"/"of"/"for"
becomes one span after resolve; two whole names, towns and lower-case words stay apart.

The pieces stand for what a model or a rule proposed (the rule detector's ``after_resolve``
gets every detector's resolved spans); the sentences are invented for these tests.
"""

from __future__ import annotations

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document, Span


def bridged(det: RuleDetector, text: str, pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    spans = []
    for piece, label in pieces:
        start = text.index(piece)
        spans.append(Span(start, start + len(piece), label, "transformer:m", 0.9))
    out = det.after_resolve(Document(id="t", text=text), spans)
    return [
        (text[s.start : s.end], s.label)
        for s in out
        if s.source == "rules:location.institution_bridge"
    ]


@pytest.mark.parametrize(
    ("text", "pieces", "whole", "label"),
    [
        (
            "Blue Cross and Blue Shield of Illinois\nAttn: Prior Authorization",
            [("Blue Cross", "LOCATION"), ("Blue Shield of", "LOCATION")],
            "Blue Cross and Blue Shield of",
            "LOCATION",
        ),
        (
            "Referred to the National Kidney and Transplant Institute, East Ave",
            [("National Kidney", "LOCATION"), ("Transplant Institute", "HOSPITAL")],
            "National Kidney and Transplant Institute",
            "HOSPITAL",
        ),
        (
            "physio at Gabba Physio & Rehab Partners twice weekly",
            [("Gabba Physio", "ORGANIZATION"), ("Rehab Partners", "LOCATION")],
            "Gabba Physio & Rehab Partners",
            "ORGANIZATION",
        ),
        (
            "NATIONAL INSTITUTE OF MENTAL HEALTH AND NEUROSCIENCES (NIMHANS)",
            [("NATIONAL INSTITUTE OF MENTAL HEALTH", "HOSPITAL"), ("NEUROSCIENCES", "LOCATION")],
            "NATIONAL INSTITUTE OF MENTAL HEALTH AND NEUROSCIENCES",
            "HOSPITAL",
        ),
    ],
)
def test_pieces_joined_by_a_bridge_word_are_one_name(
    det: RuleDetector, text: str, pieces: list[tuple[str, str]], whole: str, label: str
) -> None:
    assert bridged(det, text, pieces) == [(whole, label)]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        # two whole hospitals: the first ends in its head noun
        ("Seen at Mercy Hospital and St Mary's Hospital", [("Mercy Hospital", "HOSPITAL"),
                                                           ("St Mary's Hospital", "HOSPITAL")]),
        # two towns of the generic label, one word each
        ("moved from Leeds and Bradford in 2019",
         [("Leeds", "LOCATION"), ("Bradford", "LOCATION")]),
        # a city is no piece of an institution
        ("Mercy Clinic of Dallas", [("Mercy Clinic", "HOSPITAL"), ("Dallas", "CITY")]),
        # a one-word first piece: two names ("PCSO and Malasakit Center")
        ("referred to PCSO and Malasakit Center for aid",
         [("PCSO", "ORGANIZATION"), ("Malasakit Center", "ORGANIZATION")]),
        # another word between the pieces
        ("Acme Foods and then Beta Corp", [("Acme Foods", "ORGANIZATION"),
                                           ("Beta Corp", "ORGANIZATION")]),
        # across a line break
        ("Acme Foods and\nBeta Corp",
         [("Acme Foods", "ORGANIZATION"), ("Beta Corp", "ORGANIZATION")]),
        # the second piece in lower case
        ("North Shore Trust and others", [("North Shore", "ORGANIZATION"), ("others", "LOCATION")]),
    ],
)
def test_other_pairs_stay_apart(
    det: RuleDetector, text: str, pieces: list[tuple[str, str]]
) -> None:
    assert bridged(det, text, pieces) == []


def test_the_bridge_can_be_switched_off() -> None:
    det = RuleDetector.from_config({"disabled": ["location.institution_bridge"]})
    text = "National Kidney and Transplant Institute"
    assert bridged(det, text, [("National Kidney", "LOCATION"),
                               ("Transplant Institute", "HOSPITAL")]) == []
