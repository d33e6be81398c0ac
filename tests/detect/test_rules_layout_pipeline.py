"""The pipeline's after-resolve step: the rule detector propagates names another detector found.

A name only the model found ("Qorvath" in a table cell) used to stay in the note's other places:
the rule detector propagates only its own findings. After resolve, the pipeline hands the
resolved spans back to detectors that implement ``resolve.AfterResolve``.
"""

from __future__ import annotations

from collections.abc import Sequence

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document, Span
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import AfterResolve

TEXT = "Seen with Qorvath today.\nPlan reviewed; qorvath agrees. QORVATH to call back."


class OneSpanModel(BaseDetector):
    """A stand-in for the model: proposes NAME on the first occurrence of each given word."""

    name = "model"

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)

    def detect(self, doc: Document) -> list[Span]:
        out = []
        for word in self.words:
            start = doc.text.find(word)
            if start >= 0:
                out.append(Span(start, start + len(word), "NAME", "model:stub", 0.9))
        return out


def _pipeline(words: Sequence[str]) -> Pipeline:
    return Pipeline({"rules": RuleDetector.from_config({}), "model": OneSpanModel(words)})


def _covered(doc: Document) -> list[str]:
    return [doc.text[s.start : s.end] for s in doc.spans]


def test_rule_detector_is_an_after_resolve_step() -> None:
    assert isinstance(RuleDetector.from_config({}), AfterResolve)


def test_a_name_only_the_model_found_is_found_everywhere() -> None:
    detection = _pipeline(["Qorvath"]).detect(TEXT)
    assert {"Qorvath", "qorvath", "QORVATH"} <= set(_covered(detection.document))
    propagated = [s for s in detection.document.spans if s.source == "rules:name.propagated"]
    assert len(propagated) == 2


def test_the_rules_alone_do_not_find_it() -> None:
    # the name is in no dictionary and has no cue: without the model nothing is found, so
    # the propagation above comes from the model's span
    detection = _pipeline([]).detect(TEXT)
    assert not any("orvath" in t.lower() for t in _covered(detection.document))


def test_lower_case_model_spans_do_not_spread() -> None:
    text = "Pt eannot come in.\nShe eannot drive, per eannot."
    detection = _pipeline(["eannot"]).detect(text)
    assert _covered(detection.document) == ["eannot"]


def test_switched_off_with_name_propagation() -> None:
    detection = _pipeline(["Qorvath"]).detect(TEXT, disabled=["rules:name.propagated"])
    assert _covered(detection.document) == ["Qorvath"]


def test_deidentify_uses_the_same_spans() -> None:
    result = _pipeline(["Qorvath"]).deidentify(TEXT)
    assert "orvath" not in result.text.lower()


def test_a_word_cut_by_a_hyphenated_line_end_is_finished() -> None:
    text = "Seen by Dr. Mina Kova-\ncs today."
    detection = _pipeline([]).detect(text)
    # the title goes inside the name span too ([resolve] name_titles, the default)
    assert "Dr. Mina Kova-\ncs" in _covered(detection.document)


def test_a_model_span_on_two_words_is_finished_across_the_break() -> None:
    text = "A time-out was performed confirming patient D Va-\nrghese and site."
    detection = _pipeline(["D Va"]).detect(text)
    assert any(t.endswith("rghese") for t in _covered(detection.document))


def test_a_model_guess_on_a_lone_fragment_is_not_grown() -> None:
    text = "Pt tolera-\nted the procedure well."
    detection = _pipeline(["tolera"]).detect(text)
    assert _covered(detection.document) == ["tolera"]


def test_hyphen_wrap_can_be_switched_off() -> None:
    text = "A time-out was performed confirming patient D Va-\nrghese and site."
    detection = _pipeline(["D Va"]).detect(text, disabled=["rules:layout.hyphen_wrap"])
    assert _covered(detection.document) == ["D Va"]
