"""Spanish pack fixes of the es-med6 round, each a class of error read on MEDDOCAN train folds
(never dev): ages written in words, a signature's town written right after the institution's
name with no comma between, roads with their kilometre point and "S/N" streets. The sentences
are written for the tests, in the shapes the corpus uses."""

from __future__ import annotations

import pytest

from _packs import found_coarse, pack_rules
from fairdeid.document import Document, Span
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import ResolveConfig, Resolver
from fairdeid.taxonomy import coarse


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return pack_rules("es")


# -- ages in words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Historia Actual: Mujer de cuarenta y siete años con hipertensión.",
         "cuarenta y siete años"),
        ("Lactante varón de un mes de vida que acude por fiebre.", "un mes"),
        ("Informe clínico: niña de nueve años traída por su madre.", "nueve años"),
        ("Recién nacido de cinco días con ictericia.", "cinco días"),
        ("Adolescente de diecisiete años sin antecedentes.", "diecisiete años"),
        ("Seguimos la evolución hasta los seis años de edad.", "seis años"),
        ("A los veintidós meses de vida camina sin apoyo.", "veintidós meses"),
        ("Informe clínico: varón de cuatro años y medio con fiebre.", "cuatro años y medio"),
        ("Historia Actual: Varón de un año y cinco meses de edad, remitido.",
         "un año y cinco meses"),
    ],
)
def test_age_written_in_words(rules: Pipeline, text: str, age: str) -> None:
    # the preset cannot read a number in words, so it keeps no such age in the text
    assert (age, "AGE") in found_coarse(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        "Refiere dolor lumbar desde hace tres años.",
        "Tratamiento durante seis meses con buena respuesta.",
        "Control en dos semanas.",
        "Tras un mes de tratamiento la lesión desapareció.",
    ],
)
def test_a_duration_in_words_is_no_age(rules: Pipeline, text: str) -> None:
    assert not [s for s in rules.detect(text).spans if coarse(s.label) == "AGE"]


def test_an_age_in_words_is_removed_under_safe_harbor(rules: Pipeline) -> None:
    """An age in digits under 90 stays (Safe Harbor); one in words cannot be read, so the
    policy removes it whatever its value (resolve fails safe)."""
    text = "Mujer de 63 años y su hermana, mujer de sesenta y tres años."
    found = found_coarse(rules, text)
    assert ("sesenta y tres años", "AGE") in found
    assert not [value for value, label in found if label == "AGE" and "63" in value]


# -- a signature's town right after the institution ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "institution", "town"),
    [
        ("Servicio de Cardiología Hospital Universitario Virgen de las Nieves Granada "
         "E-mail: x@y.es", "Hospital Universitario Virgen de las Nieves", "Granada"),
        ("Medicina Interna Hospital San Telmo Córdoba, Argentina", "Hospital San Telmo",
         "Córdoba"),
        ("Dra. Ana Gil Clínica Los Olmos Valladolid.", "Clínica Los Olmos", "Valladolid"),
    ],
)
def test_town_right_after_an_institution(
    rules: Pipeline, text: str, institution: str, town: str
) -> None:
    found = found_coarse(rules, text)
    assert (institution, "LOCATION") in found, found
    assert (town, "LOCATION") in found, found


def test_town_after_an_institution_cuts_a_name_run_over_both() -> None:
    """A name rule or the model running one span over the institution's last words and the
    town ("... Valdecilla Santander") no longer joins the two entities."""
    text = "Hospital Universitario Ramón Gómez Santander E-mail: x@y.es"
    pipe = Pipeline.from_config(load_pack("es").config, detectors=["rules"])
    proposals = list(pipe.propose([Document("t", text)])[0].spans)
    proposals.append(Span(text.index("Ramón"), text.index(" E-mail"), "NAME", "rules:x", 0.85))
    cfg = load_pack("es").config["resolve"]
    resolver = Resolver(ResolveConfig.from_mapping(
        {"boundaries": cfg["boundaries"], "name_titles": "keep"}))
    out = {text[s.start : s.end] for s in resolver.resolve(Document("t", text), proposals)}
    assert {"Hospital Universitario Ramón Gómez", "Santander"} <= out, out


