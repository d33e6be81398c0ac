"""A line holding only invisible characters parts paragraphs like a blank line (resolve)."""

from __future__ import annotations

import pytest

from fairdeid.document import Document, Span
from fairdeid.resolve import ResolveConfig, Resolver, split_at_blank_lines


@pytest.mark.parametrize("gap", [
    "\n\u200b\n", "\n\ufeff\n", "\n\u00ad\n", "\r\n \u200d \r\n", "\n\u2060\u200e\n\n",
])
def test_a_span_is_cut_at_a_line_of_invisible_characters(gap: str) -> None:
    text = f"Seen by John{gap}Smith was well."
    span = Span(text.index("John"), text.index("Smith") + len("Smith"), "PATIENT", "t", 0.9)
    pieces = split_at_blank_lines(text, span)
    assert [text[p.start : p.end] for p in pieces] == ["John", "Smith"]
    resolved = Resolver(ResolveConfig()).resolve(Document("d", text), [span])
    assert [text[s.start : s.end] for s in resolved] == ["John", "Smith"]


def test_an_invisible_character_inside_a_line_cuts_nothing() -> None:
    text = "Jo\u200bhn\nSmith"
    span = Span(0, len(text), "PATIENT", "t", 0.9)
    assert split_at_blank_lines(text, span) == [span]
