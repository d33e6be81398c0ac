"""Mess for synthetic notes: separate transforms that each add one kind of real-world disorder.

Why separate and after the fact: the note writers produce clean, well-formed notes (their output
for a seed is pinned); real notes are not. Each transform here adds one concern (name order,
ALL-CAPS headers, key:value separators, pipe/tab tables, bullets, dropped punctuation,
lower-case dictation, OCR confusions, wrapping with hyphenation) as a list of edits, and
``edits.apply_edits`` moves the gold spans, so offsets stay exact and the transforms compose in
any order. Each draws from its own random stream (seeded by the run seed, its name and the
document id), so turning one transform on or off never changes what another does.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from fairdeid.corpora.synth.noise.base import Transform
from fairdeid.corpora.synth.noise.bullets import BULLETS
from fairdeid.corpora.synth.noise.case import CAPS_HEADERS, LOWERCASE
from fairdeid.corpora.synth.noise.edits import Edit, EditError, apply_edits
from fairdeid.corpora.synth.noise.keyvalue import KEYVALUE
from fairdeid.corpora.synth.noise.names import NAMES
from fairdeid.corpora.synth.noise.ocr import OCR
from fairdeid.corpora.synth.noise.punctuation import PUNCTUATION
from fairdeid.corpora.synth.noise.tables import TABLES
from fairdeid.corpora.synth.noise.wrap import WRAP
from fairdeid.document import Document

#: Every transform, in the order ``add_noise`` applies them (value rewrites first, then layout,
#: then character-level mess, then wrapping, which must see the final line lengths).
TRANSFORMS: dict[str, Transform] = {
    t.name: t
    for t in (NAMES, CAPS_HEADERS, KEYVALUE, TABLES, BULLETS, PUNCTUATION, LOWERCASE, OCR, WRAP)
}

#: The rates of the ``stress`` profile: every transform, at a high rate.
STRESS_RATES: Mapping[str, float] = {
    "names": 0.6,
    "caps_headers": 0.8,
    "keyvalue": 0.6,
    "tables": 0.8,
    "bullets": 0.25,
    "punctuation": 0.35,
    "lowercase": 0.3,
    "ocr": 0.015,
    "wrap": 0.6,
}


def add_noise(doc: Document, rates: Mapping[str, float], seed: int = 0) -> Document:
    """``doc`` with each transform of ``rates`` applied at its rate (0 or absent: skipped)."""
    unknown = set(rates) - set(TRANSFORMS)
    if unknown:
        raise ValueError(f"unknown noise transforms {sorted(unknown)}; known: {list(TRANSFORMS)}")
    applied = []
    for name, transform in TRANSFORMS.items():
        rate = rates.get(name, 0.0)
        if rate <= 0:
            continue
        rng = random.Random(f"{seed}/{name}/{doc.id}")
        doc = apply_edits(doc, transform.edits(doc, rng, rate))
        applied.append(name)
    if not applied:
        return doc
    return Document(id=doc.id, text=doc.text, meta={**doc.meta, "noise": applied}, spans=doc.spans)


__all__ = [
    "STRESS_RATES",
    "TRANSFORMS",
    "Edit",
    "EditError",
    "Transform",
    "add_noise",
    "apply_edits",
]
