"""Batch job at its edges: changed input, damaged part files, odd records, surrogate keys, Ray.

Most tests use the local engine (Ray starts slowly); one Ray test checks that the driver's key
reaches the actors.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import signal
import sys
import types
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from test_scale_batch import (
    BAD_ROWS,
    CANARY,
    CONFIG,
    HERE,
    _cli,
    check_complete,
    read_output,
    spec_for,
    write_jsonl_input,
)

from fairdeid.errors import ConfigError
from fairdeid.scale import job
from fairdeid.scale.job import CRASH_ENV, run_batch
from fairdeid.scale.sources import Chunk, Columns, plan_chunks, read_chunk

# `fairdeid keygen` output: strong enough for the key check, and never a real one.
KEY = "kEb7mkQ8rhwrm84kbEH-CS4Izg_ynLIvhkL7bynJxck"
OTHER_KEY = "4Dz3hm4FsIQV7z_Xk4vnN5auWVNI5hx3sBztvxXI3Vs"
SURROGATE_CONFIG = '[pipeline]\ndetectors = ["scaletoy"]\n[replace]\nmode = "surrogate"\n'


def same_size_edit(path: Path, old: bytes = b"Note 0:", new: bytes = b"NOTE 0:") -> None:
    """Change the input's content but not its size or mtime: what name+size+mtime cannot see."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def notices() -> tuple[list[str], Any]:
    seen: list[str] = []
    return seen, seen.append


# -- item 2: a changed input is not resumed -----------------------------------------------------


def test_resume_after_same_size_edit_with_restored_mtime_is_refused(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 12)
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    same_size_edit(src)
    with pytest.raises(ConfigError, match=r"different settings \(input\); the input file's "
                                          r"content changed.*--restart"):
        run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    # --restart discards the old run: the output is the new input's, complete.
    report = run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local", restart=True)
    assert report.chunks_skipped == 0
    check_complete(tmp_path / "out", 12)
    assert read_output(tmp_path / "out")[0]["text"].startswith("NOTE 0:")


def test_manifest_records_input_sha256_not_mtime(tmp_path: Path) -> None:
    import hashlib

    src = write_jsonl_input(tmp_path / "in.jsonl", 6)
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    settings = json.loads((tmp_path / "out" / "manifest.json").read_text())["settings"]
    assert settings["input"] == {"sha256": hashlib.sha256(src.read_bytes()).hexdigest(),
                                 "size": src.stat().st_size}
    # The same bytes under another name and another mtime are the same input: resumable.
    moved = src.rename(tmp_path / "renamed.jsonl")
    os.utime(moved, (1, 1))
    assert run_batch(spec_for(tmp_path, moved), chunk_size=5, engine="local").chunks_skipped == 2


def test_other_effective_settings_are_refused(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 6)
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    base = spec_for(tmp_path, src)
    other_config = {**base.config, "resolve": {"min_score": 0.99}}
    for spec, changed in [
        (spec_for(tmp_path, src, detectors=("scaletoy", "rules")), "detectors"),
        (spec_for(tmp_path, src, columns=Columns(text="body")), "columns"),
        (spec_for(tmp_path, src, keep_meta=True), "keep_meta"),
        (dataclasses.replace(base, config=other_config), "config_sha256"),
        (dataclasses.replace(base, plugins=()), "plugins"),
    ]:
        with pytest.raises(ConfigError, match=rf"different settings \({changed}\)"):
            run_batch(spec, chunk_size=5, engine="local")


