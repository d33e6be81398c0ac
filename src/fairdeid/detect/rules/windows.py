"""Line-aligned windows over a long text, so the rule detector's work stays linear and bounded.

Why: every per-document structure of the detector (lower-cased and normalised copies, dictionary
hits, name candidates) grows with the text, and a 50 MB note made them take gigabytes. A long
text is therefore cut into chunks of about ``chunk`` characters at line breaks; each chunk is
detected inside a window that adds at least ``overlap`` characters (whole lines where it can) on
both sides, and only the spans that *start* in the chunk are kept. Every kept span has therefore
been computed with as much context around it as any rule looks at (a few dozen characters), so
windowed and whole-text detection agree. Name propagation stays document-wide: the detector
collects the names of all windows first, then looks for them in the whole text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Window:
    """Detect on ``text[start:end]``; keep spans that start in ``[keep_from, keep_to)``."""

    start: int
    keep_from: int
    keep_to: int
    end: int


def windows(text: str, chunk: int, overlap: int) -> list[Window]:
    """The windows covering ``text``; one window (the whole text) when it fits in ``chunk``."""
    n = len(text)
    if n <= chunk:
        return [Window(0, 0, n, n)]
    cuts = [0]
    while n - cuts[-1] > chunk:
        cuts.append(_cut(text, cuts[-1] + chunk, cuts[-1] + chunk // 2))
    cuts.append(n)
    return [
        Window(_back_to_line(text, a, overlap), a, b, _on_to_line(text, b, overlap))
        for a, b in zip(cuts, cuts[1:], strict=False)
    ]


def _cut(text: str, target: int, lowest: int) -> int:
    """A chunk border at or before ``target`` (never before ``lowest``): a line start if there
    is one, else a word start, else ``target`` itself (a very long run of non-space)."""
    line = text.rfind("\n", lowest, target)
    if line >= 0:
        return line + 1
    for sep in (" ", "\t"):
        space = text.rfind(sep, lowest, target)
        if space >= 0:
            return space + 1
    return target


def _back_to_line(text: str, keep_from: int, overlap: int) -> int:
    """Window start: ``overlap`` characters before the chunk, moved back to a line start."""
    if keep_from == 0:
        return 0
    pos = max(0, keep_from - overlap)
    line = text.rfind("\n", max(0, pos - overlap), pos)
    return line + 1 if line >= 0 else pos


def _on_to_line(text: str, keep_to: int, overlap: int) -> int:
    """Window end: ``overlap`` characters after the chunk, moved on to a line end."""
    n = len(text)
    if keep_to == n:
        return n
    pos = min(n, keep_to + overlap)
    line = text.find("\n", pos, min(n, pos + overlap))
    return line if line >= 0 else pos
