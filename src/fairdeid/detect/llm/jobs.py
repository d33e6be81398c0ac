"""Requests as data, shared by ``llm`` (detector.py) and ``llm_hybrid`` (hybrid.py).

Both detectors turn documents into ``Job`` objects (stretches of a note sent as one request) and
run them on the same machinery; keeping these parts here lets the hybrid build on the plain
detector without the plain detector knowing about the hybrid.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from fairdeid.detect.llm.align import chunk_text

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """One request: stretches of one document, sent joined by newlines."""

    doc_index: int
    segments: tuple[tuple[int, int], ...]
    label: str  # "chunk 2/5", for logs and error reasons

    @property
    def size(self) -> int:
        return sum(end - start for start, end in self.segments)


def split_job(job: Job, text: str, min_size: int, overlap: int) -> list[Job]:
    """About two smaller jobs covering ``job``; none when it is ``min_size`` or smaller.

    Used when the model's answer to ``job`` was cut off: a smaller input needs a shorter
    answer. A single stretch is cut at whitespace with a little overlap (an entity on the cut is
    whole in one half); several stretches are shared out between the halves.
    """
    total = job.size
    if total <= min_size:
        return []
    if len(job.segments) > 1:
        groups = _halve(job.segments, total)
    else:
        ((start, end),) = job.segments
        shared = min(overlap, total // 4)
        size = max(min_size, (total + 1) // 2 + shared)
        groups = [((start + a, start + b),) for a, b in chunk_text(text[start:end], size, shared)]
    root = job.label.split(", chars ")[0]
    return [
        Job(job.doc_index, group, f"{root}, chars {group[0][0]}-{group[-1][1]}") for group in groups
    ]


def _halve(segments: Sequence[tuple[int, int]], total: int) -> list[tuple[tuple[int, int], ...]]:
    done, cut = 0, len(segments) - 1
    for k, (start, end) in enumerate(segments):
        done += end - start
        if 2 * done >= total:
            cut = k + 1
            break
    cut = min(max(cut, 1), len(segments) - 1)
    return [tuple(segments[:cut]), tuple(segments[cut:])]


def run_sync(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine from sync code, in a worker thread if this thread already runs a loop.

    ``asyncio.run`` refuses to nest inside a running loop (Jupyter, FastAPI handlers calling the
    sync pipeline), so there the coroutine gets a fresh loop in its own thread.
    """

    async def main() -> T:
        return await factory()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fairdeid-llm") as pool:
        return pool.submit(lambda: asyncio.run(main())).result()
