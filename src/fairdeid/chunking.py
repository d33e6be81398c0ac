"""Bound the work per note: long documents reach detectors as overlapping, line-aligned windows.

Why: a detector's cost is rarely linear in one call's input (tokenizing a whole note at once,
holding every window's probabilities, regexes scanning back over megabytes). A 5 MB note through
the default pipeline once took 9 minutes and 1.27 GB. Cutting such a note into windows of at most
``max_chars`` characters makes time linear and peak memory a function of the window size, not of
the note.

How the windows are cut:

* A window ends at a blank line if one lies in its last ``overlap`` characters, else at a line
  break, else after a space; only a stretch with no whitespace at all (a base64 blob, CJK prose
  without line breaks) is cut hard.
* The next window starts between ``overlap`` and ``2 * overlap`` characters before that end, at
  a line start if possible, else at a word start. Every span shorter than ``overlap`` therefore
  lies whole inside some window, including one that crosses a border.
* Spans are moved back to document offsets and the union of all windows is kept (privacy first:
  anything any window flagged stays flagged); a span found identically by two windows is kept
  once, with the higher score. A fragment found at a window's cut edge may sit next to the whole
  span from the neighbouring window; resolve merges overlapping spans, so the output is the same.
* A detector failing on a window fails the whole document (reported against the document's id),
  since part of the note went unchecked.

Detectors that handle long input themselves (document-wide name propagation in the rules) say
so with ``handles_long_documents = True`` and always get the whole document.

What detectors see: the text a reader sees. Invisible format characters (zero-width space and
joiners, soft hyphen, word joiner, BOM, bidi marks) are dropped from the text handed to every
detector, and spans are mapped back to the note's own offsets, so ``Jo<ZWSP>hn Smith`` is found
as a name (covering the hidden character) instead of slipping past every pattern and model.
A note without such characters reaches the detector unchanged (the same object).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fairdeid.detect.base import Detector, detect_with_errors
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, RecordError
from fairdeid.invisible import Hidden

#: Characters that end a word for the purpose of a cut (no regex: this runs on megabytes).
_SPACES = (" ", "\t", "\r", "\f", "\v", "\xa0", "\u3000")


@dataclass(frozen=True, slots=True)
class ChunkPolicy:
    """``[pipeline] max_chunk_chars`` / ``chunk_overlap_chars``; ``max_chars = 0`` never splits.

    ``window_batch`` windows of one document go to a detector per call: enough to keep batching
    detectors busy, few enough that memory stays bounded by the window size.
    """

    max_chars: int = 50_000
    overlap: int = 2_000
    window_batch: int = 4

    def __post_init__(self) -> None:
        for key, value in (
            ("max_chunk_chars", self.max_chars),
            ("chunk_overlap_chars", self.overlap),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"[pipeline] {key} must be a whole number >= 0")
        if self.window_batch < 1:
            raise ConfigError("window_batch must be at least 1")
        if self.max_chars and self.max_chars < 4 * self.overlap:
            raise ConfigError(
                "[pipeline] max_chunk_chars must be at least 4 x chunk_overlap_chars "
                f"({self.max_chars} < 4 x {self.overlap}) so that windows move forward"
            )
        if self.max_chars and self.overlap == 0:
            raise ConfigError(
                "[pipeline] chunk_overlap_chars must be > 0: without overlap a span crossing "
                "a window border would be cut in two"
            )

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> ChunkPolicy:
        """The policy from a ``[pipeline]`` table (other keys there are not ours)."""
        defaults = cls()
        return cls(
            max_chars=section.get("max_chunk_chars", defaults.max_chars),
            overlap=section.get("chunk_overlap_chars", defaults.overlap),
        )

    @property
    def enabled(self) -> bool:
        return self.max_chars > 0


@dataclass(frozen=True, slots=True)
class Window:
    """``text[start:end]`` of a document; ``number`` counts from 1 (ids ``<doc>#w<number>``)."""

    number: int
    start: int
    end: int


def _last_break(text: str, lo: int, hi: int) -> int:
    """The position just after the best break in ``text[lo:hi]``; -1 when it has no whitespace.

    A blank line first (paragraphs rarely split a name), then a line break, then a space.
    """
    blank = text.rfind("\n\n", lo, hi)
    if blank >= 0:
        return blank + 2
    line = text.rfind("\n", lo, hi)
    if line >= 0:
        return line + 1
    space = max(text.rfind(sep, lo, hi) for sep in _SPACES)
    return space + 1 if space >= 0 else -1


def _window_end(text: str, start: int, policy: ChunkPolicy) -> int:
    hi = start + policy.max_chars
    cut = _last_break(text, hi - policy.overlap, hi)
    return cut if cut > start else hi


def _next_start(text: str, end: int, policy: ChunkPolicy) -> int:
    """A line (else word) start ``overlap`` to ``2 * overlap`` characters before ``end``."""
    hi = end - policy.overlap
    lo = hi - policy.overlap
    line = text.rfind("\n", lo, hi)
    if line >= 0:
        return line + 1
    space = max(text.rfind(sep, lo, hi) for sep in _SPACES)
    return space + 1 if space >= 0 else hi


def split_windows(text: str, policy: ChunkPolicy) -> list[Window]:
    """Windows covering ``text``; one window when it is short enough (or splitting is off)."""
    n = len(text)
    if not policy.enabled or n <= policy.max_chars:
        return [Window(1, 0, n)]
    windows: list[Window] = []
    start = 0
    while True:
        if n - start <= policy.max_chars:
            windows.append(Window(len(windows) + 1, start, n))
            return windows
        end = _window_end(text, start, policy)
        windows.append(Window(len(windows) + 1, start, end))
        start = _next_start(text, end, policy)


@dataclass(frozen=True, slots=True)
class _View:
    """A document as detectors get it, and how its offsets map back to the note's."""

    doc: Document
    hidden: Hidden | None = None

    def to_note(self, span: Span) -> Span:
        """``span`` (view offsets) in the note's offsets, covering hidden characters inside."""
        if self.hidden is None:
            return span
        start, end = self.hidden.to_original(span.start, span.end)
        return replace(span, start=start, end=end)


def visible_view(doc: Document) -> _View:
    """``doc`` without invisible characters (``doc`` itself when it has none)."""
    hidden = Hidden.of(doc.text)
    if not hidden.any:
        return _View(doc)
    return _View(Document(doc.id, hidden.visible, doc.meta), hidden)


def detect_windowed(
    detector: Detector, docs: Sequence[Document], policy: ChunkPolicy
) -> tuple[list[list[Span]], list[RecordError]]:
    """Detector spans in note offsets: on the visible text, long notes cut into windows."""
    views = [visible_view(doc) for doc in docs]
    found, errors = _detect_windowed(detector, [v.doc for v in views], policy)
    spans = [
        [view.to_note(span) for span in doc_spans]
        for view, doc_spans in zip(views, found, strict=True)
    ]
    return spans, errors


def _detect_windowed(
    detector: Detector, docs: Sequence[Document], policy: ChunkPolicy
) -> tuple[list[list[Span]], list[RecordError]]:
    """``detect_with_errors`` with every over-long document cut into windows.

    Short documents still go to the detector together (batching); each long one goes window
    batch by window batch, so no call sees more than ``window_batch * max_chars`` characters.
    """
    if getattr(detector, "handles_long_documents", False) or not policy.enabled:
        return detect_with_errors(detector, docs)
    long = {i for i, doc in enumerate(docs) if len(doc.text) > policy.max_chars}
    if not long:
        return detect_with_errors(detector, docs)
    spans: list[list[Span]] = [[] for _ in docs]
    errors: list[RecordError] = []
    short = [i for i in range(len(docs)) if i not in long]
    if short:
        found, failed = detect_with_errors(detector, [docs[i] for i in short])
        for i, doc_spans in zip(short, found, strict=True):
            spans[i] = list(doc_spans)
        errors.extend(failed)
    for i in sorted(long):
        spans[i], failure = _detect_long(detector, docs[i], policy)
        if failure is not None:
            errors.append(failure)
    return spans, errors


def _detect_long(
    detector: Detector, doc: Document, policy: ChunkPolicy
) -> tuple[list[Span], RecordError | None]:
    """Spans of one long document (document offsets, deduplicated) and its failure, if any."""
    windows = split_windows(doc.text, policy)
    best: dict[tuple[int, int, str, str], Span] = {}
    reasons: dict[str, None] = {}
    failed_windows = 0
    for b in range(0, len(windows), policy.window_batch):
        group = windows[b : b + policy.window_batch]
        parts = [
            Document(f"{doc.id}#w{w.number}", doc.text[w.start : w.end], doc.meta) for w in group
        ]
        found, errors = detect_with_errors(detector, parts)
        failed_windows += len({e.record for e in errors})
        reasons.update(dict.fromkeys(e.reason for e in errors))
        for window, window_spans in zip(group, found, strict=True):
            for span in window_spans:
                moved = span.shifted(window.start)
                key = (moved.start, moved.end, moved.label, moved.source)
                kept = best.get(key)
                if kept is None or moved.score > kept.score:
                    best[key] = moved
    failure = None
    if reasons:
        where = f"in {failed_windows} of {len(windows)} windows of this document"
        failure = RecordError(doc.id, f"{'; '.join(reasons)} ({where})")
    return sorted(best.values(), key=lambda s: (s.start, s.end, s.label, s.source)), failure
