"""en-b4 rules: occupations in apposition, the month's abbreviation point, the 'dra' and
'mister' titles, licence numbers with a letter series, names spelled out in dictation.

Occupations set off by a comma, colon or bracket after a relative ("husband Arnel Bautista,
jeepney driver,") or after a titled name with "a" ("Mr Wojcik, a HGV driver for ...") are the
person's job; care roles ("daughter, main carer") and ages ("a 71yo welder", profession.age's)
are not taken. A date's month abbreviation that ends the span leaves its point out ("appt
1 Dec."), as every annotated set does. The sentences are invented for these tests.
"""

from __future__ import annotations

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.resolve import merge_overlaps


def texts(det: RuleDetector, text: str, label: str) -> list[str]:
    spans = [s for s in det.detect(Document(id="t", text=text)) if s.label == label]
    return [text[s.start : s.end] for s in merge_overlaps(spans)]


def sources(det: RuleDetector, text: str) -> set[str]:
    return {s.source for s in det.detect(Document(id="t", text=text))}


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("husband Arnel Bautista, jeepney driver, cp reachable", "jeepney driver"),
        ("Husband: rickshaw driver; admitted under the scheme", "rickshaw driver"),
        ("husband Efraín (shrimp boat deckhand, out at sea)", "shrimp boat deckhand"),
        ("partner Marian Stoica (a car wash attendant), two children", "car wash attendant"),
        ("son Ahmed, bus driver for Metro Transit, will collect her", "bus driver"),
        ("Summary: Mr Wojcik, a HGV driver for a haulage firm, presented", "HGV driver"),
        ("Mrs Obi, a retired school teacher, lives alone", "school teacher"),
    ],
)
def test_appositive_occupations_are_found(det: RuleDetector, text: str, job: str) -> None:
    assert job in texts(det, text, "PROFESSION")


@pytest.mark.parametrize(
    "text",
    [
        "Spoke to daughter, main carer, who agrees with the plan.",
        "Mrs Jones, a pleasant lady, seen today.",
        "husband Tom, driver of the car, uninjured.",  # the clause goes on: not a job phrase
        "son, caregiver. Plan discussed.",
    ],
)
def test_no_occupation_without_a_job_phrase(det: RuleDetector, text: str) -> None:
    assert not {s for s in sources(det, text) if "appositive" in s}


def test_an_age_before_the_job_is_left_to_the_age_rule(det: RuleDetector) -> None:
    text = "Thank you for seeing Mr. Wallace, a 71yo welder, whom I am referring."
    assert "rules:profession.titled_appositive" not in sources(det, text)
    assert texts(det, text, "PROFESSION") == ["welder"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Referred to the ARV clinic, appt 1 Dec. Wife aware.", "1 Dec"),
        ("eradication started Sat 21st Nov.\nSeen by liaison", "21st Nov"),
        ("listed for the MDT on Thursday 3rd December.", "3rd December"),
        ("CK normalised by 23rd Oct. 2026 after fluids", "23rd Oct. 2026"),
    ],
)
def test_day_month_dates_leave_the_final_point_out(
    det: RuleDetector, text: str, date: str
) -> None:
    assert date in texts(det, text, "DATE")


def test_dra_is_a_lower_case_title(det: RuleDetector) -> None:
    """Filipino and Spanish notes write "dra." (doctora) in lower case like "dr."."""
    text = "referring pt to dra. cristina villanueva today"
    found = {(text[s.start : s.end], s.label, s.source)
             for s in det.detect(Document(id="t", text=text))}
    assert ("cristina villanueva", "DOCTOR", "rules:name.title") in found


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("NPI 1538294076   CA License A 148832", "A 148832"),
        ("discussed with registrar Dr Johan Merwe, HPCSA MP 0843217", "MP 0843217"),
        ("DEA AB1234567 on file", "AB1234567"),
    ],
)
def test_licence_numbers_keep_their_letter_series(
    det: RuleDetector, text: str, number: str
) -> None:
    assert number in texts(det, text, "LICENSE")


def test_a_short_word_is_no_letter_series(det: RuleDetector) -> None:
    assert texts(det, "her license in 2019 lapsed", "LICENSE") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("patient name nguyen van thanh spelled n g u y e n first name", "n g u y e n"),
        ("surname spelt K-O-W-A-L-S-K-I, date of birth", "K-O-W-A-L-S-K-I"),
    ],
)
def test_names_spelled_out_in_dictation(det: RuleDetector, text: str, name: str) -> None:
    assert name in texts(det, text, "PATIENT")


@pytest.mark.parametrize("text", ["he spelled a word wrong", "spelling is poor, reads well"])
def test_spelling_without_letters_is_text(det: RuleDetector, text: str) -> None:
    assert "rules:name.spelled" not in sources(det, text)


def test_mister_is_a_lower_case_title(det: RuleDetector) -> None:
    text = "indications mister nguyen is a retired man"
    found = {(text[s.start : s.end], s.source) for s in det.detect(Document(id="t", text=text))}
    assert ("nguyen", "rules:name.title") in found
