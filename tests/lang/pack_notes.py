"""Scoring the packs' own hand-written test notes, shared by the test_pack_<code> modules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fairdeid.corpora.markup import iter_markup
from fairdeid.document import Document, Span
from fairdeid.evaluate.metrics import char_recall_precision


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
