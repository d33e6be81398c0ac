"""Regression tests for the LLM detector's failure handling (issues 3, 15, 16, architecture).

Each test talks HTTP to the scripted server in llm_server.py on 127.0.0.1. They pin down that a
note is never accepted on a partial answer (truncation), that a hanging server costs a bounded
time per note, that a config pointing at no server fails at once, that a server refusing the
JSON schema with a 500 is asked once, and that per-document failures reach the caller.
"""

from __future__ import annotations

import ast
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from fairdeid.detect import build_detector, register_detector
from fairdeid.detect.base import FallibleDetector
from fairdeid.detect.llm import HybridLLMDetector, LLMConfig, LLMDetector
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, RecordError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_server import Reply, ScriptedServer, faulty, oracle, user_text  # noqa: E402

NAMES = {"Ana Lima": "PATIENT", "Wei Zhang": "DOCTOR", "Olu Adeyemi": "PATIENT"}
LONG_NOTE = " ".join(
    f"Visit {i}: {name} reviewed, stable, plan unchanged." for i in range(6) for name in NAMES
)


def make(server: ScriptedServer, **overrides: Any) -> LLMDetector:
    settings: dict[str, Any] = {
        "model": "test-model",
        "base_url": server.base_url,
        "timeout": 2.0,
        "retries": 1,
        "backoff": 0.001,
        "backoff_max": 0.01,
        "concurrency": 2,
    }
    settings.update(overrides)
    return LLMDetector(LLMConfig(**settings))


def found(text: str, spans: Sequence[Span]) -> set[str]:
    return {text[s.start : s.end] for s in spans}


def formats(server: ScriptedServer) -> list[str | None]:
    return [(b.get("response_format") or {}).get("type") for b in server.requests]


# -- issue 3: truncated answers ---------------------------------------------------------------


def test_truncated_answer_splits_the_chunk_until_answers_are_whole(
    server: ScriptedServer,
) -> None:
    whole = oracle(NAMES)
    cut = faulty("truncate", whole)
    server.responder = lambda body: cut(body) if len(user_text(body)) > 300 else whole(body)
    det = make(server, min_chunk_size=50, chunk_overlap=40)
    spans, errors = det.detect_batch_with_errors([Document("long", LONG_NOTE)])
    assert errors == [] and det.errors == []
    assert found(LONG_NOTE, spans[0]) == set(NAMES)
    assert det.stats.truncated >= 1 and det.stats.requests > 2
    sent = [len(user_text(b)) for b in server.requests]
    assert sent[0] > 300 and min(sent) <= 300  # the same text, asked in smaller pieces


@pytest.mark.parametrize("mode", ["partial", "truncate"])
def test_answer_truncated_at_min_chunk_size_fails_the_note(
    server: ScriptedServer, mode: str
) -> None:
    server.responder = faulty(mode, oracle(NAMES))
    det = make(server, min_chunk_size=120, chunk_overlap=20)
    docs = [Document("long", LONG_NOTE), Document("short", "Ana Lima seen today.")]
    spans, errors = det.detect_batch_with_errors(docs)
    assert [e.record for e in errors] == ["long", "short"]
    assert all("truncated" in e.reason and "min_chunk_size" in e.reason for e in errors)
    assert "Ana Lima" not in str(errors)
    # The long note was asked again in smaller pieces; one line per reason, with offsets.
    sent = [len(user_text(b)) for b in server.requests]
    assert len(sent) > 2 and max(sent[1:]) < sent[0]
    assert errors[0].reason.startswith("chunk 1/1, chars ") and errors[0].reason.count(";") == 0


