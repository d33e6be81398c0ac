"""Span, token and character metrics, computed as per-document counts.

Every metric is a ratio of sums of per-document counts. We keep the counts per document (one row
of a matrix per document, one named column per count) rather than the ratios, because the
bootstrap resamples *documents*: a resample is a weighted sum of rows, and every metric of the
resample follows from the summed counts. Paired comparisons (locale A vs locale B on the same
notes) apply the same weights to both matrices.

Definitions (the names are the ones DESIGN.md fixes for reports and ``--json``):

``strict``
    A predicted span is correct when a gold span has the same offsets and the same coarse label.
``partial``
    Precision: share of predicted spans that overlap a gold span of the same coarse label.
    Recall: share of gold spans overlapped by a predicted span of the same coarse label.
    (Not one-to-one: one long prediction may cover two gold spans; both count as found.)
``binary_token``
    Tokens are the words of :func:`fairdeid.detect.tokens.words_of`: runs of letters, digits and
    combining marks (a Bengali or Devanagari vowel sign stays inside its word), one token per CJK
    ideograph, kana or hangul syllable (scripts without spaces are scored per character, the usual
    convention), and single punctuation marks. A token is PHI when it overlaps a span; labels are
    ignored. Recall is the privacy number. The learned detectors label exactly these words and
    training scores them through this module, so training and evaluation count the same things.
``leak_rate``
    Share of gold PHI characters that are unchanged in the de-identified text. In tag (and
    redact) mode the replacer rewrites exactly the characters inside predicted spans and copies
    every other character verbatim, so a gold character survives if and only if no predicted span
    covers it; we count those, which needs no offset mapping through the output. Whitespace inside
    a gold span counts too (a leaked "Wei Zhang" leaks 9 characters).
``retention``
    Share of non-PHI tokens (tokens overlapping no gold span) left unchanged, i.e. overlapping no
    predicted span: the cost of over-redaction (token-level specificity).
``span_removed`` (per label, used by training's dev scores)
    Share of gold spans of a label every character of which is covered by some predicted span
    (any label): the span would be removed entirely.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fairdeid.detect.tokens import words_of
from fairdeid.document import Document
from fairdeid.errors import InvalidSpanError, UnknownLabelError
from fairdeid.taxonomy import COARSE_LABELS, coarse, is_label

#: Count columns of the document-level matrix, before the per-label ones.
BASE_COLUMNS: tuple[str, ...] = (
    "strict.tp",
    "span.pred",
    "span.gold",
    "partial.tp_pred",
    "partial.tp_gold",
    "token.tp",
    "token.fp",
    "token.fn",
    "token.tn",
    "char.gold",
    "char.leaked",
)
_LABEL_FIELDS: tuple[str, ...] = (
    "strict.tp",
    "span.pred",
    "span.gold",
    "partial.tp_pred",
    "partial.tp_gold",
    "token.tp",
    "token.pred",
    "token.gold",
    "token.covered",
    "span.removed",
)
COLUMNS: tuple[str, ...] = BASE_COLUMNS + tuple(
    f"{label}.{f}" for label in COARSE_LABELS for f in _LABEL_FIELDS
)
COL: dict[str, int] = {name: i for i, name in enumerate(COLUMNS)}

FloatArray = NDArray[np.float64]


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token offsets of ``binary_token``: one tokenizer for detection, training and evaluation."""
    return [(w.start, w.end) for w in words_of(text)]


def count_words(text: str) -> int:
    """Whitespace-delimited words: the unit of throughput (DESIGN.md)."""
    return len(text.split())


def unknown_label_error(doc: Document, side: str = "gold") -> UnknownLabelError | None:
    """The error for the first span of ``doc`` whose label is outside the taxonomy, or None.

    It names the document and the span's position, never the label: an unknown "label" is
    whatever stood in the label field, which in a shifted column or a hand-made file is the
    annotated text itself ("Mary"), and messages end up in logs.
    """
    for index, span in enumerate(doc.spans, 1):
        if not is_label(span.label):
            return UnknownLabelError(
                f"document {doc.id!r}: {side} span {index} (characters {span.start}-{span.end})"
                " has a label outside the fairdeid taxonomy (not shown: it may be note text);"
                " map the corpus labels first (a label map, or fairdeid convert)"
            )
    return None


