"""The deduce peer (Dutch reference de-identifier, extra ``fairdeid[peers]``): offline, mapped."""

from __future__ import annotations

import importlib.util
import logging
import socket
import sys

import pytest

from fairdeid.detect import build_detector
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import is_label

TEXT = (
    "Mevr. Fatima el Amrani (BSN 111222333), geboren 03-04-1951, woont aan de Kerkstraat 12 "
    "in Utrecht. Opgenomen op 3 maart 2021 in het UMC Utrecht, behandelend arts dr. P. de Vries. "
    "Bereikbaar via 06-12345678 of f.elamrani@example.nl. Bekend met de ziekte van Parkinson."
)


def _need_deduce() -> None:
    if importlib.util.find_spec("deduce") is None:
        pytest.skip("deduce is not installed (pip install 'fairdeid[peers]')")


@pytest.fixture(scope="module")
def deduce() -> object:
    _need_deduce()
    return build_detector("deduce", {})


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _found(spans: list[Span], text: str) -> dict[str, str]:
    return {text[s.start : s.end]: s.label for s in spans}


def test_deduce_offline_and_mapped(deduce: object, no_network: None) -> None:
    spans = deduce.detect(Document("d", TEXT))  # type: ignore[attr-defined]
    found = _found(spans, TEXT)
    assert found.get("111222333") == "SSN"
    assert found.get("03-04-1951") == "DATE" and found.get("3 maart 2021") == "DATE"
    assert found.get("Kerkstraat 12") == "LOCATION" and found.get("Utrecht") == "LOCATION"
    assert found.get("UMC Utrecht") == "HOSPITAL"
    assert found.get("06-12345678") == "PHONE"
    assert found.get("f.elamrani@example.nl") == "EMAIL"
    assert any("Fatima" in k and v == "NAME" for k, v in found.items())
    assert not any("Parkinson" in k for k in found)  # deduce knows its eponyms
    assert all(is_label(s.label) and s.source.startswith("deduce:") for s in spans)
    for s in spans:  # offsets index the note; no blank at either end
        assert 0 <= s.start < s.end <= len(TEXT)
        assert TEXT[s.start : s.end] == TEXT[s.start : s.end].strip()


def test_deduce_span_edges_are_trimmed(deduce: object) -> None:
    """deduce annotates " Ziekenhuis" with its leading blank; our span starts at the word."""
    text = "Gezien door dr. Jansen in het Antonius Ziekenhuis te Nieuwegein."
    spans = deduce.detect(Document("z", text))  # type: ignore[attr-defined]
    assert spans
    assert all(not text[s.start].isspace() and not text[s.end - 1].isspace() for s in spans)


def test_deduce_batch_matches_single_and_empty_notes(deduce: object) -> None:
    docs = [Document("a", TEXT), Document("b", ""), Document("c", "Geen bijzonderheden.")]
    spans, errors = deduce.detect_batch_with_errors(docs)  # type: ignore[attr-defined]
    assert errors == []
    assert set(spans[0]) == set(deduce.detect(docs[0]))  # type: ignore[attr-defined]
    assert spans[1] == [] and spans[2] == []


def test_deduce_failure_is_reported_without_text(
    deduce: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = deduce._deduce  # type: ignore[attr-defined]
    original = inner.deidentify

    def boom(text: str, *args: object, **kwargs: object) -> object:
        if "Amrani" in text:
            raise ValueError(f"cannot parse {text}")
        return original(text, *args, **kwargs)

    monkeypatch.setattr(inner, "deidentify", boom)
    docs = [Document("bad", "Fatima el Amrani"), Document("good", "Tel. 06-12345678.")]
    spans, errors = deduce.detect_batch_with_errors(docs)  # type: ignore[attr-defined]
    assert [e.record for e in errors] == ["bad"] and "Amrani" not in errors[0].reason
    assert spans[0] == [] and spans[1]


def test_deduce_config_is_checked() -> None:
    _need_deduce()
    with pytest.raises(ConfigError, match="unknown"):
        build_detector("deduce", {"colour": "blue"})
    with pytest.raises(ConfigError, match="unknown label"):
        build_detector("deduce", {"labels": {"datum": "WHEN"}})
    with pytest.raises(ConfigError, match="unknown deduce processors"):
        build_detector("deduce", {"disabled": ["horoscopes"]})


def test_deduce_labels_and_disabled_are_applied() -> None:
    _need_deduce()
    det = build_detector("deduce", {"labels": {"datum": ""}, "disabled": ["phone_numbers"]})
    found = _found(det.detect(Document("d", TEXT)), TEXT)
    assert "03-04-1951" not in found and "06-12345678" not in found
    assert found.get("f.elamrani@example.nl") == "EMAIL"


def test_deduce_import_leaves_the_root_logger_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """deduce calls logging.basicConfig(stream=stdout, DEBUG) on import; that must not stick."""
    _need_deduce()
    from fairdeid.detect.peers import _import_deduce

    for name in [m for m in sys.modules if m == "deduce" or m.startswith("deduce.")]:
        monkeypatch.delitem(sys.modules, name)  # import afresh: deduce's module code runs again
    root = logging.getLogger()
    # As in a plain CLI run (pytest gives the root logger handlers, which basicConfig respects).
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", logging.WARNING)
    _import_deduce()
    assert root.handlers == [] and root.level == logging.WARNING


def test_a_missing_deduce_names_the_peers_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked before any work (CLI) and at build time (library), without deduce installed."""
    from fairdeid.cli import extras

    assert extras.pipeline_modules(None, ["deduce"]) == ["deduce"]
    assert extras.install_hint(["deduce"]) == "pip install 'fairdeid[peers]'"
    monkeypatch.setitem(sys.modules, "deduce", None)  # import deduce -> ImportError
    with pytest.raises(ConfigError, match=r"fairdeid\[peers\]"):
        build_detector("deduce", {})
