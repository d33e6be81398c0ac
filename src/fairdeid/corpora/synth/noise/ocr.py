"""OCR character noise: letters and digits that scanners confuse (l/1, O/0, S/5, rn-like e/c).

Why: scanned referral letters and faxes reach the pipeline through OCR; a name with a "1" in it
or a date with an "O" must still be found.
"""

from __future__ import annotations

import random

from fairdeid.corpora.synth.noise.base import Transform
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

#: Same-length confusions only, so a value's shape survives (which position changed is visible).
CONFUSIONS: dict[str, str] = {
    "l": "1",
    "1": "l",
    "I": "l",
    "O": "0",
    "0": "O",
    "o": "0",
    "S": "5",
    "5": "S",
    "B": "8",
    "8": "B",
    "e": "c",
    "c": "e",
    "m": "n",
    "h": "b",
    "i": "í",
}


def _ocr(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    """Each confusable character is swapped with probability ``rate``."""
    return [
        Edit(i, i + 1, CONFUSIONS[ch])
        for i, ch in enumerate(doc.text)
        if ch in CONFUSIONS and rng.random() < rate
    ]


def _confused(old: str, new: str) -> bool:
    return len(old) == len(new) and all(
        o == n or CONFUSIONS.get(o) == n for o, n in zip(old, new, strict=True)
    )


OCR = Transform("ocr", _ocr, _confused, "OCR character confusions")
