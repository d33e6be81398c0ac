"""Detectors with known answers, so the adapters' alignment and failure paths can be pinned down.

``fixed`` proposes the spans its config table lists (``spans = [[start, end, label], ...]``);
``broken`` is a fallible detector that fails on every document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from fairdeid.detect import register_detector
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError


class FixedDetector:
    name = "fixed"

    def __init__(self, spans: Sequence[Sequence[Any]]) -> None:
        self.spans = [(int(a), int(b), str(label)) for a, b, label in spans]

    def detect(self, doc: Document) -> list[Span]:
        return [
            Span(a, b, label, f"fixed:{label.lower()}", 0.8)
            for a, b, label in self.spans
            if b <= len(doc.text)
        ]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


class BrokenDetector:
    """Fails on every document, the way an unreachable LLM server does."""

    name = "broken"

    def detect(self, doc: Document) -> list[Span]:
        return []

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [[] for _ in docs]

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        return [[] for _ in docs], [RecordError(d.id, "server unreachable") for d in docs]


def _fixed(config: Mapping[str, Any]) -> FixedDetector:
    return FixedDetector(config.get("spans", []))


def _broken(config: Mapping[str, Any]) -> BrokenDetector:
    return BrokenDetector()


register_detector("fixed", _fixed)
register_detector("broken", _broken)


@pytest.fixture
def fixed_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a pipeline TOML whose only detector proposes the given spans; returns its path."""

    def write(spans: Sequence[tuple[int, int, str]], detectors: Sequence[str] = ("fixed",)) -> str:
        rows = ", ".join(f'[{a}, {b}, "{label}"]' for a, b, label in spans)
        names = ", ".join(f'"{d}"' for d in detectors)
        path = tmp_path / "fixed.toml"
        path.write_text(
            f"[pipeline]\ndetectors = [{names}]\n[detectors.fixed]\nspans = [{rows}]\n"
            '[resolve]\npreset = "strict"\n',
            encoding="utf-8",
        )
        return str(path)

    return write
