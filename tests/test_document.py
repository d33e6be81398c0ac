from __future__ import annotations

import pytest

from fairdeid.document import Document, Span
from fairdeid.errors import InvalidSpanError


def test_span_is_frozen_and_validated() -> None:
    span = Span(3, 8, "DATE", "rules:date", 0.8)
    with pytest.raises(AttributeError):
        span.start = 4  # type: ignore[misc]
    with pytest.raises(InvalidSpanError):
        Span(5, 5, "DATE")
    with pytest.raises(InvalidSpanError):
        Span(-1, 2, "DATE")
    with pytest.raises(InvalidSpanError):
        Span(0, 2, "")


def test_span_equality_ignores_attrs() -> None:
    assert Span(0, 3, "NAME", attrs={"locale": "zh_CN"}) == Span(0, 3, "NAME")
    assert len({Span(0, 3, "NAME", attrs={"a": 1}), Span(0, 3, "NAME")}) == 1


def test_document_rejects_out_of_bounds_spans() -> None:
    with pytest.raises(InvalidSpanError, match="exceeds text length 5"):
        Document("d", "hello", spans=(Span(2, 9, "NAME"),))


def test_document_sorts_spans_and_roundtrips() -> None:
    data = {
        "id": "note-17",
        "text": "Seen by Dr. Wei Zhang on 03/04/2021.",
        "meta": {"patient_id": "p9"},
        "spans": [
            {"start": 25, "end": 35, "label": "DATE"},
            {"start": 12, "end": 21, "label": "DOCTOR", "locale": "zh_CN", "gender": "male"},
        ],
    }
    doc = Document.from_dict(data)
    assert [s.label for s in doc.spans] == ["DOCTOR", "DATE"]
    assert doc.patient_id == "p9"
    assert doc.span_text(doc.spans[0]) == "Wei Zhang"
    out = doc.to_dict()
    assert out["spans"][0] == {
        "start": 12,
        "end": 21,
        "label": "DOCTOR",
        "locale": "zh_CN",
        "gender": "male",
    }
    assert Document.from_dict(out) == doc


def test_document_from_dict_errors_name_the_problem() -> None:
    with pytest.raises(InvalidSpanError, match="no 'text'"):
        Document.from_dict({"id": "x"})
    with pytest.raises(InvalidSpanError, match="missing key 'label'"):
        Document.from_dict({"id": "x", "text": "abc", "spans": [{"start": 0, "end": 1}]})
    assert Document.from_dict({"text": "abc"}, default_id="f-1").id == "f-1"


def test_provenance_parts() -> None:
    span = Span(0, 4, "DATE", "rules:date.numeric", 0.7)
    assert span.detector == "rules"
    assert span.to_dict() == {
        "start": 0,
        "end": 4,
        "label": "DATE",
        "source": "rules:date.numeric",
        "score": 0.7,
    }
