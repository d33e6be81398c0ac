"""XML documents pasted into a note (HL7 CDA R2, KMEHR, hand-made exports), labelled by element.

Why by element: a CDA discharge letter or a lab system's XML export puts each value in an
element that says what it is (``<streetAddressLine>``, ``<birthTime value="19341120"/>``,
``<given>`` inside ``<assignedPerson>``), the same in every language, while the prose rules see
a name glued between tags and the learned models read the tags as words. Which elements carry
PHI is data (``data/xml.toml``); an element not listed there is looked up in the header words
of tables and export fields, so a hand-made export in a pack's language (``<Apellido1>``,
``<FechaNacimiento>``) is read with the same words as its table would be. A person's name is
DOCTOR inside a staff element (author, performer, ``hcparty``), PATIENT otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from fairdeid.detect.structured import fhir
from fairdeid.detect.structured.common import Hit, hit
from fairdeid.detect.structured.specs import SpecFile
from fairdeid.detect.structured.tables import HeaderWords

#: a start, end or empty tag: (slash, name, attributes, empty slash)
_TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)(/?)>")
_ATTR = re.compile(r"([A-Za-z_][\w.:-]*)=\"([^\"]*)\"")
#: camel case and digits split into words: "FechaNacimiento" -> "Fecha Nacimiento"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|[_\d]+")
_NAMES = frozenset({"PATIENT", "DOCTOR"})


@dataclass(frozen=True)
class XmlSpec:
    """The elements of ``data/xml.toml`` (local names, casefolded)."""

    names: frozenset[str]
    person_elements: frozenset[str]
    staff_elements: frozenset[str]
    organisations: Mapping[str, str]
    elements: Mapping[str, str]
    dates: frozenset[str]
    telecom: Mapping[str, str]
    coded: Mapping[str, str]


@lru_cache(maxsize=1)
def load_spec() -> XmlSpec:
    """The packaged element table, checked once."""
    t = SpecFile("xml.toml")
    return XmlSpec(
        names=t.words("names"),
        person_elements=t.words("person_elements"),
        staff_elements=t.words("staff_elements"),
        organisations=t.labels("organisations"),
        elements=t.labels("elements"),
        dates=t.words("dates", "elements"),
        telecom=t.labels("telecom"),
        coded=t.labels("coded"),
    )


def find(text: str, headers: HeaderWords, spec: XmlSpec | None = None) -> list[Hit]:
    """Every PHI value of the XML elements in ``text``."""
    from fairdeid.detect.structured.fields import _value

    spec = spec or load_spec()
    hits: list[Hit] = []
    stack: list[str] = []
    opened: list[int] = []  # where each element of ``stack`` starts: its identity
    # a weak header word (<Name>, <Fecha>) counts only beside a strong one in the same parent,
    # as in a headed table: <Name> alone is as often a drug's or a test's
    weak: list[tuple[int, Hit]] = []
    strong_parents: set[int] = set()
    tags = list(_TAG.finditer(text))
    for index, tag in enumerate(tags):
        closing, raw, attrs, empty = tag.groups()
        local = raw.rsplit(":", 1)[-1].casefold()
        if closing:
            if local in stack:  # pop to the element closed; a stray end tag is ignored
                while stack and stack.pop() != local:
                    opened.pop()
                opened.pop()
            continue
        hits.extend(_attributes(text, tag, local, stack, spec))
        if empty:
            continue
        stack.append(local)
        opened.append(tag.start())
        if len(stack) > 64:
            del stack[0], opened[0]
        nxt = tags[index + 1] if index + 1 < len(tags) else None
        if nxt is None or nxt.group(1) != "/" or nxt.group(2) != raw:
            continue  # no text of its own: a container
        start, end = tag.end(), nxt.start()
        if start >= end or "\n" in text[start:end]:
            continue
        label = _label(local, stack, spec, attrs)
        if label is None:
            whole = headers.whole(_CAMEL.sub(" ", raw.rsplit(":", 1)[-1]))
            if whole is None or whole[0] == "USERNAME":
                continue
            parent = opened[-2] if len(opened) >= 2 else -1
            found = _value(text, start, end, whole[0], whole[1])
            if whole[1] in headers.weak:
                if found is not None:
                    weak.append((parent, Hit(found.start, found.end, found.label, f"xml.{local}")))
                continue
            strong_parents.add(parent)
            if found is not None:
                hits.append(Hit(found.start, found.end, found.label, f"xml.{local}"))
            continue
        if label in _NAMES:
            found = _value(text, start, end, label, local)
            if found is not None:
                hits.append(Hit(found.start, found.end, label, f"xml.{local}"))
        elif (found := hit(text, start, end, label, f"xml.{local}")) is not None:
            hits.append(found)
    return hits + [found for parent, found in weak if parent in strong_parents]


def _person_label(stack: list[str], spec: XmlSpec) -> str:
    return "DOCTOR" if any(e in spec.staff_elements for e in stack) else "PATIENT"


def _label(local: str, stack: list[str], spec: XmlSpec, attrs: str) -> str | None:
    """The label of an element's text by its name and the elements around it."""
    if local in spec.names:
        return _person_label(stack, spec)
    if local == "name" and len(stack) >= 2:
        parent = stack[-2]
        if parent in spec.organisations:
            return spec.organisations[parent]
        if parent in spec.person_elements:
            return _person_label(stack, spec)
        return None
    if local in spec.elements:
        return spec.elements[local]
    if spec.coded and attrs:
        for key, value in _ATTR.findall(attrs):
            if key == "S" and value in spec.coded:
                return spec.coded[value]
    return None


def _attributes(
    text: str, tag: re.Match[str], local: str, stack: list[str], spec: XmlSpec
) -> list[Hit]:
    """The PHI in a tag's attributes: a timestamp's ``value``, a telecom's number, an
    identifier's ``extension`` (labelled by its root OID)."""
    attrs = tag.group(3)
    if not attrs or "=" not in attrs:
        return []
    found: list[Hit] = []
    base = tag.start(3)
    values = {m.group(1): m for m in _ATTR.finditer(attrs)}
    value = values.get("value")
    if value is not None and local in spec.dates and value.group(2)[:1].isdigit():
        found += _hit(text, base, value, "DATE", f"xml.{local}")
    elif value is not None and local == "telecom" and ":" in value.group(2):
        scheme = value.group(2).split(":", 1)[0].casefold()
        label = spec.telecom.get(scheme)
        if label is not None:
            found += _hit(text, base, value, label, f"xml.telecom.{scheme}",
                          skip=len(scheme) + 1)
    extension = values.get("extension")
    if local == "id" and extension is not None and any(c.isdigit() for c in extension.group(2)):
        root = values.get("root")
        oid = root.group(2).removeprefix("urn:oid:") if root is not None else ""
        label = fhir.load_spec().identifier_oids.get(oid, "IDNUM")
        found += _hit(text, base, extension, label, "xml.id.extension")
    return found


def _hit(text: str, base: int, attr: re.Match[str], label: str, where: str,
         skip: int = 0) -> list[Hit]:
    start, end = base + attr.start(2) + skip, base + attr.end(2)
    found = hit(text, start, end, label, where)
    return [] if found is None else [found]
