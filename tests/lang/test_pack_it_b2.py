"""The Italian pack against the classes the second blind set showed (issue 12): file and protocol
numbers, IBANs named as such, rural places and mountain huts, bodies named by their type word,
occupations of a late spouse, of a student and in brackets before an employer, hospital sites
("P.O."), streets with "ai"/"alle" and in lower case, countries, named theatres, lower-case staff
in a home-care diary. Every sentence was written for these tests, none copied from a set."""

from __future__ import annotations

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.lang.packs import load_pack


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config(load_pack("it").config["detectors"]["rules"])


def _labels(detector: RuleDetector, text: str, value: str) -> dict[str, str]:
    """Each label over ``value`` with the text of its span."""
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    return {s.label: text[s.start:s.end] for s in spans
            if s.start < start + len(value) and s.end > start}


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # protocol, court and dispatch numbers by their keyword
        ("Prot. ASL/2025/0915 del 3 marzo.", "ASL/2025/0915", "IDNUM"),
        ("Ricorso R.G. n. 7731/2025, udienza fissata.", "7731/2025", "IDNUM"),
        ("Scheda n. missione 0417/PA del 118", "0417/PA", "IDNUM"),
        ("Visita prenotata (prenotazione CUP n. 25BA4471902).", "25BA4471902", "IDNUM"),
        # an IBAN named as one, check digits wrong (a typo in the note)
        ("Accredito su IBAN IT12A0306909606100000012345 del figlio.",
         "IT12A0306909606100000012345", "ACCOUNT"),
        # hamlets, districts and huts by their type word, without a house number
        ("Vive in contrada Serra Lunga con il fratello.", "contrada Serra Lunga", "LOCATION_OTHER"),
        ("Gestisce il Rifugio Monte Grappa in estate.", "Rifugio Monte Grappa", "LOCATION_OTHER"),
        # bodies by their type word
        ("ASL Taranto – Distretto Socio Sanitario di Manduria",
         "Distretto Socio Sanitario di Manduria", "ORGANIZATION"),
        ("Portuale della Compagnia Portuale di Livorno.", "Compagnia Portuale di Livorno",
         "ORGANIZATION"),
        ("Dr. Paolo Ferri\nStudio medico Val Seriana\n24021 Albino", "Studio medico Val Seriana",
         "ORGANIZATION"),
        # occupations
        ("Vedova di un ferroviere, vive sola al secondo piano.", "ferroviere", "PROFESSION"),
        ("Riferisce di essere studente di ingegneria a Pavia.", "studente", "PROFESSION"),
        ("Accompagnata dalla nipote Sig.ra Anna Neri (rilegatrice presso una legatoria).",
         "rilegatrice", "PROFESSION"),
        ("Riferisce di lavorare come barista nel fine settimana.", "barista", "PROFESSION"),
        # a hospital site
        ("Trasferita al P.O. Vittorio Emanuele di Gela per TC.", "P.O. Vittorio Emanuele",
         "HOSPITAL"),
        # streets: "ai", "alle", lower-case type words
        ("Residente in Via ai Campi 12, Lugano.", "Via ai Campi 12", "STREET"),
        ("Abita in salita Santa Caterina 4/2, 16123 Genova.", "salita Santa Caterina 4/2",
         "STREET"),
        # countries, also in a note typed without capitals
        ("la sorella vive in slovenia da anni.", "slovenia", "COUNTRY"),
        ("il cognato lavora in austria, rientra a natale.", "austria", "COUNTRY"),
        ("ha parenti a zagabria (croazia).", "croazia", "COUNTRY"),
        # a named theatre or catheter room
        ("Paziente condotto in sala Ibis 3 per angioplastica.", "Ibis 3", "ROOM"),
        # staff of a lower-case diary before a colon or a dash
        ("12/03 – inf. elena furlan: medicazione eseguita.", "elena furlan", "DOCTOR"),
        ("mmg: dott. andrea zorzut – tel. in cartella", "andrea zorzut", "DOCTOR"),
    ],
)
def test_finds_the_class(detector: RuleDetector, text: str, value: str, label: str) -> None:
    assert label in _labels(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # an occupation phrase stops before "nel/nella" and its employer
        ("Ha lavorato come magazziniera nel mobilificio di famiglia.", "nel", "PROFESSION"),
        # a laboratory protein value is no protocol number
        ("Prot. 6,8 g/dl, albumina 3,9 g/dl.", "6,8", "IDNUM"),
        ("Prot. 1500 mg nelle 24 ore.", "1500", "IDNUM"),
        # a protocol of treatment is no file number
        ("Trattata secondo protocollo GIMEMA-2019 in prima linea.", "GIMEMA-2019", "IDNUM"),
        # a house number makes a contrada a street, not a place
        ("Residente in Contrada Fiumara 18, Catanzaro.", "Contrada Fiumara", "LOCATION_OTHER"),
        # a country word that is also a name or an Italian word, in lower case
        ("la figlia mali ha portato i documenti.", "mali", "COUNTRY"),
        # "vedova di un uomo" names no occupation; a student's status word alone does not fire
        ("Vedova di un uomo molto più anziano.", "uomo", "PROFESSION"),
        ("Gli studenti del corso assistono alla visita.", "studenti", "PROFESSION"),
        # a lower-case staff cue followed by a shift word is no name
        ("inf. di turno: parametri stabili.", "turno", "DOCTOR"),
        ("dott. del reparto: rivalutare domani.", "reparto", "DOCTOR"),
        # a bracketed participle before "presso" is no occupation
        ("Il figlio Luca Sala (ricoverato presso altra struttura).", "ricoverato", "PROFESSION"),
        # a theatre's decimal is no room
        ("Sala 2,5 ml di soluzione.", "2,5", "ROOM"),
    ],
)
def test_leaves_the_lookalike(detector: RuleDetector, text: str, value: str, label: str) -> None:
    assert label not in _labels(detector, text, value)


def test_iban_span_is_the_number_only(detector: RuleDetector) -> None:
    text = "Bonifico su IBAN: IT12A0306909606100000012345."
    assert _labels(detector, text, "IT12A")["ACCOUNT"] == "IT12A0306909606100000012345"


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("ASUFC – distretto 3 – servizio infermieristico domiciliare", "ASUFC", "ORGANIZATION"),
        ("SEUS 118 Messina – centrale operativa", "SEUS 118 Messina", "ORGANIZATION"),
    ],
)
def test_names_the_service(detector: RuleDetector, text: str, value: str, label: str) -> None:
    assert _labels(detector, text, value).get(label) == value
