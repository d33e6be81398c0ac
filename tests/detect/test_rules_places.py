"""Places the rules found only in part or under a person's label (issue 16, LOCATION recall).

Found on fresh synthetic seeds (5151 default, 5252 stress): a "Surname, Given" name rule took
"Plymouth, Devon" and "Aligarh, India"; the name rules' score beat institution rules of the same
length ("Atlas Nursing Home", "Clínica Armas"); departments in nursing and telephone titles and
after an arrival ("Received pt from Telemetry Unit"); pharmacies and employers outside their
field form; a campus after a dash; Mexican street types; USPS street suffixes. Each class has
its look-alikes that must stay text or stay a name.
"""

from __future__ import annotations

import pytest

from _rules import labels_at
from fairdeid.detect.rules import RuleDetector
from fairdeid.taxonomy import coarse


def labels_over(det: RuleDetector, text: str, part: str) -> set[str]:
    return labels_at(det, text, part, whole=False, fine=True)


def coarse_over(det: RuleDetector, text: str, part: str) -> set[str]:
    return {coarse(label) for label in labels_over(det, text, part)}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("a retired welder who lives in Plymouth, Devon and presents", "Plymouth"),
        ("last trip was to Aligarh, India in 2005.", "Aligarh"),
        ("last trip was to Aligarh, India in 2005.", "India"),
        ("DOB 2-Mar-47 - 9352 Ampliación Mauritania, León, Guanajuato 36468\n", "Mauritania"),
        ("DOB 2-Mar-47 - 9352 Ampliación Mauritania, León, Guanajuato 36468\n", "León"),
        ("Address: 603 McKenzie Prairie\nPlymouth, Devon PL6 8FH\nUnited Kingdom\n", "Plymouth"),
    ],
)
def test_a_place_is_no_surname(det: RuleDetector, text: str, place: str) -> None:
    assert coarse_over(det, text, place) == {"LOCATION"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # names that are also cities stay names: the city list leaves out every listed name
        ("Pt: Austin, Mary   DOB 01/02/1950", "Austin, Mary"),
        ("Seen with her daughter Florence, Jackson, today.", "Florence"),
    ],
)
def test_a_name_that_is_a_city_stays_a_name(det: RuleDetector, text: str, name: str) -> None:
    assert coarse_over(det, text, name) == {"NAME"}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("- MoCA 21/30; Social work consult for discharge", "MoCA"),
        ("== CHlEF COMPLAlNT ==\nABDOMINAL PAIN", "CHlEF"),
        ("Date: Aug 19, 2023   Room 1133   Hospital day #6\n", "Hospital day"),
        ("Took 2 diagonal branches off the LAD.", "diagonal"),
        ("CXR 2 Views. He works at night. Works for the council.", "Views"),
        ("He denies illicit drugs. Sent to the pharmacy today.", "pharmacy"),
        ("PROGRESS NOTE - HOSPITAL MEDICINE\n====", "HOSPITAL"),
        ("Employer: None", "None"),
    ],
)
def test_look_alikes_stay_text(det: RuleDetector, text: str, word: str) -> None:
    assert "LOCATION" not in coarse_over(det, text, word)


@pytest.mark.parametrize(
    ("text", "place", "label"),
    [
        ("DISPO : Discharged to Atlas Nursing Home.\n", "Atlas Nursing Home", "HOSPITAL"),
        ("admitted after a fall at Dee’kosta Assisted Living. Of note", "Dee’kosta", "HOSPITAL"),
        ("Physical Medicine and Rehabilitation\nClínica Armas\n\nDear Colleague,",
         "Clínica Armas", "HOSPITAL"),
        ("her pharmacy (Chadwick Drugs).", "Chadwick Drugs", "ORGANIZATION"),
        ("Sent electronically to Family Drugs by kibarnett", "Family Drugs", "ORGANIZATION"),
        ("with his pharmacy (Community Pharmacy #369). His", "Community", "ORGANIZATION"),
        ("preferred pbarmacy |\tsummit drugs |\t83 year-old", "summit drugs", "ORGANIZATION"),
        ("o EMPLOYER Red Steel |\tPCP = Dr. Mahika Kohli", "Red Steel", "ORGANIZATION"),
        ("Works as a dentist for Golden Steel Drinks 2-3 beers/week", "Golden Steel",
         "ORGANIZATION"),
        ("Lives at 7743 Ryan Harbors, Hull Yorkshire HU63 3GC.", "Ryan Harbors", "STREET"),
        ("Lives at 7743 Ryan Harbors, Hull Yorkshire HU63 3GC.", "Hull", "CITY"),
        ("Re: Suárez, Manuel - DOB 8/14/34 - 411 Diagonal Hidalgo, Pachuca, Hidalgo 42517",
         "Diagonal Hidalgo", "STREET"),
        ("from Lethbridge General Hospital\n- Civic Campus. she is", "Civic Campus", "HOSPITAL"),
        ("* FYI the referral to Avicenne went out today", "Avicenne", "HOSPITAL"),
        ("| Facility |\tCentro Médico Adame, Xalapa |", "Xalapa", "HOSPITAL"),
    ],
)
def test_places_get_their_label(det: RuleDetector, text: str, place: str, label: str) -> None:
    assert labels_over(det, text, place) == {label}


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("Nursing Shift Assessment - Infectious Disease\nDate: 15.01.2010", "Infectious Disease"),
        ("Telephone Call - Step-Down Unit\nDate: Jan 4, 2015", "Step-Down Unit"),
        ("telephone call - sicu\no Date: August 11, 2021", "sicu"),
        ("who presented to the Vascular Surgery on 20080709 with", "Vascular Surgery"),
        ("Mr. Bates was admitted to CCU and started on morphine", "CCU"),
        ("Received pt\nfrom Telemetry Unit at 15:15.", "Telemetry Unit"),
    ],
)
def test_departments_where_the_patient_is(det: RuleDetector, text: str, department: str) -> None:
    assert labels_over(det, text, department) == {"DEPARTMENT"}
