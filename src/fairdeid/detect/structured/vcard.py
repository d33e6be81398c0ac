"""vCard contacts and iCalendar events pasted into a note, labelled by property.

Why by property: a referral mail carries the referring surgeon's ``.vcf`` and an appointment
system sends the patient an ``.ics``; each line names what it holds (RFC 6350, RFC 5545):
``N:`` family;given;middle, ``ADR:`` post box;extended;street;city;region;postcode;country,
``TEL``, ``EMAIL``, ``BDAY``, ``ORG``, the ``CN=`` of an ``ORGANIZER`` or ``ATTENDEE``, the
dates of ``DTSTART``. The property names are the same in every language, while the values sit
after a colon and between semicolons with no sentence around them, and the learned models read
``20261203T070000`` as an identifier. Which properties carry PHI is data
(``data/vcard.toml``); free-text properties (``SUMMARY``, ``DESCRIPTION``, ``NOTE``,
``LOCATION``) are left to the other detectors, which read them as prose.

Only lines inside a ``BEGIN:VCARD``/``BEGIN:VCALENDAR`` block are read, so "Tel: 0612..." in a
letter is not taken for a vCard property. A person in a card with a ``TITLE``, ``ROLE`` or
``ORG`` is staff (DOCTOR), else PATIENT; an event's ``ORGANIZER`` is staff, an ``ATTENDEE``
the patient, unless its own parameters say it is a resource (``CUTYPE=ROOM``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from fairdeid.detect.structured.common import Hit, hit
from fairdeid.detect.structured.specs import SpecFile, check_label

#: a block of content lines: BEGIN:VCARD ... END:VCARD, BEGIN:VCALENDAR ... END:VCALENDAR
_BLOCK = re.compile(r"^[ \t]*BEGIN:(VCARD|VCALENDAR)[ \t]*\r?$(?P<body>.*?)^[ \t]*END:\1",
                    re.MULTILINE | re.DOTALL | re.IGNORECASE)
#: a content line: name, parameters (quoted values may hold ";" and ":"; vCard 2.1 writes a
#: bare type, "TEL;CELL:"), colon, value
_LINE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z][A-Za-z0-9-]*)?)"
                   r"(?P<params>(?:;[A-Za-z0-9-]+(?:=(?:\"[^\"\n]*\"|[^;:\n]*))?)*):"
                   r"(?P<value>[^\r\n]*)", re.MULTILINE)
_PARAM = re.compile(r";([A-Za-z0-9-]+)=(\"[^\"\n]*\"|[^;:\n]*)")
#: a date at the start of a date or date-time value ("20261203T070000", "1988-03-21")
_DATE = re.compile(r"(?:19|20)\d\d-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])(?!\d)")
#: what separates the parts of a structured value: an unescaped ";" (and "\," inside a part)
_PARTS = re.compile(r"(?<!\\);")
_PIECES = re.compile(r"\\,")
_URI = re.compile(r"(?i)(?:tel|mailto|fax|sip):")


@dataclass(frozen=True)
class VcardSpec:
    """The properties of ``data/vcard.toml``, names in upper case."""

    values: Mapping[str, str]
    dates: frozenset[str]
    address: tuple[str, ...]
    staff_properties: frozenset[str]


@lru_cache(maxsize=1)
def load_spec() -> VcardSpec:
    """The packaged property table, checked once."""
    t = SpecFile("vcard.toml")
    address = tuple(check_label(str(p), t.where("address")) if p else ""
                    for p in t.get("address", "parts"))
    return VcardSpec(
        values={k.upper(): v for k, v in t.labels("values").items()},
        dates=frozenset(str(p).upper() for p in t.get("dates", "properties")),
        address=address,
        staff_properties=frozenset(str(p).upper() for p in t.get("staff", "properties")),
    )


def blocks(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every vCard and iCalendar block of ``text``: the table reader leaves
    their lines alone ("TEL;TYPE=CELL:+41 ..." is no key-value row cut at ";")."""
    if "BEGIN:" not in text and "begin:" not in text:
        return []
    return [m.span() for m in _BLOCK.finditer(text)]


def find(text: str, spec: VcardSpec | None = None) -> list[Hit]:
    """Every PHI value of the vCard and iCalendar blocks of ``text``."""
    if "BEGIN:" not in text and "begin:" not in text:
        return []
    spec = spec or load_spec()
    hits: list[Hit] = []
    for block in _BLOCK.finditer(text):
        start, end = block.span("body")
        lines = list(_LINE.finditer(text, start, end))
        names = {m.group("name").rsplit(".", 1)[-1].upper() for m in lines}
        person = "DOCTOR" if names & spec.staff_properties else "PATIENT"
        for line in lines:
            hits.extend(_property(text, line, spec, person))
    return hits


