"""What the structured-format readers share: a found stretch of PHI and how it becomes a span.

Each reader (HL7 v2, FHIR JSON, delimited tables) knows where a value sits by the format's
structure, not by what the value looks like; what they return is a ``Hit``: offsets into the
note, a fine label and the structural position it came from (``hl7.PID-5``), which becomes the
span's provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    """One value a format's structure marks as PHI (offsets into the note, end exclusive)."""

    start: int
    end: int
    label: str
    where: str


def trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without surrounding whitespace; ``None`` when nothing is left.

    Why: a cell or field often pads its value ("| Smith |"), and the padding is not PHI.
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def hit(text: str, start: int, end: int, label: str, where: str) -> Hit | None:
    """A ``Hit`` over the non-blank part of ``[start, end)`` that holds a letter or a digit."""
    bounds = trimmed(text, start, end)
    if bounds is None or not any(ch.isalnum() for ch in text[bounds[0] : bounds[1]]):
        return None
    return Hit(bounds[0], bounds[1], label, where)


#: abbreviations with a period before a name ("Dr.", "dott.", "Prof. Dr.", "Sig.ra"): titles,
#: which the resolve step's ``name_titles`` policy adds to a name span or leaves out; a single
#: letter with a period is an initial and stays
_TITLES = re.compile(r"(?:[^\W\d_]{2,6}\.(?:[^\W\d_]{1,3})?[ \t]*)+(?=[^\W\d_])")
NAME_LABELS = frozenset({"PATIENT", "DOCTOR"})


def name_hit(text: str, start: int, end: int, label: str, where: str) -> Hit | None:
    """``hit`` for a value that may begin with a personal title: the title stays out."""
    found = hit(text, start, end, label, where)
    if found is None or label not in NAME_LABELS:
        return found
    title = _TITLES.match(text, found.start, found.end)
    if title is None or title.end() >= found.end:
        return found
    return Hit(title.end(), found.end, label, where)


Region = tuple[int, int]


def split(text: str, start: int, end: int, sep: str, release: str = "") -> list[Region]:
    """The offsets of the parts of ``text[start:end]`` between ``sep`` characters (an empty
    part stays, so a field keeps its number); with ``release`` (EDIFACT's ``?``) the character
    after a release character is never a separator.

    Why offsets, not ``str.split``: a reader labels a stretch of the note, so every part must
    know where it sits; HL7 fields and components, EDIFACT elements and ASTM fields split alike.
    """
    parts: list[Region] = []
    pos = i = start
    if release:
        while i < end:
            if text[i] == release:
                i += 2
                continue
            if text[i] == sep:
                parts.append((pos, i))
                pos = i + 1
            i += 1
        parts.append((pos, end))
        return parts
    while True:
        i = text.find(sep, pos, end)
        if i < 0:
            parts.append((pos, end))
            return parts
        parts.append((pos, i))
        pos = i + 1
