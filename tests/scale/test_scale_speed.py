"""What makes `fairdeid batch` as fast as one process: worker and thread counts, chunk sizes,
the default engine, and a clear error when a Ray cluster cannot be reached."""

from __future__ import annotations

import dataclasses
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from test_scale_batch import check_complete, spec_for, write_jsonl_input

import fairdeid.pipeline
from fairdeid.errors import ConfigError
from fairdeid.scale import job
from fairdeid.scale.job import plan_workers, run_batch
from fairdeid.scale.sources import Columns, auto_chunk_size, count_rows, plan_chunks
from fairdeid.scale.worker import JobSpec, with_model_threads

# -- workers × threads = cores ------------------------------------------------------------------


def test_one_single_threaded_worker_per_core_by_default() -> None:
    assert plan_workers(2) == job.Workers(2, 1)
    assert plan_workers(16) == job.Workers(16, 1)
    assert plan_workers(16, threads=4) == job.Workers(4, 4)
    assert plan_workers(16, workers=2) == job.Workers(2, 8)  # the cores are still all used
    assert plan_workers(2, workers=4) == job.Workers(4, 1)
    assert plan_workers(1, threads=2) == job.Workers(1, 2)


def test_each_workers_model_gets_the_planned_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every worker's onnxruntime session used a thread pool as big as the machine,
    so N workers ran N pools on the same cores (batch slower than one process)."""
    seen: dict[str, dict[str, Any]] = {}
    real = fairdeid.pipeline.build_detector

    def spy(kind: str, table: dict[str, Any]) -> Any:
        seen[kind] = dict(table)
        return real("rules", {}) if kind == "transformer" else real(kind, table)

    monkeypatch.setattr(fairdeid.pipeline, "build_detector", spy)
    config = {"pipeline": {"detectors": ["rules", "transformer"]},
              "detectors": {"transformer": {"model": "builtin:minilm-mc-deid"}}}
    spec = JobSpec(input="in.jsonl", fmt="jsonl", output="out", config=config, threads=1)
    spec.build_pipeline()
    assert seen["transformer"]["threads"] == 1
    assert "threads" not in seen["rules"]
    assert "threads" not in config["detectors"]["transformer"]  # the spec's config is untouched


def test_a_configured_thread_count_wins_and_kinds_are_followed() -> None:
    config = {"pipeline": {"detectors": ["bert", "rules"]},
              "detectors": {"bert": {"kind": "transformer", "threads": 3}, "rules": {}}}
    assert with_model_threads(config, 1)["detectors"]["bert"]["threads"] == 3
    config["detectors"]["bert"].pop("threads")
    assert with_model_threads(config, 1)["detectors"]["bert"]["threads"] == 1
    # A transformer used without a table of its own still gets one.
    bare = with_model_threads({"pipeline": {"detectors": ["transformer"]}}, 2)
    assert bare["detectors"]["transformer"] == {"threads": 2}
    assert with_model_threads(config, None)["detectors"]["bert"] == {"kind": "transformer"}


# -- chunks: enough of them for the workers to finish together -----------------------------------


def test_automatic_chunk_size_gives_many_chunks_but_not_tiny_ones() -> None:
    """Regression: 3,000 notes made 3 chunks of 1,000 rows; on 2 workers, one idled for the
    last third of the run."""
    assert auto_chunk_size(3000) == 50
    assert auto_chunk_size(10) == 50
    assert auto_chunk_size(100_000) == 391
    assert auto_chunk_size(10_000_000) == 1000


def test_count_rows_matches_the_plan(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 23)
    assert count_rows(src, "jsonl", Columns()) == 23 == sum(
        c.n_rows for c in plan_chunks(src, "jsonl", 5, Columns()))


def test_default_chunk_size_comes_from_the_row_count(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 120)
    report = run_batch(spec_for(tmp_path, src), engine="local")
    assert report.chunks == 3  # 120 rows in chunks of 50
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["settings"]["chunk_size"] == 50
    check_complete(tmp_path / "out", 120)


def test_a_resume_without_chunk_size_keeps_the_runs_chunk_size(tmp_path: Path) -> None:
    """Runs made before automatic chunk sizes used 1,000 rows: resuming one without
    --chunk-size must continue it, not be refused for a default that changed."""
    src = write_jsonl_input(tmp_path / "in.jsonl", 23)
    run_batch(spec_for(tmp_path, src), chunk_size=5, engine="local")
    again = run_batch(spec_for(tmp_path, src), engine="local")
    assert (again.chunks, again.chunks_skipped) == (5, 5)
    # --restart forgets it: the new run picks its own size.
    fresh = run_batch(spec_for(tmp_path, src), engine="local", restart=True)
    assert (fresh.chunks, fresh.chunks_skipped) == (1, 0)


# -- engines -----------------------------------------------------------------------------------


def test_the_process_pool_is_the_default_and_matches_local(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 23)
    chosen: list[str] = []
    real = job._run_processes
    monkeypatch.setattr(job, "_run_processes",
                        lambda *a, **k: (chosen.append("processes"), real(*a, **k))[1])
    report = run_batch(spec_for(tmp_path, src), chunk_size=5, concurrency=2)
    assert chosen == ["processes"] and (report.rows_ok, report.rows_error) == (20, 3)
    check_complete(tmp_path / "out", 23)
    local = run_batch(dataclasses.replace(spec_for(tmp_path, src), output=str(tmp_path / "ref")),
                      chunk_size=5, engine="local")
    assert local.rows_ok == report.rows_ok
    assert sorted((tmp_path / "ref").glob("part-*")) != []
    for part in sorted((tmp_path / "out").glob("part-*.jsonl")):
        assert part.read_bytes() == (tmp_path / "ref" / part.name).read_bytes()


def test_a_dead_worker_process_leaves_an_incomplete_run_that_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-chunk (as by the OOM killer) ends the run as incomplete, with a
    message, not a traceback; the rerun finishes it."""
    src = write_jsonl_input(tmp_path / "in.jsonl", 23)
    lines = [json.dumps({"id": "r12", "text": "DIE Dr. Lee 2021-03-04"})
             if '"id": "r12"' in line else line for line in src.read_text().splitlines()]
    src.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("FAIRDEID_TEST_DIE", "1")
    notices: list[str] = []
    with pytest.raises(job.IncompleteRunError, match="rerun to resume"):
        run_batch(spec_for(tmp_path, src), chunk_size=5, concurrency=2,
                  on_notice=notices.append)
    assert any("a worker process died" in n for n in notices)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "incomplete" and 2 in manifest["missing_chunks"]
    monkeypatch.delenv("FAIRDEID_TEST_DIE")
    again = run_batch(spec_for(tmp_path, src), chunk_size=5, concurrency=2)
    assert again.chunks_skipped < again.chunks
    assert (again.rows_ok, again.rows_error) == (20, 3)
    check_complete(tmp_path / "out", 23)


