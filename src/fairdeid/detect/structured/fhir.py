"""FHIR JSON fragments pasted into a note, labelled by the element that holds each value.

Why by element: in FHIR a value's meaning is its path (``Patient.name.family``,
``Patient.telecom.value`` with ``system = "email"``), the same whatever the language of the
values, and JSON quoting hides names from the prose rules ("family":"Lleshi"). Which elements
carry PHI is data (``data/fhir.toml``). A block is read when a ``{`` is followed by a quoted key;
``jsonscan`` reads it as far as it parses, with the raw offsets of every string, so spans land on
the characters of the note whatever the escapes and whitespace.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from fairdeid.detect.structured import hl7
from fairdeid.detect.structured.common import Hit, name_hit
from fairdeid.detect.structured.jsonscan import Obj, Str, Value, objects
from fairdeid.detect.structured.specs import SpecFile, check_label


@dataclass(frozen=True)
class FhirSpec:
    """The elements of ``data/fhir.toml``."""

    dates: frozenset[str]
    periods: frozenset[str]
    person_resources: Mapping[str, str]
    named_resources: Mapping[str, str]
    references: Mapping[str, str]
    reference_elements: Mapping[str, str]
    resource_ids: Mapping[str, str]
    address: Mapping[str, str]
    telecom: Mapping[str, str]
    identifier_oids: Mapping[str, str]
    identifier_words: tuple[tuple[str, tuple[str, ...]], ...]


@lru_cache(maxsize=1)
def load_spec() -> FhirSpec:
    """The packaged element table, checked once."""
    t = SpecFile("fhir.toml")
    words = tuple(
        (check_label(label, t.where("identifier_words")), tuple(str(w) for w in ws))
        for label, ws in t.get("identifier_words", default={}).items()
    )
    return FhirSpec(
        dates=t.words("dates"),
        periods=t.words("periods"),
        **{name: t.labels(name) for name in (
            "person_resources", "named_resources", "references", "reference_elements",
            "resource_ids", "address", "telecom", "identifier_oids")},
        identifier_words=words,
    )


def find(text: str, spec: FhirSpec | None = None) -> list[Hit]:
    """Every PHI value of every JSON object (``{"key": ...}``) in ``text``."""
    spec = spec or load_spec()
    hits: list[Hit] = []
    for _start, root in objects(text):
        walker = _Walker(text, spec)
        walker.node(root, "", "", "")
        hits.extend(walker.hits)
    return hits


def _items(value: Value) -> Iterator[Obj]:
    """The objects of an element that may be one object or a list of them."""
    if isinstance(value, Obj):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Obj):
                yield item


def _strings(value: Value) -> Iterator[Str]:
    if isinstance(value, Str):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Str):
                yield item


class _Walker:
    def __init__(self, text: str, spec: FhirSpec) -> None:
        self.text = text
        self.spec = spec
        self.hits: list[Hit] = []

    def add(self, value: Str, label: str, where: str) -> None:
        found = name_hit(self.text, value.start, value.end, label, f"fhir.{where}")
        if found is not None and (label != "DATE" or any(c.isdigit() for c in value.value)):
            self.hits.append(found)

    def node(self, value: Value, key: str, resource: str, path: str) -> None:
        if isinstance(value, list):
            for item in value:
                self.node(item, key, resource, path)
        elif isinstance(value, Obj):
            self.obj(value, key, resource, path)

    def obj(self, obj: Obj, key: str, resource: str, path: str) -> None:
        kind = obj.get("resourceType")
        own = isinstance(kind, Str)
        if isinstance(kind, Str):
            resource, path = kind.value, kind.value
        spec = self.spec
        self.reference(obj, key, path)
        for name, value in obj.items():
            where = f"{path}.{name}" if path else name
            if name == "name":
                self.name(value, resource, where)
            elif name in spec.dates:
                for s in _strings(value):
                    self.add(s, "DATE", where)
            elif name in spec.periods:
                for period in _items(value):
                    for end in ("start", "end"):
                        for s in _strings(period.get(end)):
                            self.add(s, "DATE", f"{where}.{end}")
            elif name == "address":
                self.address(value, where)
            elif name == "telecom":
                self.telecom(value, where)
            elif name == "identifier":
                self.identifier(value, where)
            elif name == "id" and own and resource in spec.resource_ids:
                for s in _strings(value):
                    self.add(s, spec.resource_ids[resource], where)
            self.node(value, name, resource, where)

    def name(self, value: Value, resource: str, where: str) -> None:
        if isinstance(value, Str):
            label = self.spec.named_resources.get(resource)
            if label is not None:
                self.add(value, label, where)
            return
        label = self.spec.person_resources.get(resource, "PATIENT")
        for human in _items(value):
            for part in ("family", "given", "text"):
                for s in _strings(human.get(part)):
                    self.add(s, label, f"{where}.{part}")

    def address(self, value: Value, where: str) -> None:
        for address in _items(value):
            for part, label in self.spec.address.items():
                for s in _strings(address.get(part)):
                    self.add(s, label, f"{where}.{part}")

    def telecom(self, value: Value, where: str) -> None:
        for point in _items(value):
            system = point.get("system")
            kind = system.value.strip().lower() if isinstance(system, Str) else ""
            label = self.spec.telecom.get(kind, "PHONE")
            for s in _strings(point.get("value")):
                self.add(s, "EMAIL" if "@" in s.value and label == "PHONE" else label,
                         f"{where}.value")

    def identifier(self, value: Value, where: str) -> None:
        for ident in _items(value):
            label = self.identifier_label(ident)
            for s in _strings(ident.get("value")):
                self.add(s, label, f"{where}.value")

    def identifier_label(self, ident: Obj) -> str:
        system = ident.get("system")
        system_text = system.value.strip() if isinstance(system, Str) else ""
        oid = system_text.removeprefix("urn:oid:")
        if oid in self.spec.identifier_oids:
            return self.spec.identifier_oids[oid]
        codes: list[str] = []
        texts = [system_text.lower()]
        for kind in _items(ident.get("type")):
            texts.extend(s.value.lower() for s in _strings(kind.get("text")))
            for coding in _items(kind.get("coding")):
                codes.extend(s.value for s in _strings(coding.get("code")))
                texts.extend(s.value.lower() for s in _strings(coding.get("display")))
        for code in codes:
            label = hl7.load_spec().id_label(code, "")
            if label:
                return label
        for label, words in self.spec.identifier_words:
            if any(word in text for text in texts for word in words):
                return label
        return "IDNUM"

    def reference(self, obj: Obj, key: str, path: str) -> None:
        """A Reference's display (and the id of a person's or a stay's reference)."""
        ref = obj.get("reference")
        target = ref.value.split("/")[-2] if isinstance(ref, Str) and "/" in ref.value else ""
        display = obj.get("display")
        if isinstance(display, Str):
            label = self.spec.references.get(target) or self.spec.reference_elements.get(key)
            if label is not None:
                self.add(display, label, f"{path}.display")
        if isinstance(ref, Str) and target in self.spec.resource_ids:
            cut = ref.value.rfind("/") + 1
            if ref.end - ref.start == len(ref.value):  # no escapes: offsets map one to one
                self.add(Str(ref.value[cut:], ref.start + cut, ref.end),
                         self.spec.resource_ids[target], f"{path}.reference")
