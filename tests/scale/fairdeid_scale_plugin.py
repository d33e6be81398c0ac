"""A test plugin for batch jobs: ``--plugin fairdeid_scale_plugin`` registers ``scaletoy``.

``$FAIRDEID_TEST_SLOW`` (seconds per note) slows it down. It must be importable in subprocesses
and Ray workers (tests put this directory on PYTHONPATH).
Each construction appends the process id to ``$FAIRDEID_TEST_LOADS`` so tests can check that a
model is loaded once per worker, not once per chunk. "EXPLODE" in a note makes it raise with the
note in the message, as careless third-party code does. ``$FAIRDEID_TEST_DIE`` makes a worker
process (never the driver) die on a note that contains "DIE", as the kernel's OOM killer would.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from fairdeid.detect import register_detector
from fairdeid.document import Document, Span

_PATTERNS = [
    (re.compile(r"(?<=Dr\. )[A-Z][a-z]+"), "DOCTOR"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "DATE"),
]


class ScaleToy:
    name = "scaletoy"

    def __init__(self) -> None:
        loads = os.environ.get("FAIRDEID_TEST_LOADS")
        if loads:
            with open(loads, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")

    def detect(self, doc: Document) -> list[Span]:
        # Slows each note down so that a run can be killed while work is still in flight.
        time.sleep(float(os.environ.get("FAIRDEID_TEST_SLOW", "0") or 0))
        if "DIE" in doc.text and os.environ.get("FAIRDEID_TEST_DIE"):
            import multiprocessing

            if multiprocessing.parent_process() is not None:
                os._exit(137)
        if "EXPLODE" in doc.text:
            raise RuntimeError(f"cannot handle {doc.text!r}")
        return [
            Span(m.start(), m.end(), label, f"scaletoy:{label.lower()}")
            for pattern, label in _PATTERNS
            for m in pattern.finditer(doc.text)
        ]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


def _factory(config: Mapping[str, Any]) -> ScaleToy:
    return ScaleToy()


register_detector("scaletoy", _factory)
