"""The unit of work of a batch job: de-identify one chunk and commit it.

:class:`ChunkWorker` builds the pipeline (models included) once in ``__init__`` and reuses it
for every chunk it is handed. A Ray actor holds one, a worker process of the process pool holds
one (:func:`process_in_worker`), and ``--local`` uses one in-process, so every engine shares
every line that touches data.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fairdeid.errors import RecordError
from fairdeid.io.writers import OutFormat, PartInfo, write_json, write_part
from fairdeid.pipeline import Pipeline, Result
from fairdeid.runner import run_safely
from fairdeid.scale.sources import Chunk, Columns, Format, Row, read_chunk


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs, picklable (shipped to Ray actors)."""

    input: str
    fmt: Format
    output: str
    columns: Columns = Columns()
    out_format: OutFormat = "jsonl"
    #: The parsed pipeline config (a mapping, so workers need not see the TOML file).
    config: Mapping[str, Any] = field(default_factory=dict)
    mode: str | None = None
    detectors: tuple[str, ...] | None = None
    #: Modules imported before the pipeline is built, in the driver and in every worker: this is
    #: how detectors registered with ``register_detector`` exist in Ray worker processes.
    plugins: tuple[str, ...] = ()
    batch_size: int = 64
    keep_meta: bool = False
    #: The surrogate key the driver resolved (see :func:`fairdeid.scale.job.run_batch`). It
    #: travels inside the spec so every worker, on any node, uses the driver's key whatever its
    #: own environment holds; it is kept out of ``repr`` so no log line can show it.
    key: bytes | None = field(default=None, repr=False, compare=False)
    #: Digest of the run's settings, set by the driver and written into every receipt, so that
    #: a receipt written under other settings (by a straggler of an earlier run) is not trusted.
    settings_sha256: str = ""
    #: Threads each worker's model may use (onnxruntime intra-op, torch), unless the config sets
    #: ``threads`` itself. Not a setting of the run: it changes speed, never output.
    threads: int | None = None

    def build_pipeline(self) -> Pipeline:
        for module in self.plugins:
            importlib.import_module(module)
        # A batch job spans processes and reruns: a random per-process key would give one
        # patient different surrogates in different chunks, so surrogate mode needs a key.
        replace: dict[str, Any] = {"require_key": True}
        if self.key:
            replace["key"] = self.key
        return Pipeline.from_config(
            with_model_threads(self.config, self.threads, self.detectors),
            detectors=list(self.detectors) if self.detectors else None,
            mode=self.mode, overrides={"replace": replace},
        )

    def part_path(self, index: int) -> Path:
        return Path(self.output) / f"part-{index:05d}.{self.out_format}"

    def receipt_path(self, index: int) -> Path:
        return Path(self.output) / "_chunks" / f"chunk-{index:05d}.json"


#: Detector kinds whose ``threads`` option sizes a model's thread pool.
_THREADED_KINDS = frozenset({"transformer"})


def with_model_threads(
    config: Mapping[str, Any], threads: int | None, detectors: Sequence[str] | None = None
) -> dict[str, Any]:
    """``config`` with ``threads`` set on every model detector table that does not set its own.

    Why: onnxruntime and torch size their thread pools to all the machine's cores by default.
    With several workers on one machine, each would start a pool that size, and the pools
    then fight over the cores (and onnxruntime's spinning threads burn them while waiting).
    """
    copied = {section: dict(table) if isinstance(table, Mapping) else table
              for section, table in config.items()}
    if not threads:
        return copied
    tables = copied.setdefault("detectors", {})
    if not isinstance(tables, dict):
        return copied
    pipeline = copied.get("pipeline")
    named = detectors or (pipeline.get("detectors", []) if isinstance(pipeline, Mapping) else [])
    for name in named:  # a detector used without a table of its own
        tables.setdefault(str(name), {})
    for name, table in list(tables.items()):
        if isinstance(table, Mapping) and str(table.get("kind", name)) in _THREADED_KINDS:
            tables[name] = {"threads": threads, **table}
    return copied


@dataclass
class ChunkResult:
    index: int
    rows_ok: int
    rows_error: int
    words: int
    seconds: float


