"""English rules on classes of non-PHI words the hand-written English sets showed them tagging:
eponymous devices ("Thomas splint"), a stage of care after a document title ("Medication
Reconciliation - Admission"), the next column of a form after an occupation. Each with the PHI
beside it that must stay tagged. And one class they missed: a check digit in brackets after an
identifier ("HKID K318205(4)")."""

from __future__ import annotations

import pytest

from fairdeid.detect.rules.detector import RuleDetector
from fairdeid.document import Document


@pytest.fixture(scope="module")
def rules() -> RuleDetector:
    return RuleDetector.from_config({})


def _tagged(rules: RuleDetector, text: str, labels: set[str] | None = None) -> list[str]:
    return [text[s.start : s.end] for s in rules.detect(Document(id="t", text=text))
            if labels is None or s.label in labels]


NAMES = {"PATIENT", "DOCTOR", "NAME"}


@pytest.mark.parametrize(
    ("text", "device"),
    [
        ("IV tramadol given, Thomas splint applied, CT booked.", "Thomas"),
        ("Washout 2 L. 19 Fr Blake drain to the pelvis.", "Blake"),
        ("Mobilising with a Zimmer frame since Tuesday.", "Zimmer"),
    ],
)
def test_an_eponymous_device_is_no_name(rules: RuleDetector, text: str, device: str) -> None:
    assert not any(device in t for t in _tagged(rules, text, NAMES))


def test_a_name_before_another_noun_stays(rules: RuleDetector) -> None:
    assert "Thomas" in " ".join(_tagged(rules, "Seen with Dr Thomas today.", NAMES))


@pytest.mark.parametrize(
    "text",
    ["MEDICATION RECONCILIATION - ADMISSION | Pt: FLETT, Joseph",
     "CASE RECORD - PROGRESS NOTE\nNAME: K. GOWDA",
     "Nursing Note - Discharge\nPatient stable."],
)
def test_a_stage_of_care_after_a_title_is_no_facility(rules: RuleDetector, text: str) -> None:
    assert _tagged(rules, text, {"HOSPITAL"}) == []


def test_a_facility_after_a_title_stays(rules: RuleDetector) -> None:
    text = "Operative Note - Mercy Hospital Kisumu\nSurgeon: Dr Otieno"
    assert "Mercy Hospital Kisumu" in _tagged(rules, text, {"HOSPITAL"})


def test_an_occupation_ends_at_a_column_gap(rules: RuleDetector) -> None:
    text = "Occupation: secondary school teacher   Religion: Anglican\n"
    assert set(_tagged(rules, text, {"PROFESSION"})) == {"secondary school teacher"}


def test_a_check_digit_in_brackets_stays_with_its_number(rules: RuleDetector) -> None:
    text = "HKID: K318205(4)     HN: HN21048873(2)     DOB: 05-Jan-1935"
    tagged = set(_tagged(rules, text, {"IDNUM", "SSN", "MEDICALRECORD"}))
    assert {"K318205(4)", "HN21048873(2)"} <= tagged
