"""Letters of the fifth writers (issue 12): the classes their letters showed missing in fr and
it (the author of a lower-case care diary's entry, a short weekday before a numeric date, an
occupation after "in precedenza"), each with look-alikes that must stay. Every sentence is
invented for this file."""

from __future__ import annotations

from functools import cache

import pytest
from pack_notes import labels_over, touched

from fairdeid.detect.rules import RuleDetector
from fairdeid.lang.packs import load_pack


@cache
def _detector(code: str) -> RuleDetector:
    return RuleDetector.from_config(load_pack(code).config["detectors"]["rules"])


@pytest.mark.parametrize(
    ("code", "text", "value", "label"),
    [
        # fr: the diary entry's author, with an hour, an initial or a role after the name
        ("fr", "ras.\n\nsam 14/03 8h15 – morgane t. ide\npansement refait.", "morgane t.",
         "DOCTOR"),
        ("fr", "dim 15/03 – yannick as\ntoilette faite.", "yannick", "DOCTOR"),
        ("fr", "16/03 nuit – ide corentin\nnuit calme.", "corentin", "DOCTOR"),
        ("fr", "note du mer. 18.03 : appel du fils", "mer. 18.03", "DATE"),
        # it: the diary entry's author, before or after a role word
        ("it", "valutazione.\n\ngio 12/03 – tonetto\ncolloquio breve.", "tonetto", "DOCTOR"),
        ("it", "sab 14 mar – as pellizzari\nvisita domiciliare.", "pellizzari", "DOCTOR"),
        ("it", "15/03 pomeriggio – f. dalcin\nriposa.", "f. dalcin", "DOCTOR"),
    ],
)
def test_letters_b5_classes(code: str, text: str, value: str, label: str) -> None:
    assert label in labels_over(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        # a care word after the entry's dash is its subject, not its author
        ("fr", "24/03 – visite\nras.", "visite"),
        ("fr", "25/03 nuit – calme\n", "calme"),
        ("fr", "ven 27/03 – toilette au lit, change\n", "toilette"),
        ("it", "25/03 – medico\nvisita.", "medico"),
        ("it", "26/03 notte – tranquilla\n", "tranquilla"),
        ("it", "27/03 – colloquio con la figlia\n", "colloquio"),
        # a dash in running text, not at a diary line's start
        ("it", "pressione 12/8 – stabile", "stabile"),
    ],
)
def test_letters_b5_look_alikes_stay(code: str, text: str, value: str) -> None:
    assert not touched(_detector(code), text, value)


def test_it_lower_patient_header_before_a_dash() -> None:
    """A lower-case patient header whose line goes on after a dash ("utente: x y – cartella")."""
    text = "utente: bortoluzzi mirco – cartella 2231"
    assert "PATIENT" in labels_over(_detector("it"), text, "bortoluzzi mirco")
    assert not touched(_detector("it"), "utente: non collaborante – rivalutare", "collaborante")


def test_it_occupation_after_in_precedenza() -> None:
    text = "attualmente disoccupato, in precedenza falegname in una ditta locale"
    assert "PROFESSION" in labels_over(_detector("it"), text, "falegname")