def _coarse_spans(doc: Document, side: str) -> list[tuple[int, int, str]]:
    try:
        return sorted({(s.start, s.end, coarse(s.label)) for s in doc.spans})
    except UnknownLabelError:
        raise unknown_label_error(doc, side) or InvalidSpanError(
            f"document {doc.id!r}: a {side} label could not be read"
        ) from None


def _coverage(
    n: int, spans: Sequence[tuple[int, int, str]], label: str | None = None
) -> FloatArray:
    """Prefix sums of a character mask (``label=None``: all spans), for O(1) range tests."""
    mask = np.zeros(n, dtype=np.int64)
    for start, end, lab in spans:
        if label is None or lab == label:
            mask[start:end] = 1
    return np.concatenate(([0], np.cumsum(mask))).astype(np.float64)


def _overlaps_any(span: tuple[int, int, str], others: Sequence[tuple[int, int, str]]) -> bool:
    start, end, label = span
    return any(o[2] == label and o[0] < end and start < o[1] for o in others)


def document_counts(gold: Document, pred: Document) -> FloatArray:
    """One row of counts (``COLUMNS``) comparing the gold and predicted spans of one document."""
    if gold.text != pred.text:
        raise InvalidSpanError(f"document {gold.id!r}: gold and predicted texts differ")
    row = np.zeros(len(COLUMNS), dtype=np.float64)
    g = _coarse_spans(gold, "gold")
    p = _coarse_spans(pred, "predicted")
    n = len(gold.text)

    gset = set(g)
    tp_strict = sum(1 for s in p if s in gset)
    tp_pred = sum(1 for s in p if _overlaps_any(s, g))
    tp_gold = sum(1 for s in g if _overlaps_any(s, p))
    row[COL["strict.tp"]] = tp_strict
    row[COL["span.pred"]] = len(p)
    row[COL["span.gold"]] = len(g)
    row[COL["partial.tp_pred"]] = tp_pred
    row[COL["partial.tp_gold"]] = tp_gold

    tokens = np.array(tokenize(gold.text), dtype=np.int64).reshape(-1, 2)
    starts, ends = tokens[:, 0], tokens[:, 1]
    gcov = _coverage(n, g)
    pcov = _coverage(n, p)
    t_gold = (gcov[ends] - gcov[starts]) > 0
    t_pred = (pcov[ends] - pcov[starts]) > 0
    row[COL["token.tp"]] = np.sum(t_gold & t_pred)
    row[COL["token.fp"]] = np.sum(~t_gold & t_pred)
    row[COL["token.fn"]] = np.sum(t_gold & ~t_pred)
    row[COL["token.tn"]] = np.sum(~t_gold & ~t_pred)

    gmask = np.diff(gcov) > 0
    pmask = np.diff(pcov) > 0
    row[COL["char.gold"]] = np.sum(gmask)
    row[COL["char.leaked"]] = np.sum(gmask & ~pmask)

    for label in {s[2] for s in g} | {s[2] for s in p}:
        gl = [s for s in g if s[2] == label]
        pl = [s for s in p if s[2] == label]
        row[COL[f"{label}.strict.tp"]] = sum(1 for s in pl if s in gset)
        row[COL[f"{label}.span.pred"]] = len(pl)
        row[COL[f"{label}.span.gold"]] = len(gl)
        row[COL[f"{label}.partial.tp_pred"]] = sum(1 for s in pl if _overlaps_any(s, g))
        row[COL[f"{label}.partial.tp_gold"]] = sum(1 for s in gl if _overlaps_any(s, p))
        glc = _coverage(n, gl)
        plc = _coverage(n, pl)
        tg = (glc[ends] - glc[starts]) > 0
        tpred = (plc[ends] - plc[starts]) > 0
        row[COL[f"{label}.token.tp"]] = np.sum(tg & tpred)
        row[COL[f"{label}.token.pred"]] = np.sum(tpred)
        row[COL[f"{label}.token.gold"]] = np.sum(tg)
        row[COL[f"{label}.token.covered"]] = np.sum(tg & t_pred)
        row[COL[f"{label}.span.removed"]] = sum(
            1 for start, end, _ in gl if pcov[end] - pcov[start] == end - start
        )
    return row



