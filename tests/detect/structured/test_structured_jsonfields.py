"""Hand-made (non-FHIR) JSON read by key, with the header words of tables (invented export)."""

from __future__ import annotations

from fairdeid.detect.structured import jsonfields, tables

EXPORT = (
    '{ "alertId": "AL-77120", "patient": { "lastName": "Oyelaran", "birthDate": "1957-02-19",\n'
    '  "address": { "street": "Ringstrasse 14", "zip": "8600", "canton": "ZH" },\n'
    '  "insurer": { "name": "Helvetia Gesundheit", "memberNo": "7741.2209.18" } },\n'
    '  "device": { "model": "BP-612", "firmware": "2.4.1" }, "closedBy": "akeller3" }\n'
)


def _found(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in jsonfields.find(text, tables.load_headers())]


def test_values_by_key_in_nested_objects() -> None:
    found = _found(EXPORT)
    assert ("PATIENT", "Oyelaran") in found and ("DATE", "1957-02-19") in found
    assert ("STREET", "Ringstrasse 14") in found and ("ZIP", "8600") in found
    assert ("STATE", "ZH") in found and ("IDNUM", "7741.2209.18") in found
    assert ("USERNAME", "akeller3") in found
    values = {v for _, v in found}
    assert not values & {"BP-612", "2.4.1"}


def test_fhir_is_left_to_its_reader_and_weak_keys_need_a_strong_one() -> None:
    assert _found('{"resourceType": "Patient", "name": [{"family": "Oyelaran"}]}') == []
    assert _found('{"drug": {"name": "Metformin", "dose": "500 mg"}}') == []
