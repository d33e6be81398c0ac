"""The Spanish pack's address boundaries (``addresses.toml``, issue 12): where an address ends.

MEDDOCAN scores exact offsets; before these rules the door of "Calle Mayor 94, 2, B." was read
as a city "B." with its full stop, an address field's town as a name, and "acudió al hospital"
as an institution. Each case is the pack's rules resolved (what the pipeline removes).
"""

from __future__ import annotations

import pytest

from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline
from fairdeid.taxonomy import coarse


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_config(load_pack("es").config, detectors=["rules"])


def resolved(pipeline: Pipeline, text: str) -> set[tuple[str, str]]:
    """(text, coarse label) of each resolved span."""
    doc = pipeline.detect(text).document
    return {(text[s.start:s.end], coarse(s.label)) for s in doc.spans}


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Domicilio: Calle portero del cura 94, 2, B.\nLocalidad/ Provincia: Madrid.",
         "Calle portero del cura 94, 2, B"),
        ("Domicilio: Calle Alonso de Freylas, 6, Bajo A.\nCP: 23002.",
         "Calle Alonso de Freylas, 6, Bajo A"),
        ("Domicilio: Calle antracita 7, 4 Izq.\nCP: 28039.", "Calle antracita 7, 4 Izq"),
        ("Remitido por: Dr. Antonio Jalón. Calle Electra, 1 - 4º L 33208 Gijón.",
         "Calle Electra, 1 - 4º L"),
        ("Remitido por: Dr. X. Plaza de la Encarnación 32 P1 2B 41003. Sevilla.",
         "Plaza de la Encarnación 32 P1 2B"),
        ("Dr. Fabio Alados. C/ Manuel Caballero Venzala, 12, 2.º A. 23009 Jaén.",
         "C/ Manuel Caballero Venzala, 12, 2.º A"),
        ("Centro Penitenciario. Carretera Nacional 330 km 539 50800 Zuera.",
         "Carretera Nacional 330 km 539"),
        # institutions named by a date or a quoted name stay one span
        ("Remitido por: Dr. Heras. Hospital Universitario 12 de octubre. Avenida de Córdoba s/n",
         "Hospital Universitario 12 de octubre"),
        ("Servicio de Urología Hospital Provincial Universitario 'Saturnino Lara Torres' (Cuba)",
         "Hospital Provincial Universitario 'Saturnino Lara Torres'"),
        # an address field holds the address whatever its words
        ("NASS: 28 123.\nDomicilio: Federico Moreno Torroba, 7, 2, B .\nCP: 28004.",
         "Federico Moreno Torroba, 7, 2, B"),
    ],
)
def test_address_ends_after_floor_and_door(pipeline: Pipeline, text: str, address: str) -> None:
    assert (address, "LOCATION") in resolved(pipeline, text)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Localidad/ Provincia: Santiago de Compostela.\nCP: 15706.", "Santiago de Compostela"),
        ("Localidad/ Provincia: Santiago de Compostela, A Coruña.\nCP: 15703.", "A Coruña"),
        ("Fecha de nacimiento: 13/05/1952.\nPaís: Costa Rica.\nEdad: 65", "Costa Rica"),
    ],
)
def test_address_field_value_is_a_place_not_a_name(
    pipeline: Pipeline, text: str, place: str
) -> None:
    assert (place, "LOCATION") in resolved(pipeline, text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        # a letter after a street number is a door only at the end of the address
        ("Vive en la Calle Mayor 5. A los tres días acude de nuevo.", "A los"),
        # Spanish names its institutions before "hospital": these are verbs
        ("Mujer que acudió al hospital por dolor en el hueco poplíteo.", "acudió"),
        ("Un año después reingresa en el hospital con recidiva.", "reingresa"),
        # eponyms of two names are tests and syndromes, not people (the pack's allow list)
        ("Los cuerpos de Wagner-Meissner son positivos.", "Wagner-Meissner"),
        ("Serologías para Brucella: Rosa de Bengala +++; Test de Coombs.", "Rosa de Bengala"),
        ("Linfadenitis necrotizante o enfermedad de Kikuchi-Fujimoto.", "Kikuchi-Fujimoto"),
        # the door "D." is not the title Don before the next field's name
        ("Domicilio: C/ Las Monjas, 23, 1 D.\nLocalidad/ Provincia: Córdoba.\n", "Localidad"),
    ],
)
def test_ordinary_words_stay_outside(pipeline: Pipeline, text: str, word: str) -> None:
    start = text.index(word)
    doc = pipeline.detect(text).document
    assert not [s for s in doc.spans if s.start < start + len(word) and start < s.end]