def _property(text: str, line: re.Match[str], spec: VcardSpec, person: str) -> Iterator[Hit]:
    name = line.group("name").rsplit(".", 1)[-1].upper()
    params = {k.upper(): m for m in _PARAM.finditer(line.group("params"))
              for k in (m.group(1),)}
    vstart, vend = line.span("value")
    where = f"vcard.{name}"
    if name in {"ORGANIZER", "ATTENDEE"}:
        yield from _common_name(text, line, params, name, where)
        return
    if name in spec.dates:
        date = _DATE.match(text, vstart, vend)
        if date is not None:
            yield Hit(date.start(), date.end(), "DATE", where)
        return
    if name == "N":
        for part in _parts(text, vstart, vend)[:3]:
            yield from _names(text, part, person, where)
        return
    if name == "FN":
        yield from _names(text, (vstart, vend), person, where)
        return
    if name == "ADR":
        for part_label, part in zip(spec.address, _parts(text, vstart, vend), strict=False):
            if part_label:
                for a, b in _pieces(text, part):
                    found = hit(text, a, b, part_label, where)
                    if found is not None:
                        yield found
        return
    if name not in spec.values:
        return
    label = spec.values[name]
    if name == "TEL" and "FAX" in line.group("params").upper():
        label = "FAX"
    if name in {"ORG", "PRODID"}:
        yield from _organisation(text, vstart, vend, name, label, where)
        return
    if name == "UID":
        at = text.find("@", vstart, vend)
        vend = at if at > 0 else vend
        if not any(ch.isdigit() for ch in text[vstart:vend]):
            return
    uri = _URI.match(text, vstart, vend)
    found = hit(text, uri.end() if uri else vstart, vend, label, where)
    if found is not None:
        yield found


def _common_name(
    text: str, line: re.Match[str], params: Mapping[str, re.Match[str]], name: str, where: str
) -> Iterator[Hit]:
    """The ``CN=`` of an organiser or attendee (a name), and its ``mailto:`` address."""
    from fairdeid.detect.structured.fields import _value

    cn = params.get("CN")
    kind = params.get("CUTYPE")
    if cn is not None and (kind is None or kind.group(2).strip('"').upper() in {
            "INDIVIDUAL", "UNKNOWN"}):
        base = line.start("params")
        a, b = base + cn.start(2), base + cn.end(2)
        if text[a:b].startswith('"'):
            a, b = a + 1, b - 1
        label = "DOCTOR" if name == "ORGANIZER" else "PATIENT"
        found = _value(text, a, b, label, name.casefold())
        if found is not None:
            yield Hit(found.start, found.end, found.label, where + ".CN")
    vstart, vend = line.span("value")
    uri = _URI.match(text, vstart, vend)
    if uri is not None and "@" in text[uri.end():vend]:
        found = hit(text, uri.end(), vend, "EMAIL", where)
        if found is not None:
            yield found


def _names(text: str, part: tuple[int, int], person: str, where: str) -> Iterator[Hit]:
    from fairdeid.detect.structured.fields import _value

    for a, b in _pieces(text, part):
        found = _value(text, a, b, person, "name")
        if found is not None:
            yield Hit(found.start, found.end, found.label, where)


def _organisation(
    text: str, start: int, end: int, name: str, label: str, where: str
) -> Iterator[Hit]:
    """``ORG:`` name;unit;unit (the name), ``PRODID:-//Owner//Product//Language`` (the owner:
    the hospital or authority whose system wrote the file; the product is software)."""
    if name == "PRODID":
        fields = text[start:end].split("//")
        if len(fields) < 3:
            return
        start = start + len(fields[0]) + 2
        end = start + len(fields[1])
    else:
        start, end = _parts(text, start, end)[0]
    found = hit(text, start, end, label, where)
    if found is not None and any(ch.isalpha() for ch in text[found.start:found.end]):
        yield found


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The ";"-separated parts of a structured value (an escaped "\\;" stays inside)."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _PARTS.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return out


def _pieces(text: str, part: tuple[int, int]) -> list[tuple[int, int]]:
    """A part cut at its escaped commas ("Barrio Pointeen\\, costado sur"): the escape is
    syntax, no PHI, and each piece is a value of its own."""
    out: list[tuple[int, int]] = []
    pos = part[0]
    for m in _PIECES.finditer(text, *part):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, part[1]))
    return out