@pytest.mark.parametrize(
    "text",
    [
        # after "de" the town is part of the name
        "Hospital Clínico de Valencia. Servicio de Urología",
        # a town in running text is no signature's town
        "Se trasladó a Madrid en 2010.",
        # a surname that is a town
        "Nombre: Pedro.\nApellidos: Gil Cuenca.\nNHC: 1234567.",
        "Remitido por: Dr. Luis Roberto León, Email: l@x.com",
        # a street named after a town, after the institution
        "Clínica Los Álamos c/ Arturo Soria, 329, 28033 Madrid",
    ],
)
def test_no_signature_town_without_its_shape(rules: Pipeline, text: str) -> None:
    assert not [s for s in rules.detect(text).spans
                if s.source == "rules:location.es_institution_town"]


# -- roads and their kilometre point, "S/N" --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Hospital del Sur. Ctra. de Valdemoro, km 4,200. 28300 Aranjuez",
         "Ctra. de Valdemoro, km 4,200"),
        ("Servicio de Pediatría Carretera de Burgos km. 12,500 28100 Alcobendas",
         "Carretera de Burgos km. 12,500"),
        ("Hospital Comarcal. A-4, km. 211. 13300 Valdepeñas", "A-4, km. 211"),
        ("Hospital de la Costa, Carretera de Almería, S/N, 04700 El Ejido",
         "Carretera de Almería, S/N"),
        ("Remitido por: Dr. Luis Ros. Calle Real S/N, 11001 Cádiz", "Calle Real S/N"),
    ],
)
def test_road_with_its_kilometre_point(rules: Pipeline, text: str, street: str) -> None:
    assert (street, "LOCATION") in found_coarse(rules, text)


def test_a_distance_in_km_is_no_road(rules: Pipeline) -> None:
    text = "Camina 3 km al día; la A4 de la escala es normal."
    assert not [s for s in rules.detect(text).spans if coarse(s.label) == "LOCATION"]


def test_no_town_after_an_article_of_the_name(rules: Pipeline) -> None:
    text = "Sección de Neumología. Hospital General de La Palma. C/ Mayor, s/n."
    assert ("Hospital General de La Palma", "LOCATION") in found_coarse(rules, text)


def test_paraje_is_a_street_kind(rules: Pipeline) -> None:
    text = "Vive en el Paraje Los Llanos, s/n. Acude por dolor."
    found = found_coarse(rules, text)
    assert ("Paraje Los Llanos, s/n", "LOCATION") in found, found


# -- form fields and signatures ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Localidad/ Provincia: Holguín.\nCP: 80 100.\nNHC: 1234567.", "80 100"),
        ("Localidad/ Provincia: Toledo.\nCP: 45 45 61234.\nDatos asistenciales.", "45 45 61234"),
        ("CP: C1009\n", "C1009"),
        ("CP: 28045\nDatos asistenciales.", "28045"),
    ],
)
def test_postcode_field_value_is_the_postcode(rules: Pipeline, text: str, code: str) -> None:
    assert (code, "LOCATION") in found_coarse(rules, text)


def test_a_form_word_ends_a_titled_compound_name(rules: Pipeline) -> None:
    text = "Remitido por: Dra. María del Carmen Ruiz-Tagle Blanco Email: a@b.es"
    found = found_coarse(rules, text)
    assert ("María del Carmen Ruiz-Tagle Blanco", "NAME") in found, found


