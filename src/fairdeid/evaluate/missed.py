"""The worst missed spans, shown without the PHI: label, length and masked context only.

A report is read by people who must not see the notes, so the context around a missed span is
masked in four layers: the missed span itself becomes ``■■■``; every gold span in the window
becomes ``[LABEL]``; every occurrence of *any* gold string of the corpus, whatever its length
(case-insensitive; strings of one or two characters, such as initials, a state code or the
surname "Wu", as whole words only, since inside words they would mask most of the text),
becomes ``[PHI]``, which catches a name the annotators marked once but not twice; and every
digit becomes ``#``, which catches unannotated dates and numbers. The window is widened to
whole words so no half-masked identifier shows at its edges, and every mask covers whole words
(``detect.tokens`` boundaries): a gold string found inside a longer word masks that word, since
"Pati[PHI]" would still show part of a word next to PHI.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from fairdeid.detect.tokens import words_of
from fairdeid.document import Document
from fairdeid.taxonomy import coarse

MISSED_MARK = "■■■"
PHI_MARK = "[PHI]"
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class MissedSpan:
    label: str
    length: int
    leaked_chars: int
    context: str

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "length": self.length,
            "leaked_chars": self.leaked_chars,
            "context": self.context,
        }


#: gold strings shorter than this are masked as whole words only (``PhiMasker``)
SHORT = 3


class PhiMasker:
    """Masks every known gold string (and digits) in free text; built once per corpus.

    Every gold string counts, whatever its length: a two-letter surname or an initial is as
    identifying as a long name. Strings of 3+ characters are found anywhere (the word around
    them is masked); shorter ones only where they stand as a word of their own.
    """

    def __init__(self, strings: Iterable[str]) -> None:
        self._auto = ahocorasick.Automaton()
        long_: set[str] = set()
        short: set[str] = set()
        for s in {s.strip().casefold() for s in strings}:
            if s:
                (long_ if len(s) >= SHORT else short).add(s)
        for s in long_:
            self._auto.add_word(s, len(s))
        self._empty = not long_
        if not self._empty:
            self._auto.make_automaton()
        # longest first, so "j." wins over "j" at the same place
        alternatives = "|".join(re.escape(s) for s in sorted(short, key=len, reverse=True))
        self._short = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if short else None
        )

    def hits(self, text: str) -> list[tuple[int, int]]:
        """Where known gold strings occur in ``text`` (case-insensitive), unmerged."""
        found = [m.span() for m in self._short.finditer(text)] if self._short else []
        if self._empty:
            return found
        folded = text.casefold()
        if len(folded) != len(text):  # rare characters whose casefold changes length
            folded = text
        found += [(end - length + 1, end + 1) for end, length in self._auto.iter(folded)]
        return found

    def mask(self, text: str) -> str:
        """``text`` with every known gold string as [PHI] and every digit as #; a hit inside a
        word masks the whole word, so no half-identifier ("Pati[PHI]") is left to read."""
        return render_masked(text, [(a, b, PHI_MARK) for a, b in self.hits(text)])


def corpus_masker(gold: Sequence[Document]) -> PhiMasker:
    return PhiMasker(d.span_text(s) for d in gold for s in d.spans)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


_RANK = {MISSED_MARK: 2, PHI_MARK: 0}


def _rank(mark: str) -> int:
    """Which mark wins when masked stretches merge: the missed span, then a gold label."""
    return _RANK.get(mark, 1)


def _whole_words(text: str, cuts: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Cuts stretched to the word boundaries of ``detect.tokens`` (the tokens evaluation counts)
    and merged where they touch a shared word, the stronger mark winning."""
    words = words_of(text)
    starts = [w.start for w in words]
    out: list[tuple[int, int, str]] = []
    for start, end, mark in sorted(cuts):
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and words[i].start < start < words[i].end:
            start = words[i].start
        j = bisect.bisect_left(starts, end) - 1
        if j >= 0 and words[j].start < end < words[j].end:
            end = words[j].end
        if out and start < out[-1][1]:
            prev = out[-1]
            keep = prev[2] if _rank(prev[2]) >= _rank(mark) else mark
            out[-1] = (prev[0], max(prev[1], end), keep)
        else:
            out.append((start, end, mark))
    return out


def render_masked(text: str, cuts: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each cut (whole words) replaced by its mark and digits elsewhere as #."""
    pieces, cursor = [], 0
    for start, end, mark in _whole_words(text, cuts):
        pieces.append(_DIGIT.sub("#", text[cursor:start]))
        pieces.append(mark)
        cursor = end
    pieces.append(_DIGIT.sub("#", text[cursor:]))
    return "".join(pieces)


def masked_context(doc: Document, index: int, masker: PhiMasker, window: int = 40) -> str:
    """Context of ``doc.spans[index]`` with the span as ■■■ and all PHI masked, whole words."""
    target = doc.spans[index]
    lo, hi = _widen(
        doc.text, max(0, target.start - window), min(len(doc.text), target.end + window)
    )
    piece = doc.text[lo:hi]
    cuts: list[tuple[int, int, str]] = []
    for i, s in enumerate(doc.spans):
        if s.end <= lo or s.start >= hi:
            continue
        mark = MISSED_MARK if i == index else f"[{coarse(s.label)}]"
        cuts.append((max(s.start, lo) - lo, min(s.end, hi) - lo, mark))
    cuts += [(a, b, PHI_MARK) for a, b in masker.hits(piece)]
    body = _SPACE.sub(" ", render_masked(piece, cuts)).strip()
    return ("… " if lo > 0 else "") + body + (" …" if hi < len(doc.text) else "")


def worst_missed(
    gold: Sequence[Document], pred: Sequence[Document], *, limit: int = 20
) -> list[MissedSpan]:
    """Gold spans with the most characters left in the output, worst first."""
    masker = corpus_masker(gold)
    found: list[tuple[int, int, Document, int]] = []
    for g, p in zip(gold, pred, strict=True):
        covered = bytearray(len(g.text))
        for s in p.spans:
            covered[s.start : s.end] = b"\x01" * s.length
        for i, s in enumerate(g.spans):
            leaked = s.length - sum(covered[s.start : s.end])
            if leaked:
                found.append((leaked, s.length, g, i))
    found.sort(key=lambda t: (-t[0], -t[1], t[2].id, t[3]))
    return [
        MissedSpan(coarse(doc.spans[i].label), length, leaked, masked_context(doc, i, masker))
        for leaked, length, doc, i in found[:limit]
    ]
