"""Write a note piece by piece, recording each PHI piece's offsets as it is written.

Why: gold spans that are recorded while the text is built are exact by construction. Nothing is
searched for afterwards, which would mislabel a surname that also occurs as an eponym
("Parkinson"). The synthetic generator and the MIMIC placeholder filler both write through it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from fairdeid.document import Span


class Written(NamedTuple):
    """One PHI piece as it was written: offsets, label, span attrs and the text itself."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any]
    text: str


class Builder:
    """Accumulates text pieces and the offsets of PHI pieces."""

    __slots__ = ("parts", "pos", "spans")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[Written] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def phi(self, text: str, label: str, attrs: dict[str, Any] | None = None) -> None:
        """Append ``text`` as one PHI span (empty strings are not spans)."""
        if not text:
            return
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        self.spans.append(Written(start, self.pos, label, attrs or {}, text))

    def nl(self, n: int = 1) -> None:
        self.add("\n" * n)

    def ends_with(self, suffix: str) -> bool:
        """Whether the text so far ends with ``suffix`` (looks at the last piece only)."""
        return bool(self.parts) and self.parts[-1].endswith(suffix)

    def text(self) -> str:
        return "".join(self.parts)

    def document_spans(self, *, with_text: bool = False) -> tuple[Span, ...]:
        """The recorded spans as ``Span`` objects; ``with_text`` copies each span's text into
        ``attrs["text"]`` (a check for tests and debugging, never for released data)."""
        spans = []
        for written in self.spans:
            attrs = dict(written.attrs, text=written.text) if with_text else written.attrs
            spans.append(Span(written.start, written.end, written.label, attrs=attrs))
        return tuple(spans)
