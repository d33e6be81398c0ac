"""Key:value blocks: "Name: X   DOB: Y" lines split into one pair per line, and the separator
written in the many ways forms use ("Name:\\tX", "Name - X", "NAME = X", "Name.....: X").

Why: intake forms, lab headers and registration stickers put PHI right after a key, with no
sentence around it; the separator is all the context there is.
"""

from __future__ import annotations

import random
import re

from fairdeid.corpora.synth.noise.base import Transform, free, phi_mask, unchanged
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

#: "Key: " at the start of a line or after two or more spaces / a pipe.
_KEY = re.compile(r"(?:(?<=\n)|^|(?<=  )|(?<=\| ))([A-Za-z][A-Za-z #/.()-]{0,24}?)(: +)(?=\S)")
_SEPARATORS = (":\t", " - ", " = ", ":    ", ".....: ", " : ", ":")
_GAP = re.compile(r" {2,}(?=[A-Za-z][A-Za-z #/.()-]{0,24}?: )")


def _keyvalue(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    """Each separator is rewritten with probability ``rate`` (in the note's style); each gap
    between two pairs on one line becomes a line break with probability ``rate``."""
    text, mask, edits = doc.text, phi_mask(doc), []
    sep = rng.choice(_SEPARATORS)
    upper = rng.random() < 0.3
    taken: set[int] = set()
    for m in _KEY.finditer(text):
        a, b = m.span(2)
        if rng.random() >= rate or not free(mask, m.start(1), b):
            continue
        key = m.group(1)
        if upper and key.upper() != key and len(key.upper()) == len(key):
            edits.append(Edit(m.start(1), m.end(1), key.upper()))
        edits.append(Edit(a, b, sep))
        taken.update(range(a, b))
    for m in _GAP.finditer(text):
        if rng.random() < rate and free(mask, *m.span()) and not taken & set(range(*m.span())):
            edits.append(Edit(m.start(), m.end(), "\n"))
    return edits


KEYVALUE = Transform("keyvalue", _keyvalue, unchanged, "key:value separators and one pair a line")
