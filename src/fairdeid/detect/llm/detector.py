"""``LLMDetector``: PHI spans from an instruction-tuned model behind an OpenAI-compatible server.

A note is cut into chunks (whitespace boundaries, with overlap); every chunk of every document in
a batch is one request, all sent concurrently up to ``concurrency``. The model answers with
strings and labels; strings are located in the chunk it saw (absent ones are hallucinations and
are dropped), then, with ``propagate``, searched for over the whole note so an identifier the
model recognised once is removed everywhere.

A chunk whose answer is cut off by ``max_tokens`` is split into smaller chunks and sent again,
down to ``min_chunk_size``; a note is never accepted on a partial answer. Every note has a deadline
(``note_deadline``) over all its requests, retries and splits.

A chunk that fails for good never stops the batch: the document keeps the spans of its other
chunks (privacy first: more is removed, not less) and is listed in the errors of the batch, one
``RecordError`` per document with its id (and, with ``on_error = "raise"``, an error naming the
documents is raised once the batch is done).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from fairdeid.detect.base import BaseDetector, Detector, build_detector
from fairdeid.detect.llm.align import chunk_text, locate
from fairdeid.detect.llm.client import (
    ChatClient,
    ChunkError,
    LLMStats,
    NoteClock,
    Session,
    Sleep,
    TruncatedAnswer,
)
from fairdeid.detect.llm.config import LLMConfig
from fairdeid.detect.llm.jobs import Job, run_sync, split_job
from fairdeid.detect.llm.parse import normalise_label
from fairdeid.detect.llm.probe import check_server
from fairdeid.detect.llm.prompts import build_prompt
from fairdeid.document import Document, Span
from fairdeid.errors import FairdeidError, RecordError

log = logging.getLogger("fairdeid.detect.llm")


class LLMDetectionError(FairdeidError):
    """Raised after a batch (``on_error = "raise"``) when some documents could not be processed."""

    def __init__(self, errors: Sequence[RecordError]) -> None:
        ids = ", ".join(e.record for e in errors[:10])
        more = f" and {len(errors) - 10} more" if len(errors) > 10 else ""
        super().__init__(f"LLM detection failed for {len(errors)} document(s): {ids}{more}")
        self.errors = list(errors)


class LLMDetector(BaseDetector):
    """Detector ``llm``: ``LLMDetector.from_config({...})`` or ``LLMDetector(LLMConfig(...))``."""

    name = "llm"

    def __init__(self, config: LLMConfig, *, sleep: Sleep | None = None) -> None:
        self.config = config
        self.prompt = build_prompt(config.prompt, config.labels, config.few_shot)
        config.api_key()  # fail at build time if the named variable is unset
        self.source = f"llm:{config.model}"
        self.stats = LLMStats()
        #: Errors of the most recent batch, one ``RecordError`` per failed document.
        self.errors: list[RecordError] = []
        self._aliases = {_norm(k): v for k, v in config.label_aliases.items()}
        self.client = ChatClient(config, self.prompt, self.stats, sleep)
        self._ssl_context: ssl.SSLContext | None = None
        if config.probe:
            check_server(config, self.client.headers())

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Detector:
        """Registry entry; ``only_uncertain = true`` builds ``llm_hybrid`` (via the registry,
        so this module does not import the hybrid, which builds on it)."""
        if config.get("only_uncertain"):
            return build_detector("llm_hybrid", config)
        data = {k: v for k, v in config.items() if k != "only_uncertain"}
        return cls(LLMConfig.from_mapping(data))

    # -- public API ---------------------------------------------------------------------------

    def detect(self, doc: Document) -> list[Span]:
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Spans only; failed documents are in ``errors`` (prefer ``detect_batch_with_errors``)."""
        return self.detect_batch_with_errors(docs)[0]

    async def adetect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        """``detect_batch`` for callers already inside an event loop (the web service)."""
        spans, errors = await self.arun_jobs(docs, self.chunk_jobs(docs))
        self.finish_batch(errors)
        return spans

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        """``FallibleDetector``: spans per document and one ``RecordError`` (record = document
        id) per document that could not be checked; a failed document keeps the spans its
        other chunks found. Raises only with ``on_error = "raise"``, after the whole batch."""
        spans, errors = run_sync(lambda: self.arun_jobs(docs, self.chunk_jobs(docs)))
        self.finish_batch(errors)
        return spans, errors

    def chunk_jobs(self, docs: Sequence[Document]) -> list[Job]:
        jobs = []
        for i, doc in enumerate(docs):
            chunks = chunk_text(doc.text, self.config.chunk_size, self.config.chunk_overlap)
            for k, chunk in enumerate(chunks):
                jobs.append(Job(i, (chunk,), f"chunk {k + 1}/{len(chunks)}"))
        return jobs

    # -- the batch ----------------------------------------------------------------------------

    async def arun_jobs(
        self, docs: Sequence[Document], jobs: Sequence[Job]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        """Send every job concurrently; return spans per document and per-document errors."""
        started = time.perf_counter()
        self.stats.documents += len(docs)
        self.stats.words += sum(len(d.text.split()) for d in docs)
        self.stats.chars_seen += sum(len(d.text) for d in docs)
        found: list[dict[tuple[int, int, str], None]] = [{} for _ in docs]
        strings: list[dict[tuple[str, str], None]] = [{} for _ in docs]
        failures: dict[int, dict[str, list[str]]] = {}  # doc -> reason -> job labels
        if jobs:
            await self._send_all(docs, jobs, found, strings, failures)
        results: list[list[Span]] = []
        for i, doc in enumerate(docs):
            keys = dict(found[i])
            if self.config.propagate:
                for text, label in strings[i]:
                    for start, end in self._locate(text, doc.text):
                        keys[(start, end, label)] = None
            results.append(
                [Span(s, e, label, self.source, self.config.score) for s, e, label in keys]
            )
        errors = [
            RecordError(docs[i].id, _summary(reasons)) for i, reasons in sorted(failures.items())
        ]
        self.stats.wall_s += time.perf_counter() - started
        return results, errors

    async def _send_all(
        self,
        docs: Sequence[Document],
        jobs: Sequence[Job],
        found: list[dict[tuple[int, int, str], None]],
        strings: list[dict[tuple[str, str], None]],
        failures: dict[int, dict[str, list[str]]],
    ) -> None:
        """One HTTP client and one semaphore for the whole batch: connections are reused."""
        timeout = httpx.Timeout(self.config.timeout)
        limits = httpx.Limits(max_connections=self.config.concurrency)
        clocks = [NoteClock(self.config.note_deadline) for _ in docs]
        async with httpx.AsyncClient(
            timeout=timeout, limits=limits, headers=self.client.headers(), verify=self._tls()
        ) as http:
            session = Session(http, asyncio.Semaphore(self.config.concurrency))

            async def one(job: Job) -> None:
                doc = docs[job.doc_index]
                pieces = [doc.text[s:e] for s, e in job.segments]
                self.stats.chunks += 1
                self.stats.chars_sent += sum(map(len, pieces)) + len(pieces) - 1
                where = f"{doc.id} {job.label}"
                i = job.doc_index
                try:
                    answer = await self.client.complete(
                        session, "\n".join(pieces), where, clocks[i]
                    )
                except TruncatedAnswer as exc:
                    # What came before the cut is removed too; the rest is asked in halves.
                    self._collect(doc, job, exc.answer.entities, found[i], strings[i])
                    smaller = split_job(
                        job, doc.text, self.config.min_chunk_size, self.config.chunk_overlap
                    )
                    if smaller:
                        log.info("%s: answer truncated; splitting in %d", where, len(smaller))
                        await asyncio.gather(*(one(part) for part in smaller))
                        return
                    reason = (
                        f"{exc.reason} even at min_chunk_size ({self.config.min_chunk_size} "
                        "characters), raise max_tokens"
                    )
                except ChunkError as exc:
                    reason = exc.reason
                else:
                    self._collect(doc, job, answer.entities, found[i], strings[i])
                    return
                self.stats.errors += 1
                log.warning("%s failed: %s", where, reason)
                failures.setdefault(i, {}).setdefault(reason, []).append(job.label)

            await asyncio.gather(*(one(job) for job in jobs))

    def _collect(
        self,
        doc: Document,
        job: Job,
        entities: Sequence[tuple[str, str]],
        found: dict[tuple[int, int, str], None],
        strings: dict[tuple[str, str], None],
    ) -> None:
        """Map labels, drop hallucinations, record spans (chunk-local) and strings (propagate)."""
        for text, raw_label in entities:
            self.stats.entities += 1
            label = normalise_label(raw_label, self._aliases, self.config.unknown_label)
            if label is None or (label == "OTHER" and _norm(raw_label) != "OTHER"):
                self.stats.unknown_labels += 1
                if label is None:
                    continue
            hits = [
                (s + off, e + off)
                for off, end in job.segments
                for s, e in self._locate(text, doc.text[off:end])
            ]
            if not hits:
                self.stats.hallucinations += 1
                continue
            for start, end in hits:
                found[(start, end, label)] = None
            strings[(text, label)] = None

    def _tls(self) -> ssl.SSLContext:
        """One TLS context per detector: building it costs far more than a local request."""
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context()
        return self._ssl_context

    def _locate(self, entity: str, text: str) -> list[tuple[int, int]]:
        return locate(
            entity,
            text,
            match_case=self.config.match_case,
            match_whitespace=self.config.match_whitespace,
        )

    def finish_batch(self, errors: list[RecordError]) -> None:
        """Keep a batch's errors on the detector; raise them if ``on_error = "raise"``."""
        self.errors = errors
        if errors and self.config.on_error == "raise":
            raise LLMDetectionError(errors)


def _summary(reasons: Mapping[str, Sequence[str]]) -> str:
    """One line per document: each distinct reason once, with the first request it hit."""
    parts = []
    for reason, labels in reasons.items():
        where = labels[0] if len(labels) == 1 else f"{labels[0]} and {len(labels) - 1} more"
        parts.append(f"{where}: {reason}")
    return "; ".join(parts)


def _norm(label: str) -> str:
    return "_".join(label.replace("-", " ").split()).upper()
