"""Fakes for evaluation tests: a name-list detector and a localizer that needs no locale pools.

A plain module (not conftest) so that tests can import the fakes by name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fairdeid.detect import register_detector
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError
from fairdeid.replace.base import splice

#: Names the fake detector knows: only "western" ones, so localized variants lose recall.
KNOWN_NAMES = ("John Smith", "Mary Jones", "Anna Lee")
_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


class NameListDetector:
    """Finds the known names and dd/mm/yyyy dates: a deterministic stand-in for a real detector."""

    name = "namelist"

    def detect(self, doc: Document) -> list[Span]:
        spans = [
            Span(m.start(), m.end(), "DATE", "namelist:date") for m in _DATE.finditer(doc.text)
        ]
        for name in KNOWN_NAMES:
            for m in re.finditer(re.escape(name), doc.text):
                spans.append(Span(m.start(), m.end(), "PATIENT", "namelist:name"))
        return spans

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


def _factory(config: Mapping[str, Any]) -> NameListDetector:
    return NameListDetector()


register_detector("namelist", _factory)

#: Documents the flaky detector cannot check, like a remote LLM answering 500 on them.
FLAKY_IDS = ("d3", "d7")


class FlakyNameListDetector(NameListDetector):
    """The name-list detector behind a server that fails on some documents (ids in FLAKY_IDS)."""

    name = "flakylist"

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return self.detect_batch_with_errors(docs)[0]

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        failed = [RecordError(d.id, "server error 500") for d in docs if d.id in FLAKY_IDS]
        bad = {e.record for e in failed}
        return [[] if d.id in bad else self.detect(d) for d in docs], failed


register_detector("flakylist", lambda config: FlakyNameListDetector())

#: Per locale and gender, the name the fake localizer writes into every NAME span.
_POOL = {
    ("en_US", "keep"): "John Smith",
    ("en_US", "female"): "Mary Jones",
    ("en_US", "male"): "John Smith",
    ("zh_CN", "keep"): "Wang Wei",
    ("zh_CN", "female"): "Li Na",
    ("zh_CN", "male"): "Zhang Wei",
    ("en_GB", "keep"): "John Smith",
    ("en_GB", "female"): "Anna Lee",
    ("en_GB", "male"): "Oliver Brown",
}


def fake_localize(
    docs: Sequence[Document],
    locale: str,
    *,
    gender: str = "keep",
    script: str = "romanised",
    seed: int = 0,
) -> list[Document]:
    """Rewrite every NAME span with the pool's name; keep other spans (offsets moved)."""
    out = []
    for doc in docs:
        spans = list(doc.spans)
        strings = [
            _POOL[(locale, gender)]
            if s.label in ("NAME", "PATIENT", "DOCTOR")
            else doc.span_text(s)
            for s in spans
        ]
        text, moved = splice(doc.text, spans, strings)
        out.append(Document(doc.id, text, doc.meta, tuple(moved)))
    return out


def make_gold(n: int = 12) -> list[Document]:
    docs = []
    for i in range(n):
        text = (
            f"Patient Robert Roe seen on 0{i % 9 + 1}/03/2021 by nurse; follow up in Springfield."
        )
        name = text.index("Robert Roe")
        date = text.index("/03/2021") - 2
        city = text.index("Springfield")
        docs.append(
            Document(
                f"d{i}",
                text,
                spans=(
                    Span(name, name + 10, "PATIENT"),
                    Span(date, date + 10, "DATE"),
                    Span(city, city + 11, "CITY"),
                ),
            )
        )
    return docs
