from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.corpora.mimic import MimicFiller, iter_mimic
from fairdeid.document import Document
from fairdeid.errors import ConfigError, RecordError
from fairdeid.taxonomy import is_label

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "corpora"
NOTES = FIXTURES / "mimic_notes.csv"

#: Every placeholder family the brief lists, with the label its surrogate must carry.
FAMILIES = {
    "First Name8 (NamePattern2) 1234": {"PATIENT", "DOCTOR"},
    "Last Name (NamePattern1) 5678": {"PATIENT", "DOCTOR"},
    "Known lastname 123": {"PATIENT"},
    "Known firstname 7": {"PATIENT"},
    "Doctor First Name 12": {"DOCTOR"},
    "Doctor Last Name 34": {"DOCTOR"},
    "Name (NI) 99": {"PATIENT", "DOCTOR"},
    "2101-3-4": {"DATE"},
    "3-4": {"DATE"},
    "2101": {"DATE"},
    "Month (only) 11": {"DATE"},
    "Hospital1 18": {"HOSPITAL"},
    "Hospital Unit Name 1": {"DEPARTMENT"},
    "Location (un) 123": {"CITY"},
    "Street Address(2) 45": {"STREET"},
    "State 12": {"STATE"},
    "Country 9": {"COUNTRY"},
    "Telephone/Fax (1) 5678": {"PHONE"},
    "Medical Record Number 12": {"MEDICALRECORD"},
    "Serial Number 3": {"DEVICE"},
    "Age over 90 ": {"AGE"},
    "E-mail address 12": {"EMAIL"},
    "URL 1": {"URL"},
    "Social Security Number 1": {"SSN"},
    "Unit Number (1) 2": {"MEDICALRECORD"},
    "Job Number 123": {"IDNUM"},
    "Pager number 1": {"PHONE"},
    "Company 3": {"ORGANIZATION"},
    "College 4": {"ORGANIZATION"},
    "Holiday 5": {"DATE"},
    "Clip Number (Radiology) 1": {"IDNUM"},
    "Initials (NamePattern4) 12": {"PATIENT", "DOCTOR"},
    "Apartment Address(1) 1": {"STREET"},
    "Numeric Identifier 2": {"IDNUM"},
    "Wardname 3": {"DEPARTMENT"},
    "Dictator Info 1": {"DOCTOR"},
    "Attending Info 2": {"DOCTOR"},
    "Provider Number 12": {"IDNUM"},
    "Year (4 digits) 12": {"DATE"},
    "Date range (1) 3": {"DATE"},
    "Month/Day 4": {"DATE"},
    "Month/Day/Year 5": {"DATE"},
    "Day Month 1": {"DATE"},
    "Last Name (STitle) 8": {"DOCTOR"},
    "State/Zipcode 1": {"STATE", "ZIP"},
    "Female First Name (un) 2": {"PATIENT"},
}


def _docs(path: Path = NOTES, **kw: object) -> list[Document]:
    items = list(iter_mimic(path, **kw))  # type: ignore[arg-type]
    assert all(isinstance(i, Document) for i in items), items
    return items  # type: ignore[return-value]


@pytest.mark.parametrize("inner", sorted(FAMILIES))
def test_every_family_is_filled_with_the_right_label(inner: str) -> None:
    filler = MimicFiller(seed=3)
    doc = filler.fill(f"Seen: [**{inner}**] today.", doc_id="t", subject="s1")
    assert "[**" not in doc.text
    assert doc.spans, inner
    assert {s.label for s in doc.spans} <= FAMILIES[inner]
    for span in doc.spans:
        assert doc.span_text(span).strip() == doc.span_text(span) != ""
        assert is_label(span.label)
    assert doc.text.startswith("Seen: ") and doc.text.endswith(" today.")


def test_unknown_families_are_reported_never_guessed() -> None:
    path = FIXTURES / "mimic_unknown.csv"
    filler = MimicFiller(unknown="error")
    items = list(iter_mimic(path, filler=filler))
    assert isinstance(items[0], RecordError)
    assert "Protected Section" in items[0].reason and "Seen by" not in str(items[0])
    assert isinstance(items[1], Document)
    assert filler.unknown == {"Protected Section": 1}

    skip = MimicFiller(unknown="skip")
    doc = next(i for i in iter_mimic(path, filler=skip))
    assert isinstance(doc, Document)
    assert "[**Protected Section 4**]" in doc.text and [s.label for s in doc.spans] == ["DATE"]
    assert skip.unknown == {"Protected Section": 1}

    other = MimicFiller(unknown="other")
    doc = next(i for i in iter_mimic(path, filler=other))
    assert isinstance(doc, Document)
    labels = {doc.span_text(s): s.label for s in doc.spans}
    assert labels["[**Protected Section 4**]"] == "OTHER"

    with pytest.raises(ConfigError):
        MimicFiller(unknown="guess")  # type: ignore[arg-type]
