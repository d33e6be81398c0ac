"""What a mess transform is, and the small text helpers the transforms share."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document


@dataclass(frozen=True, slots=True)
class Transform:
    """One kind of mess.

    ``edits(doc, rng, rate)`` proposes the changes (``rate`` is how much mess: each transform
    says what it scales); ``keeps(old, new)`` says how a PHI value may look afterwards, so the
    tests can check every gold span against the transform's own promise rather than trusting
    the offsets.
    """

    name: str
    edits: Callable[[Document, random.Random, float], list[Edit]]
    keeps: Callable[[str, str], bool]
    doc: str


def unchanged(old: str, new: str) -> bool:
    """The promise of a layout transform: PHI values are not touched."""
    return old == new


def phi_mask(doc: Document) -> bytearray:
    """1 at every character inside a gold span."""
    mask = bytearray(len(doc.text))
    for span in doc.spans:
        mask[span.start : span.end] = b"\x01" * span.length
    return mask


def free(mask: bytearray, start: int, end: int) -> bool:
    """Whether ``[start, end)`` touches no PHI."""
    return not any(mask[start:end])


def lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every line, without its newline."""
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1
