"""Separators a model tags at the edge of a span when no span lies beyond them.

Why: the English model sometimes takes the comma after a name ("Dr Sunita Rao,"), the dash
after a month ("Nov - pls call") or the colon before a value; no annotated corpus puts them in
a span, the tag-mode output hides them, and binary-token scoring counts each one as a false
positive. A separator that joins two resolved spans of one label ("Monday, November 30":
the weekday and the date found apart) is gold in every set that annotates the whole date, so it
stays: only an edge that no other span continues (across whitespace) is trimmed, and only
for spans of the learned detectors (rules end where their patterns say). Run by resolve for
English notes (``Resolver.resolve``); the packs' measured sets are left as they were.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from fairdeid.document import Span
from fairdeid.taxonomy import coarse

#: what is trimmed: separators that never end or start an identifier on their own
SEPARATORS = ",;:/-–—"
#: the detectors whose spans are trimmed (source prefixes)
LEARNED = frozenset({"transformer", "crf", "llm"})


def trim_edge_separators(
    text: str, spans: Sequence[Span], detectors: Collection[str] = LEARNED
) -> list[Span]:
    """``spans`` (sorted by start, not overlapping: resolve's output) with the separators at
    their free edges left out; a span left with nothing but separators goes."""
    out: list[Span] = []
    for i, span in enumerate(spans):
        if span.detector not in detectors:
            out.append(span)
            continue
        start, end = span.start, span.end
        label = coarse(span.label)
        nxt = spans[i + 1].start if i + 1 < len(spans) and coarse(
            spans[i + 1].label) == label else None
        prev = spans[i - 1].end if i and coarse(spans[i - 1].label) == label else None
        if not _continued(text, end, nxt, forward=True):
            while end > start and (text[end - 1] in SEPARATORS or text[end - 1].isspace()):
                end -= 1
        if not _continued(text, start, prev, forward=False):
            while start < end and (text[start] in SEPARATORS or text[start].isspace()):
                start += 1
        if not any(ch in SEPARATORS for ch in text[span.start : start] + text[end : span.end]):
            start, end = span.start, span.end  # spaces alone: not this step's business
        if end <= start:
            continue
        out.append(span if (start, end) == (span.start, span.end)
                   else replace(span, start=start, end=end))
    return out


def _continued(text: str, edge: int, neighbour: int | None, *, forward: bool) -> bool:
    """Whether a letter or digit touches ``edge`` from outside, or the neighbouring span of the
    same label starts (ends) there or after whitespace only: then the separator joins two
    pieces of one entity ("Monday, November 30")."""
    if forward:
        if edge < len(text) and text[edge].isalnum():
            return True
        return neighbour is not None and not text[edge:neighbour].strip()
    if edge > 0 and text[edge - 1].isalnum():
        return True
    return neighbour is not None and not text[neighbour:edge].strip()
