"""en-b4 rules: occupations in apposition, the month's abbreviation point, the 'dra' title.

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


@pytest.fixture(scope="module")
def det() -> RuleDetector:
    return RuleDetector.from_config({})


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
