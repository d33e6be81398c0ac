"""National identifiers in the language packs: checksummed shapes, written variants, cue words.

Valid samples come from python-stdnum's documentation or are computed by hand from the
published algorithm (KVNR: § 290 SGB V, Rentenversicherungsnummer: VKVV § 2, NSS: TGSS mod 97);
each invalid sample is a valid one with one digit changed, which the checksum rules must leave
alone (the English fallback ``id.long_number`` may still give a bare digit run a low-score
IDNUM, so the tests look at the national rule's label).
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules import validators as v
from fairdeid.detect.rules.national_ids import NATIONAL_ID_VALIDATORS
from fairdeid.document import Document, Span
from fairdeid.lang.packs import load_pack
from fairdeid.locales import national_ids as ni


@cache
def pack_detector(code: str) -> RuleDetector:
    return RuleDetector.from_config(load_pack(code).config["detectors"]["rules"])


def spans_of(code: str, text: str) -> list[Span]:
    return pack_detector(code).detect(Document(id="t", text=text))


def covered(spans: list[Span], text: str, part: str, label: str) -> bool:
    """Whether one span of ``label`` covers exactly ``part``."""
    start = text.index(part)
    return any(s.start == start and s.end == start + len(part) and s.label == label
               for s in spans)


def has_label_over(spans: list[Span], text: str, part: str, label: str) -> bool:
    start = text.index(part)
    return any(s.label == label and s.start < start + len(part) and s.end > start for s in spans)


# -- the catalogue ------------------------------------------------------------------------

VALID = [
    ("de.kvnr", "A123456780"),
    ("de.kvnr", "A 123 456 780"),
    ("de.idnr", "36 574 261 809"),
    ("de.idnr", "36574261809"),
    ("de.rvnr", "15 070649 C 103"),
    ("de.rvnr", "15070649C103"),
    ("fr.nir", "2 95 10 99 126 111 93"),
    ("fr.nir", "1 85 05 78 006 084 91"),
    ("fr.nir", "2 85 05 2A 006 084 82"),
    ("nl.bsn", "1112.22.333"),
    ("nl.bsn", "123456782"),
    ("it.codice_fiscale", "RCCMNL83S18D969H"),
    ("it.codice_fiscale", "RSSMRA85T10A562S"),
    ("it.codice_fiscale", "RSSMRA85T10A5SNT"),  # omocodia: 6 and 2 of the place written S, N
    ("es.dni", "54362315-K"),
    ("es.dni", "12.345.678-Z"),
    ("es.nie", "X-2482300-W"),
    ("es.nss", "28/12345678/40"),
    ("gb.nhs", "943 476 5919"),
    ("ca.sin", "123-456-782"),
    ("us.ssn", "536-22-1234"),
]


def one_digit_changed(value: str) -> str:
    """The value with its last digit bumped by one (mod 10): a typing error a checksum catches."""
    i = max(i for i, c in enumerate(value) if c.isdigit())
    return value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]


@pytest.mark.parametrize(("code", "value"), VALID)
def test_catalogue_accepts_valid_numbers(code: str, value: str) -> None:
    assert ni.is_valid(code, value)


@pytest.mark.parametrize(("code", "value"), [x for x in VALID if x[0] != "us.ssn"])
def test_catalogue_refuses_one_digit_changed(code: str, value: str) -> None:
    assert not ni.is_valid(code, one_digit_changed(value))


def test_kvnr_check_digit_follows_sgb_v() -> None:
    # A=01: 0 1 1 2 3 4 5 6 7 8 weighted 1,2,...: cross sums 0+2+1+4+3+8+5+3+7+7 = 40 -> 0
    assert ni.kvnr_check_digit("A12345678") == "0"
    # the VKVV example: 15 070649 C 10 -> check digit 3
    assert ni.rvnr_check_digit("15070649C10") == "3"


def test_nss_accepts_both_published_readings_of_short_numbers() -> None:
    # number under 10^7: TGSS reads province * 10^7 + number; most software the ten digits
    assert ni.nss_check_digits("2801234567") == (f"{2801234567 % 97:02d}",
                                                f"{(28 * 10**7 + 1234567) % 97:02d}")


@pytest.mark.parametrize("code", sorted(ni.NUMBERS))
def test_every_fake_is_valid(code: str) -> None:
    import random

    rng = random.Random(7)
    number = ni.NUMBERS[code]
    for _ in range(300):
        assert number.valid(number.make(rng)), code


def test_identify_prefers_the_locale_country() -> None:
    # 123456782 passes the Dutch 11-test and the Canadian Luhn check
    assert ni.identify("123456782", ["NL"]).code == "nl.bsn"  # type: ignore[union-attr]
    assert ni.identify("123456782", ["CA"]).code == "ca.sin"  # type: ignore[union-attr]
    assert ni.identify("123456789") is None  # no check digit fits


def test_ssn_without_checksum_is_identified_only_in_its_layout() -> None:
    assert ni.identify("536-22-1234") is not None
    assert ni.identify("536221234", ["US"]) is None


# -- validators ----------------------------------------------------------------------------


def test_old_validator_names_still_work_on_stdnum() -> None:
    def match(value: str) -> re.Match[str]:
        found = re.match(r".+", value)
        assert found is not None
        return found

    for name in ("es_dni", "fr_nir", "nhs_number"):
        assert v.VALIDATORS[name] is getattr(v, name)
    assert v.es_dni(match("12345678Z"), "12345678Z")
    assert v.es_dni(match("X1234567L"), "X1234567L")
    assert not v.es_dni(match("12345678A"), "12345678A")
    assert v.fr_nir(match("1 85 05 78 006 084 91"), "1 85 05 78 006 084 91")
    assert v.nhs_number(match("943 476 5919"), "943 476 5919")
    assert not v.nhs_number(match("943 476 5918"), "943 476 5918")


def test_every_national_validator_is_registered() -> None:
    for name, fn in NATIONAL_ID_VALIDATORS.items():
        assert v.VALIDATORS[name] is fn


# -- rules of the packs --------------------------------------------------------------------

DETECTED = [
    # German
    ("de", "KVNR: A123456780", "A123456780", "HEALTHPLAN"),
    ("de", "Versichertennummer A 123 456 780, Kasse AOK", "A 123 456 780", "HEALTHPLAN"),
    ("de", "Die eGK A123456780 liegt vor.", "A123456780", "HEALTHPLAN"),
    ("de", "Steuer-ID 36 574 261 809", "36 574 261 809", "SSN"),
    ("de", "Identifikationsnummer: 36574261809.", "36574261809", "SSN"),
    ("de", "Nachweis 36574261809 liegt bei", "36574261809", "SSN"),
    ("de", "Rentenversicherungsnummer: 15 070649 C 103", "15 070649 C 103", "SSN"),
    ("de", "SV-Nr. 15070649C103", "15070649C103", "SSN"),
    ("de", "Patienten-ID: 4711-0815", "4711-0815", "MEDICALRECORD"),
    ("de", "Fall-Nr.: 20231234", "20231234", "MEDICALRECORD"),
    ("de", "Pat.-Nr. 1234567 Aufnahme am 3.4.", "1234567", "MEDICALRECORD"),
    ("de", "Auftragsnummer 7788123", "7788123", "IDNUM"),
    ("de", "Labor-Nr.: L-20-1234", "L-20-1234", "IDNUM"),
    ("de", "LANR 123456789", "123456789", "LICENSE"),
    # French
    ("fr", "N° de sécurité sociale : 1 85 05 78 006 084 91", "1 85 05 78 006 084 91", "SSN"),
    ("fr", "NIR 185057800608491 ; vu ce jour", "185057800608491", "SSN"),
    ("fr", "Patiente née 2 85 05 2A 006 084 82 à Ajaccio.", "2 85 05 2A 006 084 82", "SSN"),
    ("fr", "N° SS : 2.95.10.99.126.111.93", "2.95.10.99.126.111.93", "SSN"),
    ("fr", "N° de dossier : 2019-123456", "2019-123456", "MEDICALRECORD"),
    ("fr", "IPP 80012345, vu en consultation", "80012345", "MEDICALRECORD"),
    ("fr", "n° de séjour 2201234", "2201234", "MEDICALRECORD"),
    ("fr", "N° d'examen : 123456", "123456", "IDNUM"),
    ("fr", "RPPS 10003456789", "10003456789", "LICENSE"),
    # Dutch
    ("nl", "BSN: 111222333", "111222333", "SSN"),
    ("nl", "Burgerservicenummer 1112.22.333", "1112.22.333", "SSN"),
    ("nl", "Patiënt (bsn 123456782) werd opgenomen.", "123456782", "SSN"),
    ("nl", "Zie 123 456 782 in het dossier", "123 456 782", "SSN"),
    ("nl", "Patiëntnummer: 1234567", "1234567", "MEDICALRECORD"),
    ("nl", "pat.nr. 7654321", "7654321", "MEDICALRECORD"),
    ("nl", "Polisnummer 123456789A", "123456789A", "HEALTHPLAN"),
    ("nl", "Labnummer L22-0042", "L22-0042", "IDNUM"),
    ("nl", "BIG-nummer 19012345601", "19012345601", "LICENSE"),
    # Italian
    ("it", "Codice fiscale: RSSMRA85T10A562S", "RSSMRA85T10A562S", "SSN"),
    ("it", "C.F. rssmra85t10a562s", "rssmra85t10a562s", "SSN"),
    ("it", "CF: RSS MRA 85T10 A562S", "RSS MRA 85T10 A562S", "SSN"),
    ("it", "paziente RSSMRA85T10A5SNT omocodico", "RSSMRA85T10A5SNT", "SSN"),
    ("it", "Tessera sanitaria n. 80380000500012345678", "80380000500012345678", "HEALTHPLAN"),
    ("it", "codice STP0300000123456", "STP0300000123456", "HEALTHPLAN"),
    ("it", "Cartella clinica n. 2021/012345", "2021/012345", "MEDICALRECORD"),
    ("it", "N. nosologico 21012345", "21012345", "MEDICALRECORD"),
    ("it", "ID paziente: 998877", "998877", "MEDICALRECORD"),
    ("it", "N. referto 123456", "123456", "IDNUM"),
    ("it", "iscrizione all'albo n. 12345", "12345", "LICENSE"),
    # Spanish
    ("es", "DNI: 12345678Z", "12345678Z", "SSN"),
    ("es", "DNI 12.345.678-Z del paciente", "12.345.678-Z", "SSN"),
    ("es", "Paciente con NIE X-1234567-L.", "X-1234567-L", "SSN"),
    ("es", "NASS: 47 39047534 02", "47 39047534 02", "HEALTHPLAN"),
    ("es", "Nº de afiliación a la Seguridad Social: 28/12345678/40", "28/12345678/40",
     "HEALTHPLAN"),
    ("es", "número 28 12345678 40 válido", "28 12345678 40", "HEALTHPLAN"),
    ("es", "NHC: 2569870", "2569870", "MEDICALRECORD"),
    ("es", "nº de historia clínica 123456", "123456", "MEDICALRECORD"),
    ("es", "Episodio: 7345609.", "7345609", "IDNUM"),
    ("es", "CIPA: nhc-150679.", "150679", "HEALTHPLAN"),
    ("es", "CIP: BBBBBBBBQR648597", "BBBBBBBBQR648597", "HEALTHPLAN"),
    ("es", "NºCol: 28 28 70973.", "28 28 70973", "LICENSE"),
    ("es", "nº de colegiado 282870973", "282870973", "LICENSE"),
]


@pytest.mark.parametrize(("lang", "text", "part", "label"), DETECTED)
def test_pack_rules_find_national_and_hospital_numbers(
    lang: str, text: str, part: str, label: str
) -> None:
    spans = spans_of(lang, text)
    assert covered(spans, text, part, label), [(text[s.start:s.end], s.label) for s in spans]


# a valid number with one digit changed, without a cue word: the checksum rules stay quiet
INVALID = [
    ("de", "Die eGK {} liegt vor.", "A123456780", "HEALTHPLAN"),
    ("de", "Nachweis {} liegt bei", "36574261809", "SSN"),
    ("de", "Nummer {} im Brief", "15070649C103", "SSN"),
    ("fr", "Numéro {} invalide", "1 85 05 78 006 084 91", "SSN"),
    ("fr", "Valeur {} notée", "185057800608491", "SSN"),
    ("nl", "nummer {} onjuist", "123456782", "SSN"),
    ("nl", "nummer {} onjuist", "1112.22.333", "SSN"),
    ("it", "paziente {} errato", "RSSMRA85T10A562S", "SSN"),
    ("es", "El {} no es válido.", "12345678Z", "SSN"),
    ("es", "El {} no es válido.", "X1234567L", "SSN"),
    ("es", "número {} no válido", "28 12345678 40", "HEALTHPLAN"),
]


@pytest.mark.parametrize(("lang", "template", "valid", "label"), INVALID)
def test_checksum_rules_skip_numbers_with_a_wrong_check_digit(
    lang: str, template: str, valid: str, label: str
) -> None:
    good = template.format(valid)
    assert has_label_over(spans_of(lang, good), good, valid, label)
    if valid[-1].isalpha():  # the check character is a letter: change it
        letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
        wrong = valid[:-1] + letters[(letters.index(valid[-1]) + 1) % len(letters)]
    else:
        wrong = one_digit_changed(valid)
    bad = template.format(wrong)
    assert not has_label_over(spans_of(lang, bad), bad, wrong, label)


@pytest.mark.parametrize("lang", ["de", "fr", "nl", "it", "es"])
def test_year_after_a_national_cue_word_is_not_a_number(lang: str) -> None:
    text = {
        "de": "Steuer-ID seit 2019 bekannt",
        "fr": "affiliée à la sécurité sociale depuis 2001",
        "nl": "BSN sinds 2019 bekend",
        "it": "tessera sanitaria dal 2019",
        "es": "afiliación a la Seguridad Social desde 2001",
    }[lang]
    assert not any(s.label in {"SSN", "HEALTHPLAN"} for s in spans_of(lang, text))


@pytest.mark.parametrize("lang", ["de", "fr", "nl", "it", "es"])
@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("SSN: 536-22-1234", "536-22-1234"),
        ("NHS number 943 476 5919", "943 476 5919"),
        ("SIN 123-456-782", "123-456-782"),
        ("Health card 1234 567 890", "1234 567 890"),
        ("OHIP: 1234-567-890", "1234-567-890"),
    ],
)
def test_packs_keep_the_packaged_nhs_sin_health_card_and_ssn_rules(
    lang: str, text: str, part: str
) -> None:
    spans = spans_of(lang, text)
    start = text.index(part)
    assert any(s.start <= start and s.end >= start + len(part) for s in spans)


@pytest.mark.parametrize("lang", ["de", "fr", "nl", "it", "es"])
def test_lab_values_and_dates_stay_text(lang: str) -> None:
    text = "Hb 12,3 g/dl, Krea 1,2 mg/dl, 03.04.2021, 120/80 mmHg, 37,5 °C, Dosis 2x500 mg"
    ids = [s for s in spans_of(lang, text) if s.label in {"SSN", "HEALTHPLAN", "MEDICALRECORD"}]
    assert ids == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Intervalo de referencia: 89-215 ukat"),
        ("es", "Episodio: 12/03/2021, alta al domicilio"),
        ("es", "Sexo: H. Fecha de Ingreso: 21/12/2016. Médico: Dr. Ruiz"),
        ("es", "Fecha de ingreso: 13-12-2015. Episodio anterior"),
        ("it", "Data di ricovero: 12/03/2021. Motivo: dispnea"),
        ("it", "Prelievo: 12/03/2021 ore 8"),
        ("de", "Labor-Nr.: 03.04.2021"),
        ("fr", "N° d'examen : 03/04/2021"),
        ("nl", "Labnummer 03-04-2021"),
    ],
)
def test_cue_words_before_lab_ranges_and_dates_tag_no_number(lang: str, text: str) -> None:
    assert not any(s.label in {"IDNUM", "MEDICALRECORD"} and s.source.startswith("rules:id.")
                   and s.source != "rules:id.long_number" for s in spans_of(lang, text)), [
        (text[s.start:s.end], s.source) for s in spans_of(lang, text)]
