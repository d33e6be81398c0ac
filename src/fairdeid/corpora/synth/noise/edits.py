"""Apply text edits to an annotated document and carry its gold spans along exactly.

Why one engine: every mess transform (OCR noise, line-end hyphenation, name order ...) only says
*what* to change, as a list of ``Edit``s; this module alone moves the span offsets. An edit either
lies inside one span (it changes that PHI value, and the span grows or shrinks with it) or
outside every span; an edit that would cut a span boundary is refused, so a transform can never
leave half a name unlabelled. Insertions at a span's start go before it, at its end after it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from fairdeid.document import Document, Span


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` by ``new`` (``start == end`` inserts)."""

    start: int
    end: int
    new: str

    @property
    def delta(self) -> int:
        return len(self.new) - (self.end - self.start)


class EditError(ValueError):
    """A transform proposed edits that overlap each other or cut a span boundary."""


def _checked(edits: Iterable[Edit], text_len: int) -> list[Edit]:
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    last = 0
    for edit in ordered:
        if edit.start < last or edit.end < edit.start or edit.end > text_len:
            raise EditError(f"edit [{edit.start}, {edit.end}) overlaps another or leaves the text")
        last = max(last, edit.end)
    return ordered


def _cuts(span: Span, edit: Edit) -> bool:
    """Whether ``edit`` replaces text on both sides of a boundary of ``span``."""
    if edit.start == edit.end:
        return False
    inside = span.start <= edit.start and edit.end <= span.end
    outside = edit.end <= span.start or edit.start >= span.end
    return not (inside or outside)


def apply_edits(doc: Document, edits: Sequence[Edit]) -> Document:
    """``doc`` with ``edits`` applied; spans keep covering the (edited) PHI values."""
    if not edits:
        return doc
    text = doc.text
    ordered = _checked(edits, len(text))
    ends = [e.end for e in ordered]
    shift = [0]
    for edit in ordered:
        shift.append(shift[-1] + edit.delta)
    for span in doc.spans:
        lo = bisect.bisect_left(ends, span.start)
        hi = bisect.bisect_right(ends, span.end)
        for edit in ordered[max(lo - 1, 0) : hi + 1]:
            if _cuts(span, edit):
                raise EditError(
                    f"edit [{edit.start}, {edit.end}) cuts span [{span.start}, {span.end})"
                )
    pieces: list[str] = []
    pos = 0
    for edit in ordered:
        pieces.append(text[pos : edit.start])
        pieces.append(edit.new)
        pos = edit.end
    pieces.append(text[pos:])
    new_text = "".join(pieces)
    spans = tuple(_moved(span, ordered, ends, shift, new_text) for span in doc.spans)
    return Document(id=doc.id, text=new_text, meta=doc.meta, spans=spans)


def _moved(span: Span, ordered: list[Edit], ends: list[int], shift: list[int], text: str) -> Span:
    # Start: every edit ending at or before it (insertions at the start go before the span).
    start = span.start + shift[bisect.bisect_right(ends, span.start)]
    # End: every edit ending at or before it, except insertions exactly at the end (after it).
    k = bisect.bisect_right(ends, span.end)
    end = span.end + shift[k]
    while k > 0 and ordered[k - 1].start == ordered[k - 1].end == span.end:
        k -= 1
        end -= ordered[k].delta
    if end <= start:
        raise EditError(f"edits emptied span [{span.start}, {span.end})")
    attrs = span.attrs
    if "text" in attrs:
        attrs = dict(attrs, text=text[start:end])
    return replace(span, start=start, end=end, attrs=attrs)
