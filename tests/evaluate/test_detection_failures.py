"""A detector that fails on some documents must never be scored, audited or timed as if it had
found nothing there: the commands name the failed documents (ids and reasons only) and exit 1."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from evaluate_fakes import FLAKY_IDS, fake_localize
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.document import Document
from fairdeid.errors import DetectionFailedError
from fairdeid.evaluate.bench import System, bench_system

#: Text of every gold note (see make_gold); it must never appear in a failure report.
NOTE_TEXT = "Robert Roe"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_evaluate_with_failing_detector_exits_1_and_names_documents(
    runner: CliRunner, gold_file: Path
) -> None:
    res = runner.invoke(
        app, ["evaluate", str(gold_file), "-d", "flakylist", "--no-progress", "--resamples", "20"]
    )
    assert res.exit_code == 1, res.output
    assert "2 of 12 documents could not be checked" in res.output
    for doc in FLAKY_IDS:
        assert f"failed {doc}: flakylist: server error 500" in res.output
    assert "strict" not in res.output and "recall" not in res.output  # no metrics, not even partial
    assert NOTE_TEXT not in res.output


def test_evaluate_json_failure_report_and_error_file(
    runner: CliRunner, gold_file: Path, tmp_path: Path
) -> None:
    report = tmp_path / "rep"
    res = runner.invoke(
        app,
        ["evaluate", str(gold_file), "-d", "flakylist", "--json", "--no-progress", "--report",
         str(report), "--resamples", "20"],
    )  # fmt: skip
    assert res.exit_code == 1, res.output
    out = json.loads(res.stdout)
    assert out == {
        "error": "detection_failed",
        "documents": 12,
        "failed": [{"id": d, "reason": "flakylist: server error 500"} for d in FLAKY_IDS],
    }
    lines = (report / "errors.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["record"] for line in lines] == list(FLAKY_IDS)
    assert not (report / "report.html").exists()  # never a report of numbers nobody measured


def test_audit_with_failing_detector_names_the_variant(
    runner: CliRunner, gold_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fairdeid.evaluate.audit.default_localizer", lambda: fake_localize)
    res = runner.invoke(
        app,
        ["audit", str(gold_file), "--locales", "zh_CN", "-d", "flakylist", "--json",
         "--no-progress", "--resamples", "20"],
    )  # fmt: skip
    assert res.exit_code == 1, res.output
    out = json.loads(res.stdout)
    assert out["error"] == "detection_failed"
    assert [f["id"] for f in out["failed"]] == [f"{d} [en_US/keep]" for d in FLAKY_IDS]
    assert NOTE_TEXT not in res.output


def test_bench_times_the_good_system_and_reports_the_failing_one(
    runner: CliRunner, gold_file: Path
) -> None:
    res = runner.invoke(
        app,
        ["bench", str(gold_file), "-d", "namelist", "-d", "flakylist", "--repeat", "1",
         "--no-isolate", "--json"],
    )  # fmt: skip
    assert res.exit_code == 1, res.output
    out = json.loads(res.stdout)
    assert [s["name"] for s in out["systems"]] == ["namelist"]
    (failed,) = out["failed"]
    assert failed["name"] == "flakylist" and failed["documents"] == 12
    assert [f["id"] for f in failed["failed"]] == list(FLAKY_IDS)
    assert "flakylist:" in res.output and "failed d3" in res.output


@pytest.mark.skipif(sys.platform == "win32", reason="closed-port behaviour differs")
def test_isolated_bench_failure_crosses_the_process_boundary(tmp_path: Path) -> None:
    """The measuring process is spawned: its failure must come back as an error, not a hang
    (an exception that cannot be unpickled kills the pool's result thread)."""
    pytest.importorskip("httpx")
    config = tmp_path / "llm_down.toml"
    config.write_text(
        '[pipeline]\ndetectors = ["llm"]\n[detectors.llm]\nmodel = "none"\n'
        'base_url = "http://127.0.0.1:9"\nretries = 0\ntimeout = 2.0\n'
        'structured_output = "none"\nprobe = false\n',
        encoding="utf-8",
    )
    docs = [Document("a", "Seen by John Smith."), Document("b", "Nothing.")]
    with pytest.raises(DetectionFailedError) as info:
        bench_system(System("down", config=str(config)), docs, repeat=1)
    assert set(info.value.failures) == {"a", "b"} and info.value.total == 2


def test_bench_refuses_a_pass_during_which_the_detector_failed() -> None:
    """The warm-up went through, then the server went down: that pass is not a speed."""
    from evaluate_fakes import NameListDetector, make_gold

    from fairdeid.detect import register_detector
    from fairdeid.errors import RecordError

    class DiesAfterWarmup(NameListDetector):
        name = "dies"
        calls = 0

        def detect_batch(self, docs):  # type: ignore[no-untyped-def]
            return self.detect_batch_with_errors(docs)[0]

        def detect_batch_with_errors(self, docs):  # type: ignore[no-untyped-def]
            DiesAfterWarmup.calls += 1
            if DiesAfterWarmup.calls == 1:
                return [self.detect(d) for d in docs], []
            return [[] for _ in docs], [RecordError(d.id, "server error 503") for d in docs]

    register_detector("dies", lambda config: DiesAfterWarmup())
    with pytest.raises(DetectionFailedError) as info:
        bench_system(System("dies", detector="dies"), make_gold(3), repeat=2, isolate=False)
    assert info.value.failures == {f"d{i}": "dies: server error 503" for i in range(3)}
