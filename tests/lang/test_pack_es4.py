"""Spanish pack classes of the es-med4 round read on the es_blind1 misses (a dev set since it was
measured): Latin-American licences, file and certificate numbers, districts, primary-care
centres, public bodies, insurers and employers, letterheads in capitals, titles, weekday dates
and entries, rooms. Every sentence is written for the tests in the shape of another hospital's
notes; each asserts the exact span and label the pack's rules resolve to."""

from __future__ import annotations

import pytest

from _packs import found as _found
from _packs import pack_rules
from fairdeid.document import Span
from fairdeid.pipeline import Pipeline


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return pack_rules("es")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # licences of Peru, Colombia, Argentina and Mexico, each number its own span
        ("Dra. Lucía Paredes Soto\nMédica Internista – CMP 51327  RNE 30114\n",
         {("51327", "LICENSE"), ("30114", "LICENSE")}),
        ("Andrés Felipe Mora – Médico general, RM 76-1183/2015", {("76-1183/2015", "LICENSE")}),
        ("Firma: Dr. Tomás Vidal, M.N. 120334, M.P. 5512", {("120334", "LICENSE"),
                                                           ("5512", "LICENSE")}),
        ("Médico: Dra. Itzel Cárdenas Ruiz     Céd. Prof. 10938472",
         {("Itzel Cárdenas Ruiz", "DOCTOR"), ("10938472", "LICENSE")}),
        # sick-leave, file, police and court numbers
        ("Se extiende licencia médica N° 2-77410395 por 7 días.", {("2-77410395", "IDNUM")}),
        ("Reposo laboral (folio 4-11893320).", {("4-11893320", "IDNUM")}),
        ("Ley de dependencia, expediente BA-2022-11873, grado I.", {("BA-2022-11873", "IDNUM")}),
        ("Traída por la Guardia Civil de Tráfico (agente nº 7781), atestado nº 332/25.",
         {("Guardia Civil de Tráfico", "ORGANIZATION"), ("7781", "IDNUM"), ("332/25", "IDNUM")}),
        ("Parte de lesiones al Juzgado de Guardia nº 2 de Córdoba.",
         {("Juzgado de Guardia nº 2 de Córdoba", "ORGANIZATION")}),
        # districts of Latin-American addresses; "de" stays outside, a place keeps its label
        # against a name dictionary
        ("Vive en el barrio de Villa Urquiza con su madre.", {("Villa Urquiza", "LOCATION_OTHER")}),
        ("Domiciliada en la comuna de Maipú, Santiago.", {("Maipú", "LOCATION_OTHER")}),
        ("Reside en Colonia Santa Julia, Pachuca.", {("Santa Julia", "LOCATION_OTHER")}),
        # primary-care centres of Chile and Argentina
        ("Control en CESFAM Padre Hurtado en 2 semanas.", {("CESFAM Padre Hurtado", "HOSPITAL")}),
        ("Se deriva al CAPS Barrio Norte para vacunas.", {("CAPS Barrio Norte", "HOSPITAL")}),
        # a letterhead in capitals
        ("SANATORIO AMERICANO – Sede Centro\nInforme de alta", {("SANATORIO AMERICANO",
                                                                "HOSPITAL")}),
        # insurers before their kind word, employers after an occupation or work phrase
        ("Cobertura: Rímac Seguros, póliza 7712.", {("Rímac Seguros", "ORGANIZATION")}),
        ("Ocupación: cajera en Supermercados Peruanos\nAlergias: no",
         {("Supermercados Peruanos", "ORGANIZATION")}),
        ("Trabaja como repartidor en Glovo desde hace un año.", {("Glovo", "ORGANIZATION")}),
        ("Su hija trabaja a turnos en Danone, y la visita.", {("Danone", "ORGANIZATION")}),
        # "D.ª" is a title and stays outside the name
        ("Acude con su hermana, D.ª Pilar Ordóñez Ruiz, que aporta informes.",
         {("Pilar Ordóñez Ruiz", "PATIENT")}),
        # "Julio" is a given name after a title
        ("Solicitante: Dr. Julio Andrés Quispe Mamani", {("Julio Andrés Quispe Mamani",
                                                          "DOCTOR")}),
        # a weekday with its day number, a day/month entry of a nursing record
        ("Revisión en consultas el jueves 22. Sin otras incidencias.", {("jueves 22", "DATE")}),
        ("14/03 turno de noche: duerme bien.", {("14/03", "DATE")}),
        # "hab" without its full stop
        ("pac en hab 207, tranquila", {("207", "ROOM")}),
    ],
)
def test_found(rules: Pipeline, text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _found(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        # RM is a scanner and a study in Spanish, not a room nor a licence
        "RM 3 T de columna lumbar sin hallazgos.",
        "RM 2019 con protrusión discal L4-L5.",
        # "Vº Bº" (approved) is no district
        "Vº Bº Dr. Ramírez",
        # a fraction or a pressure is no date
        "TA 12/8 mmHg, 3/4 partes de la dosis.",
        # a unit or a title in capitals is no hospital name
        "HOSPITAL DE DÍA ONCOLÓGICO",
        "INFORME DE ALTA HOSPITALARIA",
        # a floor is no room
        "Sala 4° piso, ala norte",
        # a folio without a number of three digits
        "ver folio 3 del informe",
    ],
)
def test_not_found(rules: Pipeline, text: str) -> None:
    labels = {label for _, label in _found(rules, text)}
    assert not labels & {"LICENSE", "ROOM", "LOCATION_OTHER", "IDNUM", "HOSPITAL", "DATE"}


def test_weekday_before_a_dose_keeps_the_dose(rules: Pipeline) -> None:
    assert ("martes 3", "DATE") not in _found(rules, "el martes 3 mg de metotrexato")


def test_care_home_as_address_is_an_institution(rules: Pipeline) -> None:
    text = "Domicilio: Residencia Sanitas Los Álamos, Leganés\nAcude con su hijo."
    found = _found(rules, text)
    assert ("Residencia Sanitas Los Álamos", "HOSPITAL") in found
    assert not any(label == "STREET" for _, label in found)


@pytest.mark.parametrize("allowed", ["Hospital de Día", "Pcte"])
def test_generic_unit_and_abbreviation_are_allowed(rules: Pipeline, allowed: str) -> None:
    # a model's span on the whole word stays in the text
    assert rules.resolver.keeps(allowed, Span(0, len(allowed), "HOSPITAL", "crf:m", 0.99))


@pytest.mark.parametrize(
    ("text", "occupation"),
    [
        # occupations of Faker's list and common trades, in the apposition after the age
        ("Mujer de 51 años, manipuladora de alimentos, sin alergias.", "manipuladora de alimentos"),
        ("Varón de 38 años, chofer de autobús, fumador.", "chofer de autobús"),
        ("Su hermano Luis Prado, traductor, la acompaña.", "traductor"),
    ],
)
def test_occupation_from_the_extended_list(rules: Pipeline, text: str, occupation: str) -> None:
    assert (occupation, "PROFESSION") in _found(rules, text)
