"""Professions behind a dotted leader or a line break (issue 16, fresh stress seed 5252).

"0ccupation.....: research maths scientist" (a dotted leader before the colon), "works\\npart-time
as operations ge0logist" and "pt is\\na youth worker" (dictation wrapped before the cue's next
word). The look-alikes keep their meaning: a wrapped "is\\na" still needs an occupation head noun,
and a dotted field with no job stays text.
"""

from __future__ import annotations

import pytest

from _rules import labels_at
from fairdeid.detect.rules import RuleDetector


def labels_over(det: RuleDetector, text: str, part: str) -> set[str]:
    return labels_at(det, text, part, whole=False, fine=True)


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
