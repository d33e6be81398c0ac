"""Fault injection: whatever the LLM server does wrong, no note is released as clean.

A pipeline of ``rules`` + ``llm`` (and ``llm`` alone) runs over notes full of PHI against the
scripted server of llm_server.py in each of its ``FAULT_MODES``. Every note must come back
either de-identified with the LLM's failure in ``Result.errors`` or not at all; a note whose LLM
call failed must never have ``errors == ()``. Timeouts are a fraction of a second.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from fairdeid.document import Document
from fairdeid.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_server import FAULT_MODES, Responder, ScriptedServer, faulty, oracle, user_text  # noqa: E402

GAZETTEER = {
    "Ana Lima": "PATIENT",
    "Wei Zhang": "DOCTOR",
    "Olu Adeyemi": "PATIENT",
    "Springfield": "CITY",
    "12345678": "MEDICALRECORD",
}
NOTES = [
    Document("n1", "Patient Ana Lima (MRN 12345678) was seen by Dr. Wei Zhang on 2021-03-04."),
    Document("n2", "Olu Adeyemi lives in Springfield; call 555-201-7788 before 2021-04-01."),
    Document("n3", "Follow-up: Ana Lima reports no pain. Dr. Wei Zhang to review in May."),
]
#: What the rules alone remove from NOTES (asserted below so a rules change shows up here).
RULES_FIND = ("12345678", "2021-03-04", "555-201-7788", "2021-04-01")
DETECTOR_SETS = (("rules", "llm"), ("llm",))


def pipeline(server: ScriptedServer, detectors: tuple[str, ...]) -> Pipeline:
    llm: dict[str, Any] = {
        "model": "test-model",
        "base_url": server.base_url,
        "timeout": 0.3,
        "retries": 1,
        "backoff": 0.001,
        "backoff_max": 0.01,
        "concurrency": 4,
        "note_deadline": 2.0,
        "chunk_size": 200,
        "chunk_overlap": 20,
        "min_chunk_size": 40,
    }
    config = {
        "pipeline": {"detectors": list(detectors)},
        "detectors": {"llm": llm},
        "replace": {"mode": "tag"},
    }
    return Pipeline.from_config(config)


def run(responder: Responder, detectors: tuple[str, ...]) -> list[Any]:
    with ScriptedServer(responder) as server:
        return pipeline(server, detectors).deidentify_batch(NOTES)


@pytest.mark.parametrize("detectors", DETECTOR_SETS, ids="+".join)
@pytest.mark.parametrize("mode", FAULT_MODES)
def test_failed_llm_is_reported_never_silently_clean(
    mode: str, detectors: tuple[str, ...], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="fairdeid"):
        results = run(faulty(mode, oracle(GAZETTEER)), detectors)
    assert len(results) == len(NOTES)  # nothing lost
    for note, result in zip(NOTES, results, strict=True):
        assert result.errors != (), f"{mode}: {note.id} released as clean"
        assert any(e.startswith("llm: ") for e in result.errors)
        assert not result.ok
        if "rules" in detectors:  # what the rules found is still removed
            assert not any(phi in result.text for phi in RULES_FIND if phi in note.text)
    # Reasons and logs name documents and causes, never the notes' text.
    reasons = " ".join(e for r in results for e in r.errors)
    for phi in ("Ana Lima", "Wei Zhang", "Adeyemi", "Springfield"):
        assert phi not in reasons and phi not in caplog.text


@pytest.mark.parametrize("mode", ["truncate", "hang", "status:500", "reset", "partial"])
def test_only_the_notes_whose_call_failed_are_flagged(mode: str) -> None:
    good = oracle(GAZETTEER)
    bad = faulty(mode, good)
    results = run(lambda body: bad(body) if "Olu" in user_text(body) else good(body), ("llm",))
    ok = {note.id: result for note, result in zip(NOTES, results, strict=True) if result.ok}
    assert sorted(ok) == ["n1", "n3"]
    assert all(phi not in r.text for r in ok.values() for phi in GAZETTEER)
    assert not results[1].ok and results[1].errors[0].startswith("llm: ")


def test_healthy_server_passes_every_note() -> None:
    results = run(oracle(GAZETTEER), ("rules", "llm"))
    assert all(r.ok for r in results)
    for note, result in zip(NOTES, results, strict=True):
        assert not any(phi in result.text for phi in (*GAZETTEER, *RULES_FIND) if phi in note.text)
