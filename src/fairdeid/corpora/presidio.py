"""Presidio-research JSON: a list of ``{full_text, spans: [{entity_type, entity_value,
start_position, end_position}], template_id?, metadata?}``.

Presidio's entity types are coarser (PERSON) or differently cut (STREET_ADDRESS runs from house
number to country) than i2b2's, so some map to a coarse label: PERSON -> NAME, GPE -> LOCATION.
TITLE ("Dr.", "Mr." and job titles alike) and NRP (nationality, religion, politics) are no i2b2
identifiers: they map to OTHER so a preset can still choose to remove them. Every type present in
``synth_dataset_v2.json`` is covered, plus the predefined recognisers' types; anything else raises
``UnknownLabelError`` unless the caller extends the map.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from fairdeid.document import Document, Span
from fairdeid.errors import FairdeidError, InvalidSpanError, RecordError, UnknownLabelError
from fairdeid.taxonomy import coarse, is_label

PRESIDIO_LABELS: dict[str, str] = {
    "PERSON": "NAME",
    "TITLE": "OTHER",
    "NRP": "OTHER",
    "NATIONALITY": "OTHER",
    "STREET_ADDRESS": "STREET",
    "ADDRESS": "STREET",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "CITY": "CITY",
    "STATE": "STATE",
    "COUNTRY": "COUNTRY",
    "ZIP_CODE": "ZIP",
    "ORGANIZATION": "ORGANIZATION",
    "ORG": "ORGANIZATION",
    "HOSPITAL": "HOSPITAL",
    "DATE_TIME": "DATE",
    "DATE": "DATE",
    "AGE": "AGE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "DOMAIN_NAME": "URL",
    "IP_ADDRESS": "IPADDR",
    "US_SSN": "SSN",
    "CREDIT_CARD": "ACCOUNT",
    "IBAN_CODE": "ACCOUNT",
    "US_BANK_NUMBER": "ACCOUNT",
    "CRYPTO": "ACCOUNT",
    "US_DRIVER_LICENSE": "LICENSE",
    "MEDICAL_LICENSE": "LICENSE",
    "US_PASSPORT": "IDNUM",
    "US_ITIN": "IDNUM",
    "UK_NHS": "MEDICALRECORD",
    "MRN": "MEDICALRECORD",
    "MEDICAL_RECORD": "MEDICALRECORD",
    "OTHER": "OTHER",
    "ID": "IDNUM",
}

#: fairdeid label -> Presidio entity type, for writing.
PRESIDIO_OUT: dict[str, str] = {
    "NAME": "PERSON",
    "PATIENT": "PERSON",
    "DOCTOR": "PERSON",
    "USERNAME": "PERSON",
    "PROFESSION": "TITLE",
    "LOCATION": "LOCATION",
    "ROOM": "LOCATION",
    "DEPARTMENT": "ORGANIZATION",
    "HOSPITAL": "ORGANIZATION",
    "ORGANIZATION": "ORGANIZATION",
    "STREET": "STREET_ADDRESS",
    "CITY": "GPE",
    "STATE": "GPE",
    "COUNTRY": "GPE",
    "ZIP": "ZIP_CODE",
    "LOCATION_OTHER": "LOCATION",
    "AGE": "AGE",
    "DATE": "DATE_TIME",
    "CONTACT": "PHONE_NUMBER",
    "PHONE": "PHONE_NUMBER",
    "FAX": "PHONE_NUMBER",
    "EMAIL": "EMAIL_ADDRESS",
    "URL": "URL",
    "IPADDR": "IP_ADDRESS",
    "SSN": "US_SSN",
    "MEDICALRECORD": "MEDICAL_RECORD",
    "HEALTHPLAN": "ID",
    "ACCOUNT": "US_BANK_NUMBER",
    "LICENSE": "US_DRIVER_LICENSE",
    "VEHICLE": "ID",
    "DEVICE": "ID",
    "BIOID": "ID",
    "IDNUM": "ID",
    "ID": "ID",
    "OTHER": "OTHER",
}


def _map(entity_type: str, label_map: Mapping[str, str], where: str) -> str:
    target = label_map.get(entity_type)
    if target is None and is_label(entity_type):
        target = entity_type
    if target is None or not is_label(target):
        raise UnknownLabelError(
            f"{where}: Presidio entity type {entity_type!r} has no mapping to the fairdeid taxonomy"
        )
    return target


def _record(
    item: Any, i: int, where: str, label_map: Mapping[str, str], check_text: bool
) -> Document:
    loc = f"{where}[{i}]"
    if not isinstance(item, Mapping) or not isinstance(item.get("full_text"), str):
        raise RecordError(loc, "record is not an object with a 'full_text' string")
    text: str = item["full_text"]
    spans: list[Span] = []
    for j, raw in enumerate(item.get("spans") or []):
        sloc = f"{loc}.spans[{j}]"
        try:
            etype = str(raw["entity_type"])
            start, end = int(raw["start_position"]), int(raw["end_position"])
        except (KeyError, TypeError, ValueError):
            raise RecordError(sloc, "span lacks entity_type/start_position/end_position") from None
        label = _map(etype, label_map, sloc)
        if not 0 <= start < end <= len(text):
            raise RecordError(sloc, f"offsets [{start}, {end}) outside the text")
        value = raw.get("entity_value")
        if check_text and value is not None and value != text[start:end]:
            raise RecordError(sloc, "entity_value does not match the text slice")
        attrs = {"corpus_label": etype} if etype != label else {}
        spans.append(Span(start, end, label, attrs=attrs))
    meta: dict[str, Any] = {}
    if item.get("template_id") is not None:
        meta["template_id"] = item["template_id"]
    if isinstance(item.get("metadata"), Mapping):
        meta.update(item["metadata"])
    doc_id = str(item.get("id") or f"{Path(where).stem}-{i}")
    try:
        return Document(id=doc_id, text=text, meta=meta, spans=tuple(spans))
    except InvalidSpanError as exc:
        raise RecordError(loc, str(exc)) from None


def iter_presidio(
    path: str | Path,
    *,
    label_map: Mapping[str, str] | None = None,
    check_text: bool = True,
) -> Iterator[Document | RecordError]:
    """Yield a ``Document`` per record (id ``<file stem>-<index>``) or a ``RecordError``.

    ``label_map`` entries extend or override ``PRESIDIO_LABELS``.
    """
    path = Path(path)
    mapping = {**PRESIDIO_LABELS, **(label_map or {})}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FairdeidError(f"{path.name}: cannot read ({type(exc).__name__})") from None
    except json.JSONDecodeError as exc:
        raise FairdeidError(f"{path.name}: malformed JSON (line {exc.lineno})") from None
    if not isinstance(data, list):
        raise FairdeidError(f"{path.name}: expected a JSON list of records")
    for i, item in enumerate(data):
        try:
            yield _record(item, i, path.name, mapping, check_text)
        except RecordError as exc:
            yield exc


def to_presidio(doc: Document, label_out: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One document as a Presidio-research record. A span read from Presidio keeps its type."""
    out_map = {**PRESIDIO_OUT, **(label_out or {})}
    spans = []
    for s in doc.spans:
        etype = s.attrs.get("corpus_label")
        if (
            not isinstance(etype, str)
            or etype not in PRESIDIO_LABELS
            or (
                PRESIDIO_LABELS[etype] != s.label
                and coarse(PRESIDIO_LABELS[etype]) != coarse(s.label)
            )
        ):
            etype = out_map.get(s.label, s.label)
        spans.append(
            {
                "entity_type": etype,
                "entity_value": doc.span_text(s),
                "start_position": s.start,
                "end_position": s.end,
            }
        )
    record: dict[str, Any] = {"id": doc.id, "full_text": doc.text, "spans": spans}
    if "template_id" in doc.meta:
        record["template_id"] = doc.meta["template_id"]
    rest = {k: v for k, v in doc.meta.items() if k != "template_id"}
    record["metadata"] = rest or None
    return record


def write_presidio(docs: Iterable[Document], path: str | Path) -> int:
    """Write a Presidio-research JSON list; returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    records = [to_presidio(d) for d in docs]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(records)
