"""Identifier shapes of general text that Presidio's synthetic PII set showed missing (issue 16).

Each class found on the working (odd-template) half of the set has positives written anew (not
copied from the set) and the clinical look-alikes that must stay untouched: US military mail,
European street names before the house number, postcodes of any shape after a cue, the city and
country lines of an address block, payment cards of every length, IBANs in any case.
"""

from __future__ import annotations

import re

import pytest

from _rules import labels_at
from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document


def covering(det: RuleDetector, text: str, part: str) -> set[str]:
    return labels_at(det, text, part)


def sources(det: RuleDetector, text: str) -> dict[str, str]:
    """Rule name -> text of each span (the last one wins; tests use one span per rule)."""
    return {
        s.source.removeprefix("rules:"): text[s.start : s.end]
        for s in det.detect(Document(id="t", text=text))
    }


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Send it to PSC 4410, Box 2210\nAPO AE 09131 please.", "PSC 4410, Box 2210\nAPO AE 09131"),
        ("Mail: Unit 3021 Box 77 DPO AP 96520-1234", "Unit 3021 Box 77 DPO AP 96520-1234"),
        ("USNS Mercy\nFPO AP 96678", "USNS Mercy\nFPO AP 96678"),
        ("cmr 402 box 15\napo aa 34002", "cmr 402 box 15\napo aa 34002"),
        ("Forward to APO AE 09012 when deployed.", "APO AE 09012"),
    ],
)
def test_military_mail_is_one_street_span(det: RuleDetector, text: str, part: str) -> None:
    assert covering(det, text, part) == {"LOCATION"}


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("She lives at Lindholmvej 12 in town.", "Lindholmvej 12"),
        ("Address: Kirkeveien 31B, 3rd floor", "Kirkeveien 31B"),
        ("moved to Sveavägen 7 last year", "Sveavägen 7"),
        ("home: 4410 Mannerheimintie 104", "4410 Mannerheimintie 104"),
        ("at Keizersgracht 221.", "Keizersgracht 221"),
        ("Contact: Hauptstrasse 9, Bern", "Hauptstrasse 9"),
        ("lives at ul. Zielona 14 with her son", "ul. Zielona 14"),
        ("address Rua das Flores 118", "Rua das Flores 118"),
        ("Avda. Constitución 45, Sevilla", "Avda. Constitución 45"),
        ("Lakcím: Kossuth tér 3.", "Kossuth tér 3"),
        ("Lakcím: Petőfi Sándor utca 12.", "Petőfi Sándor utca 12"),
    ],
)
def test_european_street_before_number(det: RuleDetector, text: str, part: str) -> None:
    assert covering(det, text, part) == {"LOCATION"}


@pytest.mark.parametrize(
    "text",
    [
        "Fire Brigade 2 attended the scene.",
        "Smoothie 2 times a day for weight gain.",
        "Access: Via PICC 2 lumens, flushed.",
        "As shown by Smith et al. Lancet 2019 the risk is low.",
        "Strasse is a surname here; Hammarvägen alone is no address.",
    ],
)
def test_street_shapes_leave_clinical_text(det: RuleDetector, text: str) -> None:
    found = sources(det, text)
    assert not {k for k in found if k.startswith("location.street_")}, found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my zip code is 35350", "35350"),
        ("Postal code: 3610-114", "3610-114"),
        ("zip code is 90010-170.", "90010-170"),
        ("Her postcode is 880", "880"),
        ("post code 840 24, Sweden", "840 24"),
    ],
)
def test_postcode_of_any_shape_after_a_cue(det: RuleDetector, text: str, value: str) -> None:
    assert sources(det, text).get("location.zip_cue_any") == value


@pytest.mark.parametrize(
    "text",
    ["zip code unknown, 2 pets at home", "zip code is 12 miles away", "postal code: pending"],
)
def test_postcode_cue_needs_a_postcode(det: RuleDetector, text: str) -> None:
    assert "location.zip_cue_any" not in sources(det, text)


