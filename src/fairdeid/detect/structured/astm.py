"""ASTM E1394 (LIS2-A2) laboratory messages pasted into a note, labelled by record and field.

Why by position: a laboratory's interface log or a middleware trace shows what an analyser
sent, one record per frame ("<STX>2P|1||SI26115430||WISNIEWSKA^ZOFIA||20040611|F<CR>"): the
record type (H header, P patient, O order, R result) and the field number say what a value
is, the same in every language, while the value sits between bars and carets with no sentence
around it. Which fields carry PHI is data (``data/astm.toml``). A message is read only after
its header record, which defines the delimiters (``H|\\^&``): a line that merely starts with
"P|" is no ASTM record. Framing (``<STX>``, the frame number, ``<CR><ETX>`` and the checksum,
as control characters or printed as text) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from fairdeid.detect.structured.common import Hit, hit, split
from fairdeid.detect.structured.specs import SpecFile, typed

#: a record: optional frame start (STX as a character or printed) and frame number, the record
#: type, the field delimiter, then the fields up to the frame end or the line end
_RECORD = re.compile(
    r"^[ \t]*(?:<STX>|\x02)?[0-7]?(?P<type>[HPORCLQM])(?P<delim>[|])(?P<body>[^\n\r\x03]*?)"
    r"(?=<CR>|<ETX>|<ETB>|\x03|\r|$)", re.MULTILINE)
_HEADER = re.compile(r"(?:<STX>|\x02|^)[ \t]*[0-7]?H\|\\\^&", re.MULTILINE)
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_PHONE = re.compile(r"\+?[\d ()./-]{6,}")
_TYPES = frozenset({"ID", "NAME", "DATE", "ADDRESS", "PHONE", "PARTS", "TEXT"})
_ADDRESS = ("STREET", "CITY", "STATE", "ZIP", "COUNTRY")

Reading = tuple[str, str]  # (type, label)


@lru_cache(maxsize=1)
def load_spec() -> Mapping[str, tuple[Reading, ...]]:
    """The packaged field table, ``"P-6" -> ((type, label), ...)``, checked once."""
    t = SpecFile("astm.toml")
    return {str(field): tuple(typed(entry, _TYPES, f"{t.where('fields')} {field}")
                              for entry in (value if isinstance(value, list) else [value]))
            for field, value in t.get("fields", default={}).items()}


def find(text: str, spec: Mapping[str, tuple[Reading, ...]] | None = None) -> list[Hit]:
    """Every listed field of every ASTM record after a message header in ``text``."""
    header = _HEADER.search(text)
    if header is None:
        return []
    spec = spec if spec is not None else load_spec()
    hits: list[Hit] = []
    for record in _RECORD.finditer(text, header.start()):
        kind = record.group("type")
        fields = split(text, record.start("body"), record.end("body"), "|")
        for number, (start, end) in enumerate(fields, start=2):
            readings = spec.get(f"{kind}-{number}")
            if readings and text[start:end].strip():
                where = f"astm.{kind}-{number}"
                for reading in readings:
                    found = list(_read(text, start, end, reading, where))
                    if found:
                        hits.extend(found)
                        break
    return hits


def _read(text: str, start: int, end: int, reading: Reading, where: str) -> Iterator[Hit]:
    kind, label = reading
    value = text[start:end].split("\\")[0]  # the first repeat
    parts = split(text, start, start + len(value), "^")
    first = text[slice(*parts[0])]
    if kind == "DATE":
        date = _DATE.match(first.strip())
        if date is not None:
            offset = parts[0][0] + len(first) - len(first.lstrip())
            yield Hit(offset, offset + 8, "DATE", where)
    elif kind in {"ID", "TEXT"}:
        if kind == "TEXT" or any(ch.isdigit() for ch in first):
            found = hit(text, *parts[0], label, where)
            if found is not None:
                yield found
    elif kind == "PHONE":
        if _PHONE.fullmatch(first.strip()) and sum(ch.isdigit() for ch in first) >= 6:
            found = hit(text, *parts[0], "PHONE", where)
            if found is not None:
                yield found
    elif kind == "NAME":
        for a, b in parts[:4]:
            piece = text[a:b]
            if any(ch.isdigit() for ch in piece):
                found = hit(text, a, b, "IDNUM", where)
            elif any(ch.isalpha() for ch in piece):
                found = hit(text, a, b, label, where)
            else:
                found = None
            if found is not None:
                yield found
    elif kind == "ADDRESS":
        if any(ch.isalpha() for ch in value):
            for (a, b), part_label in zip(parts, _ADDRESS, strict=False):
                found = hit(text, a, b, part_label, where)
                if found is not None:
                    yield found
    elif kind == "PARTS":
        for a, b in parts[2:]:
            if any(ch.isdigit() for ch in text[a:b]):
                found = hit(text, a, b, label, where)
                if found is not None:
                    yield found
