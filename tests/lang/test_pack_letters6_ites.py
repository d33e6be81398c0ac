"""Letters by unseen writers, Italian and Spanish (issue 12, letters6): the classes the fifth
writers' letters showed missing or over-tagged, each with look-alikes that must stay. Every
sentence is invented for this file."""

from __future__ import annotations

import pytest

from _packs import found, found_coarse, pack_rules
from fairdeid.detect.machine_syntax import packaged_machine_syntax
from fairdeid.detect.structured import fields, tables
from fairdeid.document import Span

# -- relatives named after a possessive, in the plural, coordinated (es) ----------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ella tiene 88 años, mi hermano Yosvany es cocinero en un restaurante.", "Yosvany"),
        ("Mi madre Yanelkis no puede venir a la consulta.", "Yanelkis"),
        ("Vive con su esposa e hijos Brayton y Kemely en Lima.", "Brayton y Kemely"),
        ("Acuden los hermanos Tshibangu a recoger el informe.", "Tshibangu"),
    ],
)
def test_es_relative_after_possessive_or_plural(text: str, name: str) -> None:
    assert (name, "NAME") in found_coarse(pack_rules("es"), text)


def test_es_relative_needs_a_name_after_the_kinship_word() -> None:
    text = "Mi padre tiene diabetes y mis hermanos viven en Lima con su madre. En casa, sola."
    assert not {v for v, label in found_coarse(pack_rules("es"), text) if label == "NAME"}


# -- first-level regions of Latin America (es) --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Natural de Coro (estado Falcón), Venezuela.", "Falcón"),
        ("Reside en Cuenca, provincia de Azuay.", "Azuay"),
        ("Procedencia: Sabanalarga (Atlántico). Pensionada.", "Atlántico"),
        ("Unidad de Oncología\nBarranquilla, Atlántico\n", "Atlántico"),
        ("Nacido en Guayaquil, Guayas.", "Guayas"),
    ],
)
def test_es_region_after_a_town_or_kind_word(text: str, region: str) -> None:
    assert (region, "LOCATION") in found_coarse(pack_rules("es"), text)


@pytest.mark.parametrize(
    "text",
    [
        "Valorado en el departamento de Cardiología, estado General conservado.",
        "Ingresa (estado General malo) desde urgencias.",
        "Océano Atlántico, frente a la costa.",
    ],
)
def test_es_region_look_alikes_stay(text: str) -> None:
    assert not {v for v, label in found_coarse(pack_rules("es"), text) if label == "LOCATION"}


# -- occupations the Spanish list lacked (es) ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("Contacto familiar: hijo, Luis Pardo (contador público), cel. 600 123 456.",
         "contador público"),
        ("Su pareja Yeray Santana (guagüero de Global) la acompaña.", "guagüero"),
        ("Su marido, Aitor Goñi (ertzaina), la acompaña.", "ertzaina"),
    ],
)
def test_es_listed_occupations(text: str, job: str) -> None:
    assert (job, "PROFESSION") in found(pack_rules("es"), text)


# -- a day and a month abbreviation joined by a hyphen, no year (es, it) -----------------------


@pytest.mark.parametrize(
    ("code", "text", "date"),
    [
        ("es", "Fecha  | Hora  | Servicio\n28-nov | 10:00 | Cardiología", "28-nov"),
        ("it", "Data\tOra\tConsulente\n17-nov\t10:15\tDott. Rossi", "17-nov"),
        ("it", "controllo il 3-mar in ambulatorio", "3-mar"),
    ],
)
def test_day_and_month_abbreviation_without_year(code: str, text: str, date: str) -> None:
    assert (date, "DATE") in found(pack_rules(code), text)


@pytest.mark.parametrize(
    ("code", "text"),
    [("es", "dosis 1-2 comprimidos, gen-2 negativo"), ("it", "classe 3-marzo? no: 2-3 volte")],
)
def test_day_month_look_alikes_stay(code: str, text: str) -> None:
    assert not {v for v, label in found(pack_rules(code), text) if label == "DATE"}


# -- "Ordine dei Medici" is no surname (it) -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Iscr. Ordine dei Medici di Cosenza n. 7741",
        "Ordine dei Medici Chirurghi e degli Odontoiatri della Provincia di Aosta",
    ],
)
def test_it_order_of_doctors_is_no_name(text: str) -> None:
    assert not {v for v, label in found_coarse(pack_rules("it"), text) if label == "NAME"}


def test_it_the_surname_medici_with_a_first_name_stays_a_name() -> None:
    text = "il Sig. Giovanni Medici, nato a Prato"
    assert ("Giovanni Medici", "NAME") in found_coarse(pack_rules("it"), text)


