"""Three rule defects a language helper found: SOAP/SOEP lines read as signatures, a hospital
suffix without its right word boundary, and organisms ("E. coli") read as "Surname, I."."""

from __future__ import annotations

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config({})


def _found(detector: RuleDetector, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.source) for s in detector.detect(Document("d", text))]


@pytest.mark.parametrize(
    "text",
    [
        "S  Pijn\nO  Rustig\nA  Stabiel\nP  Gesprek NP",
        "S  klachten\nP  Gesprek, MD",
        "A  Stabiel PA",
        "S\tPijn\nE\tStabiel MD",
    ],
)
def test_a_soap_line_is_no_signature(detector: RuleDetector, text: str) -> None:
    assert not [f for f in _found(detector, text) if f[1] == "rules:name.signature"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("A Ogindan MD", "A Ogindan"),  # an initial without its dot still signs
        ("P  Jan Jansen, MD", "Jan Jansen"),  # a signature on a SOAP line keeps the name
        ("Notes reviewed.\nP Bakker, MD", "P Bakker"),
    ],
)
def test_signatures_beside_soap_letters_still_count(
    detector: RuleDetector, text: str, name: str
) -> None:
    assert (name, "rules:name.signature") in _found(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Lives on Via Generale Cantore.",
        "Direzione Generale informed.",
        "Pain VAS 7/10 today.",
        "Pain VAS score 7.",
    ],
)
def test_the_hospital_suffix_needs_a_whole_word(detector: RuleDetector, text: str) -> None:
    assert not [f for f in _found(detector, text) if f[1] == "rules:location.hospital_suffix"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Transferred from Boston General.", "Boston General"),
        ("Seen at Mercy Hospital yesterday.", "Mercy Hospital"),
        ("Followed at Boise VA, stable.", "Boise VA"),
        # Spanish "Hospitalario": the old partial match of "Hospital" inside it found these
        ("Followed at Complejo Hospitalario, stable.", "Complejo Hospitalario"),
    ],
)
def test_whole_hospital_suffixes_still_match(
    detector: RuleDetector, text: str, place: str
) -> None:
    assert (place, "rules:location.hospital_suffix") in _found(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "Urosepsis, E. coli in urine.",
        "Urosepsis E. coli in urine.",
        "Cultures grew S. aureus and K. pneumoniae.",
        "Positive for H. pylori, C. diff negative.",
        "Sputum: P. aeruginosa; CSF: L. monocytogenes.",
        "Blood culture: Enterococcus, E. faecalis.",
        "Bacteremia, S. aureus, on vancomycin.",
        "bacteremia, s. aureus",
    ],
)
def test_an_organism_is_never_a_name(detector: RuleDetector, text: str) -> None:
    assert not [f for f in _found(detector, text) if f[1].startswith("rules:name.")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Seen by Rowe, L. in clinic.", "Rowe, L."),
        ("Bacteremia workup, seen by Rowe, E. today.", "Rowe, E."),
    ],
)
def test_surname_initial_still_finds_names(
    detector: RuleDetector, text: str, name: str
) -> None:
    assert any(found.startswith(name) for found, _ in _found(detector, text))