def char_counts(gold: Document, pred: Document) -> tuple[int, int, int]:
    """(gold, predicted, both): non-space characters covered by any span, labels ignored.

    What a reader of the output sees: a character is removed or kept whatever label removed it,
    so this is the measure the language packs' targets are set in.
    """
    n = len(gold.text)
    g, p = bytearray(n), bytearray(n)
    for mask, spans in ((g, gold.spans), (p, pred.spans)):
        for span in spans:
            mask[span.start : span.end] = b"\x01" * (span.end - span.start)
    n_gold = n_pred = n_both = 0
    for i, ch in enumerate(gold.text):
        if ch.isspace():
            continue
        n_gold += g[i]
        n_pred += p[i]
        n_both += g[i] & p[i]
    return n_gold, n_pred, n_both


def char_recall_precision(
    gold: Sequence[Document], pred: Sequence[Document]
) -> tuple[float | None, float | None]:
    """Character-level recall and precision over paired documents (None when undefined)."""
    totals = [0, 0, 0]
    for g, p in zip(gold, pred, strict=True):
        for i, count in enumerate(char_counts(g, p)):
            totals[i] += count
    n_gold, n_pred, n_both = totals
    return (n_both / n_gold if n_gold else None, n_both / n_pred if n_pred else None)


def count_matrix(gold: Sequence[Document], pred: Sequence[Document]) -> FloatArray:
    """Counts for every document (rows in input order). Documents are paired by position."""
    if len(gold) != len(pred):
        raise InvalidSpanError(f"{len(gold)} gold documents but {len(pred)} predicted ones")
    if not gold:
        return np.zeros((0, len(COLUMNS)), dtype=np.float64)
    return np.vstack([document_counts(g, p) for g, p in zip(gold, pred, strict=True)])


# -- ratios over summed counts (work on one row or a stack of bootstrap rows) -----------------


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den``, NaN where the denominator is 0 (an undefined metric is not 0 or 1)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _f1(p: FloatArray, r: FloatArray) -> FloatArray:
    return _ratio(2 * p * r, p + r)


def _c(totals: FloatArray, name: str) -> FloatArray:
    return np.asarray(totals[..., COL[name]], dtype=np.float64)


def prf(totals: FloatArray, kind: str, label: str | None = None) -> dict[str, FloatArray]:
    """Precision, recall and F1 of ``kind`` (strict | partial | token) from summed counts."""
    pre = f"{label}." if label else ""
    if kind == "strict":
        p = _ratio(_c(totals, pre + "strict.tp"), _c(totals, pre + "span.pred"))
        r = _ratio(_c(totals, pre + "strict.tp"), _c(totals, pre + "span.gold"))
    elif kind == "partial":
        p = _ratio(_c(totals, pre + "partial.tp_pred"), _c(totals, pre + "span.pred"))
        r = _ratio(_c(totals, pre + "partial.tp_gold"), _c(totals, pre + "span.gold"))
    elif kind == "token" and label:
        tp = _c(totals, pre + "token.tp")
        p = _ratio(tp, _c(totals, pre + "token.pred"))
        r = _ratio(tp, _c(totals, pre + "token.gold"))
    elif kind == "token":
        tp = _c(totals, "token.tp")
        p = _ratio(tp, tp + _c(totals, "token.fp"))
        r = _ratio(tp, tp + _c(totals, "token.fn"))
    else:
        raise ValueError(f"unknown metric kind {kind!r}")
    return {"precision": p, "recall": r, "f1": _f1(p, r)}


def leak_rate(totals: FloatArray) -> FloatArray:
    return _ratio(_c(totals, "char.leaked"), _c(totals, "char.gold"))


def retention(totals: FloatArray) -> FloatArray:
    tn = _c(totals, "token.tn")
    return _ratio(tn, tn + _c(totals, "token.fp"))


def span_removed(totals: FloatArray, label: str) -> FloatArray:
    """Share of gold ``label`` spans covered entirely by predicted spans of any label."""
    return _ratio(_c(totals, f"{label}.span.removed"), _c(totals, f"{label}.span.gold"))