def test_bad_engine_settings_are_refused_before_any_work(tmp_path: Path) -> None:
    src = write_jsonl_input(tmp_path / "in.jsonl", 4)
    with pytest.raises(ConfigError, match="unknown engine"):
        run_batch(spec_for(tmp_path, src), engine="spark")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="needs the ray engine"):
        run_batch(spec_for(tmp_path, src), engine="processes", address="auto")
    with pytest.raises(ConfigError, match="concurrency must be at least 1"):
        run_batch(spec_for(tmp_path, src), concurrency=0)
    assert not (tmp_path / "out").exists()


def test_an_unreachable_cluster_is_a_clear_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: `--address ray://...` to a cluster that wants a token (Ray's default) died
    with a traceback ("ray client connection timeout") and no hint."""
    fake = types.ModuleType("ray")

    def init(**options: Any) -> None:
        raise ConnectionError("ray client connection timeout")

    fake.init = init  # type: ignore[attr-defined]
    fake.is_initialized = lambda: False  # type: ignore[attr-defined]
    fake.shutdown = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ray", fake)
    monkeypatch.setattr(job, "CONNECT_RETRY_DELAYS_S", (0.0, 0.0))
    src = write_jsonl_input(tmp_path / "in.jsonl", 4)
    with pytest.raises(ConfigError, match="RAY_AUTH_MODE=token") as caught:
        run_batch(spec_for(tmp_path, src), address="ray://127.0.0.1:1")
    assert "could not connect to the Ray cluster at ray://127.0.0.1:1" in str(caught.value)
    assert "after 3 attempts" in str(caught.value)


def test_a_connection_that_fails_once_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (CI): a fresh cluster's Ray Client proxy failed to start the first driver's
    server process ("Starting Ray client server failed") and the whole batch ended with exit 2;
    the next connection, a moment later, worked."""
    calls: list[str] = []
    shutdowns: list[bool] = []

    def init(**options: Any) -> None:
        calls.append(options["address"])
        if len(calls) == 1:
            raise ConnectionError("Initialization failure from server: Starting Ray client "
                                  "server failed")

    fake = types.SimpleNamespace(init=init, shutdown=lambda: shutdowns.append(True))
    monkeypatch.setattr(job, "CONNECT_RETRY_DELAYS_S", (0.0, 0.0))
    job._connect_ray(fake, "ray://127.0.0.1:1", {})
    assert calls == ["ray://127.0.0.1:1"] * 2
    assert shutdowns == [True]  # the half-made connection is closed before the second try
