from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from fairdeid.corpora.mimic import PLACEHOLDER, RULES, MimicFiller, family_of, iter_mimic
from fairdeid.document import Document
from fairdeid.errors import ConfigError, RecordError
from fairdeid.taxonomy import is_label

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "corpora"
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


def test_fixture_notes_filled_exactly_and_consistently() -> None:
    docs = _docs()
    assert [d.id for d in docs] == ["mimic-101", "mimic-102", "mimic-103"]
    raw = list(csv.DictReader(NOTES.open(encoding="utf-8", newline="")))
    for doc, row in zip(docs, raw, strict=True):
        assert "[**" not in doc.text
        assert doc.meta["patient_id"] == row["SUBJECT_ID"]
        n_placeholders = len(PLACEHOLDER.findall(row["TEXT"]))
        # one span per placeholder, except date ranges and state/zip (two each)
        assert len(doc.spans) >= n_placeholders
        # the text outside spans is the note's own text, unchanged
        outside = re.sub(r"\[\*\*.*?\*\*\]", "\x00", row["TEXT"]).split("\x00")
        for piece in outside:
            assert piece in doc.text
        for a, b in zip(doc.spans, doc.spans[1:], strict=False):
            assert a.end <= b.start
    first, second = docs[0], docs[1]
    name_1 = {first.span_text(s) for s in first.spans if s.attrs.get("mimic") == "Known lastname"}
    name_2 = {second.span_text(s) for s in second.spans if s.attrs.get("mimic") == "Known lastname"}
    assert len(name_1) == 1 and name_1 == name_2  # same patient, same surrogate in both notes
    doctor = [s for s in first.spans if s.label == "DOCTOR"]
    assert doctor and all(s.attrs.get("locale") and s.attrs.get("gender") for s in doctor)
    # "Dr. [**First Name8**] [**Last Name**]" -> both parts DOCTOR (context + adjacency)
    i = first.text.index("seen by Dr. ") + len("seen by Dr. ")
    after_dr = [s for s in first.spans if s.start >= i][:2]
    assert [s.label for s in after_dr] == ["DOCTOR", "DOCTOR"]
    assert after_dr[0].attrs["locale"] == after_dr[1].attrs["locale"]


def test_years_are_mapped_into_a_plausible_range_and_intervals_survive() -> None:
    docs = _docs()
    dates = [d.span_text(s) for d in docs for s in d.spans if s.label == "DATE"]
    years = [int(y) for text in dates for y in re.findall(r"\b(\d{4})\b", text)]
    assert years and all(1900 <= y <= 2030 for y in years)
    assert all(2005 <= int(d.meta["chartdate"][:4]) <= 2022 for d in docs)
    # 2151-7-10 and 2151-7-12 stay two days apart
    assert docs[0].meta["chartdate"].endswith("-07-12")


def test_deterministic_for_a_seed_and_different_across_seeds() -> None:
    a = [(d.text, d.spans) for d in _docs(seed=5)]
    b = [(d.text, d.spans) for d in _docs(seed=5)]
    c = [(d.text, d.spans) for d in _docs(seed=6)]
    assert a == b and a != c


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


def test_family_names_and_rule_table() -> None:
    assert family_of("Last Name (NamePattern1) 5678") == "Last Name (NamePattern1)"
    assert family_of("Age over 90 ") == "Age over 90"
    assert family_of("Hospital1 18") == "Hospital1"
    assert family_of("2101-3-4") == "date"
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