def test_unreadable_or_old_manifest_is_refused(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 6)
    out = tmp_path / "out"
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "version": 1}))
    with pytest.raises(ConfigError, match="older fairdeid"):
        run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    (out / "manifest.json").write_text("{garbage")
    with pytest.raises(ConfigError, match="unreadable"):
        run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local", restart=True)
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_killed_run_then_edited_input_is_refused_until_restart(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 30)
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    args = [str(src), str(out), "--config", str(tmp_path / "pipe.toml"), "--chunk-size", "4",
            "--plugin", "fairdeid_scale_plugin", "--local"]
    killed = _cli(args, {CRASH_ENV: "2"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    parts = sorted(p.name for p in out.glob("part-*"))
    assert parts == ["part-00000.jsonl", "part-00001.jsonl"]
    same_size_edit(src)  # row 0: its chunk is already done, so old output would be kept
    refused = _cli(args, {})
    assert refused.returncode == 2, refused.stderr[-2000:]
    said = refused.stdout + refused.stderr
    assert "content changed" in said and "--restart" in said and CANARY not in said
    assert sorted(p.name for p in out.glob("part-*")) == parts  # refusing touches nothing
    restarted = _cli([*args, "--restart"], {})
    assert restarted.returncode == 1, restarted.stderr[-2000:]  # 1: rows in errors.jsonl
    assert "resuming:" not in restarted.stderr
    check_complete(out, 30)
    assert read_output(out)[0]["text"].startswith("NOTE 0:")


# -- item 8: part files are checked against their receipts --------------------------------------


def test_damaged_duplicate_and_unvouched_parts_are_redone_or_removed(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 23)
    out = tmp_path / "out"
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    part = out.joinpath
    lines = part("part-00001.jsonl").read_text().splitlines(keepends=True)
    part("part-00001.jsonl").write_text("".join(lines[:-1]))  # truncated: a row lost
    part("part-00002.jsonl").write_bytes(os.urandom(300))  # garbage
    edited = part("part-00003.jsonl").read_text().replace("[DATE]", "[DAtE]", 1)
    part("part-00003.jsonl").write_text(edited)  # same rows, other bytes
    (out / "_chunks" / "chunk-00004.json").unlink()  # a part no receipt vouches for
    shutil.copy(part("part-00000.jsonl"), part("part-00000 (copy).jsonl"))  # duplicate rows
    shutil.copy(part("part-00001.jsonl"), part("part-00007.jsonl"))  # beyond the plan
    redone: list[int] = []
    said, notice = notices()
    report = run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local",
                       on_chunk=lambda r: redone.append(r.index), on_notice=notice)
    assert redone == [1, 2, 3, 4] and report.chunks_skipped == 1
    assert (report.rows_ok, report.rows_error) == (20, 3)
    check_complete(out, 23)  # every row exactly once, manifest lists exactly the part files
    text = "\n".join(said)
    assert "chunk 1 is redone: part file checksum differs" in text
    assert "chunk 4 is redone: part file has no receipt" in text
    assert "removed part-00000 (copy).jsonl" in text and "removed part-00007.jsonl" in text
    assert CANARY not in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["rows"] for p in manifest["part_files"]] == [4, 4, 4, 5, 3]  # bad rows excluded


def test_receipt_records_part_rows_and_sha256(tmp_path: Path) -> None:
    import hashlib

    src = write_jsonl_input(tmp_path / "in.jsonl", 6)
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    out = tmp_path / "out"
    receipt = json.loads((out / "_chunks" / "chunk-00000.json").read_text())
    data = (out / "part-00000.jsonl").read_bytes()
    assert receipt["part"] == {"name": "part-00000.jsonl", "rows": data.count(b"\n"),
                               "sha256": hashlib.sha256(data).hexdigest()}
    # A receipt that is itself damaged, or written under other settings (a straggler of an
    # earlier run), vouches for nothing.
    (out / "_chunks" / "chunk-00001.json").write_text('{"chunk": ')
    said, notice = notices()
    report = run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local", on_notice=notice)
    assert report.chunks_skipped == 1 and said == ["chunk 1 is redone: receipt unreadable"]
    receipt["settings_sha256"] = "0" * 64
    (out / "_chunks" / "chunk-00000.json").write_text(json.dumps(receipt))
    said.clear()
    report = run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local", on_notice=notice)
    assert said == ["chunk 0 is redone: receipt is from a run with other settings"]


