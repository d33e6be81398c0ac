"""LLM detector against a real local HTTP server (tests/detect/llm_server.py) on 127.0.0.1.

Every test talks HTTP to a scripted server on an ephemeral loopback port; nothing leaves the
machine. Timeouts and backoffs are tiny so the module runs in a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.detect import available_detectors, build_detector
from fairdeid.detect.llm import (
    HybridLLMDetector,
    LLMConfig,
    LLMDetectionError,
    LLMDetector,
    available_templates,
    build_prompt,
    close_truncated,
    parse_answer,
    repair_json,
)
from fairdeid.detect.llm.align import chunk_text, locate
from fairdeid.detect.llm.parse import ParseError
from fairdeid.document import Document
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_server import Reply, ScriptedServer, oracle, rejects_schema, user_text  # noqa: E402

NOTE = "Seen by Dr. Wei Zhang on 03/04/2021. Zhang called the daughter, Ana Lima."


def make(server: ScriptedServer, sleep: Any = None, **overrides: Any) -> LLMDetector:
    settings_: dict[str, Any] = {
        "model": "test-model",
        "base_url": server.base_url,
        "timeout": 2.0,
        "retries": 2,
        "backoff": 0.001,
        "backoff_max": 0.01,
        "concurrency": 1,
    }
    settings_.update(overrides)
    return LLMDetector(LLMConfig(**settings_), sleep=sleep)


def texts(doc_text: str, spans: Any) -> set[tuple[str, str]]:
    return {(doc_text[s.start : s.end], s.label) for s in spans}


# -- happy path -------------------------------------------------------------------------------


def test_correct_json_gives_every_occurrence_with_provenance(server: ScriptedServer) -> None:
    server.push(
        Reply(
            entities=[
                {"text": "Wei Zhang", "label": "DOCTOR"},
                {"text": "Zhang", "label": "DOCTOR"},
                {"text": "03/04/2021", "label": "DATE"},
                {"text": "Ana Lima", "label": "PATIENT"},
            ]
        )
    )
    det = make(server)
    spans = det.detect(Document("d1", NOTE))
    assert texts(NOTE, spans) == {
        ("Wei Zhang", "DOCTOR"),
        ("Zhang", "DOCTOR"),
        ("03/04/2021", "DATE"),
        ("Ana Lima", "PATIENT"),
    }
    assert sum(1 for s in spans if NOTE[s.start : s.end] == "Zhang") == 2  # every occurrence
    assert {s.source for s in spans} == {"llm:test-model"}
    assert det.stats.requests == 1
    assert (det.stats.prompt_tokens, det.stats.completion_tokens) == (100, 10)
    body = server.requests[0]
    assert body["model"] == "test-model" and body["temperature"] == 0.0
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert "DOCTOR" in schema["properties"]["entities"]["items"]["properties"]["label"]["enum"]
    assert NOTE in user_text(body)


def test_hallucinated_entities_are_dropped_and_counted(server: ScriptedServer) -> None:
    server.push(
        Reply(
            entities=[
                {"text": "Wei Zhang", "label": "DOCTOR"},
                {"text": "John Doe", "label": "PATIENT"},
                {"text": "Boston", "label": "CITY"},
            ]
        )
    )
    det = make(server)
    spans = det.detect(Document("d1", NOTE))
    assert texts(NOTE, spans) == {("Wei Zhang", "DOCTOR")}
    assert det.stats.hallucinations == 2
    assert det.stats.entities == 3
    assert det.detect_batch([]) == [] and det.detect(Document("empty", "")) == []
    assert det.stats.requests == 1  # nothing to send, no request


def test_matching_tolerates_case_and_whitespace_but_respects_word_edges() -> None:
    text = "Pt Wei\n  ZHANG on Albuterol; Al visits in May. He may call."
    assert [text[s:e] for s, e in locate("wei zhang", text)] == ["Wei\n  ZHANG"]
    assert locate("wei zhang", text, match_case=True) == []
    assert locate("wei zhang", text, match_whitespace=False) == []
    assert [text[s:e] for s, e in locate("Al", text)] == ["Al"]  # not inside "Albuterol"
    assert [text[s:e] for s, e in locate("May", text)] == ["May"]  # the month, not the verb
    assert [text[s:e] for s, e in locate("Al,", text)] == ["Al"]  # stray punctuation trimmed
    cjk = "患者张伟今天复诊"
    assert [cjk[s:e] for s, e in locate("张伟", cjk)] == ["张伟"]  # no word edges without spaces


def test_labels_are_mapped_unknown_to_other_or_dropped(server: ScriptedServer) -> None:
    answer = [
        {"text": "Wei Zhang", "label": "person"},
        {"text": "Ana Lima", "label": "Patient"},
        {"text": "03/04/2021", "label": "MOOD"},
    ]
    server.push(Reply(entities=answer), Reply(entities=answer))
    det = make(server)
    spans = det.detect(Document("d1", NOTE))
    assert texts(NOTE, spans) == {
        ("Wei Zhang", "NAME"),
        ("Ana Lima", "PATIENT"),
        ("03/04/2021", "OTHER"),
    }
    assert det.stats.unknown_labels == 1
    det = make(server, unknown_label="drop", label_aliases={"Patient": "DOCTOR"})
    spans = det.detect(Document("d1", NOTE))
    assert texts(NOTE, spans) == {("Wei Zhang", "NAME"), ("Ana Lima", "PATIENT")}


# -- malformed answers ------------------------------------------------------------------------


def test_harmless_malformed_json_is_repaired(server: ScriptedServer) -> None:
    fenced = '```json\n{"entities": [{"text": "Wei Zhang", "label": "DOCTOR"},]}\n```'
    prose = 'Here you go: {"entities": [{"text": "Ana Lima", "label": "PATIENT"}]} Done.'
    server.push(Reply(content=fenced), Reply(content=prose))
    det = make(server)
    a, b = det.detect_batch([Document("a", NOTE), Document("b", NOTE)])
    assert texts(NOTE, a) | texts(NOTE, b) == {("Wei Zhang", "DOCTOR"), ("Ana Lima", "PATIENT")}
    assert det.stats.repaired == 2 and det.stats.truncated == 0 and det.errors == []


def test_unrepairable_answer_is_retried(server: ScriptedServer) -> None:
    server.push(
        Reply(content="I am sorry, I cannot help with that."),
        Reply(entities=[{"text": "Ana Lima", "label": "PATIENT"}]),
    )
    det = make(server)
    assert texts(NOTE, det.detect(Document("d", NOTE))) == {("Ana Lima", "PATIENT")}
    assert det.stats.retries == 1 and det.stats.errors == 0 and det.errors == []


def test_failing_document_is_reported_and_batch_goes_on(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    good = oracle({"Ana Lima": "PATIENT"})
    server.responder = lambda body: (
        Reply(content="no json here") if "Broken" in user_text(body) else good(body)
    )
    det = make(server, concurrency=3)
    docs = [Document("ok-1", NOTE), Document("bad", "Broken Ana Lima note"), Document("ok-2", NOTE)]
    with caplog.at_level(logging.DEBUG, logger="fairdeid.detect.llm"):
        results = det.detect_batch(docs)
    assert texts(NOTE, results[0]) == texts(NOTE, results[2]) == {("Ana Lima", "PATIENT")}
    assert results[1] == []
    assert [e.record for e in det.errors] == ["bad"]
    assert "after 3 attempts" in det.errors[0].reason
    assert det.stats.errors == 1 and det.stats.retries == 2
    # PHI never reaches logs or error messages
    assert "Ana Lima" not in caplog.text and "Broken" not in caplog.text
    assert "Ana Lima" not in str(det.errors[0])


def test_on_error_raise_names_documents_after_the_batch(server: ScriptedServer) -> None:
    server.responder = lambda body: Reply(status=404, body='{"error": "model not found"}')
    det = make(server, on_error="raise")
    with pytest.raises(LLMDetectionError) as info:
        det.detect_batch([Document("n1", NOTE), Document("n2", NOTE)])
    assert "n1" in str(info.value) and "n2" in str(info.value) and "Zhang" not in str(info.value)
    assert det.stats.retries == 0  # a 404 is not transient
    assert len(server.requests) == 2


# -- transient failures -----------------------------------------------------------------------


def test_timeout_is_retried(server: ScriptedServer) -> None:
    server.push(Reply(delay=1.0), Reply(entities=[{"text": "Ana Lima", "label": "PATIENT"}]))
    det = make(server, timeout=0.2)
    assert texts(NOTE, det.detect(Document("d", NOTE))) == {("Ana Lima", "PATIENT")}
    assert det.stats.retries == 1 and det.stats.requests == 2


def test_server_error_is_retried_with_exponential_backoff(server: ScriptedServer) -> None:
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    server.push(Reply(status=500, body="{}"), Reply(status=503, body="{}"), Reply(entities=[]))
    # A fixed format: with "auto", a 500 to the first (schema) request is a format refusal.
    det = make(
        server, sleep=fake_sleep, backoff=0.5, backoff_max=10.0, structured_output="json_object"
    )
    assert det.detect(Document("d", NOTE)) == []
    assert det.stats.retries == 2 and det.errors == []
    assert 0.5 <= delays[0] <= 0.55 and 1.0 <= delays[1] <= 1.1  # doubles, with <=10% jitter


def test_429_honours_retry_after(server: ScriptedServer) -> None:
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    server.push(
        Reply(status=429, body="{}", headers={"Retry-After": "7"}),
        Reply(status=429, body="{}", headers={"Retry-After": "600"}),
        Reply(entities=[{"text": "Wei Zhang", "label": "DOCTOR"}]),
    )
    det = make(server, sleep=fake_sleep, retry_after_max=60.0)
    assert texts(NOTE, det.detect(Document("d", NOTE))) == {("Wei Zhang", "DOCTOR")}
    assert delays == [7.0, 60.0]


# -- chunking ---------------------------------------------------------------------------------


def test_long_note_is_chunked_and_merged(server: ScriptedServer) -> None:
    names = ["Ana Lima", "Wei Zhang", "Olu Adeyemi", "Priya Nair", "Sven Berg"]
    lines = [
        f"Day {i}: reviewed by {names[i % len(names)]}, stable, plan unchanged." for i in range(80)
    ]
    text = " ".join(lines)
    server.responder = oracle({n: "PATIENT" for n in names})
    det = make(server, chunk_size=400, chunk_overlap=80, concurrency=4)
    spans = det.detect(Document("long", text))
    expected = {(m, "PATIENT") for m in names}
    assert texts(text, spans) == expected
    n_chunks = len(chunk_text(text, 400, 80))
    assert n_chunks > 5 and det.stats.requests == n_chunks == det.stats.chunks
    assert all(len(user_text(b)) < 400 + 200 for b in server.requests)
    occurrences = sum(text.count(n) for n in names)
    assert len(spans) == occurrences == len({(s.start, s.end) for s in spans})  # deduplicated


def test_entity_cut_by_a_chunk_boundary_is_found_in_the_overlap(server: ScriptedServer) -> None:
    text = "word " * 30 + "Ana Lima" + " word" * 30
    server.responder = oracle({"Ana Lima": "PATIENT"})
    det = make(server, chunk_size=154, chunk_overlap=40, propagate=False)
    spans = det.detect(Document("d", text))
    assert texts(text, spans) == {("Ana Lima", "PATIENT")} and len(spans) == 1


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("ab \n张"), max_size=400),
    size=st.integers(4, 80),
    ratio=st.floats(0, 0.5),
)
def test_chunks_cover_text_within_size(text: str, size: int, ratio: float) -> None:
    overlap = int(size * ratio) // 2
    chunks = chunk_text(text, size, overlap)
    covered: set[int] = set()
    for start, end in chunks:
        assert 0 < end - start <= size
        covered.update(range(start, end))
    assert covered == set(range(len(text)))
    assert all(a[0] < b[0] and b[0] <= a[1] for a, b in zip(chunks, chunks[1:], strict=False))


# -- structured output ------------------------------------------------------------------------


def test_schema_unsupported_falls_back_and_remembers(server: ScriptedServer) -> None:
    server.responder = rejects_schema(oracle({"Ana Lima": "PATIENT"}))
    det = make(server)
    assert texts(NOTE, det.detect(Document("d", NOTE))) == {("Ana Lima", "PATIENT")}
    assert det.detect(Document("e", NOTE))
    formats = [(b.get("response_format") or {}).get("type") for b in server.requests]
    assert formats == ["json_schema", "json_object", "json_object"]
    assert det.stats.fallbacks == 1 and det.stats.retries == 0


def test_no_structured_output_at_all(server: ScriptedServer) -> None:
    server.responder = rejects_schema(
        oracle({"Ana Lima": "PATIENT"}), ("json_schema", "json_object")
    )
    det = make(server)
    assert texts(NOTE, det.detect(Document("d", NOTE))) == {("Ana Lima", "PATIENT")}
    assert "response_format" not in server.requests[-1]
    assert det.client.mode == "none"
    fixed = make(server, structured_output="json_schema")
    fixed.detect(Document("d", NOTE))
    assert fixed.errors and fixed.errors[0].reason == "chunk 1/1: HTTP 400"


# -- integration ------------------------------------------------------------------------------


def test_detect_batch_inside_a_running_event_loop(server: ScriptedServer) -> None:
    server.responder = oracle({"Ana Lima": "PATIENT"})
    det = make(server, concurrency=2)

    async def main() -> tuple[Any, Any]:
        sync_result = det.detect_batch([Document("a", NOTE)])  # loop running: worker thread
        async_result = await det.adetect_batch([Document("b", NOTE)])
        return sync_result, async_result

    sync_result, async_result = asyncio.run(main())
    assert texts(NOTE, sync_result[0]) == texts(NOTE, async_result[0]) == {("Ana Lima", "PATIENT")}


def test_pipeline_ensemble_with_rules_like_detector(server: ScriptedServer) -> None:
    server.responder = oracle({"Ana Lima": "PATIENT", "Wei Zhang": "DOCTOR"})
    config = {
        "pipeline": {"detectors": ["toy", "llm"]},
        "detectors": {
            "llm": {"model": "m", "base_url": server.base_url, "timeout": 2.0, "retries": 0}
        },
        "replace": {"mode": "tag"},
    }
    pipeline = Pipeline.from_config(config)
    text = "Dr. Wei Zhang saw Ana Lima on 2021-03-04."
    doc = pipeline.detect(text)
    found = {
        text[s.start : s.end]: {s.detector, *(a.split(":")[0] for a in s.attrs.get("also", []))}
        for s in doc.spans
    }
    # the title step (name_titles = "include", the default) takes "Dr." into the name
    assert found == {"Dr. Wei Zhang": {"toy", "llm"}, "Ana Lima": {"llm"}, "2021-03-04": {"toy"}}
    result = pipeline.deidentify(text)
    assert "Ana Lima" not in result.text and "Wei Zhang" not in result.text


def test_api_key_from_environment(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIRDEID_TEST_KEY", "sk-local-123")
    det = make(server, api_key_env="FAIRDEID_TEST_KEY")
    det.detect(Document("d", NOTE))
    assert server.request_headers[0]["authorization"] == "Bearer sk-local-123"
    monkeypatch.delenv("FAIRDEID_TEST_KEY")
    with pytest.raises(ConfigError, match="FAIRDEID_TEST_KEY"):
        make(server, api_key_env="FAIRDEID_TEST_KEY")


def test_registry_and_config_validation(server: ScriptedServer) -> None:
    assert {"llm", "llm_hybrid"} <= set(available_detectors())
    det = build_detector("llm", {"model": "m", "base_url": server.base_url + "/v1/"})
    assert isinstance(det, LLMDetector) and det.name == "llm"
    assert det.config.chat_url == server.base_url + "/v1/chat/completions"
    with pytest.raises(ConfigError, match="unknown"):
        build_detector("llm", {"model": "m", "temprature": 0.2})
    with pytest.raises(ConfigError):
        build_detector("llm", {"model": "m", "structured_output": "xml"})
    with pytest.raises(ConfigError, match="model"):
        build_detector("llm", {})


# -- hybrid -----------------------------------------------------------------------------------

HYBRID_NOTE = (
    "Dr. Smith saw the patient on 2021-03-04.\n"
    "BP 120/80, lungs clear.\n"
    "Lives with Anna Kowalski in Springfield.\n"
    "患者张伟今天复诊。\n"
    "Daughter KOWALSKI to call back."
)


def test_hybrid_sends_only_uncertain_windows(server: ScriptedServer) -> None:
    server.responder = oracle(
        {
            "Anna Kowalski": "PATIENT",
            "Kowalski": "PATIENT",
            "Springfield": "CITY",
            "张伟": "PATIENT",
        }
    )
    config = {
        "model": "m",
        "base_url": server.base_url,
        "timeout": 2.0,
        "retries": 0,
        "trust": ["toy"],
        "window": "line",
    }
    det = build_detector("llm_hybrid", config)
    assert isinstance(det, HybridLLMDetector)
    spans = det.detect(Document("h", HYBRID_NOTE))
    sent = "\n".join(user_text(b) for b in server.requests)
    assert "Anna Kowalski in Springfield.\n患者张伟" in sent  # adjacent windows: one stretch
    assert "lungs clear" not in sent and "Dr. Smith" not in sent and "call back" not in sent
    found = {(HYBRID_NOTE[s.start : s.end], s.detector) for s in spans}
    assert {
        ("Smith", "toy"),
        ("2021-03-04", "toy"),
        ("Anna Kowalski", "llm"),
        ("Springfield", "llm"),
        ("张伟", "llm"),
    } <= found
    assert ("KOWALSKI", "llm") in found  # propagated to a window that was never sent
    assert det.stats.windows_total == 5 and det.stats.windows_sent == 2
    assert det.stats.requests == 1  # both windows packed into one request
    assert 0 < det.stats.chars_sent < det.stats.chars_seen


def test_llm_only_uncertain_builds_hybrid_and_low_scores_trigger(server: ScriptedServer) -> None:
    config = {
        "model": "m",
        "base_url": server.base_url,
        "only_uncertain": True,
        "trust": ["toy"],
        "uncertain_below": 0.95,
        "triggers": ["low_score"],
    }
    det = build_detector("llm", config)
    assert isinstance(det, HybridLLMDetector)
    det.detect(Document("h", HYBRID_NOTE))  # toy scores 0.9 < 0.95: the toy's sentence is sent
    sent = "\n".join(user_text(b) for b in server.requests)
    assert "Dr. Smith saw" in sent and "Springfield" not in sent
    with pytest.raises(ConfigError):
        build_detector("llm_hybrid", {"model": "m", "trust": ["toy"], "triggers": ["vibes"]})


def test_sentence_windows_keep_abbreviations_together(server: ScriptedServer) -> None:
    det = build_detector("llm_hybrid", {"model": "m", "base_url": server.base_url, "trust": []})
    assert isinstance(det, HybridLLMDetector)
    text = "Seen by Dr. J. Smith today. Stable.  Next visit in May."
    assert [text[s:e] for s, e in det.windows(text)] == [
        "Seen by Dr. J. Smith today.",
        "Stable.",
        "Next visit in May.",
    ]


# -- units: repair, parsing, prompts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        (
            '{"entities": [{"text": "a", "label": "X"},]}',
            '{"entities": [{"text": "a", "label": "X"}]}',
        ),
        ('Sure: [{"text": "a", "label": "X"}] Hope it helps!', '[{"text": "a", "label": "X"}]'),
        # A cut-off answer is not repaired (see test_close_truncated).
        ('{"entities": [{"text": "a", "label": "X"}, {"text": "b', None),
        ('{"entities": [', None),
        ("no json", None),
        ('{"entities": [}', None),
    ],
)
def test_repair_json(raw: str, fixed: str | None) -> None:
    assert repair_json(raw) == fixed


@pytest.mark.parametrize(
    ("raw", "closed"),
    [
        (
            '{"entities": [{"text": "a", "label": "X"}, {"text": "b',
            '{"entities": [{"text": "a", "label": "X"}]}',
        ),
        ('{"entities": [', '{"entities": []}'),
        (
            '{"entities": [{"text": "a}]\\"", "label": "X"}, {"te',
            '{"entities": [{"text": "a}]\\"", "label": "X"}]}',
        ),
        ('{"entities": []}', None),  # complete: nothing to close
    ],
)
def test_close_truncated(raw: str, closed: str | None) -> None:
    assert close_truncated(raw) == closed


def test_cut_off_answer_parses_as_truncated_not_repaired() -> None:
    parsed = parse_answer('{"entities": [{"text": "a", "label": "DATE"}, {"text": "b')
    assert parsed.truncated and not parsed.repaired and parsed.entities == [("a", "DATE")]
    assert parse_answer('{"entit').truncated  # cut before the list: nothing salvaged
    assert not parse_answer('```\n{"entities": [],}\n```').truncated


def test_parse_answer_shapes() -> None:
    assert parse_answer('[{"text": "a", "label": "DATE"}]').entities == [("a", "DATE")]
    assert parse_answer('{"phi": [{"value": "a", "type": "DATE"}]}').entities == [("a", "DATE")]
    assert parse_answer('<think>{"x": 1</think>{"entities": []}').entities == []
    assert parse_answer("[{'text': 'a', 'label': 'DATE'}]").entities == [("a", "DATE")]
    parsed = parse_answer('{"entities": [{"text": "", "label": "DATE"}, 3, {"text": "b"}]}')
    assert parsed.entities == [] and parsed.invalid_items == 3
    with pytest.raises(ParseError):
        parse_answer('{"answer": "none"}')


def test_prompt_templates(tmp_path: Path) -> None:
    assert {"default", "compact"} <= set(available_templates())
    zero = build_prompt("default")
    few = build_prompt("default", few_shot=True)
    assert len(zero.messages("x")) == 2
    assert len(few.messages("x")) == 2 + 2 * len(few.template.examples)
    assert "- DOCTOR:" in zero.messages("x")[0]["content"]
    compact = build_prompt("compact", few_shot=True)
    labels = {e["label"] for e in json.loads(compact.messages("x")[2]["content"])["entities"]}
    assert labels <= {"NAME", "LOCATION", "DATE", "ID", "AGE", "CONTACT", "PROFESSION", "OTHER"}
    restricted = build_prompt("default", labels=["NAME", "DATE"], few_shot=True)
    assert restricted.json_schema()["properties"]["entities"]["items"]["properties"]["label"][
        "enum"
    ] == ["NAME", "DATE"]
    custom = tmp_path / "mine.toml"
    custom.write_text(
        'system = "Find $label_names. Cost: $$0"\nuser = "<<$text>>"\nlabels = "coarse"\n'
    )
    prompt = build_prompt(str(custom))
    assert prompt.messages("note")[1]["content"] == "<<note>>"
    assert prompt.messages("note")[0]["content"].endswith("Cost: $0")
    with pytest.raises(ConfigError):
        build_prompt("nonexistent")
    with pytest.raises(ConfigError):
        build_prompt(str(custom), few_shot=True)  # no examples in that file


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).resolve().parents[2] / "configs").glob("llm-*.toml")),
    ids=lambda p: p.name,
)
def test_example_configs_build(path: Path) -> None:
    config = tomllib.loads(path.read_text("utf-8"))
    for table in config["detectors"].values():
        assert "note_deadline" in table and table.get("probe", True) is True  # documented keys
        table["probe"] = False  # no server here: skip the reachability check
    pipeline = Pipeline.from_config(config)  # builds detectors; contacts no server
    assert any(isinstance(d, (LLMDetector, HybridLLMDetector)) for d in pipeline.detectors.values())
