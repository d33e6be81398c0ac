"""A detector that failed on a note withholds every endpoint's answer for the request (502).

An empty span list from a detector that never looked reads as "no PHI here", and a text
de-identified without it may still hold PHI: neither may be released, in any mode or shape.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient
from serve_support import CANARY

from fairdeid.detect import register_detector
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError
from fairdeid.serve.api import create_app


class FailsOnMarkedNotes:
    """Like a remote LLM that keeps answering 500 for some notes (a ``FallibleDetector``)."""

    name = "flaky"

    def detect(self, doc: Document) -> list[Span]:
        return []

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [[] for _ in docs]

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        errors = [RecordError(d.id, "server error 500") for d in docs if "FAIL" in d.text]
        return [[] for _ in docs], errors


register_detector("flaky_edges", lambda config: FailsOnMarkedNotes())

CONFIG = {"pipeline": {"detectors": ["toy", "flaky_edges"]}, "replace": {"mode": "tag"}}
REQUESTS = [
    ("/v1/detect", {}),
    ("/v1/deidentify", {}),
    ("/v1/deidentify", {"mode": "tag"}),
    ("/v1/deidentify", {"mode": "redact"}),
    ("/v1/deidentify", {"mode": "surrogate"}),
]


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("FAIRDEID_KEY", secrets.token_urlsafe(32))
    # Chunks of one document each: the failure lands in a later chunk than good notes.
    with TestClient(create_app(CONFIG, chunk_chars=1, background_load=False)) as c:
        yield c


def _check_withheld(body: dict[str, Any], failed_id: str) -> None:
    assert body == {
        "detail": "detector failed on some documents",
        "failed": [{"id": failed_id, "errors": ["flaky: server error 500"]}],
    }


@pytest.mark.parametrize(("path", "extra"), REQUESTS)
def test_failed_detector_on_one_text_is_502(
    client: TestClient, path: str, extra: dict[str, Any]
) -> None:
    r = client.post(path, json={"text": f"Dr. Lee saw {CANARY} FAIL", **extra})
    assert r.status_code == 502
    _check_withheld(r.json(), "doc-0")
    assert CANARY not in r.text and "Lee" not in r.text


@pytest.mark.parametrize(("path", "extra"), REQUESTS)
def test_failed_detector_in_a_later_chunk_withholds_the_whole_batch(
    client: TestClient, path: str, extra: dict[str, Any]
) -> None:
    docs = [{"id": "a", "text": "Dr. Lee on 2021-03-04"},
            {"id": "b", "text": "fine"},
            {"id": "c", "text": f"Dr. Kim saw {CANARY} FAIL"}]
    r = client.post(path, json={"documents": docs, **extra})
    assert r.status_code == 502
    _check_withheld(r.json(), "c")
    assert CANARY not in r.text and "Lee" not in r.text and "[NAME]" not in r.text


@pytest.mark.parametrize(("path", "extra"), REQUESTS)
def test_same_requests_pass_when_no_detector_fails(
    client: TestClient, path: str, extra: dict[str, Any]
) -> None:
    """The 502s above come from the failure, not from the request shape."""
    docs = [{"id": "a", "text": "Dr. Lee on 2021-03-04"}, {"id": "b", "text": "fine"}]
    r = client.post(path, json={"documents": docs, **extra})
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()["documents"]] == ["a", "b"]


@pytest.mark.parametrize(("path", "extra"), REQUESTS)
def test_crashing_detector_is_500_without_the_note(
    path: str, extra: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("FAIRDEID_KEY", secrets.token_urlsafe(32))
    app = create_app({"pipeline": {"detectors": ["toy", "leaky"]}}, background_load=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(path, json={"text": f"Patient {CANARY}", **extra})
        assert r.status_code == 500
        assert r.json()["detail"].startswith("internal error while processing the request (id ")
        assert CANARY not in r.text
        # The crash freed the worker, and is not reported as a timed-out request.
        assert app.state.scheduler.limiter.borrowed_tokens == 0  # type: ignore[attr-defined]
        assert c.post(path, json={"text": "Dr. Lee", "detectors": ["toy"], **extra}).is_success
    messages = [rec.getMessage() for rec in caplog.records]
    assert not [m for m in messages if "timed-out" in m]
    assert any("pipeline error ValueError" in m for m in messages)
