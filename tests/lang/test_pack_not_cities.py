"""Ordinary words of a pack's language that the world city list holds ("Fiche", Ethiopia;
"Registro", Brazil; "Klin", Russia) are no city where the pack's own stop or clinical list names
them; real cities beside them stay places, and the English rules keep the packaged list."""

from __future__ import annotations

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.lang.packs import load_pack

CASES = [
    ("fr", "Fiche de liaison infirmière – sortie. Fiche conseils remise. Domicile à Lyon.",
     ["Fiche"], "Lyon"),
    ("es", "Registro de enfermería – turno de noche. REGISTRO DE LLAMADA. Vive en Zaragoza.",
     ["Registro", "REGISTRO"], "Zaragoza"),
    ("it", "Registro Italiano ArtroProtesi (RIAP) – scheda di impianto. Residente a Torino.",
     ["Registro"], "Torino"),
    ("de", "Klin. Angaben: tastbarer Knoten li., BI-RADS 4. Wohnort Hamburg.", ["Klin"],
     "Hamburg"),
]


@pytest.mark.parametrize(("code", "text", "words", "city"), CASES)
def test_document_words_are_no_city(code: str, text: str, words: list[str], city: str) -> None:
    detector = RuleDetector.from_config(load_pack(code).config["detectors"]["rules"])
    spans = detector.detect(Document("n", text))
    tagged = {text[s.start : s.end] for s in spans}
    for word in words:
        assert word not in tagged
    assert city in tagged


def test_english_rules_keep_the_packaged_city_list() -> None:
    # no pack list: the packaged English lists decide, as before
    text = "Transferred from Registro, Brazil, to our unit."
    spans = RuleDetector.from_config({}).detect(Document("n", text))
    assert "Registro" in {text[s.start : s.end] for s in spans}
