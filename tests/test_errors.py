"""Errors cross process boundaries (bench workers, Ray actors), so they must survive pickling."""

from __future__ import annotations

import pickle

from fairdeid.errors import DetectionFailedError, RecordError


def test_record_error_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(RecordError("notes.jsonl:3", "not valid JSON")))
    assert (err.record, err.reason, str(err)) == (
        "notes.jsonl:3",
        "not valid JSON",
        "notes.jsonl:3: not valid JSON",
    )


def test_detection_failed_error_survives_pickling() -> None:
    original = DetectionFailedError({"a": "llm: timeout"}, 3)
    err = pickle.loads(pickle.dumps(original))
    assert (err.failures, err.total, str(err)) == ({"a": "llm: timeout"}, 3, str(original))
