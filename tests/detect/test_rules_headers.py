"""Capitalised EHR headers, names after role words in several languages, multi-part
institution names and professions in context (issue 16), with their hard negatives.

The rule detector must find these without the model: "Pt: HERNANDEZ, MARIA" and
"ADETOKUNBO, YEJIDE" leaked with the rules alone.
"""

from __future__ import annotations

import pytest

from _rules import labels_at
from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.taxonomy import coarse


def coarse_covering(det: RuleDetector, text: str, part: str) -> set[str]:
    return labels_at(det, text, part)


def coarse_found(det: RuleDetector, text: str) -> set[str]:
    return {coarse(s.label) for s in det.detect(Document(id="t", text=text))}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Pt: HERNANDEZ, MARIA", "HERNANDEZ, MARIA"),
        ("ADETOKUNBO, YEJIDE\nDOB: 01/02/1960", "ADETOKUNBO, YEJIDE"),
        ("ADETOKUNBO, YEJIDE    MRN: 1234567", "ADETOKUNBO, YEJIDE"),
        ("Patient: Maria HERNANDEZ", "Maria HERNANDEZ"),
        ("Name: GARCÍA LÓPEZ, JOSÉ", "GARCÍA LÓPEZ, JOSÉ"),
        ("Nom : DUPONT, Marie", "DUPONT, Marie"),
        ("Paciente: GARCIA, JUAN", "GARCIA, JUAN"),
        ("Naam: DE VRIES, Jan", "DE VRIES, Jan"),
        ("PATIENT NAME JOHN SMITH", "JOHN SMITH"),
        ("Attending: Dr. John SMITH", "John SMITH"),
        ("Referred by JOHN SMITH for review.", "JOHN SMITH"),
    ],
)
def test_capitalised_header_names(det: RuleDetector, text: str, name: str) -> None:
    assert "NAME" in coarse_covering(det, text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Pr PAULETTE ELISABETH LE BLEVEC (ASP)\nDr. LAMBERT J.-R.",
            "PAULETTE ELISABETH LE BLEVEC",
        ),
        ("Pr PAULETTE ELISABETH LE BLEVEC (ASP)\nDr. LAMBERT J.-R.", "LAMBERT J.-R."),
        ("Courrier du Dr J.-P. Moreau.", "J.-P. Moreau"),
        ("Dr. med. Hans Müller untersuchte.", "Hans Müller"),
        ("Dott.ssa Giulia Bianchi ha visitato.", "Giulia Bianchi"),
        ("Sig.ra Rossi è stata dimessa.", "Rossi"),
        ("dhr. Jansen kwam.", "Jansen"),
        ("mevr. De Vries kwam.", "De Vries"),
        ("Doña Carmen López ingresó.", "Carmen López"),
        ("Pr Martin a vu la patiente.", "Martin"),
    ],
)
def test_names_after_role_words(det: RuleDetector, text: str, name: str) -> None:
    assert "NAME" in coarse_covering(det, text, name)


@pytest.mark.parametrize(
    "text",
    [
        "DISCHARGE SUMMARY",
        "HISTORY, PHYSICAL",
        "ASSESSMENT, PLAN",
        "LISINOPRIL, METOPROLOL",
        "Pt: DISCHARGE SUMMARY",
        "Patient: Stable, Alert",
        "MEDICATIONS: ASPIRIN, Lisinopril",
        "Seen by CARDIOLOGY TEAM today.",
        "IMPRESSION, FINDINGS and PLAN reviewed.",
        "CHEST PAIN, SHORTNESS OF BREATH",
    ],
)
def test_caps_section_headers_and_drugs_are_not_names(det: RuleDetector, text: str) -> None:
    assert "NAME" not in coarse_found(det, text)


@pytest.mark.parametrize(
    "text",
    [
        "Guy's and St Thomas' NHS Foundation Trust, Department of Cardiology, "
        "St Thomas' Hospital, London",
        "CHU de Bordeaux, Service de Cardiologie, Hôpital Haut-Lévêque, Pessac",
        "Klinikum rechts der Isar, Klinik für Innere Medizin, München",
        "Azienda Ospedaliera San Camillo, Reparto di Cardiologia, Roma",
        "Hospital Universitario La Paz, Servicio de Neurología, Madrid",
        "Erasmus MC, Afdeling Cardiologie, Rotterdam",
    ],
)
def test_multi_part_institutions_are_covered_whole(det: RuleDetector, text: str) -> None:
    assert "LOCATION" in coarse_covering(det, text, text)


def test_institution_chain_stops_at_clinical_text(det: RuleDetector) -> None:
    text = "Presented to Mercy Hospital, Chest X-ray showed effusion."
    assert "LOCATION" not in coarse_covering(det, text, "Chest")


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("Ms. Reyes is a 65-year-old retired schoolteacher from Leeds.", "schoolteacher"),
        ("Thank you for seeing Mr. Wallace, a 71yo welder, whom I am referring.", "welder"),
        ("Pt is a data analyst, injured at work.", "data analyst"),
        ("SH: self-employed plumber, lives with wife.", "plumber"),
    ],
)
def test_professions_in_context(det: RuleDetector, text: str, job: str) -> None:
    assert "PROFESSION" in coarse_covering(det, text, job)


@pytest.mark.parametrize(
    "text", ["Social: former smoker, quit years ago.", "45 yo female pedestrian struck by a car."]
)
def test_profession_context_alone_is_not_a_profession(det: RuleDetector, text: str) -> None:
    assert "PROFESSION" not in coarse_found(det, text)
