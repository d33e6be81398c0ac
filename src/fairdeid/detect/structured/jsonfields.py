"""Hand-made JSON exports pasted into a note, labelled by key.

Why: an app's or a middleware's JSON ("patient": {"zip": "3097", "memberNo": "3108.4471.20",
"acknowledgedBy": "zbindenm"}) is no FHIR resource, so the FHIR reader, which reads elements
by the standard's paths, leaves it alone; but each key says what its value is, in the words
of whoever wrote the schema, as a column header or an XML element does. Keys are looked up in
the header words of tables and export fields, camel case and "_" split ("birthCountry" =
"birth country"), and a value gets the shape checks of an export field. As in a table, a weak
key ("name") counts only beside a strong one in the same object. A JSON block with a
``resourceType`` is FHIR and is read by ``fhir.py`` alone.
"""

from __future__ import annotations

import re

from fairdeid.detect.structured.common import Hit
from fairdeid.detect.structured.jsonscan import Obj, Str, Value, objects
from fairdeid.detect.structured.tables import HeaderWords

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|[_\d.-]+")


def find(text: str, headers: HeaderWords) -> list[Hit]:
    """Every string value of a non-FHIR JSON object whose key is a known header."""
    hits: list[Hit] = []
    for start, root in objects(text):
        if '"resourceType"' not in text[start : max(root.end, start + 1)]:
            hits.extend(_object(text, root, headers))
    return hits


def _object(text: str, obj: Obj, headers: HeaderWords) -> list[Hit]:
    found: list[tuple[Hit, bool]] = []
    nested: list[Hit] = []
    for key, value in obj.items():
        for child in _children(value):
            nested.extend(_object(text, child, headers))
        match = headers.label(_CAMEL.sub(" ", key))
        if match is None:
            continue
        label, entry, weak = match
        for string in _strings(value):
            hit = _value(text, string, label, entry)
            if hit is not None:
                found.append((hit, weak))
    strong = any(not weak for _, weak in found)
    return [h for h, weak in found if strong or not weak] + nested


def _value(text: str, string: Str, label: str, entry: str) -> Hit | None:
    from fairdeid.detect.structured.fields import _value as field_value

    if string.start >= string.end:
        return None
    found = field_value(text, string.start, string.end, label, entry)
    if found is None:
        return None
    return Hit(found.start, found.end, found.label, "json." + entry.replace(" ", "_"))


def _children(value: Value) -> list[Obj]:
    if isinstance(value, Obj):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Obj)]
    return []


def _strings(value: Value) -> list[Str]:
    if isinstance(value, Str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Str)]
    return []
