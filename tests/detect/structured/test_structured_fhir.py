"""FHIR JSON fragments, labelled by element; resources written for these tests."""

from __future__ import annotations

import json

import pytest

from fairdeid.detect.structured import fhir
from fairdeid.detect.structured.jsonscan import Obj, Str, parse_object


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(h.label, text[h.start : h.end], h.where) for h in fhir.find(text)]


PATIENT = {
    "resourceType": "Patient",
    "id": "pat-5531",
    "identifier": [
        {"system": "urn:oid:2.16.840.1.113883.4.1", "value": "078-05-1120"},
        {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                              "code": "MR"}]}, "value": "H-00991"},
        {"system": "https://insurer.example/member-id", "value": "MBR7781"},
        {"system": "https://registry.example/other", "value": "Z-12"},
    ],
    "name": [{"use": "official", "family": "Haddad", "given": ["Rania", "Leila"],
              "prefix": ["Ms"]}],
    "telecom": [{"system": "phone", "value": "+1 555 010 2233"},
                {"system": "email", "value": "rania@example.net"},
                {"system": "fax", "value": "555-010-9999"}],
    "birthDate": "1985-02-17",
    "deceasedDateTime": "2025-01-09T22:15:00-05:00",
    "address": [{"line": ["88 Harbor Lane", "Unit 4"], "city": "Port Ellis", "state": "ME",
                 "postalCode": "04011", "country": "US"}],
    "generalPractitioner": [{"reference": "Practitioner/pr-7", "display": "Dr Tomas Riedel"}],
    "managingOrganization": {"reference": "Organization/org-2",
                             "display": "Harbor Family Clinic"},
}


def test_patient_elements() -> None:
    text = "Patient record: " + json.dumps(PATIENT) + " end."
    found = _found(text)
    assert ("SSN", "078-05-1120", "fhir.Patient.identifier.value") in found  # SSN OID
    assert ("MEDICALRECORD", "H-00991", "fhir.Patient.identifier.value") in found  # type MR
    assert ("HEALTHPLAN", "MBR7781", "fhir.Patient.identifier.value") in found
    assert ("IDNUM", "Z-12", "fhir.Patient.identifier.value") in found
    assert ("IDNUM", "pat-5531", "fhir.Patient.id") in found
    assert ("PATIENT", "Haddad", "fhir.Patient.name.family") in found
    assert ("PATIENT", "Rania", "fhir.Patient.name.given") in found
    assert ("PATIENT", "Leila", "fhir.Patient.name.given") in found
    assert ("PHONE", "+1 555 010 2233", "fhir.Patient.telecom.value") in found
    assert ("EMAIL", "rania@example.net", "fhir.Patient.telecom.value") in found
    assert ("FAX", "555-010-9999", "fhir.Patient.telecom.value") in found
    assert ("DATE", "1985-02-17", "fhir.Patient.birthDate") in found
    assert ("DATE", "2025-01-09T22:15:00-05:00", "fhir.Patient.deceasedDateTime") in found
    assert ("STREET", "88 Harbor Lane", "fhir.Patient.address.line") in found
    assert ("STREET", "Unit 4", "fhir.Patient.address.line") in found
    assert ("CITY", "Port Ellis", "fhir.Patient.address.city") in found
    assert ("STATE", "ME", "fhir.Patient.address.state") in found
    assert ("ZIP", "04011", "fhir.Patient.address.postalCode") in found
    assert ("COUNTRY", "US", "fhir.Patient.address.country") in found
    assert ("DOCTOR", "Dr Tomas Riedel", "fhir.Patient.generalPractitioner.display") in found
    assert ("ORGANIZATION", "Harbor Family Clinic",
            "fhir.Patient.managingOrganization.display") in found
    texts = {t for _, t, _ in found}
    assert not texts & {"Ms", "official", "phone", "email", "Patient", "MR"}


def test_practitioner_names_are_doctors_and_observation_dates() -> None:
    text = json.dumps({"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "Practitioner", "name": [{"text": "Amara Osei"}]}},
        {"resource": {"resourceType": "Observation", "effectiveDateTime": "2024-06-01T08:30",
                      "subject": {"reference": "Patient/p-1", "display": "Noor Haddad"},
                      "performer": [{"display": "Lee Chen"}],
                      "valueQuantity": {"value": 7.2, "unit": "mmol/L"}}},
    ]})
    found = _found(text)
    assert ("DOCTOR", "Amara Osei", "fhir.Practitioner.name.text") in found
    assert ("DATE", "2024-06-01T08:30", "fhir.Observation.effectiveDateTime") in found
    assert ("PATIENT", "Noor Haddad", "fhir.Observation.subject.display") in found
    assert ("IDNUM", "p-1", "fhir.Observation.subject.reference") in found
    assert ("DOCTOR", "Lee Chen", "fhir.Observation.performer.display") in found
    assert "mmol/L" not in {t for _, t, _ in found}


def test_offsets_survive_escapes_and_whitespace() -> None:
    text = ('note\n{ "resourceType" : "Patient",\n  "name" : [ { "family" : "M\\u00fcller\\"s" ,'
            '\n "given":[ "J\\u00f6rg" ] } ] }\n')
    found = _found(text)
    assert ("PATIENT", 'M\\u00fcller\\"s', "fhir.Patient.name.family") in found
    assert ("PATIENT", "J\\u00f6rg", "fhir.Patient.name.given") in found


def test_string_values_are_decoded_for_the_reading() -> None:
    text = '{"system": "\\u0065mail", "value": "x@example.org"}'
    root = parse_object(text, 0)
    system = root["system"]
    assert isinstance(system, Str) and system.value == "email"
    assert text[system.start : system.end] == "\\u0065mail"


def test_a_fragment_cut_off_keeps_what_it_completed() -> None:
    text = ('{"resourceType": "Patient", "name": [{"family": "Ibarra", "given": ["Sol"]}], '
            '"birthDate": "1950-07-0')
    found = _found(text)
    assert ("PATIENT", "Ibarra", "fhir.Patient.name.family") in found
    assert ("PATIENT", "Sol", "fhir.Patient.name.given") in found


def test_nearly_json_trailing_commas() -> None:
    text = '{"resourceType": "Patient", "birthDate": "2001-12-24", "name": [{"family": "Park",},],}'
    found = _found(text)
    assert ("DATE", "2001-12-24", "fhir.Patient.birthDate") in found
    assert ("PATIENT", "Park", "fhir.Patient.name.family") in found


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"',
        '{"a"',
        '{"a":',
        '{"a": [',
        '{"a": [{"b": }]}',
        '{"name": {"family": 12}}',
        '{"name": "x"} {"telecom": [1, 2, "3"]}',
        '{"a": "unterminated\n"}',
        '{"a": tru}',
        "{" * 500 + '"x": 1',
        '{"a": "\\uZZZZ"}',
        "set {x} in prose, and {braces} without quotes",
    ],
)
def test_json_that_does_not_parse_never_raises(text: str) -> None:
    for h in fhir.find(text):
        assert 0 <= h.start < h.end <= len(text)


def test_other_json_names_are_not_people() -> None:
    text = '{"resourceType": "Medication", "name": "Amoxicillin", "code": {"text": "AMOX"}}'
    assert _found(text) == []


def test_parse_object_reports_where_it_ended() -> None:
    text = '{"a": {"b": "c"}} tail'
    root = parse_object(text, 0)
    assert isinstance(root, Obj) and root.end == text.index(" tail")
