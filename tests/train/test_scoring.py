"""Training's dev scores: the metric core's counts with training's conventions for empty sets."""

from __future__ import annotations

import math

import pytest

from fairdeid.document import Document, Span
from fairdeid.train.scoring import score

TEXT = "Wei Zhang seen in Paris on 03/04/2021."


def _gold() -> Document:
    return Document(
        "d",
        TEXT,
        spans=(Span(0, 9, "PATIENT"), Span(18, 23, "CITY"), Span(27, 37, "DATE")),
    )


def test_empty_dev_set_scores_one_not_nan() -> None:
    """Early stopping compares numbers; NaN would never compare as better."""
    empty = score([], [])
    assert empty.recall == 1.0 and empty.precision == 1.0 and empty.strict_f1 == 1.0
    assert empty.as_dict() == {
        "binary_token_recall": 1.0,
        "binary_token_precision": 1.0,
        "binary_token_f1": 1.0,
        "strict_f1": 1.0,
    }


def test_no_predictions_scores_zero_f1() -> None:
    nothing = score([_gold()], [[]])
    assert nothing.recall == 0.0 and nothing.precision == 1.0
    assert nothing.f1 == 0.0 and nothing.strict_f1 == 0.0


def test_label_recall_counts_spans_removed_entirely_by_any_label() -> None:
    gold = _gold()
    pred = [Span(0, 3, "PATIENT", "x"), Span(18, 23, "NAME", "x"), Span(27, 37, "DATE", "x")]
    sc = score([gold], [pred])
    assert sc.label_recall("NAME") == 0.0  # "Zhang" survives
    assert sc.label_recall("LOCATION") == 1.0  # removed, even though tagged as a name
    assert sc.label_recall("DATE") == 1.0
    assert math.isnan(sc.label_recall("AGE"))
    assert set(sc.as_dict()) >= {"recall_NAME", "recall_LOCATION", "recall_DATE"}
    assert "recall_AGE" not in sc.as_dict()
    assert sc.strict_f1 == pytest.approx(1 / 3)  # 1 exact match of 3 predicted and 3 gold


def test_score_binary_token() -> None:
    text = "Seen by Dr. Wei Zhang's team on 03/04/2021."
    s, d = text.index("Wei"), text.index("03/")
    doc = Document("d", text, spans=(Span(s, s + 9, "DOCTOR"), Span(d, d + 10, "DATE")))
    perfect = score([doc], [list(doc.spans)])
    assert perfect.recall == 1.0 and perfect.precision == 1.0 and perfect.strict_f1 == 1.0
    half = score([doc], [[doc.spans[0]]])
    assert half.recall < 1.0 and half.precision == 1.0
    assert half.label_recall("NAME") == 1.0 and half.label_recall("DATE") == 0.0
