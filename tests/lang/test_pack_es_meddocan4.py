"""Spanish pack fixes of the es-med4 round, each a class of error read on MEDDOCAN train (never
dev): signature and affiliation blocks where an institution, a street without its kind word, a
postcode and a town run together, makers after trade marks, doors and name particles. The
sentences are written for the tests, in the shapes the corpus uses; each asserts the exact
spans the pack's rules resolve to."""

from __future__ import annotations

import pytest

from _packs import found as _found
from _packs import pack_rules
from fairdeid.pipeline import Pipeline


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return pack_rules("es")


def _texts(pipeline: Pipeline, text: str) -> set[str]:
    return {text[s.start : s.end] for s in pipeline.detect(text).spans}


@pytest.mark.parametrize(
    ("text", "institution", "not_expected"),
    [
        # a street without "Calle"/"Avda." after the name: the last one or two capitalised
        # words before the house number or "s/n" are the street's
        ("Servicio de Cardiología. Hospital Comarcal del Oria Pedro Zubiaurre, 12 20400 Tolosa",
         "Hospital Comarcal del Oria", "Hospital Comarcal del Oria Pedro Zubiaurre"),
        ("Unidad de Ictus Hospital NISA Aljarafe, s/n 41930 Bormujos (Sevilla)",
         "Hospital NISA", "Hospital NISA Aljarafe"),
        # after a qualifier, the first word may already be the street's
        ("Neumología Hospital General Universitario Camino Viejo, 3 03010 Alicante",
         "Hospital General Universitario", "Hospital General Universitario Camino Viejo"),
        # a name after an article or a saint's word stays whole
        ("Hospital Clínico San Carlos Paseo de la Castellana, 261", "Hospital Clínico San Carlos",
         "Hospital Clínico San"),
        # a provincial capital at the end of the signature line is the town
        ("Hospital Universitario Central del Norte Oviedo Asturias. (España).",
         "Hospital Universitario Central del Norte",
         "Hospital Universitario Central del Norte Oviedo"),
        # ... unless "de" makes it part of the name
        ("Servicio de Urología. Hospital General de Valencia. Tres Cruces, 2",
         "Hospital General de Valencia", "Hospital General de"),
        # any centre, faculty or university school with a capitalised name
        ("Se remitió la muestra al Centro de Diagnóstico Genético de Aragón, que confirmó",
         "Centro de Diagnóstico Genético de Aragón",
         "Centro de Diagnóstico Genético de Aragón, que"),
        ("Unidad Docente. Facultad de Enfermería Universidad de Lleida Avda. Rovira, 44",
         "Facultad de Enfermería", "Facultad de Enfermería Universidad de Lleida"),
        # the town after "de" is the name's, and a full stop ends the name before the street
        ("Dra. Ana Gil. Facultad de Farmacia de Granada. Cartuja, s/n 18071 Granada",
         "Facultad de Farmacia de Granada", "Facultad de Farmacia de"),
        # a saint's word is whole: "Sanguínea" is no "San"
        ("estudio en el Centro de Hemoterapia Sanguínea de Castilla, sin hallazgos",
         "Centro de Hemoterapia Sanguínea de Castilla", "Centro de Hemoterapia San"),
    ],
)
def test_institution_ends_where_its_name_does(
    rules: Pipeline, text: str, institution: str, not_expected: str
) -> None:
    found = _texts(rules, text)
    assert institution in found
    assert not_expected not in found


def test_university_stops_before_the_street(rules: Pipeline) -> None:
    text = "Facultad de Farmacia Universidad de Navarra Avda. Irunlarrea, 1 31008 Pamplona"
    found = _found(rules, text)
    assert ("Universidad de Navarra", "ORGANIZATION") in found
    assert ("Avda. Irunlarrea, 1", "STREET") in found


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        # the country letter of a Spanish postcode is part of it, as MEDDOCAN marks it
        ("Hospital de Mérida Polígono Nueva Ciudad, s/n E-06800 Mérida (Badajoz)", "E-06800"),
        ("C/ Jorge Juan, 8, 4º B E 28001 Madrid, España.", "E 28001"),
    ],
)
def test_postcode_keeps_its_country_letter(rules: Pipeline, text: str, postcode: str) -> None:
    assert (postcode, "ZIP") in _found(rules, text)


def test_s_n_of_an_address_is_no_serial_number(rules: Pipeline) -> None:
    # "s/n" is "sin número": the postcode and town after it are no device number
    found = _found(rules, "Servicio de Farmacia. Avda. Reina Mercedes s/n 41012-Sevilla, España")
    assert ("Avda. Reina Mercedes s/n", "STREET") in found
    assert not any(label == "DEVICE" for _, label in found)


