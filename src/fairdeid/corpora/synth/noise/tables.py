"""Tables: column gaps (two or more spaces, or " | ") written as pipes or tabs, with or
without outer bars.

Why: medication lists, lab panels and EHR copy-paste arrive as pipe or tab tables; a name or a
date in a cell has a "|" or a tab for a neighbour instead of a word.
"""

from __future__ import annotations

import random
import re

from fairdeid.corpora.synth.noise.base import Transform, free, lines, phi_mask, unchanged
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

_GAP = re.compile(r" {2,}| \| |\t")


def _tables(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    """Each line with column gaps becomes a table row with probability ``rate``."""
    text, mask, edits = doc.text, phi_mask(doc), []
    cell = rng.choice(("|", " | ", "\t", " |\t"))
    bars = cell != "\t" and rng.random() < 0.6
    for start, end in lines(text):
        gaps = [m for m in _GAP.finditer(text, start, end) if m.start() > start and m.end() < end]
        if not gaps or rng.random() >= rate:
            continue
        row = [Edit(m.start(), m.end(), cell) for m in gaps if free(mask, *m.span())]
        if not row:
            continue
        edits.extend(row)
        if bars:
            edits.append(Edit(start, start, "| "))
            edits.append(Edit(end, end, " |"))
    return edits


TABLES = Transform("tables", _tables, unchanged, "pipe and tab tables")
