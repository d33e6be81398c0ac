"""Batch job: chunk planning, every row accounted for, resume after SIGKILL (local and Ray)."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fairdeid.errors import ConfigError
from fairdeid.pipeline import load_config
from fairdeid.scale.job import CRASH_ENV, run_batch
from fairdeid.scale.sources import Columns, plan_chunks, read_chunk
from fairdeid.scale.worker import JobSpec

HERE = Path(__file__).parent
CANARY = "Zebulon Quixotefeather"
CONFIG = '[pipeline]\ndetectors = ["scaletoy"]\n[replace]\nmode = "tag"\n'
BAD_ROWS = {3: "malformed JSON", 7: "'text' is missing", 11: "RuntimeError in the pipeline"}


def _note(i: int) -> str:
    return f"Note {i}: {CANARY} seen by Dr. Lee on 2021-03-{i % 28 + 1:02d}."


def write_jsonl_input(path: Path, n: int) -> Path:
    """``n`` rows; rows 3, 7, 11 are bad in three different ways; blank lines are not rows."""
    lines = []
    for i in range(n):
        if i == 3:
            lines.append('{"id": "r3", "text": "' + CANARY)  # truncated JSON
        elif i == 7:
            lines.append(json.dumps({"id": "r7", "body": CANARY}))
        elif i == 11:
            lines.append(json.dumps({"id": "r11", "text": f"EXPLODE {CANARY}"}))
        else:
            lines.append(json.dumps({"id": f"r{i}", "text": _note(i),
                                     "meta": {"patient_id": f"p{i % 3}"}}))
        if i == 5:
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_output(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for part in sorted(out.glob("part-*.jsonl")):
        rows.extend(json.loads(line) for line in part.read_text("utf-8").splitlines())
    return rows


def check_complete(out: Path, n: int) -> None:
    """Every row exactly once, in the output or in errors.jsonl; no PHI in errors or manifest."""
    rows = read_output(out)
    ok = [r["row"] for r in rows]
    assert len(ok) == len(set(ok)), "duplicated rows"
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text("utf-8").splitlines()]
    bad = {e["row"]: e["reason"] for e in errors}
    assert sorted(ok + list(bad)) == list(range(n)), "lost or extra rows"
    assert set(bad) == set(BAD_ROWS)
    for row, expected in BAD_ROWS.items():
        assert expected in bad[row]
    for r in rows:
        assert r["id"] == f"r{r['row']}"
        assert "[NAME]" in r["text"] and "Dr." not in r["text"] and "[DATE]" in r["text"]
        assert r["spans"][0]["label"] == "DOCTOR" and "meta" not in r
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["rows_ok"] == len(rows) and manifest["rows_error"] == len(BAD_ROWS)
    assert sorted(manifest["parts"]) == sorted(p.name for p in out.glob("part-*"))
    for name in ("errors.jsonl", "manifest.json"):
        assert CANARY not in (out / name).read_text("utf-8")
    assert not list(out.rglob("*.tmp"))


def spec_for(tmp_path: Path, src: Path, **kw: Any) -> JobSpec:
    import fairdeid_scale_plugin  # noqa: F401  (registers scaletoy here)

    return JobSpec(input=str(src), fmt=kw.pop("fmt", "jsonl"), output=str(tmp_path / "out"),
                   config=load_config({"pipeline": {"detectors": ["scaletoy"]}}),
                   plugins=("fairdeid_scale_plugin",), batch_size=4, **kw)


# -- planning and reading -----------------------------------------------------------------------


def test_jsonl_chunks_cover_rows_in_order(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 23)
    chunks = plan_chunks(src, "jsonl", 5, Columns())
    assert [(c.first_row, c.n_rows) for c in chunks] == [(0, 5), (5, 5), (10, 5), (15, 5), (20, 3)]
    assert plan_chunks(src, "jsonl", 5, Columns()) == chunks  # deterministic
    rows = [r for c in chunks for r in read_chunk(src, "jsonl", c, Columns())]
    assert [r.row for r in rows] == list(range(23))
    assert rows[4].document is not None and rows[4].document.id == "r4"
    assert rows[3].error and rows[3].error.startswith("malformed JSON")
    assert CANARY not in (rows[3].error or "") + (rows[7].error or "")


def test_csv_chunks_handle_multiline_fields_and_blank_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["note_id", "note", "pid"])
        for i in range(9):
            writer.writerow([f"n{i}", f"line one of {i}\nDr. Lee, \"quoted\", line two", f"p{i}"])
            if i == 4:
                handle.write("\r\n")
        handle.write("n9,too,many,fields\n")
    cols = Columns(text="note", id="note_id", patient="pid")
    chunks = plan_chunks(src, "csv", 4, cols)
    assert [c.n_rows for c in chunks] == [4, 4, 2]
    rows = [r for c in chunks for r in read_chunk(src, "csv", c, cols)]
    assert [r.row for r in rows] == list(range(10))
    assert rows[8].document is not None
    assert rows[8].document.id == "n8" and rows[8].document.meta == {"patient_id": "p8"}
    assert rows[8].document.text == "line one of 8\nDr. Lee, \"quoted\", line two"
    assert rows[9].error == "4 fields, header has 3"
    with pytest.raises(ConfigError, match="no column"):
        plan_chunks(src, "csv", 4, Columns(text="body"))


def test_parquet_chunks_span_row_groups(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "in.parquet"
    texts = [f"Dr. Lee {i}" for i in range(10)]
    texts[6] = None  # type: ignore[call-overload]
    pq.write_table(pa.table({"id": list(range(10)), "text": texts}), src, row_group_size=3)
    cols = Columns(id="id")
    chunks = plan_chunks(src, "parquet", 4, cols)
    rows = [r for c in chunks for r in read_chunk(src, "parquet", c, cols)]
    assert [r.row for r in rows] == list(range(10))
    assert [r.document.id for r in rows if r.document] == [str(i) for i in range(10) if i != 6]
    assert rows[6].error == "column 'text' is empty or not text"


# -- local engine -------------------------------------------------------------------------------


def test_local_batch_accounts_for_every_row(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 23)
    seen: list[int] = []
    report = run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local",
                       on_chunk=lambda r: seen.append(r.index))
    assert sorted(seen) == [0, 1, 2, 3, 4]
    assert (report.rows_ok, report.rows_error, report.chunks) == (20, 3, 5)
    check_complete(tmp_path / "out", 23)
    # A second run has nothing to do and changes nothing.
    again = run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local",
                      on_chunk=lambda r: seen.append(r.index))
    assert again.chunks_skipped == 5 and len(seen) == 5
    check_complete(tmp_path / "out", 23)


def test_rerun_with_other_settings_is_refused(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 12)
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    with pytest.raises(ConfigError, match="different settings \\(chunk_size\\)"):
        run_batch(spec_for(tmp_path, src), chunk_size=6, engine="local")
    with pytest.raises(ConfigError, match="mode"):
        run_batch(spec_for(tmp_path, src, mode="redact"), chunk_size=5, engine="local")


def test_parquet_output_and_kept_meta(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    src = write_jsonl_input(tmp_path / "in.jsonl", 12)
    run_batch(spec_for(tmp_path, src, out_format="parquet", keep_meta=True), chunk_size=5,
              engine="local")
    table = pq.read_table(sorted((tmp_path / "out").glob("part-*.parquet")))
    assert table.num_rows == 9 and sorted(table["row"].to_pylist()) == [
        i for i in range(12) if i not in BAD_ROWS]
    assert json.loads(table["meta"][0].as_py())["patient_id"] == "p0"


def _cli(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``fairdeid batch`` in its own process group, and reap the whole group afterwards.

    When the driver is SIGKILLed, Ray helper processes it started may outlive it; killing the
    group is what losing the machine would do, and keeps the test from leaking processes.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
        str(HERE), os.environ.get("PYTHONPATH", "")])), **env_extra}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from fairdeid.cli import main; main()", "batch", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _resume_after_sigkill(
    tmp_path: Path, extra: list[str], n: int, slow: str = "0", *,
    env_extra: dict[str, str] | None = None, resume_extra: list[str] | None = None,
) -> tuple[str, str]:
    """Kill a run after 2 chunks, damage its directory, rerun (with ``extra`` replaced by
    ``resume_extra`` if given); returns the model loads of the first run and of both."""
    src = write_jsonl_input(tmp_path / "in.jsonl", n)
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    args = [str(src), str(out), "--config", str(tmp_path / "pipe.toml"), "--chunk-size", "4",
            "--batch-size", "2", "--plugin", "fairdeid_scale_plugin"]
    loads = tmp_path / "loads.txt"
    env = {"FAIRDEID_TEST_LOADS": str(loads), **(env_extra or {})}
    killed = _cli([*args, *extra], {**env, CRASH_ENV: "2", "FAIRDEID_TEST_SLOW": slow})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    parts = list(out.glob("part-*.jsonl"))
    assert 2 <= len(parts) < (n + 3) // 4, "the kill should leave the job half done"
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    (out / ".part-00099.jsonl.123.tmp").write_text("half-written garbage")  # a torn write
    first_loads = loads.read_text().split() if loads.exists() else []
    finished = _cli([*args, *(extra if resume_extra is None else resume_extra)], env)
    assert finished.returncode == 1, finished.stderr[-2000:]  # 1: some rows are in errors.jsonl
    assert "resuming:" in finished.stderr
    check_complete(out, n)
    assert CANARY not in killed.stderr + finished.stderr
    return "\n".join(first_loads), loads.read_text() if loads.exists() else ""


def test_local_resume_after_sigkill_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    first, both = _resume_after_sigkill(tmp_path, ["--local"], 30)
    assert len(first.split()) == 1 and len(both.split()) == 2  # one model load per run


@pytest.mark.slow
def test_ray_resume_after_sigkill_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """The real Ray Data path: 2 actors, driver SIGKILLed after 2 chunks, then resumed."""
    pytest.importorskip("ray", reason="pip install 'fairdeid[scale]'")
    # 0.05 s a note: actors keep working while the driver dies, as in a real crash, but cannot
    # finish all 10 chunks before the driver has seen 2 of them.
    first, both = _resume_after_sigkill(tmp_path, ["--engine", "ray", "--concurrency", "2"], 40,
                                        slow="0.05")
    # One load per actor (at most 2 per run), never one per chunk (10 chunks).
    assert len(set(first.split())) <= 2 and len(both.split()) <= 4


def test_process_pool_resume_after_sigkill_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """The default engine on one machine: 2 worker processes, driver SIGKILLed after 2 chunks
    (its workers die with it), then resumed."""
    first, both = _resume_after_sigkill(tmp_path, ["--concurrency", "2"], 40, slow="0.05")
    # One load per worker process (at most 2 per run), never one per chunk (10 chunks).
    assert len(set(first.split())) <= 2 and len(both.split()) <= 4


def test_a_row_json_cannot_hold_is_an_error_row_not_a_dead_job(tmp_path: Path) -> None:
    """Regression: a line nested too deeply (or an integer too long) raised out of the chunk
    reader, so the job died on that chunk at every rerun and could never complete."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "r0", "text": _note(0)}) + "\n"
        + "[" * 100_000 + "]" * 100_000 + "\n"
        + '{"id": "r2", "text": 1' + "1" * 5000 + "}\n"
        + json.dumps({"id": "r3", "text": _note(3)}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    report = run_batch(spec_for(tmp_path, src), chunk_size=10, engine="local")
    assert (report.rows_ok, report.rows_error) == (2, 2)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text("utf-8").splitlines()]
    assert [(e["row"], "malformed JSON" in e["reason"]) for e in errors] == [(1, True), (2, True)]