# -- streets: lower-case names, the Colombian grid -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Remitido por: Javier Ruiz. Paseo de san francisco 19. Tolosa.",
         "Paseo de san francisco 19"),
        ("Remitido por: Dr. Pedro Gil. Av. melchor fernandez almagro 12. Madrid.",
         "Av. melchor fernandez almagro 12"),
        ("Remitido por: Dr. José Vera Calle 25 no 1g-89, Bogotá", "Calle 25 no 1g-89"),
        ("Clínica del Norte Calle 78b Numero 69-240 Medellín", "Calle 78b Numero 69-240"),
    ],
)
def test_street_in_lower_case_or_on_the_grid(rules: Pipeline, text: str, street: str) -> None:
    assert (street, "LOCATION") in found_coarse(rules, text)


def test_a_walk_in_lower_case_is_no_street(rules: Pipeline) -> None:
    text = "Realiza paseo diario de 30 minutos y avenida la dieta."
    assert not [s for s in rules.detect(text).spans if coarse(s.label) == "LOCATION"]


def test_institution_ends_before_a_grid_street(rules: Pipeline) -> None:
    text = "Servicio de Cirugía Hospital Militar Central Carrera 3 # 49-00 Bogotá"
    found = found_coarse(rules, text)
    assert ("Hospital Militar Central", "LOCATION") in found, found
    assert ("Carrera 3 # 49-00", "LOCATION") in found, found
    assert "rules:location.es_co_street" in load_pack("es").config["resolve"]["boundaries"]


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Unidad del Dolor, Complejo Hospitalario de Soria, Pedro Gil Abad, 8, 5C, 42003, Soria",
         "Pedro Gil Abad, 8, 5C"),
        ("Responsable clínico: Marta Sobas. Monte da Vila, 41 15898 Santiago de Compostela",
         "Monte da Vila, 41"),
        ("Hospital del Mar. Sant Josep Maria i Claret, 167. 08025 Barcelona.",
         "Sant Josep Maria i Claret, 167"),
    ],
)
def test_bare_street_with_particles_and_door(rules: Pipeline, text: str, street: str) -> None:
    assert (street, "LOCATION") in found_coarse(rules, text)


@pytest.mark.parametrize(
    ("text", "institution"),
    [
        ('Trasladado al Hospital Universitario Central de la Marina "Pérez Galdós" sin '
         "incidencias.", 'Hospital Universitario Central de la Marina "Pérez Galdós"'),
        ("Servicio de Urología Hospital Provincial Universitario 'Ramón López Rey' Holguín.",
         "Hospital Provincial Universitario 'Ramón López Rey'"),
        ('Cirugía del Hospital General del Este "Dr. Luis Ortega Díaz" (CBMF-HGE).',
         'Hospital General del Este "Dr. Luis Ortega Díaz"'),
    ],
)
def test_quoted_name_after_the_institution_words(
    rules: Pipeline, text: str, institution: str
) -> None:
    assert (institution, "LOCATION") in found_coarse(rules, text)


def test_quoted_name_is_not_cut_off_by_a_model_name() -> None:
    """The model (trained on the corpus) reads the quoted words as a person; the institution
    rule's own span now ends after the quote, so no boundary falls before them."""
    text = 'Ingresa en el Hospital General del Este "Luis Ortega Díaz" tras la caída.'
    pipe = Pipeline.from_config(load_pack("es").config, detectors=["rules"])
    proposals = list(pipe.propose([Document("t", text)])[0].spans)
    start = text.index("Luis")
    proposals.append(Span(start, start + len("Luis Ortega Díaz"), "DOCTOR", "crf:m", 0.95))
    cfg = load_pack("es").config["resolve"]
    resolver = Resolver(ResolveConfig.from_mapping(
        {"boundaries": cfg["boundaries"], "name_titles": "keep"}))
    out = {text[s.start : s.end] for s in resolver.resolve(Document("t", text), proposals)}
    assert 'Hospital General del Este "Luis Ortega Díaz"' in out, out


