"""Bullets: runs of lines turned into lists ("• ", "- ", "* ", "o ", "1) ").

Why: copied-forward problem lists and nursing checklists put a bullet right before the first
word, which is sometimes a name or a date; a detector must not need a word boundary from a
sentence.
"""

from __future__ import annotations

import random

from fairdeid.corpora.synth.noise.base import Transform, lines, unchanged
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

_STYLES = ("• ", "- ", "* ", "o ", "> ", "-", "·")


def _bullets(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    """Each non-empty line gets a bullet with probability ``rate``; the style is the note's,
    except that numbered lists ("1) ") number their run of lines."""
    text, edits = doc.text, []
    style = rng.choice((*_STYLES, "num"))
    number = 0
    for start, end in lines(text):
        if start == end or text[start] in "-*•#=|":
            number = 0
            continue
        if rng.random() >= rate:
            number = 0
            continue
        number += 1
        edits.append(Edit(start, start, f"{number}) " if style == "num" else style))
    return edits


BULLETS = Transform("bullets", _bullets, unchanged, "bulleted and numbered lines")
