"""HL7 v2 segments pasted into a note, labelled by field position (HL7 v2.5).

Why by position: in an HL7 v2 message the meaning of a value is fixed by its segment and field
number (PID-5 is the patient's name, PID-7 the birth date), the same in every language and
every sending system. A name in PID-5 is a name even when no word list knows it, and the
compact timestamps and ``^``-joined names that defeat the prose rules are plain to read here.

Which fields carry PHI and of what data type they are is data (``data/hl7.toml``); the data
types (where the family name sits in an XPN, the area code in an XTN) are the standard's and
live here. Separators are read from MSH-1/MSH-2 and hold until the next MSH; without one, the
standard's defaults ``|^~\\&`` apply. A line that breaks off halfway still gives the fields it
has; nothing in a line can make the reader fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from fairdeid.detect.structured.common import Hit, Region, hit, split, trimmed
from fairdeid.detect.structured.specs import SpecFile, check_label, typed
from fairdeid.errors import ConfigError

#: segments whose first field is the field separator itself (MSH-1), so numbering shifts
_HEADER_SEGMENTS = frozenset({"MSH", "FHS", "BHS"})
_SEGMENT_ID = re.compile(r"[ \t]*([A-Z][A-Z0-9]{2})")
_LINE = re.compile(r"[^\r\n]+")
#: HL7 table 0203: "NN" + an ISO 3166 country code is a national person identifier
_NATIONAL = re.compile(r"NN[A-Z]{3}")


#: XAD (extended address) components, by index
_ADDRESS = {0: "STREET", 1: "STREET", 2: "CITY", 3: "STATE", 4: "ZIP", 5: "COUNTRY",
            7: "LOCATION_OTHER", 8: "LOCATION_OTHER"}


@dataclass(frozen=True, slots=True)
class Separators:
    """The delimiters of one message (MSH-1 and MSH-2)."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    subcomponent: str = "&"

    @classmethod
    def from_msh(cls, line: str, at: int) -> Separators:
        """The separators an MSH segment starting at ``at`` declares; the defaults for any it
        leaves out or gives twice (a broken header must not make every character a split)."""
        field = line[at + 3 : at + 4]
        if not field or field.isalnum() or field.isspace():
            return cls()
        encoding = line[at + 4 :].split(field, 1)[0]
        default = cls()
        chars = [
            encoding[i] if i < len(encoding) else fallback
            for i, fallback in enumerate("^~\\&")
        ]
        component, repetition, _escape, subcomponent = chars
        picked = (field, component, repetition, subcomponent)
        if len(set(picked)) < 4 or any(ch.isalnum() or ch.isspace() for ch in picked):
            return cls(field=field) if field not in "^~&" else default
        return cls(field, component, repetition, subcomponent)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One PHI field: its HL7 data type and the label its value gets."""

    type: str
    label: str | None


@dataclass(frozen=True)
class Hl7Spec:
    """Which fields to read (``data/hl7.toml``) and how identifier type codes label an ID."""

    fields: Mapping[str, Mapping[int, FieldSpec]]
    id_types: Mapping[str, str]
    authority_types: frozenset[str]
    authority_label: str

    def id_label(self, code: str, default: str) -> str:
        code = code.strip().upper()
        if code in self.id_types:
            return self.id_types[code]
        if _NATIONAL.fullmatch(code):
            return self.id_types.get("NN", default)
        return default


_TYPES = frozenset({"XPN", "XCN", "NDL", "CX", "XAD", "XTN", "DTM", "PL", "HD", "XON", "ST",
                    "DLN"})


@lru_cache(maxsize=1)
def load_spec() -> Hl7Spec:
    """The packaged field table, checked once (a bad entry is a ``ConfigError``)."""
    t = SpecFile("hl7.toml")
    id_types = t.labels("identifier_types")
    authority = t.get("authority", default={})
    fields: dict[str, dict[int, FieldSpec]] = {}
    for segment, entries in t.data.items():
        if segment in ("identifier_types", "authority"):
            continue
        fields[segment] = {}
        for number, value in entries.items():
            where = f"{t.where(segment)} {number}"
            if not str(number).isdigit():
                raise ConfigError(f"{where}: not a field number")
            kind, label = typed(value, _TYPES, where)
            fields[segment][int(number)] = FieldSpec(kind, label or None)
    return Hl7Spec(
        fields=fields,
        id_types=id_types,
        authority_types=frozenset(str(t) for t in authority.get("types", [])),
        authority_label=check_label(str(authority.get("label", "HOSPITAL")), "hl7.toml"),
    )


def find(text: str, spec: Hl7Spec | None = None) -> list[Hit]:
    """Every PHI value of every HL7 v2 segment in ``text``."""
    spec = spec or load_spec()
    seps = Separators()
    hits: list[Hit] = []
    for line in _LINE.finditer(text):
        head = _SEGMENT_ID.match(text, line.start(), line.end())
        if head is None:
            continue
        segment, at = head.group(1), head.start(1)
        if segment in _HEADER_SEGMENTS:
            seps = Separators.from_msh(text[at : line.end()], 0)
            if text[at + 3 : at + 4] != seps.field:
                continue
        elif text[at + 3 : at + 4] != seps.field or segment not in spec.fields:
            continue
        table = spec.fields.get(segment)
        if table:
            hits.extend(_segment(text, segment, (at + 4, line.end()), seps, table, spec))
    return hits


def _segment(
    text: str,
    segment: str,
    body: Region,
    seps: Separators,
    table: Mapping[int, FieldSpec],
    spec: Hl7Spec,
) -> Iterator[Hit]:
    fields = split(text, *body, seps.field)
    # MSH-1 is the field separator itself, so the first field after it is MSH-2
    first = 2 if segment in _HEADER_SEGMENTS else 1
    for index, region in enumerate(fields):
        number = index + first
        field = table.get(number)
        if field is None or (segment in _HEADER_SEGMENTS and number == 2):
            continue
        where = f"hl7.{segment}-{number}"
        for repetition in split(text, *region, seps.repetition):
            comps = split(text, *repetition, seps.component)
            for found in _READERS[field.type](text, comps, field.label, where, seps, spec):
                if found is not None:
                    yield found


def _comp(comps: list[Region], i: int) -> Region | None:
    return comps[i] if i < len(comps) else None


def _one(text: str, region: Region | None, label: str, where: str) -> Hit | None:
    return None if region is None else hit(text, region[0], region[1], label, where)


def _joined(text: str, comps: list[Region], first: int, last: int, label: str,
            where: str) -> Hit | None:
    """One span from the first to the last non-blank of components ``first..last``: a name's
    family^given^middle stays one name, its separators inside."""
    present = [trimmed(text, *comps[i]) for i in range(first, min(last + 1, len(comps)))]
    kept = [bounds for bounds in present if bounds is not None]
    if not kept:
        return None
    return hit(text, kept[0][0], kept[-1][1], label, where)


def _name(text: str, comps: list[Region], label: str | None, where: str, seps: Separators,
          spec: Hl7Spec) -> Iterator[Hit | None]:
    yield _joined(text, comps, 0, 2, label or "PATIENT", where)


def _person(text: str, comps: list[Region], label: str | None, where: str, seps: Separators,
            spec: Hl7Spec) -> Iterator[Hit | None]:
    ident = comps[0]
    if not any(ch.isdigit() for ch in text[ident[0] : ident[1]]):
        # no digit: a writer who left the ID out and began with the family name ("LIM^WEI")
        yield _joined(text, comps, 0, 3, label or "DOCTOR", where)
        return
    code = _comp(comps, 12)
    yield _one(text, ident, spec.id_label(text[code[0] : code[1]] if code else "", "IDNUM"),
               where)
    yield _joined(text, comps, 1, 3, label or "DOCTOR", where)


def _interpreter(text: str, comps: list[Region], label: str | None, where: str,
                 seps: Separators, spec: Hl7Spec) -> Iterator[Hit | None]:
    subs = split(text, *comps[0], seps.subcomponent)
    yield _one(text, _comp(subs, 0), "IDNUM", where)
    yield _joined(text, subs, 1, 3, label or "DOCTOR", where)
    yield _date(text, _comp(comps, 1), where)
    yield _date(text, _comp(comps, 2), where)


def _identifier(text: str, comps: list[Region], label: str | None, where: str,
                seps: Separators, spec: Hl7Spec) -> Iterator[Hit | None]:
    code_region = _comp(comps, 4)
    code = text[code_region[0] : code_region[1]].strip().upper() if code_region else ""
    # no type code: the field says what it holds (PID-3 lists the patient's record numbers);
    # a code this table does not know names some other identifier
    default = (label or "IDNUM") if not code else "IDNUM"
    yield _one(text, comps[0], spec.id_label(code, default), where)
    if code in spec.authority_types:
        for i in (3, 5):
            region = _comp(comps, i)
            if region is not None:
                name = split(text, *region, seps.subcomponent)[0]
                yield _one(text, name, spec.authority_label, f"{where}.{i + 1}")


def _address(text: str, comps: list[Region], label: str | None, where: str, seps: Separators,
             spec: Hl7Spec) -> Iterator[Hit | None]:
    for i, part in _ADDRESS.items():
        yield _one(text, _comp(comps, i), part, f"{where}.{i + 1}")


def _phone(text: str, comps: list[Region], label: str | None, where: str, seps: Separators,
           spec: Hl7Spec) -> Iterator[Hit | None]:
    equipment = _comp(comps, 2)
    kind = text[equipment[0] : equipment[1]].strip().upper() if equipment else ""
    number = "FAX" if kind == "FX" else "PHONE"
    first = comps[0]
    if "@" in text[first[0] : first[1]]:
        yield _one(text, first, "EMAIL", where)
    else:
        yield _digits(_one(text, first, number, where), text)
    yield _one(text, _comp(comps, 3), "EMAIL", where)
    yield _digits(_joined(text, comps, 4, 7, number, where), text)
    yield _digits(_one(text, _comp(comps, 11), number, where), text)


def _digits(found: Hit | None, text: str) -> Hit | None:
    """``found`` if it holds a digit: a number field with words in it is a writer's note."""
    if found is None or not any(ch.isdigit() for ch in text[found.start : found.end]):
        return None
    return found


def _date(text: str, region: Region | None, where: str) -> Hit | None:
    return _digits(_one(text, region, "DATE", where), text)


def _timestamp(text: str, comps: list[Region], label: str | None, where: str,
               seps: Separators, spec: Hl7Spec) -> Iterator[Hit | None]:
    yield _date(text, comps[0], where)


def _location(text: str, comps: list[Region], label: str | None, where: str,
              seps: Separators, spec: Hl7Spec) -> Iterator[Hit | None]:
    yield _joined(text, comps, 1, 2, "ROOM", where)
    facility = _comp(comps, 3)
    if facility is not None:
        yield _one(text, split(text, *facility, seps.subcomponent)[0], "HOSPITAL", where)


def _first(text: str, comps: list[Region], label: str | None, where: str, seps: Separators,
           spec: Hl7Spec) -> Iterator[Hit | None]:
    yield _one(text, comps[0], label or "IDNUM", where)


_READERS = {
    "XPN": _name,
    "XCN": _person,
    "NDL": _interpreter,
    "CX": _identifier,
    "XAD": _address,
    "XTN": _phone,
    "DTM": _timestamp,
    "PL": _location,
    "HD": _first,
    "XON": _first,
    "ST": _first,
    "DLN": _first,
}