def test_cut_off_json_is_truncated_even_without_finish_reason_length(
    server: ScriptedServer,
) -> None:
    server.responder = lambda body: Reply(
        content='{"entities": [{"text": "Ana Lima", "label": "PATIENT"}, {"text": "Wei',
        finish_reason="stop",
    )
    det = make(server, min_chunk_size=10_000)
    spans, errors = det.detect_batch_with_errors([Document("d", "Ana Lima and Wei Zhang.")])
    assert [e.record for e in errors] == ["d"] and "truncated" in errors[0].reason
    assert found("Ana Lima and Wei Zhang.", spans[0]) == {"Ana Lima"}  # salvaged, still failed
    assert det.stats.truncated == 1 and det.stats.repaired == 0


# -- issue 16: hanging and missing servers ---------------------------------------------------


def test_note_deadline_bounds_a_hanging_server(server: ScriptedServer) -> None:
    server.responder = faulty("hang", oracle(NAMES))
    det = make(server, timeout=5.0, retries=3, note_deadline=0.6)
    started = time.monotonic()
    spans, errors = det.detect_batch_with_errors([Document("a", "Ana Lima"), Document("b", "x")])
    elapsed = time.monotonic() - started
    assert elapsed < 2.5, elapsed  # not 4 attempts x 5 s
    assert [e.record for e in errors] == ["a", "b"]
    assert all("deadline" in e.reason for e in errors)


def test_note_deadline_starts_with_the_notes_first_request(server: ScriptedServer) -> None:
    """Notes queued behind a slow one keep their whole deadline."""
    server.responder = lambda body: Reply(entities=[], delay=0.25)
    det = make(server, concurrency=1, note_deadline=0.5)
    docs = [Document(f"n{i}", f"note {i}") for i in range(4)]  # 4 x 0.25 s > 0.5 s in all
    _, errors = det.detect_batch_with_errors(docs)
    assert errors == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_config_pointing_at_no_server_fails_fast() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(ConfigError, match="cannot reach the LLM server") as info:
        build_detector("llm", {"model": "m", "base_url": url, "timeout": 30.0})
    assert time.monotonic() - started < 1.5
    assert url in str(info.value) and "probe = false" in str(info.value)
    with pytest.raises(ConfigError, match="cannot reach"):
        build_detector("llm_hybrid", {"model": "m", "base_url": url, "trust": []})
    assert isinstance(
        build_detector("llm", {"model": "m", "base_url": url, "probe": False}), LLMDetector
    )


def test_probe_error_does_not_echo_credentials_in_the_url() -> None:
    url = f"http://user:s3cret-pw@127.0.0.1:{_closed_port()}/?key=s3cret-key"
    with pytest.raises(ConfigError) as info:
        build_detector("llm", {"model": "m", "base_url": url})
    assert "s3cret" not in str(info.value) and "127.0.0.1" in str(info.value)


def test_probe_reports_missing_endpoint_and_bad_credentials(server: ScriptedServer) -> None:
    server.models_status = 404
    with pytest.raises(ConfigError, match="probe = false"):
        make(server)
    server.models_status = 401
    with pytest.raises(ConfigError, match="credentials"):
        make(server)
    server.models_status = 503  # something is listening (e.g. a model loading): go ahead
    assert make(server).config.probe


def test_probe_runs_once_per_detector(server: ScriptedServer) -> None:
    det = make(server)
    det.detect_batch([Document("a", "x")])
    det.detect_batch([Document("b", "y")])
    assert server.models_requests == 1


# -- issue 15: schema refused with a 500 ------------------------------------------------------


def _schema_crashes(body: dict[str, Any]) -> Reply:
    if (body.get("response_format") or {}).get("type") == "json_schema":
        return Reply(status=500, body='{"error": {"message": "Internal Server Error"}}')
    return oracle(NAMES)(body)


def test_schema_refused_with_500_falls_back_once_and_remembers(server: ScriptedServer) -> None:
    server.responder = _schema_crashes
    det = make(server, concurrency=4)
    docs = [Document(f"d{i}", "Ana Lima and Wei Zhang.") for i in range(5)]
    spans, errors = det.detect_batch_with_errors(docs)
    assert errors == [] and all(found(docs[0].text, s) == {"Ana Lima", "Wei Zhang"} for s in spans)
    assert formats(server).count("json_schema") == 1  # probed once, not once per chunk
    assert det.client.mode == "json_object" and det.stats.fallbacks == 1
    det.detect_batch([Document("later", "Ana Lima")])
    assert formats(server)[-1] == "json_object" and formats(server).count("json_schema") == 1


