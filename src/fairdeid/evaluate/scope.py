"""Score against the gold a policy promises to remove (``fairdeid evaluate --scope preset``).

Why: a corpus annotates what its guidelines call identifying, a policy removes what it promises
to. MEDDOCAN marks every age and the patient's sex; the ``safe_harbor`` preset keeps ages under
90 in the text on purpose, and the Spanish pack keeps the sex (``ignore_labels = ["OTHER"]``).
Scored against every gold span, such a pipeline "misses" a thousand spans it was told to keep,
and the number says nothing about how well it removes what it should. With ``scope="preset"``
the gold spans the policy keeps are left out of the gold *and* the same test is applied to the
predictions, and the result says how many of each were left out, per label, so the two numbers
are never confused.

The policy of a document is the one of the pipeline that handled it: with ``--lang auto`` a
Spanish note is judged by the Spanish pack's resolver (its preset and ignored labels), an
English one by the configured one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fairdeid.document import Document, Span
from fairdeid.taxonomy import coarse

if TYPE_CHECKING:
    from fairdeid.pipeline import Pipeline
    from fairdeid.resolve import Resolver

#: ``--scope`` values: every gold span, or only those the policy removes
SCOPES = ("all", "preset")


@dataclass(frozen=True)
class ScopeReport:
    """What ``--scope preset`` left out: spans per coarse label, in gold and in predictions."""

    name: str
    gold_dropped: dict[str, int]
    pred_dropped: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "gold_dropped": dict(sorted(self.gold_dropped.items())),
            "pred_dropped": dict(sorted(self.pred_dropped.items())),
        }


def resolver_for(pipeline: Pipeline, language: str) -> Resolver:
    """The resolver that judged a document handled as ``language`` (the pack's when routed)."""
    if pipeline.router is None or language == pipeline.language:
        return pipeline.resolver
    return pipeline.router.pipeline(language, pipeline.replacer.mode).resolver


def _kept(doc: Document, resolver: Resolver, dropped: Counter[str]) -> Document:
    """``doc`` without the spans the policy keeps, counting them by coarse label."""
    spans: list[Span] = []
    for span in doc.spans:
        if resolver.keeps(doc.text, span):
            dropped[coarse(span.label)] += 1
        else:
            spans.append(span)
    return doc.with_spans(tuple(spans))


def scope_to_policy(
    gold: Sequence[Document], pred: Sequence[Document], resolvers: Sequence[Resolver]
) -> tuple[list[Document], list[Document], ScopeReport]:
    """Gold and predictions (paired by position) without the spans each document's policy
    keeps in the text, and how many were left out."""
    if not len(gold) == len(pred) == len(resolvers):
        raise ValueError("gold, predictions and resolvers must pair up one to one")
    gold_dropped: Counter[str] = Counter()
    pred_dropped: Counter[str] = Counter()
    scoped_gold = [_kept(g, r, gold_dropped) for g, r in zip(gold, resolvers, strict=True)]
    scoped_pred = [_kept(p, r, pred_dropped) for p, r in zip(pred, resolvers, strict=True)]
    return scoped_gold, scoped_pred, ScopeReport("preset", dict(gold_dropped), dict(pred_dropped))