# -- lower-case streets after a residence cue, Venetian street words (it) ----------------------


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("nato a treviso, residente calle del forno 1842, castello", "calle del forno 1842"),
        ("ma di fatto domiciliato dalla compagna in via piave 118, mestre", "via piave 118"),
        ("abita in fondamenta dei mori 3318 con la madre", "fondamenta dei mori 3318"),
    ],
)
def test_it_lower_case_street_after_residence(text: str, street: str) -> None:
    assert (street, "STREET") in found(pack_rules("it"), text)


def test_it_route_of_a_drug_is_no_street() -> None:
    text = "vive sola, terapia per via orale 2 volte al giorno"
    assert not {v for v, label in found(pack_rules("it"), text) if label == "STREET"}


# -- law numbers are never PHI (shared: machine syntax) -----------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("ai sensi della L. 104/92 e del D.Lgs. 82/2005", "82/2005"),
        ("priorità ai sensi della L. 80/2006 per il trasporto", "80/2006"),
        ("información protegida (Ley Orgánica 3/2018).", "3/2018"),
        ("según PMO (Res. 201/02 MS)", "201/02"),
        ("Ai sensi del Reg. (UE) 2016/679 (GDPR)", "2016/679"),
    ],
)
def test_learned_span_on_a_law_number_is_dropped(text: str, number: str) -> None:
    start = text.index(number)
    span = Span(start, start + len(number), "DATE", "crf:crf-it-mw", 0.8)
    assert packaged_machine_syntax().apply(text, [span]) == []


def test_a_date_after_a_name_initial_is_kept() -> None:
    text = "visitato il 12/03/2024, controllo il 14/03"
    start = text.index("12/03/2024")
    span = Span(start, start + 10, "DATE", "crf:crf-it-mw", 0.8)
    assert packaged_machine_syntax().apply(text, [span]) == [span]


# -- chat handles as message senders (shared: structured fields) --------------------------------


def test_chat_handle_senders_and_their_other_mentions() -> None:
    text = ("Partecipanti: Dott. Rossi ; mario.b71 (paziente) ; giulia_b (familiare)\n"
            "25/11/2026 18:40 giulia_b: buonasera, la glicemia è 250\n"
            "25/11/2026 19:01 mario.b71: ok grazie\n")
    hits = [(h.label, text[h.start : h.end]) for h in fields.find(text, tables.load_headers())]
    assert hits.count(("USERNAME", "giulia_b")) == 2
    assert hits.count(("USERNAME", "mario.b71")) == 2


@pytest.mark.parametrize(
    "line",
    [
        "25/11/2026 19:05 nota: ore 19 glicemia 180",   # a word, not a handle
        "25/11/2026 19:05 Visita: paziente stabile",     # a capitalised word
        "25/11/2026 19:05 e.g.: esempio",                # dots, but no letters after them
    ],
)
def test_what_is_no_chat_handle(line: str) -> None:
    hits = [(h.label, line[h.start : h.end]) for h in fields.find(line, tables.load_headers())]
    assert all(label != "USERNAME" for label, _ in hits), hits


def test_xml_elements_named_by_a_header_word() -> None:
    text = ('<addr use="H"><streetAddressLine>Via Lunga 7</streetAddressLine>'
            "<city>Collalbo</city><postalCode>39054</postalCode></addr>\n"
            "<Paciente><Apellido1>MORENO</Apellido1><Sexo>M</Sexo>"
            "<Diagnostico>Neumonía</Diagnostico></Paciente>\n"
            '<code code="38445-3" displayName="Potassio">x</code>')
    hits = {(h.label, text[h.start : h.end]) for h in fields.find(text, tables.load_headers())}
    assert {("STREET", "Via Lunga 7"), ("CITY", "Collalbo"), ("ZIP", "39054"),
            ("PATIENT", "MORENO")} <= hits
    assert not {v for _, v in hits} & {"M", "Neumonía", "x"}


# -- Spanish shapes of other regions: Catalan dates, second city names, CPA, court cases --------


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Revisió: consulta 3, el 1 de desembre a les 12:15 h.", "1 de desembre", "DATE"),
        ("Data de l'accident: dilluns 16/11/2026, 10:45 h", "dilluns 16/11/2026", "DATE"),
        ("C/ Major, 3 · 31008 Pamplona/Iruña", "Iruña", "CITY"),
        ("Av. Rivadavia 2351 - C1120AAR - CABA", "C1120AAR", "ZIP"),
        ("Ingreso involuntario (autos de internamiento nº 1402/2026).", "1402/2026", "IDNUM"),
        ("Especialista en Neumoloxía · Nº Colexiado 36/07518", "36/07518", "LICENSE"),
        ("Intervención: 24 NOV 2026      Quirófano Q7", "Q7", "ROOM"),
        ("Hospital de Día, sillón 12, a las 8:30.", "12", "ROOM"),
    ],
)
def test_es_regional_shapes(text: str, value: str, label: str) -> None:
    assert (value, label) in found(pack_rules("es"), text)


