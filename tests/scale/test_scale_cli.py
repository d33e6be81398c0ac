"""`fairdeid batch --local` through the CLI (in-process; the Ray path is in test_scale_batch)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_scale_batch import CONFIG, check_complete, write_jsonl_input
from typer.testing import CliRunner

from fairdeid.cli import app


def test_batch_cli_local_reports_and_refuses_changed_settings(tmp_path: Path) -> None:
    import fairdeid_scale_plugin  # noqa: F401

    src = write_jsonl_input(tmp_path / "in.jsonl", 14)
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    base = ["batch", str(src), str(out), "--config", str(tmp_path / "pipe.toml"), "--local"]
    result = CliRunner().invoke(app, [*base, "--chunk-size", "5"])
    assert result.exit_code == 1, result.output  # 1: three rows went to errors.jsonl
    assert "11 rows de-identified, 3 in errors.jsonl, 3 chunks" in result.output
    check_complete(out, 14)
    changed = CliRunner().invoke(app, [*base, "--chunk-size", "7"])
    assert changed.exit_code == 2 and "different settings (chunk_size)" in changed.output
    bad = CliRunner().invoke(app, [*base, "--output-format", "xml"])
    assert bad.exit_code == 2
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_batch_cli_csv_input(tmp_path: Path) -> None:
    import fairdeid_scale_plugin  # noqa: F401

    src = tmp_path / "notes.csv"
    src.write_text('nid,body\na1,"Dr. Lee, 2021-03-04"\na2,nothing\n', encoding="utf-8")
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(src), str(out), "--config",
                                      str(tmp_path / "pipe.toml"), "--local", "--text-column",
                                      "body", "--id-column", "nid"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in (out / "part-00000.jsonl").read_text().splitlines()]
    assert [(r["id"], r["text"]) for r in rows] == [("a1", "[NAME], [DATE]"),
                                                    ("a2", "nothing")]


def test_batch_cli_surrogate_mode_without_key_exits_2_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fairdeid_scale_plugin  # noqa: F401

    monkeypatch.delenv("FAIRDEID_KEY", raising=False)
    src = write_jsonl_input(tmp_path / "in.jsonl", 4)
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    for engine in (["--local"], []):  # the Ray engine refuses before Ray starts
        result = CliRunner().invoke(app, ["batch", str(src), str(out), "--config",
                                          str(tmp_path / "pipe.toml"), "--mode", "surrogate",
                                          *engine])
        assert result.exit_code == 2, result.output
        assert "$FAIRDEID_KEY" in result.output and "fairdeid keygen" in result.output
        assert not out.exists()


def test_batch_cli_engine_options(tmp_path: Path) -> None:
    import fairdeid_scale_plugin  # noqa: F401

    src = write_jsonl_input(tmp_path / "in.jsonl", 14)
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    base = ["batch", str(src), str(out), "--config", str(tmp_path / "pipe.toml")]
    clash = CliRunner().invoke(app, [*base, "--local", "--engine", "ray"])
    assert clash.exit_code == 2 and "--local runs in this process" in clash.output
    no_ray = CliRunner().invoke(app, [*base, "--engine", "processes", "--address", "auto"])
    assert no_ray.exit_code == 2 and "needs the ray engine" in no_ray.output
    assert not out.exists()
    # One worker runs in the driver process: no pool to start, same output.
    one = CliRunner().invoke(app, [*base, "--concurrency", "1", "--threads-per-actor", "2",
                                   "--chunk-size", "5"])
    assert one.exit_code == 1, one.output  # 1: three rows went to errors.jsonl
    check_complete(out, 14)
