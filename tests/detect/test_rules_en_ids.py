"""English identifiers and places the learned models miss (issue 14, en-ids): identifiers by
their shape (letter-led groups, the US MBI, Ontario health numbers with their version code,
many-group digit numbers), logins by the field that holds them and at their other mentions,
and address parts and towns by where an address writes them. Each test is a snippet written
for it, of a class of text, and the refused forms of each class."""

from __future__ import annotations

import pytest

from _rules import labels_at
from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document, Span
from fairdeid.resolve import merge_overlaps


@pytest.fixture(scope="module")
def rules() -> RuleDetector:
    return RuleDetector.from_config({})


@pytest.mark.parametrize(
    ("text", "part", "label"),
    [
        # asset, workstation, accession, scheme and record numbers in letter-led groups
        ("Vent: Drager V500 (biomed asset KGH-BME-20417) SIMV 400", "KGH-BME-20417", "ID"),
        ("| 09:14:02 | PSMITH07 | RN, QEH | QEH-WS-1184 | 10.20.3.4 |", "QEH-WS-1184", "ID"),
        ("TB culture neg (State Lab acc SPHL-25-07712).", "SPHL-25-07712", "ID"),
        ("NHIMA: NHI-3301-2284-17\nResidence:", "NHI-3301-2284-17", "ID"),
        ("HMO: Avon HMO, enrollee no. AVN/AB/440192/02", "AVN/AB/440192/02", "ID"),
        ("Reg. No: MTRH/25/018822   NHIF No:", "MTRH/25/018822", "ID"),
        ("UHID: KMC.0325.220914   OP", "KMC.0325.220914", "ID"),
        ("Urine screen chain-of-custody no. CoC-25-4410; breath", "CoC-25-4410", "ID"),
        ("BOSIET cert OPITO-NG-25-220871 valid to 03/2027.", "OPITO-NG-25-220871", "ID"),
        # many digit groups with a check digit
        ("ART No.:   4020-0331-01877-3\nName:", "4020-0331-01877-3", "ID"),
        # the US Medicare Beneficiary Identifier, with or without hyphens
        ("MBI: 3KQ7-UH2-RD45    Medicaid CIN:", "3KQ7-UH2-RD45", "ID"),
        ("copy of the red-white-blue card, 5TW2AC9QX31, Part A", "5TW2AC9QX31", "ID"),
        # Ontario health numbers with their version code
        ("OHIP: 6814 227 905 - KT     DOB", "6814 227 905 - KT", "ID"),
        ("| SINGH, Amar | 5583-204-117-KT | S4477120 |", "5583-204-117-KT", "ID"),
        # a health-plan number in groups with its issue number, a card's number in groups
        ("| Medicare 5512 40981 2-1    |", "5512 40981 2-1", "ID"),
        ("sent for approval, card no 3301 2254 8812 4 on file", "3301 2254 8812 4", "ID"),
        # national numbers after their scheme's acronym
        ("DOB: 07 Aug 1989     TIN: 12-84417-0-3\nAddress:", "12-84417-0-3", "ID"),
        ("NRC:       551203/61/1           NHIMA:", "551203/61/1", "ID"),
        # an aircraft's registration after "aircraft" or "tail"
        ("Retrieval by fixed-wing, aircraft VH-FVX, ETD 0730 hrs", "VH-FVX", "ID"),
    ],
)
def test_identifier_shapes_are_found_whole(
    rules: RuleDetector, text: str, part: str, label: str
) -> None:
    assert label in labels_at(rules, text, part)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("SARS-CoV-2 PCR negative", "SARS-CoV-2"),
        ("coded as ICD-10-CM I10", "ICD-10-CM"),
        ("eGFR by CKD-EPI-2021 58", "CKD-EPI-2021"),
        ("PD-L1 TPS 50%", "PD-L1"),
        ("PEEP-10-12 trial", "PEEP-10-12"),
        ("seen NOV-17-2026 in clinic", "NOV-17-2026"),
        ("NPI 1538294076   CA License A 1488", "CA License"),
        ("a tin of formula 1234 g weekly", "tin of formula"),
        ("tail of pancreas 4.2 cm, VH-FVX", "tail of pancreas"),
    ],
)
def test_test_names_scores_and_dates_are_not_letter_group_identifiers(
    rules: RuleDetector, text: str, part: str
) -> None:
    assert "ID" not in labels_at(rules, text, part, whole=False)


