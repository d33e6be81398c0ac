"""Evaluation: metrics with bootstrap intervals, locale/gender audit, throughput, reports.

See DESIGN.md "Metrics" for the names; ``metrics.py`` for their exact definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fairdeid.document import Document
from fairdeid.evaluate.metrics import EvalResult, count_matrix, summarise, tokenize
from fairdeid.evaluate.runner import build_pipeline, load_documents, predict

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
) -> tuple[EvalResult, list[Document]]:
    """Run ``pipeline`` on ``gold`` (spans stripped) and score it; returns (result, predictions)."""
    pred, seconds = predict(pipeline, gold, progress=progress)
    return summarise(gold, pred, seconds=seconds, n_boot=n_boot, seed=seed), pred


__all__ = [
    "EvalResult",
    "build_pipeline",
    "count_matrix",
    "evaluate_pipeline",
    "load_documents",
    "predict",
    "summarise",
    "tokenize",
]
