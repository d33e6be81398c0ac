"""How the service shares its pipeline workers: per-request deadline, chunks, backpressure.

Why this exists: pipeline work runs in threads, ``workers`` at a time (detectors are not
assumed thread-safe). Taken whole, a batch of eight 100k-character notes held the only worker
for twenty seconds while a one-line request waited behind it, and nothing bounded how long a
request could take. Here:

* a request's documents are cut into chunks of about ``chunk_chars`` characters, and each chunk
  queues for a worker on its own. Workers are handed out first come, first served, so a small
  request that arrives while a big one runs waits for one chunk, not for the whole batch;
* every request has a deadline, covering its wait for a worker and its work. A thread cannot be
  killed, so a request past its deadline is answered at once (503) and its result is dropped,
  but its worker slot stays taken until the thread really ends: otherwise timed-out work would
  pile up in threads beyond ``workers`` and the limit would mean nothing;
* at most ``max_pending`` requests may be in flight; more get 503 at once (backpressure).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import anyio

from fairdeid.document import Document

log = logging.getLogger("fairdeid.serve")

T = TypeVar("T")


class BusyError(Exception):
    """More requests are in flight than the server queues (answered 503, retry soon)."""


class DeadlineExceededError(Exception):
    """The request ran past its deadline; its result, if any comes, is dropped (503)."""


def chunked(docs: Sequence[Document], chunk_chars: int) -> list[list[Document]]:
    """Consecutive groups of documents of at most ``chunk_chars`` characters.

    Documents are never split (detectors see whole notes), so a document longer than the budget
    is a chunk on its own. Order is kept: results are concatenated back in the same order.
    """
    chunks: list[list[Document]] = []
    current: list[Document] = []
    size = 0
    for doc in docs:
        if current and size + len(doc.text) > chunk_chars:
            chunks.append(current)
            current, size = [], 0
        current.append(doc)
        size += len(doc.text)
    if current:
        chunks.append(current)
    return chunks


class Scheduler:
    """Runs a request's chunks on the shared workers, within the request's deadline."""

    def __init__(
        self, workers: int, max_pending: int, timeout: float, chunk_chars: int
    ) -> None:
        if workers < 1 or timeout <= 0 or chunk_chars < 1:
            raise ValueError("workers and chunk_chars must be >= 1 and timeout > 0")
        self.workers = workers
        self.max_pending = max_pending
        self.timeout = timeout
        self.chunk_chars = chunk_chars
        self.pending = 0
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """Built on first use, inside the event loop that will use it."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.workers)
        return self._limiter

    async def map(
        self, fn: Callable[[list[Document]], list[T]], docs: Sequence[Document], request_id: str
    ) -> list[T]:
        """``fn`` over ``docs`` chunk by chunk; results in document order."""
        if self.pending >= self.max_pending:
            raise BusyError
        self.pending += 1
        try:
            deadline = anyio.current_time() + self.timeout
            results: list[T] = []
            for chunk in chunked(docs, self.chunk_chars):
                results.extend(await self._run_chunk(fn, chunk, deadline, request_id))
            return results
        finally:
            self.pending -= 1

    async def _run_chunk(
        self,
        fn: Callable[[list[Document]], list[T]],
        chunk: list[Document],
        deadline: float,
        request_id: str,
    ) -> list[T]:
        limiter = self.limiter
        borrower = object()
        with anyio.CancelScope(deadline=deadline) as waiting:
            await limiter.acquire_on_behalf_of(borrower)
        if waiting.cancelled_caught:
            raise DeadlineExceededError  # still queued for a worker when time ran out
        job = _Job(limiter, borrower, asyncio.get_running_loop(), request_id)
        with anyio.CancelScope(deadline=deadline) as running:
            try:
                return await anyio.to_thread.run_sync(job.run, fn, chunk, abandon_on_cancel=True)
            except Exception:
                job.abandon(timed_out=False)  # ``fn`` raised: its thread is done
                raise
            except BaseException:
                job.abandon()  # cancelled otherwise, e.g. the server shuts down
                raise
        assert running.cancelled_caught
        job.abandon()
        raise DeadlineExceededError


class _Job:
    """One chunk's hold on a worker slot, released exactly once, when the slot is really free.

    The worker thread may start the chunk after the request gave up (the hand-off to the
    thread is not atomic with the cancellation), so a lock decides who releases: the request,
    if the thread never started; the thread, from its ``finally``, otherwise.
    """

    def __init__(
        self,
        limiter: anyio.CapacityLimiter,
        borrower: object,
        loop: asyncio.AbstractEventLoop,
        request_id: str,
    ) -> None:
        self._limiter = limiter
        self._borrower = borrower
        self._loop = loop
        self._request_id = request_id
        self._lock = threading.Lock()
        self._state = "queued"  # -> running | cancelled
        self._abandoned = False
        self._started = 0.0

    def run(self, fn: Callable[[list[Document]], list[T]], chunk: list[Document]) -> list[T]:
        """In the worker thread."""
        with self._lock:
            if self._state == "cancelled":
                return []  # the request is gone and already gave the slot back
            self._state = "running"
            self._started = time.perf_counter()
        try:
            return fn(chunk)
        finally:
            # Back on the event loop, without blocking this thread on it; a closed loop
            # (RuntimeError) has nobody left waiting for a slot.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._release)

    def abandon(self, timed_out: bool = True) -> None:
        """On the event loop: the request stops waiting for this chunk."""
        with self._lock:
            if self._state == "queued":
                self._state = "cancelled"
                release_now = True
            else:
                self._abandoned = timed_out
                release_now = False
        if release_now:
            self._limiter.release_on_behalf_of(self._borrower)

    def _release(self) -> None:
        self._limiter.release_on_behalf_of(self._borrower)
        with self._lock:
            abandoned = self._abandoned
        if abandoned:
            log.warning(
                "work of timed-out request id=%s ended after %.1fs; its worker is free again",
                self._request_id,
                time.perf_counter() - self._started,
            )
