"""CoNLL / BIO export for token-classification training (write only).

Tokens are words and single punctuation marks (the same cut ``binary_token`` uses in evaluation),
so "03/04/2021" is five tokens and each gets a tag. A token that overlaps a span at all takes the
span's tag: a model should learn to cover partial tokens rather than leak their PHI half.
Sentences break at line breaks and after ``. ! ?`` followed by a space; documents are separated by
a ``-DOCSTART-`` line, as in CoNLL-2003.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from fairdeid.document import Document, Span
from fairdeid.taxonomy import coarse as to_coarse

TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_SENT_END = frozenset(".!?")


def tokenize(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each word or punctuation token."""
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def bio_tags(doc: Document, *, coarse: bool = False) -> list[tuple[int, int, str]]:
    """``(start, end, tag)`` per token; overlapping spans: the earliest-starting one wins."""
    tokens = tokenize(doc.text)
    spans = sorted(doc.spans, key=lambda s: (s.start, -s.end))
    out: list[tuple[int, int, str]] = []
    j = 0
    current: Span | None = None
    for start, end in tokens:
        while j < len(spans) and spans[j].end <= start:
            j += 1
        hit = None
        k = j
        while k < len(spans) and spans[k].start < end:
            if spans[k].end > start:
                hit = spans[k]
                break
            k += 1
        if hit is None:
            out.append((start, end, "O"))
            current = None
            continue
        label = to_coarse(hit.label) if coarse else hit.label
        prefix = "I" if current is hit else "B"
        out.append((start, end, f"{prefix}-{label}"))
        current = hit
    return out


def conll_lines(doc: Document, *, coarse: bool = False, offsets: bool = False) -> Iterator[str]:
    """The lines for one document (without the ``-DOCSTART-`` header)."""
    previous_end = 0
    started = False
    last_token = ""
    for start, end, tag in bio_tags(doc, coarse=coarse):
        gap = doc.text[previous_end:start]
        new_sentence = started and ("\n" in gap or (last_token in _SENT_END and gap != ""))
        if new_sentence:
            yield ""
        token = doc.text[start:end]
        yield f"{token}\t{start}\t{end}\t{tag}" if offsets else f"{token}\t{tag}"
        started = True
        last_token = token
        previous_end = end
    if started:
        yield ""


def write_conll(
    docs: Iterable[Document], path: str | Path, *, coarse: bool = False, offsets: bool = False
) -> int:
    """Write tab-separated ``token<TAB>tag`` lines (``token start end tag`` with ``offsets``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(f"-DOCSTART-\t{doc.id}\n\n")
            for line in conll_lines(doc, coarse=coarse, offsets=offsets):
                handle.write(line + "\n")
            n += 1
    return n
