"""Locale and gender fairness audit: same notes, identifiers from other locales.

Each variant rewrites the gold PHI of the *same* notes with identifiers from one locale (or one
gender), so any change in recall is caused by the identifiers alone. en_US is the reference: every
other locale is compared with it, document by document, with a paired bootstrap. A gap is called
significant when the 95% interval of the difference excludes 0.

Recall here is label-blind token recall (a name tagged as a location is still removed):

* ``name_recall``: share of gold NAME tokens covered by any predicted span;
* ``recall``: ``binary_token`` recall over all PHI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from fairdeid.document import Document
from fairdeid.errors import DetectionFailedError
from fairdeid.evaluate.bootstrap import (
    DEFAULT_RESAMPLES,
    interval,
    paired_difference,
    resample_weights,
)
from fairdeid.evaluate.metrics import FloatArray, count_matrix, covered_recall, prf
from fairdeid.evaluate.runner import predict
from fairdeid.evaluate.verdicts import verdict_lines

if TYPE_CHECKING:
    from rich.progress import Progress

    from fairdeid.pipeline import Pipeline

REFERENCE = "en_US"
Localizer = Callable[..., list[Document]]


def _name_recall(totals: FloatArray) -> FloatArray:
    return covered_recall(totals, "NAME")


def _recall(totals: FloatArray) -> FloatArray:
    return prf(totals, "token")["recall"]


METRICS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "name_recall": _name_recall,
    "recall": _recall,
}


def default_localizer() -> Localizer:
    from fairdeid.corpora.multicultural import localize_documents

    return localize_documents


@dataclass
class Variant:
    """One localized copy of the gold set and its per-document counts."""

    locale: str
    gender: str
    counts: FloatArray

    def point(self, metric: str) -> float | None:
        v = float(METRICS[metric](self.counts.sum(axis=0)))
        return None if np.isnan(v) else round(v, 6)


@dataclass
class AuditResult:
    locales: list[str]
    variants: dict[tuple[str, str], Variant]
    n_boot: int
    seed: int
    documents: int
    genders: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    gender_rows: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": REFERENCE,
            "documents": self.documents,
            "resamples": self.n_boot,
            "seed": self.seed,
            "locales": self.rows,
            "gender_gap": self.gender_rows if self.genders else None,
            "verdicts": verdicts(self),
        }


def _align(reference: Sequence[Document], variant: Sequence[Document]) -> list[Document]:
    """Order ``variant`` like ``reference`` by id so bootstrap rows pair the same notes."""
    by_id = {d.id: d for d in variant}
    if len(by_id) != len(reference) or any(d.id not in by_id for d in reference):
        if len(variant) == len(reference):
            return list(variant)
        raise ValueError("the localizer returned a different set of documents")
    return [by_id[d.id] for d in reference]


def run_audit(
    pipeline: Pipeline,
    gold: Sequence[Document],
    locales: Sequence[str],
    *,
    genders: bool = False,
    seed: int = 0,
    n_boot: int = DEFAULT_RESAMPLES,
    localize: Localizer | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Localize ``gold`` per locale (and gender), run ``pipeline`` on each, compare to en_US.

    Raises ``DetectionFailedError`` when a detector failed on any document of any variant: a gap
    measured against a note nobody checked would be invented.
    """
    localize = localize or default_localizer()
    ordered = [REFERENCE] + [loc for loc in dict.fromkeys(locales) if loc != REFERENCE]
    variants: dict[tuple[str, str], Variant] = {}
    gender_modes = ["keep"] + (["female", "male"] if genders else [])
    for locale in ordered:
        for gender in gender_modes:
            docs = _align(gold, localize(list(gold), locale, gender=gender, seed=seed))
            pred = _predict_variant(pipeline, docs, f"{locale}/{gender}", progress)
            variants[(locale, gender)] = Variant(locale, gender, count_matrix(docs, pred))

    result = AuditResult(ordered, variants, n_boot, seed, len(gold), genders)
    weights = resample_weights(len(gold), n_boot, seed)
    ref = variants[(REFERENCE, "keep")]
    for locale in ordered:
        var = variants[(locale, "keep")]
        row: dict[str, Any] = {"locale": locale}
        for metric, fn in METRICS.items():
            row[metric] = {
                "value": var.point(metric),
                "ci95": list(interval(fn(weights @ var.counts))),
            }
            if locale != REFERENCE:
                row[f"{metric}_gap"] = paired_difference(
                    ref.counts, var.counts, fn, n_boot=n_boot, seed=seed
                )
                row[f"{metric}_relative_drop"] = _relative_drop(ref.counts, var.counts, fn, weights)
        result.rows.append(row)
    if genders:
        for locale in ordered:
            female = variants[(locale, "female")]
            male = variants[(locale, "male")]
            result.gender_rows.append(
                {
                    "locale": locale,
                    "female": {
                        "value": female.point("name_recall"),
                        "ci95": list(interval(_name_recall(weights @ female.counts))),
                    },
                    "male": {
                        "value": male.point("name_recall"),
                        "ci95": list(interval(_name_recall(weights @ male.counts))),
                    },
                    # female minus male: negative means female names are missed more often.
                    "gap": paired_difference(
                        male.counts, female.counts, _name_recall, n_boot=n_boot, seed=seed
                    ),
                }
            )
    return result


def _predict_variant(
    pipeline: Pipeline, docs: Sequence[Document], variant: str, progress: Progress | None
) -> list[Document]:
    """Predictions for one variant; a failure names the variant, since every variant reuses the
    gold ids and "d3 failed" alone would not say which localized copy could not be checked."""
    try:
        pred, _ = predict(pipeline, docs, progress=progress, description=variant)
    except DetectionFailedError as exc:
        named = {f"{doc} [{variant}]": why for doc, why in exc.failures.items()}
        raise DetectionFailedError(named, exc.total) from None
    return pred


def _relative_drop(
    ref: FloatArray, var: FloatArray, fn: Callable[[FloatArray], FloatArray], weights: FloatArray
) -> dict[str, Any]:
    """``(ref - var) / ref`` with a paired interval; positive = worse than en_US."""

    def drop(r: FloatArray, v: FloatArray) -> FloatArray:
        rr, vv = fn(r), fn(v)
        out = np.full(np.shape(rr), np.nan)
        np.divide(rr - vv, rr, out=out, where=rr > 0)
        return out

    point = float(drop(ref.sum(axis=0), var.sum(axis=0)))
    return {
        "value": None if np.isnan(point) else round(point, 6),
        "ci95": list(interval(drop(weights @ ref, weights @ var))),
    }


def verdicts(result: AuditResult) -> list[str]:
    """Plain-words reading of every gap (worded in ``verdicts.py``, shared with the report)."""
    return verdict_lines({"reference": REFERENCE, "locales": result.rows,
                          "gender_gap": result.gender_rows})
