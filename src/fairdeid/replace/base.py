"""What every replacement mode shares: splice new strings into the text and track offsets.

A replacer sees the whole document (and, for surrogates, the patient's state), not one span at a
time; that is what makes consistent pseudonyms and per-patient date shifts possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from fairdeid.document import Document, Span


@dataclass(frozen=True, slots=True)
class Replacement:
    """The output of a replacer for one document.

    ``spans`` are in *output* coordinates: where each replacement string now lies, with the
    original label and provenance, so reviewers (and the web page) can highlight them.
    ``originals`` holds, for each output span, the original string; it never leaves memory unless
    the user asks for an encrypted mapping file.
    """

    text: str
    spans: tuple[Span, ...]
    originals: tuple[str, ...]


@runtime_checkable
class Replacer(Protocol):
    mode: str

    def replace(self, doc: Document, spans: Sequence[Span]) -> Replacement:
        """Replace ``spans`` (non-overlapping, input coordinates) in ``doc.text``."""
        ...


def splice(text: str, spans: Sequence[Span], strings: Sequence[str]) -> tuple[str, list[Span]]:
    """Put ``strings[i]`` in place of ``spans[i]``; return the new text and the moved spans.

    Spans must not overlap (``resolve`` guarantees it). They are processed in start order.
    """
    if len(spans) != len(strings):
        raise ValueError("one replacement string per span is needed")
    order = sorted(range(len(spans)), key=lambda i: spans[i].start)
    pieces: list[str] = []
    moved: list[Span | None] = [None] * len(spans)
    cursor = 0
    out_len = 0
    for i in order:
        span = spans[i]
        if span.start < cursor:
            raise ValueError("spans overlap; resolve them first")
        gap = text[cursor : span.start]
        pieces.append(gap)
        out_len += len(gap)
        new = strings[i]
        pieces.append(new)
        if new:
            moved[i] = Span(
                out_len, out_len + len(new), span.label, span.source, span.score, dict(span.attrs)
            )
        out_len += len(new)
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces), [m for m in moved if m is not None]
