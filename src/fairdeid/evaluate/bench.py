"""Throughput benchmark: warm words per second, model-load time and peak memory per system.

Method (DESIGN.md "Metrics"): words are whitespace-delimited words of the *input*; a timed pass
is one ``detect_batch`` over every document (the resolve step included, replacement excluded,
since replacement cost is the same for every detector); one warm-up pass runs first and is not
timed (lazy model loading, caches, JIT); the median of ``repeat`` timed passes is reported, with
the model-load seconds (building the pipeline) reported separately. CPU seconds are the process
time of the timed passes (every thread of the measuring process, plus the model server a system
talks to, such as the local LLM's), per 1,000 words: the figure that stays put on a loaded machine,
where wall-clock words/s only say what share of the cores the other jobs left.

Peak memory is ``ru_maxrss``, which only ever grows within a process; to make it mean something
per system, each system runs in a fresh spawned process by default (``isolate=True``). In-process
runs (``isolate=False``) are for tests and for detectors registered at run time, which a spawned
process would not know.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairdeid.document import Document, Span
from fairdeid.errors import DetectionFailedError
from fairdeid.evaluate.metrics import count_words
from fairdeid.evaluate.runner import build_pipeline, strip

if TYPE_CHECKING:
    from fairdeid.pipeline import Detection


@dataclass(frozen=True)
class System:
    """A system under test: a pipeline config, one detector, or both."""

    name: str
    #: a TOML path, or a parsed config (a suite builds the local LLM's config at run time)
    config: str | Mapping[str, Any] | None = None
    detector: str | None = None
    #: ``--lang``: ``None`` keeps the config's ``[pipeline] language``
    language: str | None = None
    #: processes that do this system's work outside the measuring process (a model server):
    #: their CPU seconds and peak RSS are added to the system's
    servers: tuple[int, ...] = ()
    #: an untimed pass first; off for a system whose model is loaded and warm before timing
    #: starts (a model server), where a second pass over every note would only double a slow
    #: run: the first timed pass is then the one scored
    warmup: bool = True
    #: time and score the run even when the detector failed on some documents, counting them
    #: (``failed_documents``; they are scored with whatever spans they got). For a local LLM,
    #: where a note the model loops on until ``max_tokens`` is a result, not an outage; the
    #: count shows an outage too (a server that died fails every remaining note)
    tolerate_failures: bool = False


@dataclass
class BenchResult:
    name: str
    documents: int
    words: int
    load_seconds: float
    warmup_seconds: float
    pass_seconds: list[float]
    peak_rss_mb: float
    tracemalloc_peak_mb: float | None = None
    isolated: bool = True
    evaluation: dict[str, Any] | None = field(default=None)
    #: process time of each timed pass (servers included), same order as ``pass_seconds``
    pass_cpu_seconds: list[float] = field(default_factory=list)
    #: documents the detector failed on (only with ``System.tolerate_failures``)
    failed_documents: int = 0

    @property
    def seconds(self) -> float:
        return statistics.median(self.pass_seconds)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")

    @property
    def cpu_seconds_per_1k_words(self) -> float | None:
        if not self.pass_cpu_seconds or not self.words:
            return None
        return statistics.median(self.pass_cpu_seconds) / self.words * 1000

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "documents": self.documents,
            "words": self.words,
            "words_per_second": round(self.words_per_second, 1),
            "seconds_median": round(self.seconds, 4),
            "pass_seconds": [round(s, 4) for s in self.pass_seconds],
            "pass_cpu_seconds": [round(s, 4) for s in self.pass_cpu_seconds],
            "cpu_seconds_per_1k_words": None
            if (cpu := self.cpu_seconds_per_1k_words) is None
            else round(cpu, 4),
            "load_seconds": round(self.load_seconds, 3),
            "warmup_seconds": round(self.warmup_seconds, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "tracemalloc_peak_mb": None
            if self.tracemalloc_peak_mb is None
            else round(self.tracemalloc_peak_mb, 1),
            "isolated": self.isolated,
            "failed_documents": self.failed_documents,
            "evaluation": self.evaluation,
        }


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _server_cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of other processes so far (Linux ``/proc``; 0 elsewhere)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _server_peak_rss_mb(pids: Sequence[int]) -> float:
    """Peak resident memory of other processes (``VmHWM``, Linux; 0 elsewhere)."""
    total = 0.0
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def _cpu_now(servers: Sequence[int]) -> float:
    return time.process_time() + _server_cpu_seconds(servers)


def _failures(detections: Sequence[Detection]) -> dict[str, str]:
    return {d.id: "; ".join(d.errors) for d in detections if d.errors}


def _measure(
    config: str | Mapping[str, Any] | None,
    detector: str | None,
    docs: Sequence[Document],
    repeat: int,
    trace: bool,
    language: str | None = None,
    servers: Sequence[int] = (),
    warmup: bool = True,
    tolerate: bool = False,
) -> dict[str, Any]:
    """Run in the measuring process: load, warm up, time ``repeat`` passes."""
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    pipeline = build_pipeline(config, detector, language)
    load = time.perf_counter() - t0
    bare = strip(docs)
    warm: list[Document] | None = None
    warmup_seconds = 0.0
    failed: dict[str, str] = {}
    scored_failures: dict[str, str] = {}
    if warmup:
        t0 = time.perf_counter()
        detections = pipeline.detect_batch(bare)
        warmup_seconds = time.perf_counter() - t0
        failed = _failures(detections)
        warm = [d.document for d in detections]
        scored_failures = failed
    passes = []
    cpu = []
    for _ in range(max(1, repeat)):
        if failed and not tolerate:
            break
        c0 = _cpu_now(servers)
        t0 = time.perf_counter()
        timed = pipeline.detect_batch(bare)
        passes.append(time.perf_counter() - t0)
        cpu.append(_cpu_now(servers) - c0)
        failed = _failures(timed)  # a server that goes down mid-run makes a pass look fast
        if warm is None:
            warm = [d.document for d in timed]
            scored_failures = failed
    if failed and not tolerate:
        # A detector that failed is not fast, it is broken: never time it. The failures travel
        # back as data and the parent raises: this may run in a spawned process, and an
        # exception that cannot be rebuilt from its pickle would hang the pool's result thread.
        if trace:
            tracemalloc.stop()
        return {"failed": failed, "total": len(bare)}
    traced = None
    if trace:
        traced = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
    spans = [[(s.start, s.end, s.label, s.source) for s in d.spans] for d in warm or []]
    return {
        "load": load,
        "warmup": warmup_seconds,
        "passes": passes,
        "cpu": cpu,
        "rss": _peak_rss_mb() + _server_peak_rss_mb(servers),
        "traced": traced,
        "spans": spans,
        "failed_documents": len(scored_failures),
    }


def bench_system(
    system: System,
    docs: Sequence[Document],
    *,
    repeat: int = 3,
    isolate: bool = True,
    trace: bool = False,
    evaluate: bool = True,
) -> BenchResult:
    """Benchmark one system; if ``docs`` carry gold spans, also evaluate the warm-up predictions.

    Raises ``DetectionFailedError`` (nothing timed) when a detector failed on any document,
    unless ``system.tolerate_failures``: then they are counted in ``failed_documents``.
    """
    if isolate:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            raw = pool.apply(_measure, (system.config, system.detector, list(docs), repeat, trace,
                                        system.language, system.servers, system.warmup,
                                        system.tolerate_failures))
    else:
        raw = _measure(
            system.config, system.detector, docs, repeat, trace, system.language, system.servers,
            system.warmup, system.tolerate_failures,
        )
    if "failed" in raw:
        raise DetectionFailedError(raw["failed"], raw["total"])
    result = BenchResult(
        name=system.name,
        documents=len(docs),
        words=sum(count_words(d.text) for d in docs),
        load_seconds=raw["load"],
        warmup_seconds=raw["warmup"],
        pass_seconds=list(raw["passes"]),
        pass_cpu_seconds=list(raw["cpu"]),
        failed_documents=raw["failed_documents"],
        peak_rss_mb=raw["rss"],
        tracemalloc_peak_mb=raw["traced"],
        isolated=isolate,
    )
    if evaluate and any(d.spans for d in docs):
        from fairdeid.evaluate.metrics import summarise

        pred = [
            d.with_spans(Span(s, e, label, source) for s, e, label, source in spans)
            for d, spans in zip(docs, raw["spans"], strict=True)
        ]
        summary = summarise(docs, pred, n_boot=1000).to_json()
        result.evaluation = {
            "binary_token": summary["binary_token"],
            "leak_rate": summary["leak_rate"],
            "strict": summary["strict"],
        }
    return result


def systems_from_options(
    configs: Sequence[str] | None, detectors: Sequence[str] | None, language: str | None = None
) -> list[System]:
    """``--pipeline`` and ``--detector`` options as systems; the default pipeline if neither."""
    systems = [System(Path(c).stem, config=str(c), language=language) for c in configs or []]
    systems += [System(d, detector=d, language=language) for d in detectors or []]
    return systems or [System("default", language=language)]