def test_sn_without_its_slash(rules: Pipeline) -> None:
    text = "Hospital Insular Avda. Marítima del Norte, sn. 35016 Las Palmas"
    assert ("Avda. Marítima del Norte, sn", "LOCATION") in found_coarse(rules, text)


def test_dotted_paseo_abbreviation_starts_a_street(rules: Pipeline) -> None:
    text = "Dra. Ana Gil. Hospital Miguel Servet P.º Isabel la Católica, 1 50009 Zaragoza"
    found = found_coarse(rules, text)
    assert ("P.º Isabel la Católica, 1", "LOCATION") in found, found
    assert ("Hospital Miguel Servet", "LOCATION") in found, found


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("31008 Pamplona. Navarra E-mail.ana.gil@correo.es", "ana.gil@correo.es"),
        ("Servicio de Urología. Email-pgil@hospital.es", "pgil@hospital.es"),
        # an address whose local part holds the letters of the form word stays whole
        ("Contacto: e.mail.x@y.es", "e.mail.x@y.es"),
        ("Contacto: emailer@x.com", "emailer@x.com"),
    ],
)
def test_email_glued_to_its_form_word(rules: Pipeline, text: str, email: str) -> None:
    assert (email, "CONTACT") in found_coarse(rules, text)


@pytest.mark.parametrize(
    ("text", "town", "region"),
    [
        ("C/ Real 3, 39770 Laredo Cantabria", "Laredo", "Cantabria"),
        ("Calle Mayor, 56 - 3ºA 38760 Los Llanos de Aridane Tenerife. (España).",
         "Los Llanos de Aridane", "Tenerife"),
        ("Avda. Sur 2, 50800 Zuera Zaragoza E-mail: a@b.es", "Zuera", "Zaragoza"),
    ],
)
def test_town_and_province_after_a_postcode_are_two_places(
    rules: Pipeline, text: str, town: str, region: str
) -> None:
    found = found_coarse(rules, text)
    assert (town, "LOCATION") in found, found
    assert (region, "LOCATION") in found, found


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("C/ Real 3, 07014 Palma de Mallorca", "Palma de Mallorca"),
        ("C/ Real 3, 35016 Las Palmas de Gran Canaria", "Las Palmas de Gran Canaria"),
        ("C/ Real 3, 15009 La Coruña. España", "La Coruña"),
    ],
)
def test_a_province_after_de_is_the_towns(rules: Pipeline, text: str, town: str) -> None:
    assert (town, "LOCATION") in found_coarse(rules, text)


# -- makers in a product's brackets -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "maker"),
    [
        ("Se obturó con un cemento provisional (Cavit, Espe) sin incidencias.", "Espe"),
        ("Se colocó un balón (CRE Balloon Dilator; Boston Scientific Corporation) sin dolor.",
         "Boston Scientific Corporation"),
        ("Hemostasia con Surgicel (Johnson & Johnson, New Brunswick, NJ) y compresión.",
         "Johnson & Johnson"),
        ("Se aplicó hidróxido de calcio (Calxyl, Septodont) en el conducto.", "Septodont"),
    ],
)
def test_known_maker_in_a_products_brackets(rules: Pipeline, text: str, maker: str) -> None:
    assert (maker, "LOCATION") in found_coarse(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        # a maker with its own mark is a brand
        "Se usó un clavo T2 (Stryker®) en la fractura.",
        # outside a product's brackets a firm's name is left alone
        "Trabajó años en Roche como técnico.",
    ],
)
def test_no_maker_outside_a_products_list(rules: Pipeline, text: str) -> None:
    assert not [s for s in rules.detect(text).spans if s.source == "rules:org.es_known_maker"]


def test_retinal_detachment_after_dr_is_no_doctor(rules: Pipeline) -> None:
    text = "Presenta una hemorragia vítrea y un DR traccional inferior en el OD."
    assert not [s for s in rules.detect(text).spans if coarse(s.label) == "NAME"]