def test_a_second_run_on_a_busy_output_directory_is_refused(tmp_path: Path) -> None:
    import fcntl

    src = write_jsonl_input(tmp_path / "in.jsonl", 6)
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("a+b") as held:  # as a running driver holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ConfigError, match="in use by another batch run"):
            run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local", restart=True)
        assert not list(out.glob("part-*"))
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_damaged_parquet_part_is_redone(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    src = write_jsonl_input(tmp_path / "in.jsonl", 12)
    out = tmp_path / "out"
    spec = spec_for(tmp_path, src, out_format="parquet")
    run_batch(spec, chunk_size=5, engine="local")
    data = (out / "part-00001.parquet").read_bytes()
    (out / "part-00001.parquet").write_bytes(data[: len(data) // 2])
    shutil.copy(out / "part-00000.parquet", out / "part-00000-dup.parquet")
    report = run_batch(spec, chunk_size=5, engine="local")
    assert report.chunks_skipped == 2
    assert sorted(p.name for p in out.glob("part-*")) == [
        "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    rows = pq.read_table(sorted(out.glob("part-*.parquet")))["row"].to_pylist()
    assert sorted(rows) == [i for i in range(12) if i not in BAD_ROWS]


def test_killed_run_with_damaged_part_resumes_every_row_once(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 30)
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    args = [str(src), str(out), "--config", str(tmp_path / "pipe.toml"), "--chunk-size", "4",
            "--plugin", "fairdeid_scale_plugin", "--local"]
    killed = _cli(args, {CRASH_ENV: "2"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    first = out / "part-00000.jsonl"
    first.write_bytes(first.read_bytes()[:-40])  # cut short, as by a full disk or a bad copy
    shutil.copy(out / "part-00001.jsonl", out / "part-00001.jsonl.bak")
    resumed = _cli(args, {})
    assert resumed.returncode == 1, resumed.stderr[-2000:]
    assert "resuming: 1 of 8 chunks already done" in resumed.stderr
    assert "removed part-00001.jsonl.bak" in resumed.stderr
    check_complete(out, 30)


# -- item 7: a lone surrogate escape stops its own record only ----------------------------------


def test_lone_surrogate_escape_rejects_only_its_record(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    good = [json.dumps({"id": f"r{i}", "text": f"Dr. Lee on 2021-03-0{i + 1}"}) for i in (0, 4)]
    src.write_text("\n".join([
        good[0],
        '{"id": "r1", "text": "Dr. Lee \\ud800 on 2021-03-02"}',
        '{"id": "r\\udc00", "text": "Dr. Lee"}',
        '{"id": "r3", "text": "Dr. Lee", "meta": {"patient_id": "\\ud83d"}}',
        good[1],
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):  # a rerun must not crash either
        report = run_batch(spec_for(tmp_path, src), chunk_size=2, engine="local")
        assert (report.rows_ok, report.rows_error) == (2, 3)
    assert [r["row"] for r in read_output(out)] == [0, 4]
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["row"], e["record"]) for e in errors] == [
        (1, "in.jsonl:row 2"), (2, "in.jsonl:row 3"), (3, "in.jsonl:row 4")]
    for error, field in zip(errors, ("text", "id", "meta"), strict=True):
        assert error["reason"] == f"'{field}' is not valid Unicode (lone surrogate escape)"


# -- items 9 and 5: surrogate keys and scopes ---------------------------------------------------


def _surrogate_spec(tmp_path: Path, src: Path, out: str = "out", **kw: Any) -> Any:
    return dataclasses.replace(spec_for(tmp_path, src, mode="surrogate", **kw),
                               output=str(tmp_path / out))


def test_surrogate_mode_without_key_is_refused_before_any_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAIRDEID_KEY", raising=False)
    loads = tmp_path / "loads.txt"
    monkeypatch.setenv("FAIRDEID_TEST_LOADS", str(loads))
    src = write_jsonl_input(tmp_path / "in.jsonl", 6)
    for engine in ("local", "ray"):
        with pytest.raises(ConfigError, match=r"needs a key here: set \$FAIRDEID_KEY"):
            run_batch(_surrogate_spec(tmp_path, src), chunk_size=5, engine=engine)  # type: ignore[arg-type]
    assert not loads.exists(), "no pipeline may be built"
    assert not (tmp_path / "out").exists(), "nothing may be written"
    ray = sys.modules.get("ray")
    assert ray is None or not ray.is_initialized()
    monkeypatch.setenv("FAIRDEID_KEY", "password-password-password")
    with pytest.raises(ConfigError, match="too weak"):
        run_batch(_surrogate_spec(tmp_path, src), chunk_size=5, engine="local")


def test_resume_with_another_key_is_refused_and_no_key_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 12)
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    run_batch(_surrogate_spec(tmp_path, src), chunk_size=5, engine="local")
    out = tmp_path / "out"
    for path in out.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path.name
    monkeypatch.setenv("FAIRDEID_KEY", OTHER_KEY)
    with pytest.raises(ConfigError, match=r"different settings \(key_id\)"):
        run_batch(_surrogate_spec(tmp_path, src), chunk_size=5, engine="local")
    # A key named by [replace] key_env works the same way.
    monkeypatch.delenv("FAIRDEID_KEY")
    monkeypatch.setenv("BATCH_KEY", KEY)
    spec = _surrogate_spec(tmp_path, src)
    config = {**spec.config, "replace": {**spec.config.get("replace", {}), "key_env": "BATCH_KEY"}}
    assert job.with_surrogate_key(dataclasses.replace(spec, config=config)).key == KEY.encode()


def _date_shifts(out: Path, src: Path) -> dict[str, set[int]]:
    """Days each patient's dates moved (input note dates vs output dates), keyed by patient."""
    notes: dict[str, dict[str, Any]] = {}
    for line in src.read_text().splitlines():
        try:
            note = json.loads(line)
        except ValueError:
            continue
        if isinstance(note.get("text"), str):
            notes[note["id"]] = note
    shifts: dict[str, set[int]] = defaultdict(set)
    for row in read_output(out):
        note = notes[row["id"]]
        before = re.search(r"\d{4}-\d{2}-\d{2}", note["text"])
        after = re.search(r"\d{4}-\d{2}-\d{2}", row["text"])
        assert before and after
        days = (dt.date.fromisoformat(after[0]) - dt.date.fromisoformat(before[0])).days
        shifts[note.get("meta", {}).get("patient_id", row["id"])].add(days)
    return shifts


def test_surrogates_survive_a_kill_and_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 24)
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    run_batch(_surrogate_spec(tmp_path, src, out="ref"), chunk_size=4, engine="local")
    (tmp_path / "pipe.toml").write_text(SURROGATE_CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    args = [str(src), str(out), "--config", str(tmp_path / "pipe.toml"), "--chunk-size", "4",
            "--batch-size", "4", "--plugin", "fairdeid_scale_plugin", "--local"]
    killed = _cli(args, {CRASH_ENV: "2"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    resumed = _cli(args, {})
    assert resumed.returncode == 1 and "resuming: 2 of 6" in resumed.stderr
    assert read_output(out) == read_output(tmp_path / "ref")
    shifts = _date_shifts(out, src)
    assert set(shifts) == {"p0", "p1", "p2"} and all(len(s) == 1 for s in shifts.values())


def test_patient_scope_comes_only_from_a_named_patient_column(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "note", "patient_id"])
        writer.writerows([["", "a", "p1"], ["n1", "b", ""], ["n2", "c", "  "]])
    chunk = plan_chunks(src, "csv", 10, Columns(text="note"))[0]
    unnamed = read_chunk(src, "csv", chunk, Columns(text="note", id="id"))
    assert [(r.document.id, dict(r.document.meta)) for r in unnamed if r.document] == [
        ("row-0", {}), ("n1", {}), ("n2", {})]
    named = read_chunk(src, "csv", chunk, Columns(text="note", id="id", patient="patient_id"))
    assert [dict(r.document.meta) for r in named if r.document] == [{"patient_id": "p1"}, {}, {}]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in [
        {"id": "", "text": "a", "meta": {"patient_id": "", "ward": "x"}},
        {"id": None, "text": "b", "meta": {"patient_id": " "}},
        {"id": "k", "text": "c", "meta": {"patient_id": 7}},
    ]) + "\n", encoding="utf-8")
    rows = read_chunk(jsonl, "jsonl", Chunk(0, 0, 3, 0, jsonl.stat().st_size), Columns())
    assert [(r.document.id, r.document.patient_id) for r in rows if r.document] == [
        ("row-0", None), ("row-1", None), ("k", "7")]


def test_notes_without_patient_do_not_share_a_surrogate_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["note", "patient_id"])
        writer.writerows([[f"Seen on 2021-03-05 ({i})", "p1"] for i in range(8)])

    def dates(columns: Columns, out: str) -> set[str]:
        run_batch(_surrogate_spec(tmp_path, src, out=out, fmt="csv", columns=columns),
                  chunk_size=4, engine="local")
        return {re.search(r"\d{4}-\d{2}-\d{2}", r["text"])[0]  # type: ignore[index]
                for r in read_output(tmp_path / out)}

    assert len(dates(Columns(text="note"), "none")) > 1, "notes without a patient shared a shift"
    assert len(dates(Columns(text="note", patient="patient_id"), "named")) == 1


# -- item 11: only id and text travel -----------------------------------------------------------


def test_only_id_row_text_and_spans_reach_the_output_by_default(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    secret = "Ignatius Featherstonehaugh"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": "Dr. Lee", "name": secret, "meta": {"mrn": secret, "patient_id": "p"}},
        {"id": "b", "text": "on 2021-03-04", "spans": [{"start": 0, "end": 2, "label": "X",
                                                         "text": secret}]},
    ]) + "\n", encoding="utf-8")
    for fmt in ("jsonl", "parquet"):
        out = tmp_path / fmt
        spec = dataclasses.replace(spec_for(tmp_path, src, out_format=fmt), output=str(out))
        run_batch(spec, chunk_size=5, engine="local")
        for path in out.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path.name
    rows = read_output(tmp_path / "jsonl")
    assert [sorted(r) for r in rows] == [["id", "row", "spans", "text"]] * 2
    assert [r["text"] for r in rows] == ["[NAME]", "on [DATE]"]


# -- Ray: the driver's key reaches the actors; Ray is shut down on every exit -------------------


class _FakeRay(types.ModuleType):
    """Just enough of ``ray`` to see how the job starts and stops it."""

    def __init__(self, fail: str) -> None:
        super().__init__("ray")
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail

    def is_initialized(self) -> bool:
        return False

    def init(self, **options: Any) -> None:
        self.calls.append(("init", options))

    def shutdown(self) -> None:
        self.calls.append(("shutdown", {}))

    def cluster_resources(self) -> dict[str, float]:
        return {"CPU": 2.0}

    def remote(self, **options: Any) -> Any:
        self.calls.append(("remote", options))
        if self.fail == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)
        raise RuntimeError("an actor failed")


@pytest.mark.parametrize("fail", ["error", "sigterm"])
def test_ray_starts_without_dashboard_and_shuts_down_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: str
) -> None:
    fake = _FakeRay(fail)
    monkeypatch.setitem(sys.modules, "ray", fake)
    spec = spec_for(tmp_path, tmp_path / "in.jsonl")
    expected = SystemExit if fail == "sigterm" else RuntimeError
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(expected):
        job._run_ray(spec, [Chunk(0, 0, 1)], lambda r: None, address=None, concurrency=2)
    assert [name for name, _ in fake.calls] == ["init", "remote", "shutdown"]
    assert fake.calls[0][1]["include_dashboard"] is False
    # As many CPUs as the 2 workers use, and a small object store (only descriptors go in it).
    assert fake.calls[0][1]["num_cpus"] == 2
    assert fake.calls[0][1]["object_store_memory"] == job.DEFAULT_OBJECT_STORE_MB * 1024 * 1024
    assert fake.calls[1][1]["num_cpus"] == 1  # one single-threaded actor per CPU
    assert signal.getsignal(signal.SIGTERM) == handler


