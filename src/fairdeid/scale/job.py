"""Batch de-identification of a large file: deterministic chunks, atomic parts, resumable.

Output directory layout::

    OUTPUT/
      manifest.json        settings, input fingerprint, totals, part list, status
      part-00000.jsonl     de-identified rows of chunk 0 (or .parquet); exists => chunk done
      ...
      errors.jsonl         every row that failed, with its row number and reason (no text)
      _chunks/             per-chunk receipts (counts + errors), merged into the two above

Kill the job at any moment and run the same command again: chunks whose part file exists are
skipped, the others are redone from their input rows, so no row is lost or written twice. A
rerun with different settings (input, chunk size, config, mode ...) is refused rather than
mixing two runs in one directory.

Two engines run the same :class:`~fairdeid.scale.worker.ChunkWorker`: ``ray`` (Ray Data, one
actor per ``concurrency``, each loading the models once) and ``local`` (in-process).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from fairdeid.errors import ConfigError
from fairdeid.scale.sinks import remove_stale_tmp, write_json, write_jsonl
from fairdeid.scale.sources import Chunk, fingerprint, plan_chunks
from fairdeid.scale.worker import ChunkResult, ChunkWorker, JobSpec

log = logging.getLogger("fairdeid.scale")

Engine = Literal["local", "ray"]
MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"
#: Testing hook: the driver SIGKILLs itself after this many chunks of a run (see tests/scale).
CRASH_ENV = "FAIRDEID_BATCH_CRASH_AFTER"

OnChunk = Callable[[ChunkResult], None]


@dataclass
class BatchReport:
    chunks: int
    chunks_skipped: int
    rows_ok: int
    rows_error: int
    words: int
    seconds: float
    output: str

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def _settings(spec: JobSpec, chunk_size: int) -> dict[str, Any]:
    """What must not change between a run and its resumption."""
    config_digest = hashlib.sha256(
        json.dumps(spec.config, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    return {
        "input": fingerprint(Path(spec.input)),
        "format": spec.fmt,
        "columns": asdict(spec.columns),
        "chunk_size": chunk_size,
        "out_format": spec.out_format,
        "config_sha256": config_digest,
        "mode": spec.mode,
        "detectors": list(spec.detectors) if spec.detectors else None,
        "keep_meta": spec.keep_meta,
    }


def _check_resumable(out: Path, settings: dict[str, Any]) -> None:
    path = out / MANIFEST
    if not path.exists():
        if any(out.glob("part-*")):
            raise ConfigError(f"{out} holds part files but no {MANIFEST}; use a new directory")
        return
    previous = json.loads(path.read_text("utf-8")).get("settings", {})
    changed = sorted(k for k in settings if previous.get(k) != settings[k])
    if changed:
        raise ConfigError(
            f"{out} holds a run with different settings ({', '.join(changed)}); "
            "rerun with the same ones to resume, or use a new output directory"
        )


def run_batch(
    spec: JobSpec,
    *,
    chunk_size: int = 1000,
    engine: Engine = "ray",
    address: str | None = None,
    concurrency: int = 1,
    on_plan: Callable[[int, int], None] | None = None,
    on_chunk: OnChunk | None = None,
) -> BatchReport:
    """Run (or resume) a batch job; returns totals over the whole output, resumed chunks included.

    ``on_plan(total_chunks, already_done)`` and ``on_chunk(result)`` drive progress display.
    """
    started = time.perf_counter()
    out = Path(spec.output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "_chunks").mkdir(exist_ok=True)
    settings = _settings(spec, chunk_size)
    _check_resumable(out, settings)
    # Local: build the pipeline now, so a bad config fails before a large file is planned.
    worker = ChunkWorker(spec) if engine == "local" else None
    remove_stale_tmp(out)
    chunks = plan_chunks(Path(spec.input), spec.fmt, chunk_size, spec.columns)
    pending = [c for c in chunks if not spec.part_path(c.index).exists()]
    write_json(out / MANIFEST, {"version": 1, "status": "running", "settings": settings,
                                "chunks": len(chunks)})
    if on_plan:
        on_plan(len(chunks), len(chunks) - len(pending))
    crash_after = int(os.environ.get(CRASH_ENV, "0") or 0)
    done = 0

    def finished(result: ChunkResult) -> None:
        nonlocal done
        done += 1
        if on_chunk:
            on_chunk(result)
        if crash_after and done >= crash_after:
            os.kill(os.getpid(), signal.SIGKILL)

    if pending:
        if worker is not None:
            for chunk in pending:
                finished(worker.process(chunk))
        elif engine == "ray":
            _run_ray(spec, pending, finished, address=address, concurrency=concurrency)
        else:
            raise ConfigError(f"unknown engine {engine!r}")
    return _finalize(spec, chunks, settings, len(chunks) - len(pending),
                     time.perf_counter() - started)


def _run_ray(
    spec: JobSpec,
    pending: Sequence[Chunk],
    finished: OnChunk,
    *,
    address: str | None,
    concurrency: int,
) -> None:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigError(
            "the Ray engine needs the 'scale' extra (pip install 'fairdeid[scale]'); "
            "or run with --local"
        ) from exc
    for plugin in spec.plugins:  # fail here, clearly, rather than in every actor
        __import__(plugin)
    started_here = not ray.is_initialized()
    if started_here:
        options: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=max(1, concurrency), include_dashboard=False, **options)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    try:
        items = [asdict(c) for c in pending]
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            ChunkWorker,
            fn_constructor_kwargs={"spec": spec},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=max(1, concurrency)),
            num_cpus=1,
        )
        for row in dataset.iter_rows():
            finished(ChunkResult(**{k: row[k] for k in ChunkResult.__dataclass_fields__}))
    finally:
        if started_here:
            ray.shutdown()


def _finalize(
    spec: JobSpec,
    chunks: Sequence[Chunk],
    settings: dict[str, Any],
    skipped: int,
    seconds: float,
) -> BatchReport:
    """Merge receipts into errors.jsonl and the manifest (also for chunks of earlier runs)."""
    out = Path(spec.output)
    rows_ok = words = 0
    errors: list[dict[str, Any]] = []
    missing: list[int] = []
    for chunk in chunks:
        receipt_path = spec.receipt_path(chunk.index)
        if not spec.part_path(chunk.index).exists() or not receipt_path.exists():
            missing.append(chunk.index)
            continue
        receipt = json.loads(receipt_path.read_text("utf-8"))
        rows_ok += int(receipt["rows_ok"])
        words += int(receipt["words"])
        errors.extend(receipt["errors"])
    write_jsonl(out / ERRORS, errors)
    report = BatchReport(len(chunks), skipped, rows_ok, len(errors), words, seconds, str(out))
    write_json(
        out / MANIFEST,
        {
            "version": 1,
            "status": "incomplete" if missing else "complete",
            "settings": settings,
            "chunks": len(chunks),
            "missing_chunks": missing,
            "rows_ok": rows_ok,
            "rows_error": len(errors),
            "words": words,
            "parts": [spec.part_path(c.index).name for c in chunks if c.index not in missing],
            "errors_file": ERRORS,
        },
    )
    if missing:
        raise RuntimeError(f"{len(missing)} chunk(s) did not complete; rerun to resume")
    return report