def test_address_block_city_and_country_lines(det: RuleDetector) -> None:
    text = "Liv Haugen\n17 Storgata 3\nApt. 12\nLILLEHAMMER\nNorway 2609\n\nThanks"
    spans = {
        text[s.start : s.end]: s.label
        for s in det.detect(Document(id="t", text=text))
        if s.source == "rules:location.address_block_city"
    }
    assert spans == {"LILLEHAMMER": "CITY", "Norway": "COUNTRY", "2609": "ZIP"}


def test_address_block_city_after_a_house_number_line(det: RuleDetector) -> None:
    text = "> Vesterbrogade 41\n> Frederiksberg\n> Denmark 1620"
    assert covering(det, text, "Frederiksberg") == {"LOCATION"}
    assert covering(det, text, "1620") == {"LOCATION"}


@pytest.mark.parametrize(
    "text",
    [
        # a heading, not a city, above a country line
        "BP 120/80 HR 72\nAssessment\nIndia 2019 travel noted",
        # no apartment or house-number line above: prose, not an address block
        "She travelled widely.\nTokyo\nJapan",
        # the last line is no country
        "Suite 4\nCardiology\nFollow up 2 weeks",
    ],
)
def test_address_block_needs_its_shape(det: RuleDetector, text: str) -> None:
    assert "location.address_block_city" not in sources(det, text)


@pytest.mark.parametrize(
    "card",
    [
        "630490017740292441",  # Maestro, 18 digits
        "6304 9000 1774 0292 441",
        "4111111111111111",
        "5500-0000-0000-0004",
        "378282246310005",  # Amex, 15 digits run together
        "6759649826438453",
    ],
)
def test_payment_cards_of_every_length(det: RuleDetector, card: str) -> None:
    text = f"Card on file: {card}, exp 12/27."
    assert sources(det, text).get("id.payment_card_any", sources(det, text).get("id.payment_card"))
    assert covering(det, text, card) == {"ID"}


def test_card_rule_needs_the_luhn_check(det: RuleDetector) -> None:
    found = sources(det, "Card: 4111111111111112 and 123456789012")
    assert "id.payment_card_any" not in found


@pytest.mark.parametrize(
    "iban",
    [
        "GB29 NWBK 6016 1331 9268 19",
        "gb29nwbk60161331926819",
        "de89 3704 0044 0532 0130 00",
        "Fr14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_iban_in_any_case(det: RuleDetector, iban: str) -> None:
    text = f"Refund to IBAN {iban} by Friday."
    assert sources(det, text).get("id.iban") == iban


def test_iban_lower_case_needs_the_check(det: RuleDetector) -> None:
    # right shape, wrong check digits; and lower-case words of the shape are not IBANs
    assert "id.iban" not in sources(det, "iban gb28 nwbk 6016 1331 9268 19 and ab12 cdef ghij kl")


def test_address_block_city_with_one_common_word(det: RuleDetector) -> None:
    # "Green" alone is a common word; with "Smith's" before it the line is a place
    text = "92 Hounslow Rd\nSuite 603\nSMITH'S GREEN\nUnited Kingdom"
    assert covering(det, text, "SMITH'S GREEN") == {"LOCATION"}


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("9092 Avda. Generalísimo 6 Apt. 868", "9092 Avda. Generalísimo 6"),
        ("lives at Gewerbepark 45 in Linz", "Gewerbepark 45"),
        ("home: Præstevænget 15, 2nd floor", "Præstevænget 15"),
    ],
)
def test_more_street_shapes(det: RuleDetector, text: str, part: str) -> None:
    assert covering(det, text, part) == {"LOCATION"}


def test_capital_iban_with_a_country_format_typo_is_still_removed(det: RuleDetector) -> None:
    # mod 97 holds, but the length is wrong for GB (one group short): still an account number
    value = "GB08 WEST 1234 5698 765"
    from fairdeid.detect.rules import validators

    match = re.search(r".+", value)
    assert match is not None and validators.iban(match, value)
    assert sources(det, f"Refund to IBAN {value} by Friday.").get("id.iban") == value