@pytest.mark.parametrize(
    "text",
    [
        "el juicio clínico nº 2 del 12/11",                  # a heading's number, no case
        "lote A1234BCD caducidad 2027",                      # a lot code, no street number
        "tratamiento tópico 2 veces al día en consulta 3 semanas",
    ],
)
def test_es_regional_look_alikes_stay(text: str) -> None:
    labels = {label for _, label in found(pack_rules("es"), text)}
    assert not labels & {"IDNUM", "ZIP", "ROOM"}, found(pack_rules("es"), text)


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Renzo Quispe Huamán (Emergencia, tópico 4)", "4", "ROOM"),
        ("Dra. Laura Solís Quesada - cód. médico 8841", "8841", "LICENSE"),
        ("EBAIS de adscripción: EBAIS Pavas 2 - Área de Salud Alajuelita",
         "Área de Salud Alajuelita", "ORGANIZATION"),
        ("su hermano es cocinero en el chifa Wa Lok desde hace años", "chifa Wa Lok",
         "ORGANIZATION"),
        ("Hospital de Día Médico, pabellón Gurtubay, sillón 12.", "Gurtubay", "DEPARTMENT"),
        ("domicilio: manzana 3 lote 9, b° san vicente, córdoba capital", "san vicente",
         "LOCATION_OTHER"),
        ("dra. m. sosa – medica generalista – mp 41207/2", "41207/2", "LICENSE"),
    ],
)
def test_es_latin_american_and_basque_shapes(text: str, value: str, label: str) -> None:
    assert (value, label) in found(pack_rules("es"), text)


@pytest.mark.parametrize(
    "text",
    [
        "corticoide tópico 2 veces al día, tópico 0,05% por la noche",
        "Hospital Universitario de Navarra - Área de Salud Mental",
        "Ingresa en el pabellón Central, pabellón A.",
    ],
)
def test_es_latin_american_look_alikes_stay(text: str) -> None:
    labels = {label for _, label in found(pack_rules("es"), text)}
    assert not labels & {"ROOM", "ORGANIZATION", "DEPARTMENT"}, found(pack_rules("es"), text)


# -- Italian institutions, rooms and date lines --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("seguita presso la UO di Reumatologia dell'A.O. \"Mariano Santo\" di Cosenza",
         'A.O. "Mariano Santo"', "HOSPITAL"),
        ("emottisi il 19 novembre → PS SS. Trinità, poi ricovero.", "SS. Trinità", "HOSPITAL"),
        ("Ricoverato il 24/11/2026    Stanza a pressione negativa n. 12", "12", "ROOM"),
        ("serd mestre – aulss 3 serenissima – dip. dipendenze", "aulss 3 serenissima",
         "ORGANIZATION"),
    ],
)
def test_it_institutions_and_rooms(text: str, value: str, label: str) -> None:
    assert (value, label) in found(pack_rules("it"), text)


@pytest.mark.parametrize(
    "text",
    [
        "Ricoverata il 24/11/2026 per dispnea.",
        "Dimesso il 3 marzo 2024 in buone condizioni.",
        "seguito dalla asl di zona e dal medico curante",
    ],
)
def test_it_participles_and_generic_services_are_no_places(text: str) -> None:
    labels = {label for _, label in found_coarse(pack_rules("it"), text)}
    assert not labels & {"LOCATION", "ORGANIZATION"}, found(pack_rules("it"), text)


def test_it_date_line_with_li_stays() -> None:
    assert ("Cosenza", "CITY") in found(pack_rules("it"), "Cosenza lì 26 novembre 2026")


def test_fhir_code_system_urls_are_no_phi_but_other_urls_stay() -> None:
    text = ('{ "meta": { "source": "http://10.48.212.36/fhir" },\n'
            '  "identifier": [ { "system": "https://salud.ejemplo.es/cic",\n'
            '                    "value": "8463920017" } ],\n'
            '  "code": { "coding": [ { "system": "http://loinc.org", "code": "38445-3" } ] } }\n'
            "Más información en https://www.paciente-abc.es/citas")
    urls = {v for v, label in found(pack_rules("es"), text) if label == "URL"}
    assert urls == {"http://10.48.212.36/fhir", "https://www.paciente-abc.es/citas"}
