"""Shared fixtures. ``toy`` is a tiny regex detector so core tests do not depend on the rules."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from fairdeid.detect import register_detector
from fairdeid.document import Document, Span

_TOY_PATTERNS = [
    (re.compile(r"(?<=Dr\. )[A-Z][a-z]+(?: [A-Z][a-z]+)?"), "DOCTOR"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "DATE"),
    (re.compile(r"\b\d{3}-\d{3}-\d{4}\b"), "PHONE"),
    (re.compile(r"\bMRN \d{6,}\b"), "MEDICALRECORD"),
]


class ToyDetector:
    """Finds doctor names after "Dr.", ISO dates, US phones and "MRN nnnnnn"."""

    name = "toy"
    calls = 0

    def detect(self, doc: Document) -> list[Span]:
        ToyDetector.calls += 1
        if "CRASH" in doc.text and os.environ.get("TOY_CRASH"):
            raise KeyboardInterrupt  # simulates the process dying mid-batch
        if "EXPLODE" in doc.text:
            raise RuntimeError("toy detector failure for testing")
        return [
            Span(m.start(), m.end(), label, f"toy:{label.lower()}", 0.9)
            for pattern, label in _TOY_PATTERNS
            for m in pattern.finditer(doc.text)
        ]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


def _toy_factory(config: Mapping[str, Any]) -> ToyDetector:
    return ToyDetector()


register_detector("toy", _toy_factory)

#: ``name_titles = "keep"``: the toy configs stand in for I/O, CLI and service tests written for
#: "Dr. [NAME]" outputs; titles inside name spans have their own tests (detect/test_name_titles.py)
TOY_CONFIG: dict[str, Any] = {
    "pipeline": {"detectors": ["toy"]},
    "resolve": {"name_titles": "keep"},
    "replace": {"mode": "tag"},
}


@pytest.fixture
def toy_config() -> dict[str, Any]:
    return {k: dict(v) for k, v in TOY_CONFIG.items()}


@pytest.fixture
def toy_config_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "toy.toml"
    path.write_text('[pipeline]\ndetectors = ["toy"]\n[resolve]\nname_titles = "keep"\n'
                    '[replace]\nmode = "tag"\n', encoding="utf-8")
    return path