def test_schema_accepted_is_kept(server: ScriptedServer) -> None:
    server.responder = oracle(NAMES)
    det = make(server, concurrency=4)
    det.detect_batch([Document(f"d{i}", "Ana Lima") for i in range(3)])
    assert formats(server) == ["json_schema"] * 3 and det.stats.fallbacks == 0


def test_transient_failure_of_first_request_does_not_pin_a_weaker_format(
    server: ScriptedServer,
) -> None:
    """A probe that fails for good (server down) leaves the format to the next request."""
    server.push(*[Reply(status=503, body="{}") for _ in range(3)])
    server.responder = oracle(NAMES)
    det = make(server, concurrency=1, retries=1)
    _, errors = det.detect_batch_with_errors([Document("a", "Ana Lima")])
    assert [e.record for e in errors] == ["a"]
    det.detect_batch([Document("b", "Ana Lima")])
    assert formats(server)[-1] == "json_schema" and det.client.mode == "json_schema"


# -- FallibleDetector protocol ----------------------------------------------------------------


class _FallibleTrusted:
    """A trusted detector that fails on documents containing "FAIL" (as a remote one would)."""

    name = "fallible_trusted"

    def detect(self, doc: Document) -> list[Span]:
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return self.detect_batch_with_errors(docs)[0]

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        errors = [RecordError(d.id, "backend down") for d in docs if "FAIL" in d.text]
        return [[] for _ in docs], errors


register_detector("fallible_trusted", lambda config: _FallibleTrusted())


def test_llm_detectors_are_fallible_detectors_reporting_document_ids(
    server: ScriptedServer,
) -> None:
    server.responder = lambda body: (
        Reply(status=401, body="{}") if "broken" in user_text(body) else oracle(NAMES)(body)
    )
    det = make(server)
    assert isinstance(det, FallibleDetector)
    docs = [Document("ok", "Ana Lima"), Document("bad-7", "broken Ana Lima")]
    spans, errors = det.detect_batch_with_errors(docs)
    assert len(spans) == 2 and found("Ana Lima", spans[0]) == {"Ana Lima"}
    assert [(e.record, type(e)) for e in errors] == [("bad-7", RecordError)]
    assert det.errors == errors  # the latest batch's errors are kept on the detector


def test_hybrid_reports_failures_of_a_fallible_trusted_detector(server: ScriptedServer) -> None:
    server.responder = oracle(NAMES)
    det = build_detector(
        "llm_hybrid",
        {"model": "m", "base_url": server.base_url, "trust": ["fallible_trusted"]},
    )
    assert isinstance(det, HybridLLMDetector) and isinstance(det, FallibleDetector)
    docs = [Document("fine", "Ana Lima came."), Document("bad", "FAIL: Wei Zhang came.")]
    spans, errors = det.detect_batch_with_errors(docs)
    assert [e.record for e in errors] == ["bad"]
    assert "fallible_trusted" in errors[0].reason and "Wei Zhang" not in errors[0].reason
    assert found(docs[1].text, spans[1]) == {"Wei Zhang"}  # the LLM's spans still count


# -- architecture: no import cycle ------------------------------------------------------------


def test_llm_package_has_no_import_cycle() -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "fairdeid" / "detect" / "llm"
    prefix = "fairdeid.detect.llm."
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        imports: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imports.add(node.module)
            elif isinstance(node, ast.Import):
                imports.update(alias.name for alias in node.names)
        graph[path.stem] = {m[len(prefix) :] for m in imports if m.startswith(prefix)}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()) - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    cycles = sorted(m for m in graph if m != "__init__" and reaches(m, m, set()))
    assert cycles == [], f"import cycle among {cycles}"