@pytest.mark.parametrize(
    ("text", "login"),
    [
        ("Reporter: aokafor   Assignee: tlin\nSummary:", "tlin"),
        ("Reporter: aokafor   Assignee: tlin\nSummary:", "aokafor"),
        ("Dictated by: K. Lind, MD   Transcribed: jsingh4", "jsingh4"),
        ("[signed e-sig mdiaz3 11/20/2026 07:44]", "mdiaz3"),
        ("printed 12-Oct-2026 09:20 by jtembo\n====", "jtembo"),
        ("Completed by: Amrit Kaur, RPh (akaur2)", "akaur2"),
        ("11/23 15:20 tbrennan (Tara Brennan, HIM): Approved.", "tbrennan"),
    ],
)
def test_logins_in_their_fields_are_usernames(
    rules: RuleDetector, text: str, login: str
) -> None:
    assert "USERNAME" in labels_at(rules, text, login, fine=True)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Assignee: none yet", "none"),
        ("Reporter: unknown", "unknown"),
        ("given ibuprofen (Advil Brand) at noon", "ibuprofen"),
        ("seen by nursing (Tara Brennan, RN)", "nursing"),
    ],
)
def test_ordinary_words_in_login_fields_are_not_usernames(
    rules: RuleDetector, text: str, word: str
) -> None:
    assert "USERNAME" not in labels_at(rules, text, word, fine=True, whole=False)


@pytest.mark.parametrize(
    ("text", "part", "label"),
    [
        ("St Michael's Hospital, Treliske, Redruth  TR15 2QS", "Redruth", "CITY"),
        ("Address: Kochuparambil House, Thiruvankulam P.O., Ernakulam", "Thiruvankulam",
         "CITY"),
        ("Address: Flat 3/2, 41 Maxwell Road, Glasgow", "Flat 3/2,", "STREET"),
        ("Residence: H/No. 1183, Kanyama Compound, Lusaka", "H/No. 1183", "STREET"),
        ("Address: House C-204, Block 7-B/1, Gulistan-e-Jauhar", "House C-204, Block 7-B/1",
         "STREET"),
        ("ADDRESS: #23, 4TH MAIN, JAYANAGAR", "#23,", "STREET"),
        ("| 23 Wattle Cres, Kingston 4114   |", "23 Wattle Cres", "STREET"),
    ],
)
def test_address_parts_and_towns_by_their_place_in_an_address(
    rules: RuleDetector, text: str, part: str, label: str
) -> None:
    assert label in labels_at(rules, text, part, fine=True)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Send to Acme Ltd P.O. Box 7", "Ltd"),
        ("Address: unknown, lives with son", "unknown"),
    ],
)
def test_boxes_and_empty_address_fields_are_no_places(
    rules: RuleDetector, text: str, part: str
) -> None:
    found = labels_at(rules, text, part, fine=True, whole=False)
    assert "CITY" not in found and "STREET" not in found


def _after_resolve(rules: RuleDetector, text: str, spans: list[Span]) -> list[str]:
    """Texts of the USERNAME spans the rules add after resolve, given resolved ``spans``."""
    added = rules.after_resolve(Document("t", text), spans)
    return [text[s.start : s.end] for s in added if s.label == "USERNAME"]


def test_a_login_found_once_is_found_at_its_other_mentions(rules: RuleDetector) -> None:
    text = ("Reporter: aokafor   Assignee: tlin\n--- Comments ---\n"
            "10/02 10:11 tlin: Looks like a duplicate.\n10/02 10:40 aokafor: agreed, merging.\n"
            "tlink and xtlin stay.")
    found = merge_overlaps(rules.detect(Document("t", text)))
    assert sorted(_after_resolve(rules, text, found)) == ["aokafor", "tlin"]


def test_capitalised_logins_with_digits_spread_too(rules: RuleDetector) -> None:
    text = "| 08:42 | PSMITH07 | Paula Smith |\n\nEMR access for PSMITH07 suspended."
    start = text.index("PSMITH07")
    spans = [Span(start, start + 8, "USERNAME", "structured:fields.table")]
    assert _after_resolve(rules, text, spans) == ["PSMITH07"]


def test_ordinary_words_tagged_as_logins_do_not_spread(rules: RuleDetector) -> None:
    text = "Seen by nursing today. nursing to review at 14:00."
    spans = [Span(8, 15, "USERNAME", "transformer:model")]
    assert _after_resolve(rules, text, spans) == []
