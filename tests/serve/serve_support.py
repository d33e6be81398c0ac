"""Shared helpers of the service tests (a unique module name: ``conftest`` is ambiguous)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fairdeid.detect import register_detector
from fairdeid.document import Document, Span

#: A distinctive fake name: if it ever shows up in a log line or an error body, PHI leaked.
CANARY = "Zebulon Quixotefeather"
# titles stay outside names here, as the expected outputs were written ("Dr. [NAME]")
TOY = {"pipeline": {"detectors": ["toy"]}, "resolve": {"name_titles": "keep"},
       "replace": {"mode": "tag"}}
TOKEN = "test-token-123"


class LeakyDetector:
    """Raises with the note in its message, as careless third-party code does."""

    name = "leaky"

    def detect(self, doc: Document) -> list[Span]:
        raise ValueError(f"could not parse note: {doc.text!r}")

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


#: Set to let the ``gated`` detector finish loading (tests readiness while a model loads).
LOAD_GATE = threading.Event()


class GatedDetector(LeakyDetector):
    name = "gated"

    def __init__(self) -> None:
        LOAD_GATE.wait(timeout=30)

    def detect(self, doc: Document) -> list[Span]:
        return []


class GateDetector:
    """A slow detector under the test's control: notes containing ``WAIT`` block until
    ``gate`` is set. It records the ids it saw, in order, so tests assert ordering, not time."""

    name = "gate"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.started = threading.Event()
        self.gate = threading.Event()

    def detect(self, doc: Document) -> list[Span]:
        self.seen.append(doc.id)
        if "WAIT" in doc.text:
            self.started.set()
            self.gate.wait(timeout=30)
        return []

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 20.0) -> None:
    """Poll a condition set by another thread (a bounded wait, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


register_detector("leaky", lambda config: LeakyDetector())
register_detector("gated", lambda config: GatedDetector())


def bearer(token: str = TOKEN) -> Mapping[str, Any]:
    return {"Authorization": f"Bearer {token}"}
