"""Dev scores printed while training (dev checks, benchmarks, the model card).

The counting is not done here: every number comes from :mod:`fairdeid.evaluate.metrics`, the one
metric core, so ``binary_token`` during training and in ``fairdeid evaluate`` are the same
tokens and the same counts (a second tokenizer once made Chinese and Bengali numbers depend on
which path ran). What this module adds is the training convention for undefined ratios: a dev set
with nothing to find scores 1.0 rather than NaN, so early stopping and "best so far" comparisons
never see NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fairdeid.document import Document, Span
from fairdeid.evaluate.metrics import (
    COL,
    COLUMNS,
    FloatArray,
    document_counts,
    prf,
    span_removed,
)
from fairdeid.taxonomy import COARSE_LABELS


def _defined(value: FloatArray | float, default: float) -> float:
    v = float(value)
    return default if math.isnan(v) else v


@dataclass(frozen=True)
class Scores:
    """Summed metric-core counts of a dev set (one row of ``evaluate.metrics.COLUMNS``)."""

    totals: FloatArray

    def _count(self, name: str) -> int:
        return int(self.totals[COL[name]])

    @property
    def tp(self) -> int:
        return self._count("token.tp")

    @property
    def fp(self) -> int:
        return self._count("token.fp")

    @property
    def fn(self) -> int:
        return self._count("token.fn")

    @property
    def recall(self) -> float:
        return _defined(prf(self.totals, "token")["recall"], 1.0)

    @property
    def precision(self) -> float:
        return _defined(prf(self.totals, "token")["precision"], 1.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def strict_f1(self) -> float:
        if not self._count("span.pred") + self._count("span.gold"):
            return 1.0
        return _defined(prf(self.totals, "strict")["f1"], 0.0)

    def label_recall(self, label: str) -> float:
        """Share of gold ``label`` spans removed entirely (NaN when the label has no gold)."""
        return float(span_removed(self.totals, label))

    def as_dict(self) -> dict[str, float]:
        out = {
            "binary_token_recall": round(self.recall, 4),
            "binary_token_precision": round(self.precision, 4),
            "binary_token_f1": round(self.f1, 4),
            "strict_f1": round(self.strict_f1, 4),
        }
        for label in sorted(COARSE_LABELS):
            if self._count(f"{label}.span.gold"):
                out[f"recall_{label}"] = round(self.label_recall(label), 4)
        return out


def score(gold: Sequence[Document], predicted: Sequence[Sequence[Span]]) -> Scores:
    """Compare gold documents with predicted spans (same order)."""
    totals = np.zeros(len(COLUMNS), dtype=np.float64)
    for doc, pred in zip(gold, predicted, strict=True):
        totals += document_counts(doc, doc.with_spans(pred))
    return Scores(totals)
