"""Scoring the packs' own hand-written test notes, shared by the test_pack_<code> modules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fairdeid.corpora.markup import iter_markup
from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document, Span
from fairdeid.evaluate.metrics import char_recall_precision
from fairdeid.pipeline import Pipeline


def char_scores(find: Callable[[Document], list[Span]], path: Path,
                min_notes: int = 8) -> tuple[float, float]:
    """Character-level recall and precision of ``find`` (a detector's or pipeline's spans of a
    note) on a markup file, labels ignored."""
    gold = [d for d in iter_markup(path) if isinstance(d, Document)]
    assert len(gold) >= min_notes
    pred = [Document(d.id, d.text, spans=tuple(sorted(find(d), key=lambda s: s.start)))
            for d in gold]
    recall, precision = char_recall_precision(gold, pred)
    assert recall is not None and precision is not None
    return recall, precision


def pipeline_char_scores(pipeline: Pipeline, path: Path) -> tuple[float, float]:
    """``char_scores`` of a whole pipeline (its resolved spans)."""
    return char_scores(lambda doc: list(pipeline.detect(doc.text).document.spans), path)


def spans_of(detector: RuleDetector, text: str) -> list[Span]:
    return detector.detect(Document("t", text))


def covered(detector: RuleDetector, text: str, part: str) -> set[str]:
    """Labels of the spans over ``part`` when together they cover every character of it (empty:
    not found)."""
    start = text.index(part)
    end = start + len(part)
    spans = spans_of(detector, text)
    chars = {i for s in spans for i in range(s.start, s.end)}
    if not all(i in chars for i in range(start, end) if not text[i].isspace()):
        return set()
    return {s.label for s in spans if s.start < end and start < s.end}


def touched(detector: RuleDetector, text: str, part: str) -> bool:
    """Whether any span reaches into ``part``."""
    start = text.index(part)
    end = start + len(part)
    return any(s.start < end and start < s.end for s in spans_of(detector, text))


def labels_over(detector: RuleDetector, text: str, value: str) -> set[str]:
    """Labels of the single spans that cover every character of ``value`` (empty: not fully
    found by one span)."""
    start = text.index(value)
    covering = [s for s in spans_of(detector, text)
                if s.start <= start and s.end >= start + len(value)]
    return {s.label for s in covering}
