"""Letter case: ALL-CAPS section headers and lower-case dictation.

Why: real notes shout their headers ("HISTORY OF PRESENT ILLNESS:") and dictated or
speech-recognised notes arrive all in lower case, which takes away the capital letter that
makes a name look like a name.
"""

from __future__ import annotations

import random
import re

from fairdeid.corpora.synth.noise.base import Transform, free, lines, phi_mask
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

#: A header: a short run of words (no digits) at the start of a line, then a colon or the end.
_HEADER = re.compile(r"(?:#+ |== )?([A-Za-z][A-Za-z /&()'-]{1,48}?)(?::| ==|$)")


def _caps_headers(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    text, mask, edits = doc.text, phi_mask(doc), []
    for start, end in lines(text):
        m = _HEADER.match(text, start, end)
        if not m or rng.random() >= rate:
            continue
        a, b = m.span(1)
        if len(text[a:b].split()) > 6 or not free(mask, a, b):
            continue
        head = text[a:b]
        if head.upper() != head and len(head.upper()) == len(head):
            edits.append(Edit(a, b, head.upper()))
    return edits


def _lowercase(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    """Each line is lower-cased with probability ``rate`` (PHI included, as dictation does)."""
    text, edits = doc.text, []
    for start, end in lines(text):
        if rng.random() >= rate:
            continue
        for i in range(start, end):
            low = text[i].lower()
            if low != text[i] and len(low) == 1:
                edits.append(Edit(i, i + 1, low))
    return edits


def _lowered(old: str, new: str) -> bool:
    return len(old) == len(new) and all(n in (o, o.lower()) for o, n in zip(old, new, strict=True))


CAPS_HEADERS = Transform(
    "caps_headers", _caps_headers, lambda old, new: old == new, "upper-case section headers"
)
LOWERCASE = Transform("lowercase", _lowercase, _lowered, "lower-case dictation, PHI included")