@pytest.mark.parametrize(
    ("code", "text", "value", "label"),
    [
        ("it", "seguito dal serd. nato a treviso il 2/5/80, disoccupato", "treviso", "CITY"),
        ("it", "la figlia vive con la nonna a belluno", "belluno", "CITY"),
        ("de", "hausbesuch\nmutter: nadia haddad (geb. saleh), *1995\nkind: gesund",
         "nadia haddad", "PATIENT"),
        ("de", "vater: karim haddad, maler\n", "karim haddad", "PATIENT"),
    ],
)
def test_lower_case_note_people_and_towns(code: str, text: str, value: str, label: str) -> None:
    assert label in labels_over(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("it", "il paziente vive a casa da solo", "casa"),
        ("it", "nato a termine, parto eutocico", "termine"),
        ("de", "mutter: rr 118/74, puls 80", "rr"),
        ("de", "vater: lebt noch, gesund\n", "lebt noch"),
        ("de", "mutter: sehr müde, weint viel\n", "sehr müde"),
    ],
)
def test_lower_case_look_alikes_stay(code: str, text: str, value: str) -> None:
    assert not touched(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value", "label"),
    [
        ("de", "Sie war bis 2019 Inhaberin einer Blumenhandlung in Kassel.",
         "Inhaberin einer Blumenhandlung", "PROFESSION"),
        ("de", "Ehemann Betreiber eines kleinen Imbisses am Bahnhof",
         "Betreiber eines kleinen Imbisses", "PROFESSION"),
        ("it", "Già titolare di una ferramenta a Treviso.", "titolare di una ferramenta",
         "PROFESSION"),
        ("it", "la madre, titolare di un negozio di scarpe in centro",
         "titolare di un negozio di scarpe", "PROFESSION"),
        ("it", "padre Sig. Omar Diallo, mediatore culturale, presente", "mediatore culturale",
         "PROFESSION"),
        ("it", "ora disoccupato, prima falegname in un mobilificio", "falegname", "PROFESSION"),
    ],
)
def test_occupations_of_owners_and_cues(code: str, text: str, value: str, label: str) -> None:
    assert label in labels_over(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("de", "Der Inhaber einer Vollmacht ist die Tochter.", "Inhaber einer"),
        ("it", "titolare di una pensione di invalidità", "titolare"),
        ("it", "titolare di un permesso di soggiorno", "titolare"),
    ],
)
def test_owner_look_alikes_stay(code: str, text: str, value: str) -> None:
    assert not touched(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value", "label"),
    [
        ("de", "Die Lehrerin der Grundschule „Am Mühlbach“ rief an.", "Grundschule „Am Mühlbach“",
         "ORGANIZATION"),
        ("de", "betreut vom Pflegedienst „Sonnenschein Mobil“ seit 2024", "Sonnenschein Mobil",
         "ORGANIZATION"),
        ("de", "Er führt den Betrieb \"Elektro Brandl\" allein.", "Elektro Brandl", "ORGANIZATION"),
        ("it", "Domicilio: CAS \"La Quercia\", Via Roma 3", "La Quercia", "ORGANIZATION"),
    ],
)
def test_quoted_names_after_their_kind(code: str, text: str, value: str, label: str) -> None:
    assert label in labels_over(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("de", "Die Schule „macht ihm Angst“, sagt er.", "macht ihm Angst"),
        ("de", "der Pflegedienst „kommt zu spät“, klagt sie", "kommt zu spät"),
        ("it", "al bar \"mi sento osservato\" riferisce", "mi sento osservato"),
    ],
)
def test_quoted_speech_stays(code: str, text: str, value: str) -> None:
    assert not touched(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value", "label"),
    [
        ("fr", "pt : mme orsini jeanne (94 a) – soins palliatifs", "94", "AGE"),
        ("fr", "domicile : hameau des pins, 20117 ocana – fils joignable", "ocana", "CITY"),
    ],
)
def test_fr_lower_case_age_and_town(code: str, text: str, value: str, label: str) -> None:
    assert label in labels_over(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("fr", "plaquettes 90 (a) normales", "90"),
        ("fr", "bilan : hb 9, 45000 plaquettes, crp 12", "plaquettes"),
        ("fr", "mme orsini (64 a) – soins", "64"),
    ],
)
def test_fr_lower_case_look_alikes_stay(code: str, text: str, value: str) -> None:
    assert not touched(_detector(code), text, value)


def test_it_cui_code() -> None:
    text = "Permesso in rinnovo, Codice CUI: 07KX4M2, questura di Sassari"
    assert "IDNUM" in labels_over(_detector("it"), text, "07KX4M2")
    assert not touched(_detector("it"), "CUI non disponibile, ASSENTE in banca dati", "ASSENTE")
