"""Invisible format characters: what a reader does not see must not hide PHI or split it.

"Jo<ZWSP>hn Smith" reads as "John Smith", but to a pattern or a model it is two odd tokens, and
to a surrogate generator an unknown name with a strange shape. ``Hidden`` is the text without
those characters plus where they were, so offsets in the visible text map back to the original
(detectors, ``fairdeid.chunking``) and original offsets map forward (surrogates). Memory grows
with the number of hidden characters, not with the note. No other fairdeid import: both sides
of the pipeline use it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

#: Characters that render as nothing inside a word (Unicode format characters fonts do not
#: draw): soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width space,
#: non-joiner and joiner, LRM/RLM, bidi embeddings and isolates, word joiner and invisible
#: operators, zero-width no-break space (BOM).
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


@dataclass(frozen=True, slots=True)
class Hidden:
    """``visible`` is the original text without invisible characters.

    ``positions`` are the original offsets of the dropped characters (sorted); ``gaps[k]`` is
    the visible offset the k-th of them sat before.
    """

    visible: str
    positions: tuple[int, ...] = ()
    gaps: tuple[int, ...] = ()

    @classmethod
    def of(cls, text: str) -> Hidden:
        positions = tuple(m.start() for m in INVISIBLE.finditer(text))
        if not positions:
            return cls(text)
        gaps = tuple(pos - k for k, pos in enumerate(positions))
        return cls(INVISIBLE.sub("", text), positions, gaps)

    @property
    def any(self) -> bool:
        return bool(self.positions)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A visible ``[start, end)`` in original offsets, covering hidden characters inside."""
        first = start + bisect_right(self.gaps, start)
        if end <= start:
            return first, first
        return first, end - 1 + bisect_right(self.gaps, end - 1) + 1

    def to_visible(self, start: int, end: int) -> tuple[int, int]:
        """An original ``[start, end)`` in visible offsets (hidden characters drop out)."""
        return (start - bisect_left(self.positions, start),
                end - bisect_left(self.positions, end))
