"""UN/EDIFACT messages pasted into a note (MEDVRI / MEDEUR referrals, insurers' messages).

Why by segment: Dutch and Belgian GPs and hospitals still exchange referrals and letters as
EDIFACT ("PNA+PAT+945807302:BSN++1:Jansen+2:P.'"), where a name is glued between ``+`` and
``:`` and ends in an apostrophe; neither the prose rules nor the learned models read it, but
each segment's tag and qualifiers say what its elements are (UN/EDIFACT and the MEDxxx
guides), whatever the language. Which segments and qualifiers carry PHI is data
(``data/edifact.toml``). A message is read only after its service segments (``UNA``, ``UNB``
or ``UNH``), so prose with plus signs is never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from fairdeid.detect.structured.common import Hit, hit, split
from fairdeid.detect.structured.specs import SpecFile

#: where a message starts: a service segment at the start of a line
_START = re.compile(r"^[ \t]*(UNA|UNB|UNH)(?=[^\w])", re.MULTILINE)
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}(?![a-z0-9])")
_POSTCODE = re.compile(r"\d{4}[ ]?[A-Z]{2}|\d{4,5}|[A-Z]{1,2}-\d{4,5}")


@dataclass(frozen=True)
class EdifactSpec:
    """The segments of ``data/edifact.toml``."""

    date_segments: frozenset[str]
    positions: Mapping[str, str]
    pna_patients: frozenset[str]
    pna_id_types: Mapping[str, str]
    nad_patients: frozenset[str]
    com: Mapping[str, str]
    rff: Mapping[str, str]


@lru_cache(maxsize=1)
def load_spec() -> EdifactSpec:
    """The packaged segment table, checked once."""
    t = SpecFile("edifact.toml")
    return EdifactSpec(
        date_segments=t.words("date_segments"),
        positions=t.labels("positions"),
        pna_patients=t.words("pna", "patients"),
        pna_id_types=t.labels("pna", "id_types"),
        nad_patients=t.words("nad", "patients"),
        com=t.labels("com"),
        rff=t.labels("rff"),
    )


@dataclass(frozen=True)
class _Separators:
    component: str = ":"
    element: str = "+"
    release: str = "?"
    terminator: str = "'"


def find(text: str, spec: EdifactSpec | None = None) -> list[Hit]:
    """Every PHI element of every EDIFACT message in ``text``."""
    spec = spec or load_spec()
    hits: list[Hit] = []
    pos = 0
    while (start := _START.search(text, pos)) is not None:
        seps = _Separators()
        begin = start.start(1)
        if start.group(1) == "UNA" and len(text) >= begin + 9:
            una = text[begin + 3 : begin + 9]  # component, element, decimal, release, -, end
            seps = _Separators(una[0], una[1], una[3], una[5])
            begin = begin + 9
        end = begin
        for seg_start, seg_end in _segments(text, begin, seps):
            end = seg_end
            hits.extend(_segment(text, seg_start, seg_end, seps, spec))
        pos = max(end, start.end())
    return hits


def _segments(text: str, start: int, seps: _Separators) -> Iterator[tuple[int, int]]:
    """(start, end) of each segment from ``start``: up to its terminator, never over a blank
    line; the message ends where no segment tag follows a terminator."""
    pos = i = start
    while i < len(text):
        ch = text[i]
        if ch == seps.release:
            i += 2
            continue
        if ch == "\n" and text.startswith("\n", i + 1):
            return  # a blank line before the terminator: no segment
        if ch == seps.terminator:
            yield pos, i
            pos = i + 1
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if not _TAG.match(text, pos):
                return
            i = pos
            continue
        i += 1


def _segment(
    text: str, start: int, end: int, seps: _Separators, spec: EdifactSpec
) -> list[Hit]:
    while start < end and text[start] in " \t\r\n":
        start += 1
    elements = split(text, start, end, seps.element, seps.release)
    tag = text[slice(*elements[0])]

    def comps(index: int) -> list[tuple[int, int]]:
        if index >= len(elements):
            return []
        return split(text, *elements[index], seps.component, seps.release)

    def value(region: tuple[int, int]) -> str:
        return text[slice(*region)].strip()

    out: list[Hit] = []
    where = f"edifact.{tag}"

    def add(region: tuple[int, int], label: str) -> None:
        found = hit(text, region[0], region[1], label, where)
        if found is not None and (label not in {"DATE", "PHONE", "FAX"}
                                  or any(ch.isdigit() for ch in text[found.start:found.end])):
            out.append(found)

    for key, label in spec.positions.items():
        seg, _, number = key.partition("-")
        if seg == tag and (parts := comps(int(number))):
            add(parts[0], label)
    if tag in spec.date_segments and len(parts := comps(1)) >= 2:
        add(parts[1], "DATE")
    elif tag == "PNA" and len(elements) > 2:
        qualifier = value(elements[1])
        label = "PATIENT" if qualifier in spec.pna_patients else "DOCTOR"
        ident = comps(2)
        if ident and value(ident[0]):
            kind = value(ident[1]) if len(ident) > 1 else ""
            add(ident[0], spec.pna_id_types.get(kind, "IDNUM"))
        for index in range(3, len(elements)):
            parts = comps(index)
            name = parts[1] if len(parts) > 1 and value(parts[0]).isdigit() else parts[0]
            if any(ch.isalpha() for ch in value(name)):
                add(name, label)
    elif tag == "NAD" and len(elements) > 2:
        patient = value(elements[1]) in spec.nad_patients
        for index in range(3, len(elements)):
            for part in comps(index):
                shown = value(part)
                if not shown:
                    continue
                if _POSTCODE.fullmatch(shown):
                    label = "ZIP"
                elif any(ch.isdigit() for ch in shown):
                    label = "STREET"
                elif index == 3 and not patient:
                    label = "ORGANIZATION"
                elif index == 4:
                    label = "PATIENT" if patient else "DOCTOR"
                elif index == 9:
                    label = "COUNTRY"
                elif index == 7:
                    label = "STATE"
                else:
                    label = "CITY"
                add(part, label)
    elif tag == "COM" and (parts := comps(1)):
        channel = value(parts[1]) if len(parts) > 1 else ""
        if (found_label := spec.com.get(channel)) is not None:
            add(parts[0], found_label)
    elif (tag == "RFF" and len(parts := comps(1)) >= 2
          and (found_label := spec.rff.get(value(parts[0]))) is not None):
        add(parts[1], found_label)
    return out
