"""Evaluation: metrics with bootstrap intervals, locale/gender audit, throughput, reports.

See DESIGN.md "Metrics" for the names; ``metrics.py`` for their exact definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fairdeid.document import Document
from fairdeid.evaluate.metrics import EvalResult, count_matrix, summarise, tokenize
from fairdeid.evaluate.runner import (
    build_pipeline,
    load_documents,
    predict,
    predict_with_languages,
)
from fairdeid.evaluate.scope import SCOPES, resolver_for, scope_to_policy

if TYPE_CHECKING:
    from rich.progress import Progress

    from fairdeid.pipeline import Pipeline


def evaluate_pipeline(
    pipeline: Pipeline,
    gold: Sequence[Document],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    progress: Progress | None = None,
    scope: str = "all",
) -> tuple[EvalResult, list[Document]]:
    """Run ``pipeline`` on ``gold`` (spans stripped) and score it; returns (result, predictions).

    ``scope="preset"`` scores only the gold spans the policy of each document's pipeline
    removes (see ``fairdeid.evaluate.scope``); the result's ``extra["scope"]`` says what was
    left out. The predictions returned are the pipeline's, whatever the scope.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; known: {', '.join(SCOPES)}")
    pred, languages, seconds = predict_with_languages(pipeline, gold, progress=progress)
    if scope == "all":
        return summarise(gold, pred, seconds=seconds, n_boot=n_boot, seed=seed), pred
    resolvers = [resolver_for(pipeline, language) for language in languages]
    scoped_gold, scoped_pred, report = scope_to_policy(gold, pred, resolvers)
    result = summarise(scoped_gold, scoped_pred, seconds=seconds, n_boot=n_boot, seed=seed)
    result.extra["scope"] = report.to_json()
    return result, pred


__all__ = [
    "EvalResult",
    "build_pipeline",
    "count_matrix",
    "evaluate_pipeline",
    "load_documents",
    "predict",
    "predict_with_languages",
    "summarise",
    "tokenize",
]
