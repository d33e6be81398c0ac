"""`fairdeid evaluate | audit | bench` through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evaluate_fakes import fake_localize
from typer.testing import CliRunner

from fairdeid.cli import app

EVALUATE_KEYS = {
    "strict",
    "partial",
    "binary_token",
    "leak_rate",
    "retention",
    "by_label",
    "documents",
    "words",
    "seconds",
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_evaluate_json_keys_exact(runner: CliRunner, gold_file: Path) -> None:
    res = runner.invoke(
        app,
        [
            "evaluate",
            str(gold_file),
            "--detector",
            "namelist",
            "--json",
            "--no-progress",
            "--resamples",
            "50",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) == EVALUATE_KEYS
    assert out["documents"] == 12
    assert set(out["strict"]) == {"precision", "recall", "f1", "ci95"}
    assert set(out["leak_rate"]) == {"value", "ci95"}
    assert out["binary_token"]["recall"] == pytest.approx(5 / 8)  # 5 date tokens of 8 PHI tokens


def test_evaluate_report_and_human_output(
    runner: CliRunner, gold_file: Path, tmp_path: Path
) -> None:
    res = runner.invoke(
        app,
        [
            "evaluate",
            str(gold_file),
            "-d",
            "namelist",
            "--report",
            str(tmp_path / "rep"),
            "--no-progress",
            "--resamples",
            "20",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "rep" / "report.html").is_file()
    assert (tmp_path / "rep" / "report.md").is_file()


def test_evaluate_errors_are_clean(runner: CliRunner, tmp_path: Path, gold_file: Path) -> None:
    res = runner.invoke(app, ["evaluate", str(tmp_path / "missing.jsonl"), "-d", "namelist"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["evaluate", str(gold_file), "-d", "no-such-detector"])
    assert res.exit_code == 2 and "unknown detector" in res.output


def test_audit_json(runner: CliRunner, gold_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fairdeid.evaluate.audit.default_localizer", lambda: fake_localize)
    res = runner.invoke(
        app,
        [
            "audit",
            str(gold_file),
            "--locales",
            "zh_CN,en_GB",
            "--genders",
            "-d",
            "namelist",
            "--json",
            "--no-progress",
            "--resamples",
            "50",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [r["locale"] for r in out["locales"]] == ["en_US", "zh_CN", "en_GB"]
    assert len(out["gender_gap"]) == 3 and out["verdicts"]


def test_bench_json_in_process(runner: CliRunner, gold_file: Path, tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "bench",
            str(gold_file),
            "-d",
            "namelist",
            "--repeat",
            "2",
            "--no-isolate",
            "--json",
            "--report",
            str(tmp_path / "b"),
        ],
    )
    assert res.exit_code == 0, res.output
    (system,) = json.loads(res.stdout)["systems"]
    assert system["name"] == "namelist" and system["words"] == 12 * 12
    assert len(system["pass_seconds"]) == 2 and system["words_per_second"] > 0
    assert system["peak_rss_mb"] > 0 and system["evaluation"]["binary_token"]["recall"] == 0.625
    assert (tmp_path / "b" / "recall_vs_throughput.png").is_file()
