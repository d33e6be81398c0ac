"""Batch de-identification of a large file: deterministic chunks, atomic parts, resumable.

Output directory layout::

    OUTPUT/
      manifest.json        settings (input SHA-256, config digest ...), totals, parts, status
      part-00000.jsonl     de-identified rows of chunk 0 (or .parquet)
      ...
      errors.jsonl         every row that failed, with its row number and reason (no text)
      _chunks/             per-chunk receipts (counts, errors, part row count and SHA-256)

A chunk is done when its receipt exists and its part file still has the row count and checksum
the receipt records. Kill the job at any moment and run the same command again: done chunks are
skipped; every other chunk is redone from its input rows, and part files no receipt vouches for
(torn, truncated, edited, duplicated, left by another run) are removed, so every row ends in the
output exactly once. A rerun whose input bytes or effective settings differ is refused rather
than mixing two runs in one directory, unless ``restart=True`` (``--restart``) discards the
earlier run first.

Three engines run the same :class:`~fairdeid.scale.worker.ChunkWorker`: ``processes`` (a pool
of worker processes on this machine, the default), ``ray`` (one Ray actor per worker, for a
cluster; the default when a Ray address is given) and ``local`` (in-process). Each worker
loads the models once; by default there is one single-threaded worker per core.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import logging
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from fairdeid.errors import ConfigError
from fairdeid.io.fingerprint import file_fingerprint, key_check, settings_digest
from fairdeid.io.writers import (
    PartInfo,
    part_mismatch,
    remove_stale_tmp,
    write_json,
    write_jsonl,
)
from fairdeid.replace.store import DEFAULT_KEY_ENV, resolve_key
from fairdeid.scale.sources import Chunk, auto_chunk_size, count_rows, plan_chunks
from fairdeid.scale.worker import ChunkResult, ChunkWorker, JobSpec, process_in_worker

log = logging.getLogger("fairdeid.scale")

Engine = Literal["local", "processes", "ray"]
#: Local Ray's object store: only chunk descriptors and per-chunk counts go through it (workers
#: read their rows from the input and write their parts themselves), so a small one is plenty;
#: Ray's default (30% of the RAM, in /dev/shm) is memory the models could use.
DEFAULT_OBJECT_STORE_MB = 256
MANIFEST = "manifest.json"
MANIFEST_VERSION = 2
ERRORS = "errors.jsonl"
#: Testing hook: the driver SIGKILLs itself after this many chunks of a run (see tests/scale).
CRASH_ENV = "FAIRDEID_BATCH_CRASH_AFTER"

OnChunk = Callable[[ChunkResult], None]
OnNotice = Callable[[str], None]


class IncompleteRunError(RuntimeError):
    """Some chunks have no valid part file after the run; rerunning resumes them."""


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


# -- the surrogate key --------------------------------------------------------------------------


def with_surrogate_key(spec: JobSpec) -> JobSpec:
    """``spec`` carrying the key its workers must use, resolved and checked here, in the driver.

    Why in the driver, before Ray or any worker starts: a job spans processes and reruns, so a
    random per-process key would give one patient different surrogates in different chunks,
    and a missing key must stop the job before it costs anything. Raises ``ConfigError`` when
    surrogate mode has no key (``$FAIRDEID_KEY``, the configured ``key_env``, or ``[replace]
    key``) or the key is too weak.
    """
    table: Mapping[str, Any] = spec.config.get("replace", {}) or {}
    mode = spec.mode or str(table.get("mode", "tag"))
    if mode != "surrogate":
        return spec
    key = resolve_key(spec.key or table.get("key"), str(table.get("key_env", DEFAULT_KEY_ENV)),
                      required=True)
    return dataclasses.replace(spec, key=key)


def _key_id(key: bytes | None) -> str | None:
    """Tells keys apart in the manifest without revealing them (an HMAC under a >=128-bit key)."""
    if not key:
        return None
    return key_check(key, b"fairdeid batch key id")[:16]


# -- what a resume must match -------------------------------------------------------------------


def _config_digest(config: Mapping[str, Any]) -> str:
    """SHA-256 of the effective config; a literal key is left out (``key_id`` covers it)."""
    cleaned = dict(config)
    replace = cleaned.get("replace")
    if isinstance(replace, Mapping):
        cleaned["replace"] = {k: v for k, v in replace.items() if k != "key"}
    return settings_digest(cleaned)


def _settings(spec: JobSpec, chunk_size: int) -> dict[str, Any]:
    """What must not change between a run and its resumption."""
    return {
        "input": file_fingerprint(Path(spec.input)),
        "format": spec.fmt,
        "columns": _columns(spec),
        "chunk_size": chunk_size,
        "out_format": spec.out_format,
        "config_sha256": _config_digest(spec.config),
        "mode": spec.mode,
        "detectors": list(spec.detectors) if spec.detectors else None,
        "plugins": list(spec.plugins),
        "keep_meta": spec.keep_meta,
        "key_id": _key_id(spec.key),
    }


def _columns(spec: JobSpec) -> dict[str, Any]:
    """The columns a resume must match; the default comma is left out, so runs started before
    ``--delimiter`` existed still resume."""
    columns = asdict(spec.columns)
    if columns.get("delimiter") == ",":
        del columns["delimiter"]
    return columns


_RESTART_HINT = "pass --restart to discard it and start over, or use a new output directory"


def _check_resumable(out: Path, settings: Mapping[str, Any]) -> None:
    path = out / MANIFEST
    if not path.exists():
        if any(out.glob("part-*")) or any((out / "_chunks").glob("chunk-*.json")):
            raise ConfigError(f"{out} holds part files but no {MANIFEST}; {_RESTART_HINT}")
        return
    try:
        manifest = json.loads(path.read_text("utf-8"))
        previous = manifest.get("settings", {})
        version = manifest.get("version")
    except (OSError, ValueError, AttributeError):
        raise ConfigError(f"{path} is unreadable; {_RESTART_HINT}") from None
    if version != MANIFEST_VERSION:
        raise ConfigError(
            f"{out} holds a run of an older fairdeid (manifest version {version}) whose "
            f"manifest cannot vouch for its input; {_RESTART_HINT}"
        )
    changed = sorted(k for k in settings if previous.get(k) != settings[k])
    if changed:
        what = "the input file's content changed since that run; " if "input" in changed else ""
        raise ConfigError(
            f"{out} holds a run with different settings ({', '.join(changed)}); {what}"
            f"rerun with the same input and settings to resume, or {_RESTART_HINT}"
        )


def _discard_previous_run(out: Path) -> int:
    """Delete what an earlier run wrote (and only that); returns how many files."""
    doomed = [out / MANIFEST, out / ERRORS, *out.glob("part-*"),
              *(out / "_chunks").glob("chunk-*.json")]
    removed = 0
    for path in doomed:
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed += 1
    return removed


# -- which chunks are done ----------------------------------------------------------------------


def _receipt_problem(spec: JobSpec, chunk: Chunk) -> tuple[dict[str, Any] | None, str | None]:
    """``(receipt, None)`` if the chunk is done, else ``(None, why)``; ``why`` is None when the
    chunk simply has not been started (no receipt, no part file)."""
    receipt_path = spec.receipt_path(chunk.index)
    part_path = spec.part_path(chunk.index)
    if not receipt_path.exists():
        return None, "part file has no receipt" if part_path.exists() else None
    try:
        receipt = json.loads(receipt_path.read_text("utf-8"))
        part = PartInfo.from_dict(receipt["part"])
        same_chunk = receipt["chunk"] == asdict(chunk)
        rows_ok, _ = int(receipt["rows_ok"]), int(receipt["words"])
        if not isinstance(receipt["errors"], list):
            raise TypeError("errors")
    except (OSError, ValueError, KeyError, TypeError):
        return None, "receipt unreadable"
    if receipt.get("settings_sha256") != spec.settings_sha256:
        return None, "receipt is from a run with other settings"
    if not same_chunk or part.name != part_path.name or part.rows != rows_ok:
        return None, "receipt does not describe this chunk"
    reason = part_mismatch(part_path, spec.out_format, part)
    return (receipt, None) if reason is None else (None, reason)


def _reconcile(
    spec: JobSpec, chunks: Sequence[Chunk], notice: OnNotice
) -> dict[int, dict[str, Any]]:
    """Receipts of the chunks that are done; everything else in the directory is cleared away.

    A chunk that is not done loses its receipt and part file (it will be redone), and part
    files no valid receipt vouches for are deleted, so the output never holds a row twice.
    """
    done: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        receipt, problem = _receipt_problem(spec, chunk)
        if receipt is not None:
            done[chunk.index] = receipt
            continue
        if problem:
            notice(f"chunk {chunk.index} is redone: {problem}")
        spec.receipt_path(chunk.index).unlink(missing_ok=True)
        spec.part_path(chunk.index).unlink(missing_ok=True)
    vouched = {spec.part_path(i).name for i in done}
    for path in sorted(Path(spec.output).glob("part-*")):
        if path.name not in vouched and (path.is_file() or path.is_symlink()):
            path.unlink()
            notice(f"removed {path.name}: no receipt vouches for it")
    return done


# -- the run ------------------------------------------------------------------------------------


def run_batch(
    spec: JobSpec,
    *,
    chunk_size: int | None = None,
    engine: Engine | Literal["auto"] = "auto",
    address: str | None = None,
    concurrency: int | None = None,
    threads: int | None = None,
    object_store_mb: int = DEFAULT_OBJECT_STORE_MB,
    restart: bool = False,
    on_plan: Callable[[int, int], None] | None = None,
    on_chunk: OnChunk | None = None,
    on_notice: OnNotice | None = None,
) -> BatchReport:
    """Run (or resume) a batch job; returns totals over the whole output, resumed chunks included.

    ``engine="auto"`` is Ray when ``address`` names a cluster, else a pool of worker processes
    on this machine. ``concurrency`` (workers) and ``threads`` (model threads per worker)
    default to one single-threaded worker per core (see :func:`plan_workers`).
    ``chunk_size=None`` keeps the chunk size of the run being resumed, or picks one from the
    row count (:func:`~fairdeid.scale.sources.auto_chunk_size`). ``restart`` discards an
    earlier run in the output directory instead of resuming it.
    ``on_plan(total_chunks, already_done)`` and ``on_chunk(result)`` drive progress display;
    ``on_notice(message)`` hears about chunks redone and files removed (names, never content).
    """
    started = time.perf_counter()
    engine = _choose_engine(engine, address)
    _check_positive(chunk_size=chunk_size, concurrency=concurrency, threads=threads,
                    object_store_mb=object_store_mb)

    def notice(message: str) -> None:
        log.warning("%s", message)
        if on_notice:
            on_notice(message)

    spec = with_surrogate_key(spec)  # before any worker, Ray, or hashing a large input
    out = Path(spec.output)
    out.mkdir(parents=True, exist_ok=True)
    with _exclusive(out):
        size = chunk_size or _previous_chunk_size(out, restart) or auto_chunk_size(
            count_rows(Path(spec.input), spec.fmt, spec.columns))
        settings = _settings(spec, size)
        spec = dataclasses.replace(spec, settings_sha256=settings_digest(settings))
        if restart:
            if removed := _discard_previous_run(out):
                notice(f"--restart: removed {removed} file(s) of the earlier run")
        else:
            _check_resumable(out, settings)
        (out / "_chunks").mkdir(exist_ok=True)
        engine, spec, workers = _on_this_machine(engine, spec, concurrency, threads)
        # Local: build the pipeline now, so a bad config fails before a large file is planned.
        worker = ChunkWorker(spec) if engine == "local" else None
        remove_stale_tmp(out)
        chunks = plan_chunks(Path(spec.input), spec.fmt, size, spec.columns)
        write_json(out / MANIFEST, {"version": MANIFEST_VERSION, "status": "running",
                                    "settings": settings, "chunks": len(chunks)})
        pending = [c for c in chunks if c.index not in _reconcile(spec, chunks, notice)]
        if on_plan:
            on_plan(len(chunks), len(chunks) - len(pending))
        finished = _progress(on_chunk)
        if pending and worker is not None:
            for chunk in pending:
                finished(worker.process(chunk))
        elif pending and engine == "processes":
            _run_processes(spec, pending, finished, workers, notice)
        elif pending:
            _run_ray(spec, pending, finished, address=address, concurrency=concurrency,
                     threads=threads, object_store_mb=object_store_mb)
        return _finalize(spec, chunks, settings, len(chunks) - len(pending),
                         time.perf_counter() - started, notice)


def _on_this_machine(
    engine: Engine, spec: JobSpec, concurrency: int | None, threads: int | None
) -> tuple[Engine, JobSpec, int]:
    """(engine, spec with its model threads, worker processes) for the engines of this machine.

    Ray plans its actors once it knows the cluster (:func:`_run_ray`). ``--local`` keeps the
    model's own thread default unless told. A pool of one worker runs in the driver instead:
    no process to start, same result.
    """
    if engine == "ray":
        return engine, spec, 0
    if engine == "local":
        return engine, dataclasses.replace(spec, threads=threads), 1
    planned = plan_workers(local_cpus(), concurrency, threads)
    spec = dataclasses.replace(spec, threads=planned.threads)
    return ("local" if planned.workers == 1 else "processes"), spec, planned.workers


def _choose_engine(engine: str, address: str | None) -> Engine:
    if engine == "auto":
        return "ray" if address else "processes"
    if engine not in ("local", "processes", "ray"):
        raise ConfigError(f"unknown engine {engine!r}: use auto, processes, ray or local")
    if address and engine != "ray":
        raise ConfigError(f"a Ray address needs the ray engine, not {engine!r}")
    return engine  # type: ignore[return-value]


def _check_positive(**values: int | None) -> None:
    for name, value in values.items():
        if value is not None and value < 1:
            raise ConfigError(f"{name.replace('_', ' ')} must be at least 1, not {value}")


def _previous_chunk_size(out: Path, restart: bool) -> int | None:
    """The chunk size of the run in ``out``, so that a resume need not repeat ``--chunk-size``.

    Why: the chunk size is part of what a resume must match, and runs before automatic chunk
    sizes used 1,000 rows; resuming one must not be refused for a default that changed.
    """
    if restart:
        return None
    try:
        size = json.loads((out / MANIFEST).read_text("utf-8"))["settings"]["chunk_size"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None


# -- how many workers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Workers:
    """``workers`` processes (or actors), each letting its model use ``threads`` threads."""

    workers: int
    threads: int


def local_cpus() -> int:
    """The cores this process may run on (``taskset`` and cpusets included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def plan_workers(cpus: int, workers: int | None = None, threads: int | None = None) -> Workers:
    """Workers × threads per worker = the cores, by default one single-threaded worker per core.

    Why one thread per worker: the rules are pure Python (one core per process, whatever the
    model does) and a model runs more work per CPU-second single-threaded than split across a
    thread pool that must synchronise, so N processes of one thread beat one process of N
    threads. More workers than cores (or thread pools that, multiplied, exceed the cores) only
    make them fight over the cores; onnxruntime's spinning threads then burn CPU while waiting.
    """
    if threads is None:
        threads = max(1, cpus // workers) if workers else 1
    if workers is None:
        workers = max(1, cpus // threads)
    return Workers(workers, threads)


def _progress(on_chunk: OnChunk | None) -> OnChunk:
    """Reports each finished chunk; the ``CRASH_ENV`` test hook SIGKILLs the driver after k."""
    crash_after = int(os.environ.get(CRASH_ENV, "0") or 0)
    done = 0

    def finished(result: ChunkResult) -> None:
        nonlocal done
        done += 1
        if on_chunk:
            on_chunk(result)
        if crash_after and done >= crash_after:
            os.kill(os.getpid(), signal.SIGKILL)

    return finished


@contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """One driver per output directory at a time.

    Why: two runs in one directory (a second terminal, a --restart while the first still runs)
    would overwrite each other's parts under each other's receipts. The lock is an ``flock`` on
    ``OUTPUT/.lock``, released by the kernel when the driver exits, even by SIGKILL.
    """
    with (out / ".lock").open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"{out} is in use by another batch run; wait for it to end, "
                              "or use another output directory") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while Ray runs, so ``finally: ray.shutdown()`` still runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_processes(
    spec: JobSpec, pending: Sequence[Chunk], finished: OnChunk, workers: int,
    notice: OnNotice = lambda message: None,
) -> None:
    """A pool of ``workers`` spawned processes, each building the pipeline once.

    Why not Ray on one machine: Ray's start-up (its own processes, an object store, agents)
    costs seconds of wall time and CPU on every run, which a run on one machine never earns
    back; a process pool starts in about the time one pipeline takes to load. Spawned, not
    forked: the driver has threads (progress display) and a fork could copy a held lock.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    for plugin in spec.plugins:  # fail here, clearly, rather than in every worker
        __import__(plugin)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(pending)),
                               mp_context=multiprocessing.get_context("spawn"))
    clean = False
    with _sigterm_unwinds():
        try:
            remaining: set[Future[ChunkResult]] = {
                pool.submit(process_in_worker, spec, chunk) for chunk in pending}
            while remaining:
                done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for future in done:
                    finished(future.result())  # re-raises a worker's exception here
            clean = True
        except BrokenProcessPool:
            # Killed (out of memory, a crash in native code): what it did not finish is
            # missing from the output, and the run ends as incomplete, to be resumed.
            notice("a worker process died (out of memory?); the chunks not finished are redone "
                   "by the next run")
        finally:
            # On failure, Ctrl+C or SIGTERM: drop queued chunks, do not wait for running ones
            # (they are redone on resume; workers die with this process on Linux).
            pool.shutdown(wait=clean, cancel_futures=not clean)


def _run_ray(
    spec: JobSpec,
    pending: Sequence[Chunk],
    finished: OnChunk,
    *,
    address: str | None,
    concurrency: int | None,
    threads: int | None = None,
    object_store_mb: int = DEFAULT_OBJECT_STORE_MB,
) -> None:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "the Ray engine needs the 'scale' extra (pip install 'fairdeid[scale]'); "
            "or run without --engine ray"
        ) from exc
    for plugin in spec.plugins:  # fail here, clearly, rather than in every actor
        __import__(plugin)
    started_here = not ray.is_initialized()
    with _sigterm_unwinds():
        try:
            if started_here:
                _init_ray(ray, address, plan_workers(local_cpus(), concurrency, threads),
                          object_store_mb)
            cpus = int(ray.cluster_resources().get("CPU", 1))
            workers = plan_workers(max(1, cpus), concurrency, threads)
            spec = dataclasses.replace(spec, threads=workers.threads)
            _map_chunks(ray, spec, pending, finished, workers)
        finally:
            # Normal end, failure, Ctrl+C or SIGTERM: stop the processes this run started.
            # (A SIGKILLed driver cannot; see docs/service.md for what outlives it.)
            if started_here:
                ray.shutdown()


def _init_ray(ray: Any, address: str | None, local: Workers, object_store_mb: int) -> None:
    """A private local Ray sized to ``local``, or a connection to ``address``.

    The surrogate key is not put in a ``runtime_env`` (which Ray shows in its job listings): it
    travels in the pickled :class:`JobSpec`, out of every ``repr``.
    """
    # No usage statistics are sent from hospital machines (Ray asks for them by default).
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    options: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
    if address:
        _connect_ray(ray, address, options)
    else:
        # As many CPUs as the workers use, no more: Ray must not plan for cores it would share.
        # No dashboard: nothing here needs it, and it is one more process to outlive a crash.
        ray.init(num_cpus=local.workers * local.threads, include_dashboard=False,
                 object_store_memory=object_store_mb * 1024 * 1024, **options)


#: Seconds to wait before each further attempt to reach a cluster. A Ray Client proxy starts one
#: server process per connecting driver; on a cluster that has just started, or a busy one, that
#: process can fail to start once ("Starting Ray client server failed") and succeed on the next
#: port a moment later. Three tries cost a wrong address or token about 4 s more.
CONNECT_RETRY_DELAYS_S: tuple[float, ...] = (1.0, 3.0)


def _connect_ray(ray: Any, address: str, options: Mapping[str, Any]) -> None:
    """``ray.init(address)``, tried again after a short wait when the connection fails."""
    for attempt, delay in enumerate((*CONNECT_RETRY_DELAYS_S, None), start=1):
        try:
            ray.init(address=address, **options)
            return
        except ConnectionError as exc:
            with suppress(Exception):  # a half-made client connection
                ray.shutdown()
            if delay is not None:
                log.warning("could not connect to the Ray cluster (attempt %d); trying again in "
                            "%.0f s", attempt, delay)
                time.sleep(delay)
                continue
            raise ConfigError(
                f"could not connect to the Ray cluster at {address} after {attempt} attempts "
                f"({exc}); a cluster that requires token authentication also needs "
                "RAY_AUTH_MODE=token and its token (RAY_AUTH_TOKEN or ~/.ray/auth_token) in "
                "this environment"
            ) from None


def _map_chunks(
    ray: Any, spec: JobSpec, pending: Sequence[Chunk], finished: OnChunk, workers: Workers
) -> None:
    """One actor per worker; each is handed the next pending chunk as soon as it is free.

    Plain Ray actors rather than Ray Data: Ray Data's executor does not run through Ray Client
    (``ray://`` addresses), and a job whose data never passes through Ray (workers read and
    write the files themselves) has no use for its blocks. Chunks are idempotent (atomic part
    file, then receipt), so a chunk whose actor died is safely retried on a restarted one.
    """
    remote = ray.remote(num_cpus=workers.threads, max_restarts=1, max_task_retries=1)
    actors = [remote(ChunkWorker).remote(spec)
              for _ in range(min(workers.workers, len(pending)))]
    queue = iter(pending)
    in_flight: dict[Any, Any] = {}

    def hand_out(actor: Any) -> None:
        chunk = next(queue, None)
        if chunk is not None:
            in_flight[actor.process.remote(chunk)] = actor

    try:
        for actor in actors:
            hand_out(actor)
        while in_flight:
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            actor = in_flight.pop(ready[0])
            finished(ray.get(ready[0]))
            hand_out(actor)
    finally:
        for actor in actors:  # on a shared cluster, nothing of this job outlives it
            ray.kill(actor)


def _sum_counts(receipts: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    """Per-language row counts of all chunks (receipts of older runs have none)."""
    total: Counter[str] = Counter()
    for receipt in receipts:
        counts = receipt.get(key)
        if isinstance(counts, Mapping):
            total.update({str(k): int(v) for k, v in counts.items()})
    return dict(sorted(total.items()))


def _finalize(
    spec: JobSpec,
    chunks: Sequence[Chunk],
    settings: dict[str, Any],
    skipped: int,
    seconds: float,
    notice: OnNotice,
) -> BatchReport:
    """Merge the receipts of chunks whose part files check out into errors.jsonl and the manifest.

    Checked again here rather than trusted from the workers' answers: a worker of a killed
    earlier run may still have written into the directory while this run went on.
    """
    out = Path(spec.output)
    done = _reconcile(spec, chunks, notice)
    missing = [c.index for c in chunks if c.index not in done]
    receipts = [done[c.index] for c in chunks if c.index in done]
    errors = [error for receipt in receipts for error in receipt["errors"]]
    rows_ok = sum(int(r["rows_ok"]) for r in receipts)
    words = sum(int(r["words"]) for r in receipts)
    languages = _sum_counts(receipts, "languages")
    unsupported = _sum_counts(receipts, "unsupported_languages")
    write_jsonl(out / ERRORS, errors, ensure_ascii=True)
    report = BatchReport(len(chunks), skipped, rows_ok, len(errors), words, seconds, str(out))
    write_json(
        out / MANIFEST,
        {
            "version": MANIFEST_VERSION,
            "status": "incomplete" if missing else "complete",
            "settings": settings,
            "chunks": len(chunks),
            "missing_chunks": missing,
            "rows_ok": rows_ok,
            "rows_error": len(errors),
            "words": words,
            # rows per language pack used; rows of languages without a pack (English was used)
            "languages": languages,
            "unsupported_languages": unsupported,
            "parts": [r["part"]["name"] for r in receipts],
            "part_files": [r["part"] for r in receipts],
            "errors_file": ERRORS,
        },
    )
    if missing:
        raise IncompleteRunError(f"{len(missing)} chunk(s) did not complete; rerun to resume")
    return report
