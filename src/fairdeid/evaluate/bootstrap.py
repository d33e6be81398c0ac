"""Bootstrap over documents: seeded, deterministic, and paired when comparing variants.

Documents, not spans or tokens, are the resampling unit: PHI in one note is correlated (the same
patient name recurs), so resampling spans would give intervals that are too narrow. A resample is
a vector of multiplicities (how often each document is drawn); the metric of that resample is the
metric of the weighted sum of document counts. Using the *same* weight matrix for two variants of
the same notes (locale A vs B, female vs male names) makes the comparison paired, which is what
lets a small corpus tell a real gap from noise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

DEFAULT_RESAMPLES = 1000
FloatArray = NDArray[np.float64]


def resample_weights(n_docs: int, n_boot: int = DEFAULT_RESAMPLES, seed: int = 0) -> FloatArray:
    """``(n_boot, n_docs)`` multiplicities of documents in each resample (rows sum to n_docs)."""
    if n_docs <= 0 or n_boot <= 0:
        return np.zeros((max(n_boot, 0), max(n_docs, 0)), dtype=np.float64)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_docs, size=(n_boot, n_docs))
    weights = np.zeros((n_boot, n_docs), dtype=np.float64)
    np.add.at(weights, (np.repeat(np.arange(n_boot), n_docs), draws.ravel()), 1.0)
    return weights


def interval(samples: FloatArray, level: float = 0.95) -> tuple[float | None, float | None]:
    """Percentile interval of bootstrap samples; resamples where the metric is undefined are
    ignored."""
    values = np.asarray(samples, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (None, None)
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(values, [alpha, 1.0 - alpha])
    return (round(float(lo), 6), round(float(hi), 6))


def paired_difference(
    counts_a: FloatArray,
    counts_b: FloatArray,
    metric: Callable[[FloatArray], FloatArray],
    *,
    n_boot: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """``metric(B) - metric(A)`` with a paired bootstrap interval over the same documents.

    Row ``i`` of both count matrices must describe the same note. The gap is *significant* at
    ``level`` when its interval excludes 0.
    """
    if counts_a.shape != counts_b.shape:
        raise ValueError("paired comparison needs the same documents in both variants")
    diff = float(metric(counts_b.sum(axis=0)) - metric(counts_a.sum(axis=0)))
    weights = resample_weights(counts_a.shape[0], n_boot, seed)
    boot = metric(weights @ counts_b) - metric(weights @ counts_a)
    lo, hi = interval(boot, level)
    significant = lo is not None and hi is not None and (lo > 0 or hi < 0)
    return {
        "difference": None if np.isnan(diff) else round(diff, 6),
        "ci95": [lo, hi],
        "significant": bool(significant),
    }
