"""Dropped punctuation: full stops, commas, colons and semicolons left out, PHI included.

Why: dictation and hurried typing leave them out ("pt seen by dr smith today bp ok"), and a
rule that waits for "Dr." or "Name:" then finds nothing.
"""

from __future__ import annotations

import random

from fairdeid.corpora.synth.noise.base import Transform
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

_MARKS = frozenset(".,;:")


def _drop(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    """Each mark followed by a space, a line end or the text end goes with probability ``rate``."""
    text, edits = doc.text, []
    inside = {i for span in doc.spans for i in (span.start, span.end - 1)}
    for i, ch in enumerate(text):
        if ch not in _MARKS or i in inside:  # never the first or last character of a span
            continue
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if nxt in " \n\t" and rng.random() < rate:
            edits.append(Edit(i, i + 1, ""))
    return edits


def _dropped(old: str, new: str) -> bool:
    """``new`` is ``old`` with some punctuation marks removed and nothing else changed."""
    it = iter(old)
    for ch in new:
        for o in it:
            if o == ch:
                break
            if o not in _MARKS:
                return False
        else:
            return False
    return all(o in _MARKS for o in it)


PUNCTUATION = Transform("punctuation", _drop, _dropped, "dropped full stops, commas and colons")
