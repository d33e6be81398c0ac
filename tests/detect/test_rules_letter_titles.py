"""A one-letter title ("M. Dupont", Spanish "D. Manuel") is also a letter of the text ("M.
bovis", "vitamina D. Tras la ingesta"): after it only a word that is no ordinary or lower-case
word starts a name."""

from __future__ import annotations

import pytest

from fairdeid.detect.rules.detector import RuleDetector
from fairdeid.document import Document


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config({})


def _names(detector: RuleDetector, text: str) -> set[str]:
    return {
        text[s.start : s.end]
        for s in detector.detect(Document(id="t", text=text))
        if s.label in {"PATIENT", "DOCTOR"}
    }


@pytest.mark.parametrize(
    "text",
    [
        "The culture was positive for M. bovis after six weeks.",
        "Bicarbonate 1 M. Meanwhile, the potassium was corrected.",
    ],
)
def test_letter_then_word_is_no_name(detector: RuleDetector, text: str) -> None:
    assert not _names(detector, text)


def test_letter_title_before_a_name(detector: RuleDetector) -> None:
    assert "Dupont" in _names(detector, "Le patient a été vu par M. Dupont ce matin.")
