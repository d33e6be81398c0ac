"""Rules for the shapes the 3-layer student missed on messy layouts (issue 14): logins in
sign-off lines, record numbers joined to their key or in brackets after a titled name, phone
numbers and dates read by OCR, and organisation names hyphenated over a line break. Invented
text; each rule is checked by its own source so another rule cannot stand in for it."""

from __future__ import annotations

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document


@pytest.fixture(scope="module")
def rules() -> RuleDetector:
    return RuleDetector.from_config({})


def _found(rules: RuleDetector, text: str, source: str) -> list[str]:
    return [text[s.start : s.end] for s in rules.detect(Document("t", text)) if s.source == source]


@pytest.mark.parametrize(
    ("text", "source", "value"),
    [
        ("ENTERED BY - kwatanabe4 on the ward", "rules:name.username_by", "kwatanabe4"),
        ("Entered by.....: kwatanabe4", "rules:name.username_by", "kwatanabe4"),
        ("signed tmorrow7 (rn)", "rules:name.username_signed", "tmorrow7"),
        ("| SIGNED: |\tjpalmer2 (RN) |", "rules:name.username_signed", "jpalmer2"),
        ("reconciled by osei, kwame (kosei8) on", "rules:name.username_bracket", "kosei8"),
        ("patient portal (uscr dlindqvist, IP", "rules:name.username", "dlindqvist"),
        ("see Mr. Okafor (MRN-8K41207) this", "rules:id.mrn_joined", "MRN-8K41207"),
        ("(mrn-55l9031) this week", "rules:id.mrn_joined", "mrn-55l9031"),
        ("see Miss Varga (61-448-902) this week", "rules:id.after_titled_name", "61-448-902"),
        ("GP: (03) 8841 2207 Appointment", "rules:contact.phone_trunk", "(03) 8841 2207"),
        ("updated at O6 12 48 3O 91 today", "rules:contact.phone_trunk_ocr", "O6 12 48 3O 91"),
        ("Pharmacy line (08) 9O14 B627", "rules:contact.phone_trunk_ocr", "(08) 9O14 B627"),
        ("labs from 14.O3.2021: ast 40", "rules:date.ocr_numeric", "14.O3.2021"),
        ("started on 2016-07-2B and", "rules:date.ocr_iso", "2016-07-2B"),
        ("echo fr0m 2Ol90611: ef 55%", "rules:date.ocr_compact", "2Ol90611"),
        (
            "Pharmacy: Harbour-\nside Chemists, refills",
            "rules:location.organization_field",
            "Harbour-\nside Chemists",
        ),
        (
            "sent elcctronically to riverside\nchemists by",
            "rules:location.pharmacy_name",
            "riverside\nchemists",
        ),
        ("She works for Tri-\nton Freight Lines", "rules:location.employer_works_for",
         "Tri-\nton Freight Lines"),
        ("He works for Northgate Insurance. She drives", "rules:location.employer_works_for",
         "Northgate Insurance"),
        ("works at St. Mary's Hospital", "rules:location.employer_works_for",
         "St. Mary's Hospital"),
        ("works at Atlas Mining Corp. and has", "rules:location.employer_works_for",
         "Atlas Mining Corp."),
        ("o centre hospitalier de rimouski - department of",
         "rules:location.hospital_prefix_lower", "centre hospitalier de rimouski"),
        ("referred from ospedale civile\ndi lucca. pt is", "rules:location.hospital_prefix_lower",
         "ospedale civile\ndi lucca"),
        ("sent to hôpital d'instruction des armées de\nbrest went out",
         "rules:location.hospital_prefix_lower", "hôpital d'instruction des armées de\nbrest"),
        ("1) clínica soler", "rules:location.hospital_prefix_lower", "clínica soler"),
    ],
)
def test_messy_layout_shapes_are_found(
    rules: RuleDetector, text: str, source: str, value: str
) -> None:
    assert _found(rules, text, source) == [value]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # a sign-off word with no credential after it, or a word that is no login
        ("Consent form signed by patient (RN witnessed).", "rules:name.username_signed"),
        ("signed copy attached", "rules:name.username_signed"),
        # a year or a date in brackets after a name is not a record number
        ("Mr Aziz (2019) was seen", "rules:id.after_titled_name"),
        ("Dr Lee (12/03/2021) reviewed", "rules:id.after_titled_name"),
        ("Mrs Lund (ABCDEF) called", "rules:id.after_titled_name"),
        # digits alone are the plain rules' job; letters alone or mostly letters are words
        ("on 2016-07-21 and", "rules:date.ocr_iso"),
        ("code lOlOOlOl here", "rules:date.ocr_compact"),
        ("version 2.O1.20 here", "rules:date.ocr_numeric"),
        ("2016-13-2B is no date", "rules:date.ocr_iso"),
        # a facility word with no name after it, or only a particle and a function word
        ("pt seen at the clinique today", "rules:location.hospital_prefix_lower"),
        ("ospedale di\nthe next", "rules:location.hospital_prefix_lower"),
        ("Referred from Centre Hospitalier de Laval", "rules:location.hospital_prefix_lower"),
        ("took 05 OS 10 mg", "rules:contact.phone_trunk_ocr"),
        ("call 04 00 21 24 86", "rules:contact.phone_trunk_ocr"),
        ("lot 0123 SOLO OBOE", "rules:contact.phone_trunk_ocr"),
    ],
)
def test_look_alikes_are_left_alone(rules: RuleDetector, text: str, source: str) -> None:
    assert _found(rules, text, source) == []