def test_serial_number_with_a_colon_is_still_found(rules: Pipeline) -> None:
    text = "Se implanta desfibrilador con S/N: QX4471852B sin incidencias."
    assert ("QX4471852B", "DEVICE") in _found(rules, text)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("con latanoprost (Xalatan®, Pfizer, Nueva York, EE.UU.) cada noche",
         {("Pfizer", "ORGANIZATION"), ("Nueva York", "LOCATION"), ("EE.UU.", "COUNTRY")}),
        ("con dorzolamida (Trusopt®, Merck Sharp & Dohme) y timolol",
         {("Merck Sharp & Dohme", "ORGANIZATION")}),
        ("se administró (Urbason®, Sanofi-España) por vía oral",
         {("Sanofi", "ORGANIZATION"), ("España", "COUNTRY")}),
        ("con un injerto óseo Bio-Oss® (Geistlich Pharma, Wolhusen, Suiza) en el defecto",
         {("Geistlich Pharma", "ORGANIZATION"), ("Suiza", "COUNTRY")}),
    ],
)
def test_maker_after_a_trade_mark(
    rules: Pipeline, text: str, spans: set[tuple[str, str]]
) -> None:
    assert spans <= _found(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        # a list of trade names is no maker, nor a drug's content in brackets
        "Tratamiento con Sintrom®, Adiro®, Omeprazol® y Eutirox®.",
        "Se añade Adiro® (AAS 100 mg) cada 24 horas.",
        "(Aminoven®, tabla II), sin eritema",
    ],
)
def test_trade_names_alone_are_no_maker(rules: Pipeline, text: str) -> None:
    assert not any(label == "ORGANIZATION" for _, label in _found(rules, text))


@pytest.mark.parametrize(
    ("text", "street"),
    [
        # ordinal "o" for "º" and "Izda" as the door
        ("Remitido por: Luis Ortega Gil. C/ Alcalá Galiano, 12, 3.o B 28010 Madrid.",
         "C/ Alcalá Galiano, 12, 3.o B"),
        ("Responsable clínico: Ana Ruiz. Avda. Pío XII, 9, 4o C Getxo. Vizcaya.",
         "Avda. Pío XII, 9, 4o C"),
        ("Remitido por: Ana Ruiz. C/ Zapatería, 21, 2º Izda. 31001 Pamplona.",
         "C/ Zapatería, 21, 2º Izda"),
        ("Remitido por: Ana Ruiz. C/. Costa Rica, 6B, 5.º A 28016 Madrid",
         "C/. Costa Rica, 6B, 5.º A"),
    ],
)
def test_street_with_its_door(rules: Pipeline, text: str, street: str) -> None:
    assert (street, "STREET") in _found(rules, text)


@pytest.mark.parametrize(
    "name",
    ["Jaime Ortega de la Fuente", "Lucía Prieto De la Cruz", "Tomás Rey de los Ríos"],
)
def test_compound_particles_join_the_surname(rules: Pipeline, name: str) -> None:
    text = f"Médico: {name} NºCol: 28 28 41234.\nHistoria Actual: varón de 50 años."
    assert (name, "DOCTOR") in _found(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        # the patient's own health centre or a referral centre is no name
        "Acudió a Urgencias de su Centro de Salud por fiebre.",
        "En el Centro de Referencia se realiza TC torácica.",
    ],
)
def test_generic_centres_are_no_institution(rules: Pipeline, text: str) -> None:
    assert not any(label == "HOSPITAL" for _, label in _found(rules, text))


def test_surname_del_barrio_is_no_district(rules: Pipeline) -> None:
    text = "Médico: Olga Pardo del Barrio  NºCol: 08 08 51234.\nHistoria Actual: mujer."
    found = _found(rules, text)
    assert ("Olga Pardo del Barrio", "DOCTOR") in found
    assert not any(label == "LOCATION_OTHER" for _, label in found)


@pytest.mark.parametrize(
    ("text", "street", "institution"),
    [
        # a street without its kind word after the institution's full stop or comma, known by
        # its number and the postcode and town after it
        ("Servicio de Hematología. Hospital Universitario Príncipe de Asturias. Obispo Ruiz, 12, "
         "28805 Alcalá de Henares.", "Obispo Ruiz, 12",
         "Hospital Universitario Príncipe de Asturias"),
        ("Unidad de Mama. Hospital Clínico Universitario. Los Sauces s/n. 47012 Valladolid",
         "Los Sauces s/n", "Hospital Clínico Universitario"),
    ],
)
def test_bare_street_after_an_institution(
    rules: Pipeline, text: str, street: str, institution: str
) -> None:
    found = _found(rules, text)
    assert (street, "STREET") in found
    assert (institution, "HOSPITAL") in found


def test_bare_street_needs_the_postcode(rules: Pipeline) -> None:
    found = _found(rules, "Antecedentes: Juan Pérez, 45 años. Tabla Uno, 12 pacientes.")
    assert not any(label == "STREET" for _, label in found)
