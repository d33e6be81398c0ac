"""Small, dependency-free scores used while training (dev checks, benchmarks, the model card).

They follow the metric definitions of DESIGN.md (``binary_token`` over words and punctuation,
``strict`` on coarse labels) so numbers printed during training are comparable with
``fairdeid evaluate``; the full evaluation module adds intervals and audits on top.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from fairdeid.detect.tokens import words_of
from fairdeid.document import Document, Span
from fairdeid.taxonomy import coarse


@dataclass
class Scores:
    """Binary-token counts plus per-coarse-label recall counts (span-level, partial overlap)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    strict_tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    label_hit: Counter[str] = field(default_factory=Counter)
    label_total: Counter[str] = field(default_factory=Counter)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def strict_f1(self) -> float:
        denom = self.n_pred + self.n_gold
        return 2 * self.strict_tp / denom if denom else 1.0

    def label_recall(self, label: str) -> float:
        total = self.label_total[label]
        return self.label_hit[label] / total if total else float("nan")

    def as_dict(self) -> dict[str, float]:
        out = {
            "binary_token_recall": round(self.recall, 4),
            "binary_token_precision": round(self.precision, 4),
            "binary_token_f1": round(self.f1, 4),
            "strict_f1": round(self.strict_f1, 4),
        }
        for label in sorted(self.label_total):
            out[f"recall_{label}"] = round(self.label_recall(label), 4)
        return out


def _covered(text_len: int, spans: Sequence[Span]) -> list[bool]:
    mask = [False] * text_len
    for s in spans:
        for i in range(s.start, min(s.end, text_len)):
            mask[i] = True
    return mask


def score(gold: Sequence[Document], predicted: Sequence[Sequence[Span]]) -> Scores:
    """Compare gold documents with predicted spans (same order)."""
    sc = Scores()
    for doc, pred in zip(gold, predicted, strict=True):
        gmask = _covered(len(doc.text), doc.spans)
        pmask = _covered(len(doc.text), pred)
        for w in words_of(doc.text):
            g = any(gmask[w.start : w.end])
            p = any(pmask[w.start : w.end])
            sc.tp += g and p
            sc.fp += p and not g
            sc.fn += g and not p
        gold_keys = {(s.start, s.end, coarse(s.label)) for s in doc.spans}
        pred_keys = {(s.start, s.end, coarse(s.label)) for s in pred}
        sc.strict_tp += len(gold_keys & pred_keys)
        sc.n_gold += len(gold_keys)
        sc.n_pred += len(pred_keys)
        for s in doc.spans:
            label = coarse(s.label)
            sc.label_total[label] += 1
            # A gold span counts as found when every one of its characters is covered.
            if all(pmask[s.start : s.end]):
                sc.label_hit[label] += 1
    return sc
