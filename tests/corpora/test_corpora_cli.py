from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fairdeid.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "corpora"
runner = CliRunner()


def test_convert_i2b2_to_jsonl_and_back_to_brat(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    res = runner.invoke(app, ["convert", str(FIXTURES / "i2b2"), str(out)])
    assert res.exit_code == 0, res.output
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["id"] == "110-01" and len(rec["spans"]) == 8
    res = runner.invoke(app, ["convert", str(out), str(tmp_path / "b"), "--to", "brat"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "b" / "110-01.ann").exists()


def test_convert_reports_bad_records_and_exits_nonzero(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "a", "text": "ok"}\n{not json\n{"id": "c", "text": "Ann", '
        '"spans": [{"start": 0, "end": 9, "label": "PATIENT"}]}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["convert", str(src), str(out)])
    assert res.exit_code == 1
    assert "in.jsonl:2" in res.output and "in.jsonl:3" in res.output
    assert "Ann" not in res.output
    assert out.read_text(encoding="utf-8").count("\n") >= 2  # header + the good record


def test_convert_to_conll_and_config_errors(tmp_path: Path) -> None:
    out = tmp_path / "x.conll"
    res = runner.invoke(app, ["convert", str(FIXTURES / "i2b2"), str(out), "--coarse"])
    assert res.exit_code == 0, res.output
    assert "B-NAME" in out.read_text(encoding="utf-8")
    res = runner.invoke(
        app, ["convert", str(FIXTURES / "i2b2"), str(tmp_path / "y"), "--to", "wizard"]
    )
    assert res.exit_code == 2


def test_convert_mimic(tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    res = runner.invoke(
        app, ["convert", str(FIXTURES / "mimic_unknown.csv"), str(out), "--from", "mimic"]
    )
    assert res.exit_code == 1 and "Protected Section" in res.output
    res = runner.invoke(
        app,
        [
            "convert",
            str(FIXTURES / "mimic_unknown.csv"),
            str(out),
            "--from",
            "mimic",
            "--unknown",
            "other",
        ],
    )
    assert res.exit_code == 0, res.output


def test_generate(tmp_path: Path) -> None:
    out = tmp_path / "g.jsonl"
    res = runner.invoke(
        app, ["generate", "-n", "12", "-o", str(out), "--seed", "2", "--locales", "en_US,zh_CN"]
    )
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    assert all(json.loads(line)["spans"] for line in lines)
