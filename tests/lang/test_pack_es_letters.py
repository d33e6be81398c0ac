"""Spanish pack classes of the es-letters round (issue 12, read on the es_blind4 misses and on the
rules' misses of the training-only sets): organisations by their type word, legal form, insurer
kind or form field; occupations after a relative, the patient, an identity number or a later job;
Latin-American towns, districts, plots, streets and state abbreviations. Every sentence is
invented for the tests (none is copied from a set); each positive case asserts the span and label
the pack's rules resolve to, each negative one that a look-alike stays text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from _packs import found as _found
from _packs import pack_rules
from fairdeid.pipeline import Pipeline

PACK = Path(__file__).resolve().parents[2] / "src" / "fairdeid" / "lang" / "packs" / "es"


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return pack_rules("es")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # employers, care homes, public bodies by their type word
        ("Pintor en Construcciones Valdivia desde 2010.",
         {("Construcciones Valdivia", "ORGANIZATION")}),
        ("Vive en el Hogar Nuestra Señora de Luján desde enero.",
         {("Hogar Nuestra Señora de Luján", "ORGANIZATION")}),
        ("Se remite informe al Consulado de Bolivia.", {("Consulado de Bolivia", "ORGANIZATION")}),
        ("Ayuda a domicilio del Ayuntamiento de Teruel dos días por semana.",
         {("Ayuntamiento de Teruel", "ORGANIZATION")}),
        ("Camarera de pisos en el hotel Sol Caribe, turno de mañana.",
         {("hotel Sol Caribe", "ORGANIZATION")}),
        ("Servicio de Salud Metropolitano Norte\nInforme de alta",
         {("Servicio de Salud Metropolitano Norte", "ORGANIZATION")}),
        # legal forms without dots and family firms
        ("Transportista (Logística Arganda SL), sin baja.",
         {("Logística Arganda SL", "ORGANIZATION")}),
        ("Es socio de Ferretería Molina e Hijos en el pueblo.",
         {("Ferretería Molina e Hijos", "ORGANIZATION")}),
        # insurers and social security of Latin America, by kind word, name or form field
        ("Seguro: ARS Palic, afiliado desde 2019.", {("ARS Palic", "ORGANIZATION")}),
        ("Prestador: CASMU     Edad: 61 años", {("CASMU", "ORGANIZATION")}),
        ("Previsión: ISAPRE Consalud", {("ISAPRE Consalud", "ORGANIZATION")}),
        ("Repartidora en rappi los fines de semana.", {("rappi", "ORGANIZATION")}),
    ],
)
def test_organisations(rules: Pipeline, text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _found(rules, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative with the name set off by brackets or commas, in any case
        ("Viene con su padre (Julio Ferrán, fontanero) y la abuela.",
         {("fontanero", "PROFESSION")}),
        ("Su cuñada, Rosa Villar, peluquera, se queda esta noche.", {("peluquera", "PROFESSION")}),
        ("la acompaña su pareja andrés gómez, albañil, que firma.", {("albañil", "PROFESSION")}),
        ("Tutor legal: Iván Marco Soler (hermano), ebanista en un taller.",
         {("ebanista", "PROFESSION")}),
        # the patient as the subject
        ("Paciente panadero, refiere quemadura en antebrazo.", {("panadero", "PROFESSION")}),
        ("El paciente, mozo de almacén, se golpeó con un palé.",
         {("mozo de almacén", "PROFESSION")}),
        # a relative's identity number, then the occupation
        ("Recoge: sobrina Marta, DNI 51234567, maestra de primaria en Getafe.",
         {("maestra de primaria", "PROFESSION")}),
        # origin or nationality set off by commas
        ("Mujer de origen rumano, limpiadora en un hotel, acude sola.",
         {("limpiadora", "PROFESSION")}),
        # a later job, "soy" and a Latin-American trade of the data files
        ("Fue pescadora y luego cocinera en un bar del puerto.", {("cocinera", "PROFESSION")}),
        ("No puedo ir, soy repartidora y trabajo hasta tarde.", {("repartidora", "PROFESSION")}),
        ("Lo trae su hijo, que es mototaxista.", {("mototaxista", "PROFESSION")}),
        # Faker's occupations (jobs.txt), in the feminine form the build derives
        ("Acude con su madre, Elena Ríos, encuadernadora jubilada.",
         {("encuadernadora", "PROFESSION")}),
    ],
)
def test_professions(rules: Pipeline, text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _found(rules, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # towns of Latin America and of migrants' origins (cities_abroad.txt)
        ("Natural de Cajamarca, vive en Getafe.", {("Cajamarca", "CITY")}),
        ("Procede de Chiclayo y trabaja en Ica.", {("Chiclayo", "CITY")}),
        # plots, districts, streets of Latin America
        ("Vive en el asentamiento, mz. F lote 22, de Comas.", {("mz. F lote 22", "STREET")}),
        ("Vive en Jr. Amazonas 415, Breña.", {("Jr. Amazonas 415", "STREET")}),
        ("vive en el barrio, calle 12 # 4-56, con su tía", {("calle 12 # 4-56", "STREET")}),
        ("Domicilio en col. Lomas Verdes, Naucalpan.", {("Lomas Verdes", "LOCATION_OTHER")}),
        ("Reside en Apodaca, N.L., C.P. 66600.", {("N.L.", "STATE")}),
        ("Temuco, Región de La Araucanía", {("Región de La Araucanía", "STATE")}),
        # a town in a note typed in lower case, known by the dictionaries only
        ("pte natural de cochabamba, reside en getafe con su pareja", {("cochabamba", "CITY"),
                                                                ("getafe", "CITY")}),
    ],
)
def test_places(rules: Pipeline, text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _found(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        # an occupation word that is a thing or a field, without a cue, stays text
        "Se solicita estudio de química sanguínea y música relajante en sala.",
        # a relative and a comma before a clinical word: no occupation there
        "Su madre, diabética, acude a control.",
        # a unit of a hospital is no organisation
        "Ingresa en la UGC Medicina Interna para estudio.",
        # "Cobertura: Particular" names no insurer
        "Cobertura: Particular",
        # a region of the body is no region of a country
        "Dolor en la región lumbar y la región del hombro.",
        # a block of a test tube rack is no plot without a lot
        "Muestra en manzana 3 del rack.",
        # lower-case words after a residence cue that are no town
        "vive en pareja, procedente de urgencias, vive sola en casa.",
    ],
)
def test_lookalikes_stay_text(rules: Pipeline, text: str) -> None:
    labels = {label for _, label in _found(rules, text)}
    assert not labels & {"PROFESSION", "ORGANIZATION", "STATE", "STREET", "CITY"}, _found(
        rules, text)


def test_abroad_towns_come_from_the_build() -> None:
    """cities_abroad.txt and jobs.txt are what the build writes from the installed packages:
    a hand edit or a package upgrade shows as a difference here."""
    sys.path.insert(0, str(PACK.parents[4] / "scripts"))
    try:
        import build_pack_dictionaries as build
    finally:
        sys.path.pop(0)
    assert build.SPECS["es"].job_locales and build.SPECS["es"].abroad_cities
    towns = set(build.read_list(PACK / "cities_abroad.txt"))
    # a large Latin-American city is there, a given name that is also a town is not, nor a
    # Spanish town (cities.txt has it)
    assert {"Medellín", "Cochabamba", "Arequipa"} <= towns
    assert not {"Dolores", "Mercedes", "Madrid", "Villa", "Colonia"} & towns
    jobs = set(build.read_list(PACK / "jobs.txt"))
    assert {"encuadernador", "encuadernadora", "recolectora de leña"} <= jobs
    assert not {"impresora", "química"} & jobs


def test_spanish_job_forms() -> None:
    sys.path.insert(0, str(PACK.parents[4] / "scripts"))
    try:
        import build_pack_dictionaries as build
    finally:
        sys.path.pop(0)
    assert build._es_job_forms("Recolector de leña") == {"recolector de leña",
                                                         "recolectora de leña"}
    assert build._es_job_forms("Analista financiero") == {"analista financiero",
                                                          "analista financiera"}
    assert build._es_job_forms("Agente de servicios de expedición de licencias") == set()
