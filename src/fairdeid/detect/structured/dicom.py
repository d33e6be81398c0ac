"""DICOM header dumps pasted into a note, labelled by the attribute's tag.

Why by tag: a PACS export or a dcmdump printed into a radiology note puts each attribute on a
line, "(0010,0010) PN [ZENGIN^ROJHAT]  # 14, 1 PatientName"; the tag says what the value is
(DICOM PS3.6), the same whatever language the note is in, while the value has no sentence
around it and its name parts are glued by "^". Which tags carry PHI is data
(``data/dicom.toml``); the three printing styles read are dcmdump and gdcmdump (value in
square brackets), pydicom (``PN: 'FAMILY^GIVEN'``) and a bare value after the value
representation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from fairdeid.detect.structured.common import Hit, hit
from fairdeid.detect.structured.specs import SpecFile

#: a dump line: the tag, then the rest of the line
_LINE = re.compile(
    r"^[ \t>|]*\([ \t]*(?P<group>[0-9A-Fa-f]{4}),[ \t]*(?P<element>[0-9A-Fa-f]{4})[ \t]*\)"
    r"(?P<rest>[^\n]*)", re.MULTILINE)
#: the value of the rest of a line: in square brackets (dcmdump), quoted after "VR:"
#: (pydicom), or bare after a two-letter value representation, up to a "#" comment
_BRACKETED = re.compile(r"^[ \t]*(?:[A-Z]{2}[ \t]+)?(?:\([^)]*\)[ \t]+)?\[(?P<value>[^\]\n]*)\]")
_QUOTED = re.compile(r"[A-Z]{2}:[ \t]*(?P<quote>['\"])(?P<value>.*?)(?P=quote)")
_BARE = re.compile(r"^[ \t]*[A-Z]{2}[ \t]+(?P<value>[^#\n\[(]*?)[ \t]*(?:#|$)")
#: value representations that hold a person name
_NAMES = frozenset({"PATIENT", "DOCTOR"})
#: an age string (AS): three digits and a unit, "091Y"; only the number is an age, and only
#: from 90 on is it PHI (HIPAA), so a younger patient's age is not read
_AGE = re.compile(r"[ \t]*(\d{1,3})[ \t]*Y?[ \t]*$")
_MIN_AGE = 90


@lru_cache(maxsize=1)
def load_spec() -> Mapping[str, str]:
    """The packaged tag table, ``"GGGG,EEEE" -> label``, checked once."""
    return {tag.upper(): label for tag, label in SpecFile("dicom.toml").labels("tags").items()}


def find(text: str, spec: Mapping[str, str] | None = None) -> list[Hit]:
    """Every listed attribute's value on every DICOM dump line of ``text``."""
    spec = spec if spec is not None else load_spec()
    hits: list[Hit] = []
    for line in _LINE.finditer(text):
        tag = f"{line.group('group')},{line.group('element')}".upper()
        label = spec.get(tag)
        if label is None:
            continue
        rest = line.start("rest")
        value = (_BRACKETED.match(line.group("rest")) or _QUOTED.search(line.group("rest"))
                 or _BARE.match(line.group("rest")))
        if value is None:
            continue
        start, end = rest + value.start("value"), rest + value.end("value")
        where = f"dicom.{tag.replace(',', '-')}"
        if label in _NAMES:
            hits.extend(_name_parts(text, start, end, label, where))
        elif label == "AGE":
            age = _AGE.match(text, start, end)
            if age is not None and age.end() == end and int(age.group(1)) >= _MIN_AGE:
                hits.append(Hit(age.start(1), age.end(1), label, where))
        elif label != "DATE" or any(ch.isdigit() for ch in text[start:end]):
            found = hit(text, start, end, label, where)
            if found is not None:
                hits.append(found)
    return hits


def _name_parts(text: str, start: int, end: int, label: str, where: str) -> list[Hit]:
    """Family, given and middle name of a PN value, one span each (repetitions split at
    backslash, name groups at "="); prefix and suffix ("Dre", "MD") stay out."""
    out: list[Hit] = []
    pos = start
    for person in re.split(r"([\\=])", text[start:end]):
        if person not in ("\\", "="):
            part_start = pos
            for index, part in enumerate(person.split("^")):
                if index < 3:
                    found = hit(text, part_start, part_start + len(part), label, where)
                    if found is not None and any(ch.isalpha() for ch in part):
                        out.append(found)
                part_start += len(part) + 1
        pos += len(person)
    return out