@pytest.mark.slow
def test_ray_actors_use_the_drivers_key_not_their_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key leaves the environment once the driver has resolved it, before Ray starts: the
    actors can only have it from the job spec. Their output must equal a local run's."""
    pytest.importorskip("ray", reason="pip install 'fairdeid[scale]'")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(HERE), os.environ.get("PYTHONPATH", "")])))
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    src = write_jsonl_input(tmp_path / "in.jsonl", 24)
    run_batch(_surrogate_spec(tmp_path, src, out="ref"), chunk_size=4, engine="local")
    report = run_batch(_surrogate_spec(tmp_path, src), chunk_size=4, engine="ray", concurrency=2,
                       on_plan=lambda total, done: monkeypatch.delenv("FAIRDEID_KEY"))
    assert "FAIRDEID_KEY" not in os.environ
    assert (report.rows_ok, report.rows_error) == (21, 3)
    assert read_output(tmp_path / "out") == read_output(tmp_path / "ref")
    shifts = _date_shifts(tmp_path / "out", src)
    assert set(shifts) == {"p0", "p1", "p2"} and all(len(s) == 1 for s in shifts.values())


def test_an_unwritable_output_record_goes_to_errors_not_its_whole_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fairdeid.scale.worker import ChunkWorker

    src = write_jsonl_input(tmp_path / "in.jsonl", 5)
    worker = ChunkWorker(spec_for(tmp_path, src))
    real = worker.pipeline.deidentify_batch

    def odd(docs: Any) -> Any:  # a replacer or plugin that emits a lone surrogate for row 1
        return [dataclasses.replace(r, text=r.text + "\ud800") if r.document.id == "r1" else r
                for r in real(docs)]

    monkeypatch.setattr(worker.pipeline, "deidentify_batch", odd)
    (tmp_path / "out" / "_chunks").mkdir(parents=True)
    result = worker.process(plan_chunks(src, "jsonl", 5, Columns())[0])
    assert (result.rows_ok, result.rows_error) == (3, 2)
    receipt = json.loads((tmp_path / "out" / "_chunks" / "chunk-00000.json").read_text())
    assert {e["row"]: e["reason"] for e in receipt["errors"]}[1] == (
        "output record is not writable as UTF-8 JSON")
    assert [r["row"] for r in read_output(tmp_path / "out")] == [0, 2, 4]
