"""Tag and redact modes: labels in place of PHI, offsets in output coordinates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.replace import build_replacer, splice


def test_tag_mode_coarse_and_fine() -> None:
    doc = Document("d", "Dr. Lee saw her on 2020-01-02.")
    spans = [Span(4, 7, "DOCTOR"), Span(19, 29, "DATE")]
    out = build_replacer({"mode": "tag"}).replace(doc, spans)
    assert out.text == "Dr. [NAME] saw her on [DATE]."
    assert [out.text[s.start : s.end] for s in out.spans] == ["[NAME]", "[DATE]"]
    assert out.originals == ("Lee", "2020-01-02")
    fine = build_replacer({"mode": "tag", "fine_labels": True}).replace(doc, spans)
    assert fine.text == "Dr. [DOCTOR] saw her on [DATE]."


def test_redact_keeps_length_and_line_breaks() -> None:
    doc = Document("d", "Name: Ann\nBee\nok")
    out = build_replacer({"mode": "redact"}).replace(doc, [Span(6, 13, "PATIENT")])
    assert out.text == "Name: ***\n***\nok"
    assert len(out.text) == len(doc.text)


def test_unknown_mode() -> None:
    with pytest.raises(ConfigError):
        build_replacer({"mode": "shred"})


def test_splice_rejects_overlaps() -> None:
    with pytest.raises(ValueError, match="overlap"):
        splice("abcdef", [Span(0, 3, "NAME"), Span(2, 4, "NAME")], ["x", "y"])


@st.composite
def text_and_spans(draw):  # type: ignore[no-untyped-def]
    text = draw(st.text(min_size=1, max_size=80))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    spans = [Span(a, b, "NAME") for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    return text, spans


@given(text_and_spans(), st.text(min_size=0, max_size=5))
def test_splice_offsets_property(case, filler) -> None:  # type: ignore[no-untyped-def]
    text, spans = case
    new_text, moved = splice(text, spans, [filler] * len(spans))
    assert all(0 <= s.start < s.end <= len(new_text) for s in moved)
    assert all(new_text[s.start : s.end] == filler for s in moved)
    # text outside spans is preserved in order, each span replaced by exactly the filler
    gaps = [text[a:b] for a, b in _gaps(text, spans)]
    assert new_text == filler.join(gaps)


def _gaps(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    out, cursor = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        out.append((cursor, s.start))
        cursor = s.end
    out.append((cursor, len(text)))
    return out