def covered_recall(totals: FloatArray, label: str) -> FloatArray:
    """Share of gold ``label`` tokens covered by *any* predicted span (privacy view: a name
    tagged as a location is still removed)."""
    return _ratio(_c(totals, f"{label}.token.covered"), _c(totals, f"{label}.token.gold"))


# -- the report object ------------------------------------------------------------------------


def _num(value: FloatArray | float) -> float | None:
    v = float(value)
    return None if np.isnan(v) else round(v, 6)


@dataclass
class Metric:
    """A point estimate with its bootstrap interval (``None`` when undefined)."""

    value: float | None
    ci95: tuple[float | None, float | None] = (None, None)

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "ci95": list(self.ci95)}


@dataclass
class EvalResult:
    """Metrics of one system on one gold set, plus the counts they came from."""

    counts: FloatArray
    strict: dict[str, Metric]
    partial: dict[str, Metric]
    binary_token: dict[str, Metric]
    leak_rate: Metric
    retention: Metric
    by_label: dict[str, dict[str, object]]
    documents: int
    words: int
    seconds: float
    extra: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object: exactly the DESIGN.md metric names plus documents, words and
        seconds."""

        def prf_json(m: Mapping[str, Metric]) -> dict[str, Any]:
            out: dict[str, Any] = {k: v.value for k, v in m.items()}
            out["ci95"] = {k: list(v.ci95) for k, v in m.items()}
            return out

        return {
            "strict": prf_json(self.strict),
            "partial": prf_json(self.partial),
            "binary_token": prf_json(self.binary_token),
            "leak_rate": self.leak_rate.to_json(),
            "retention": self.retention.to_json(),
            "by_label": self.by_label,
            "documents": self.documents,
            "words": self.words,
            "seconds": round(self.seconds, 3),
            # only what a caller put there (``--scope preset``): the default object is unchanged
            **self.extra,
        }


def summarise(
    gold: Sequence[Document],
    pred: Sequence[Document],
    *,
    seconds: float = 0.0,
    n_boot: int = 1000,
    seed: int = 0,
) -> EvalResult:
    """Every metric with 95% bootstrap intervals over documents."""
    from fairdeid.evaluate.bootstrap import interval, resample_weights

    counts = count_matrix(gold, pred)
    totals = counts.sum(axis=0)
    boot = resample_weights(len(gold), n_boot, seed) @ counts if len(gold) else None

    def metric(fn_total: FloatArray, fn_boot: FloatArray | None) -> Metric:
        ci = interval(fn_boot) if fn_boot is not None else (None, None)
        return Metric(_num(fn_total), ci)

    def prf_metrics(kind: str, label: str | None = None) -> dict[str, Metric]:
        point = prf(totals, kind, label)
        bs = prf(boot, kind, label) if boot is not None else None
        return {k: metric(point[k], bs[k] if bs is not None else None) for k in point}

    by_label: dict[str, dict[str, object]] = {}
    for label in COARSE_LABELS:
        support = int(totals[COL[f"{label}.span.gold"]])
        predicted = int(totals[COL[f"{label}.span.pred"]])
        if not support and not predicted:
            continue
        entry: dict[str, object] = {"support": support, "predicted": predicted}
        for kind in ("strict", "partial", "token"):
            ms = prf_metrics(kind, label)
            entry[kind] = {k: v.value for k, v in ms.items()}
            entry[kind]["ci95"] = {k: list(v.ci95) for k, v in ms.items()}  # type: ignore[index]
        covered = covered_recall(totals, label)
        entry["token_recall_any_label"] = metric(
            covered, covered_recall(boot, label) if boot is not None else None
        ).to_json()
        by_label[label] = entry

    return EvalResult(
        counts=counts,
        strict=prf_metrics("strict"),
        partial=prf_metrics("partial"),
        binary_token=prf_metrics("token"),
        leak_rate=metric(leak_rate(totals), leak_rate(boot) if boot is not None else None),
        retention=metric(retention(totals), retention(boot) if boot is not None else None),
        by_label=by_label,
        documents=len(gold),
        words=sum(count_words(d.text) for d in gold),
        seconds=seconds,
    )
