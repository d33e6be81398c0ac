"""Hard line wrapping with hyphenation at line ends ("Ander-\\nson").

Why: faxed and OCR'd letters and old dictation systems wrap lines at a fixed width and split
long words with a hyphen, so a surname can arrive in two pieces on two lines. A split inside a
PHI value stays inside its span: the gold span covers both parts and the "-\\n" between them.
"""

from __future__ import annotations

import random

from fairdeid.corpora.synth.noise.base import Transform, lines
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

_MIN_SPLIT = 6  # shortest word that is hyphenated


def _wrap(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    """Lines longer than a width (40-72, one per note) are wrapped; a long word that crosses
    the width is hyphenated with probability ``rate``, otherwise the break is at a space."""
    text, edits = doc.text, []
    width = rng.randint(40, 72)
    for start, end in lines(text):
        col_start = start
        while end - col_start > width:
            limit = col_start + width
            word_start = text.rfind(" ", col_start, limit) + 1
            word_end = limit
            while word_end < end and text[word_end] not in " \n":
                word_end += 1
            word = text[word_start:word_end] if word_start > col_start else ""
            cut = limit - 1
            if (
                word_start > col_start
                and len(word) >= _MIN_SPLIT
                and word.isalpha()
                and word_start + 2 <= cut <= word_end - 3
                and rng.random() < rate
            ):
                edits.append(Edit(cut, cut, "-\n"))
                col_start = cut
            elif word_start > col_start and text[word_start - 2 : word_start - 1] != "-":
                edits.append(Edit(word_start - 1, word_start, "\n"))
                col_start = word_start
            else:
                nxt = text.find(" ", limit, end)
                if nxt < 0:
                    break
                if text[nxt - 1] != "-":
                    edits.append(Edit(nxt, nxt + 1, "\n"))
                col_start = nxt + 1
    return edits


def _rejoined(old: str, new: str) -> bool:
    """Undoing the wrap (drop "-\\n", newline back to space) gives the value back."""
    return new.replace("-\n", "").replace("\n", " ") == old.replace("\n", " ")


WRAP = Transform("wrap", _wrap, _rejoined, "hard wrapping, hyphenation at line ends")