def _writable(record: dict[str, Any]) -> bool:
    """Whether ``record`` can be written as UTF-8 JSON; one that cannot must not sink its part."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        return False
    return True


class ChunkWorker:
    """Builds the pipeline once; ``process`` handles one chunk end to end."""

    def __init__(self, spec: JobSpec) -> None:
        self.spec = spec
        self.pipeline = spec.build_pipeline()

    def process(self, chunk: Chunk) -> ChunkResult:
        started = time.perf_counter()
        spec = self.spec
        rows: list[Row] = read_chunk(Path(spec.input), spec.fmt, chunk, spec.columns)
        good = [r for r in rows if r.document is not None]
        outcomes: dict[int, Result | RecordError] = {}
        for i in range(0, len(good), spec.batch_size):
            batch = good[i : i + spec.batch_size]
            docs = [r.document for r in batch if r.document is not None]
            found = run_safely(self.pipeline, docs, locators=[r.where for r in batch])
            outcomes.update((r.row, o) for r, o in zip(batch, found, strict=True))
        records: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        words = 0
        #: rows per language pack used, and rows of recognised languages without one (counted
        #: in the manifest; the output records stay id, row, text and spans)
        languages: Counter[str] = Counter()
        unsupported: Counter[str] = Counter()
        for row in rows:
            outcome = outcomes.get(row.row)
            if isinstance(outcome, Result):
                record: dict[str, Any] = {
                    "id": outcome.document.id,
                    "row": row.row,
                    "text": outcome.text,
                    "spans": [s.to_dict() for s in outcome.output_spans],
                }
                if spec.keep_meta and outcome.document.meta:
                    record["meta"] = dict(outcome.document.meta)
                if _writable(record):
                    records.append(record)
                    words += len(outcome.document.text.split())
                    _count_language(outcome, languages, unsupported)
                else:
                    errors.append({"record": row.where, "row": row.row,
                                   "reason": "output record is not writable as UTF-8 JSON"})
            else:
                # A bad row, a row the pipeline failed on, or one a detector failed on (only
                # partly checked: never released as de-identified).
                reason = row.error or (outcome.reason if outcome else "no result")
                errors.append({"record": row.where, "row": row.row, "reason": reason})
        # Part file first, receipt last: a chunk is done when its receipt exists and the part
        # file still has the row count and checksum the receipt records.
        part: PartInfo = write_part(spec.part_path(chunk.index), records, spec.out_format)
        write_json(
            spec.receipt_path(chunk.index),
            {"chunk": asdict(chunk), "rows_ok": len(records), "words": words, "errors": errors,
             "part": part.to_dict(), "settings_sha256": spec.settings_sha256,
             "languages": dict(languages), "unsupported_languages": dict(unsupported)},
        )
        return ChunkResult(chunk.index, len(records), len(errors), words,
                           time.perf_counter() - started)


def _count_language(result: Result, languages: Counter[str], unsupported: Counter[str]) -> None:
    choice = result.language_choice
    if choice is None:
        return
    languages[choice.language] += 1
    if choice.warning is not None:
        unsupported[str(choice.detected)] += 1


# -- the process-pool engine ----------------------------------------------------------------------

#: This worker process's ChunkWorker, built on its first chunk and kept for the process's life.
_PROCESS_WORKER: ChunkWorker | None = None


def process_in_worker(spec: JobSpec, chunk: Chunk) -> ChunkResult:
    """Process-pool entry point: one pipeline per worker process, built on its first chunk.

    Built here rather than in a pool initializer so that a bad config or plugin comes back to
    the driver as the exception it is (an initializer failure only says the pool broke).
    """
    global _PROCESS_WORKER
    if _PROCESS_WORKER is None or _PROCESS_WORKER.spec != spec:
        _die_with_parent()
        _PROCESS_WORKER = ChunkWorker(spec)
    return _PROCESS_WORKER.process(chunk)


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the driver dies.

    Why: a SIGKILLed driver cannot stop its workers; one that went on writing parts while a
    rerun works in the same directory would only be caught by the rerun's final check.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before the call above
        os._exit(1)
