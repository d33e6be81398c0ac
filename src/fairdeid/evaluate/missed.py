"""The worst missed spans, shown without the PHI: label, length and masked context only.

A report is read by people who must not see the notes, so the context around a missed span is
masked in four layers: the missed span itself becomes ``■■■``; every gold span in the window
becomes ``[LABEL]``; every occurrence of *any* gold string of the corpus (3+ characters,
case-insensitive) becomes ``[PHI]``, which catches a name the annotators marked once but not
twice; and every digit becomes ``#``, which catches unannotated dates and numbers. The window is
widened to whole words so no half-masked identifier shows at its edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from fairdeid.document import Document
from fairdeid.taxonomy import coarse

MISSED_MARK = "■■■"
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


class PhiMasker:
    """Masks every known gold string (and digits) in free text; built once per corpus."""

    def __init__(self, strings: Iterable[str], min_len: int = 3) -> None:
        self._auto = ahocorasick.Automaton()
        n = 0
        for s in {s.casefold() for s in strings if len(s.strip()) >= min_len}:
            self._auto.add_word(s, len(s))
            n += 1
        self._empty = n == 0
        if not self._empty:
            self._auto.make_automaton()

    def mask(self, text: str) -> str:
        if not self._empty:
            folded = text.casefold()
            if len(folded) != len(text):  # rare characters whose casefold changes length
                folded = text
            hits = sorted((end - length + 1, end + 1) for end, length in self._auto.iter(folded))
            merged: list[list[int]] = []
            for start, end in hits:
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            pieces, cursor = [], 0
            for start, end in merged:
                pieces.append(text[cursor:start])
                pieces.append("[PHI]")
                cursor = end
            pieces.append(text[cursor:])
            text = "".join(pieces)
        return _DIGIT.sub("#", text)


def corpus_masker(gold: Sequence[Document]) -> PhiMasker:
    return PhiMasker(d.span_text(s) for d in gold for s in d.spans)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def masked_context(doc: Document, index: int, masker: PhiMasker, window: int = 40) -> str:
    """Context of ``doc.spans[index]`` with the span as ■■■ and all PHI masked."""
    target = doc.spans[index]
    lo, hi = _widen(
        doc.text, max(0, target.start - window), min(len(doc.text), target.end + window)
    )
    # Gold spans in the window (clipped), merged so replacements never overlap.
    cuts: list[tuple[int, int, str]] = []
    for i, s in enumerate(doc.spans):
        if s.end <= lo or s.start >= hi:
            continue
        mark = MISSED_MARK if i == index else f"[{coarse(s.label)}]"
        start, end = max(s.start, lo), min(s.end, hi)
        if cuts and start < cuts[-1][1]:
            prev = cuts[-1]
            keep = MISSED_MARK if MISSED_MARK in (prev[2], mark) else prev[2]
            cuts[-1] = (prev[0], max(prev[1], end), keep)
        else:
            cuts.append((start, end, mark))
    pieces, cursor = [], lo
    for start, end, mark in cuts:
        pieces.append(masker.mask(doc.text[cursor:start]))
        pieces.append(mark)
        cursor = end
    pieces.append(masker.mask(doc.text[cursor:hi]))
    body = _SPACE.sub(" ", "".join(pieces)).strip()
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
