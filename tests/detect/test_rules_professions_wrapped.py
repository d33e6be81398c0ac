"""Professions behind a dotted leader or a line break (issue 16, fresh stress seed 5252).

"0ccupation.....: research maths scientist" (a dotted leader before the colon), "works\\npart-time
as operations ge0logist" and "pt is\\na youth worker" (dictation wrapped before the cue's next
word). The look-alikes keep their meaning: a wrapped "is\\na" still needs an occupation head noun,
and a dotted field with no job stays text.
"""

from __future__ import annotations

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.resolve import merge_overlaps


@pytest.fixture(scope="module")
def det() -> RuleDetector:
    return RuleDetector.from_config({})


def labels_over(det: RuleDetector, text: str, part: str) -> set[str]:
    start = text.index(part)
    end = start + len(part)
    return {
        s.label
        for s in merge_overlaps(det.detect(Document(id="t", text=text)))
        if s.start < end and start < s.end
    }


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("portal user: jv\n- 0ccupation.....: research maths scientist\nhome phone", "research"),
        ("Occupation....... retired welder\n", "welder"),
        ("from the clinic. works\npart-time as operations ge0logist and drinks", "operations"),
        ("ceruloplasmin normal. pt is\na youth worker at the college", "youth worker"),
        ("She is\na software engineer.", "software engineer"),
    ],
)
def test_wrapped_and_dotted_cues(det: RuleDetector, text: str, job: str) -> None:
    assert labels_over(det, text, job) == {"PROFESSION"}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The pain is\na constant ache.", "constant"),
        ("She was\na smoker until 2010.", "smoker"),
        ("Occupation.....: none\n", "none"),
    ],
)
def test_wrapped_look_alikes_stay_text(det: RuleDetector, text: str, word: str) -> None:
    assert labels_over(det, text, word) == set()
