"""Spanish pack fixes of the es-med5 round, each a class of error read on MEDDOCAN train (never
dev): a signature's street written right after the institution's name, with no kind word and
no comma between; the CRF's one span over both cut at the rules' boundaries; years written with
"año"; places named with their kind word. The sentences are written for the tests, in the
shapes the corpus uses."""

from __future__ import annotations

import pytest

from _packs import found_coarse, pack_rules
from fairdeid.detect.rules.names import NameFinder
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import ResolveConfig, Resolver
from fairdeid.taxonomy import coarse


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return pack_rules("es")


@pytest.mark.parametrize(
    ("text", "institution", "street"),
    [
        ("Servicio de Radiología Hospital Comarcal Monte Alto Riego de Agua s/n (15009) Ferrol.",
         "Hospital Comarcal Monte Alto", "Riego de Agua s/n"),
        ("Unidad del Dolor. Hospital de Segovia Lirios Altos, s/n 40002 Segovia",
         "Hospital de Segovia", "Lirios Altos, s/n"),
        ("Dr. Iñaki Ugarte Servicio de Nefrología Complejo Hospitalario de Soria Tejera, 12, "
         "42005 Soria", "Complejo Hospitalario de Soria", "Tejera, 12"),
        # after a qualifier the first word may already be the street's
        ("Urología Hospital General Universitario Reyes Católicos, s/n 03203 Elche",
         "Hospital General Universitario", "Reyes Católicos, s/n"),
        # without a qualifier the first word is the institution's
        ("Hospital CALDE Mirasierra, 5 - 36211 Vigo", "Hospital CALDE", "Mirasierra, 5"),
        # a foundation or clinic too, with a town after the postcode
        ("Dra. Elena Martí Fundación Oftalmológica Levante Pintor Sorolla 8 46002 Valencia",
         "Fundación Oftalmológica Levante", "Pintor Sorolla 8"),
    ],
)
def test_street_right_after_an_institution(
    rules: Pipeline, text: str, institution: str, street: str
) -> None:
    found = found_coarse(rules, text)
    assert (street, "LOCATION") in found, found
    assert (institution, "LOCATION") in found, found


@pytest.mark.parametrize(
    "text",
    [
        # no postcode after the number: a count, a room, not a signature's street
        "Ingresó en el Hospital Comarcal Monte Alto Riego 2 veces el último año.",
        "Trasladado al Hospital Santa Lucía Box 3 de urgencias.",
        # a word after "de", an article or a saint's title belongs to the name
        "Hospital de León 24071 León",
    ],
)
def test_no_street_without_a_signature_shape(rules: Pipeline, text: str) -> None:
    spans = rules.detect(text).spans
    assert not [s for s in spans if s.source == "rules:location.es_street_after_institution"]


def test_the_crf_span_over_institution_and_street_is_cut() -> None:
    """The model's one LOCATION span over both ("Hospital X Street, 5") is cut where the
    institution rule ends and the street rule starts; every letter stays covered."""
    text = "Hospital Comarcal Monte Alto Riego de Agua s/n (15009) Ferrol."
    cfg = load_pack("es").config["resolve"]
    resolver = Resolver(ResolveConfig.from_mapping(
        {"boundaries": cfg["boundaries"], "name_titles": "keep"}))
    pipe = Pipeline.from_config(load_pack("es").config, detectors=["rules"])
    proposals = list(pipe.propose([Document("t", text)])[0].spans)
    joined = "Hospital Comarcal Monte Alto Riego de Agua s/n"
    proposals.append(Span(0, len(joined), "LOCATION", "crf:m", 0.95))
    out = {text[s.start : s.end] for s in resolver.resolve(Document("t", text), proposals)}
    assert {"Hospital Comarcal Monte Alto", "Riego de Agua s/n"} <= out, out
    # without the rules' boundaries the union stays one span
    plain = Resolver(ResolveConfig(boundaries=["crf"], name_titles="keep"))
    assert joined in {text[s.start : s.end] for s in plain.resolve(Document("t", text), proposals)}


def test_the_pack_cuts_at_anchored_rules_too() -> None:
    boundaries = load_pack("es").config["resolve"]["boundaries"]
    assert boundaries[0] == "crf"
    assert {"rules:location.es_institution", "rules:location.es_street",
            "rules:name.title"} <= set(boundaries)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Colecistectomía en el año 1994, sin incidencias.", "año 1994"),
        ("Desde el año de 2011 sigue controles.", "año de 2011"),
    ],
)
def test_year_keeps_its_word(rules: Pipeline, text: str, value: str) -> None:
    assert (value, "DATE") in found_coarse(rules, text)


def test_a_duration_in_years_is_no_date(rules: Pipeline) -> None:
    assert not [s for s in rules.detect("Fumador de un paquete al día durante un año 20 "
                                        "cigarrillos.").spans if coarse(s.label) == "DATE"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Paciente natural de la República Dominicana, residente en Murcia.",
         "República Dominicana"),
        ("Nacida en la República de Chile.", "República de Chile"),
        ("Trasladada desde Ciudad de Panamá hace dos años.", "Ciudad de Panamá"),
        ("Vive en las Islas Baleares con su hija.", "Islas Baleares"),
        ("Veraneaba en la Isla de La Gomera.", "Isla de La Gomera"),
    ],
)
def test_place_with_its_kind_word(rules: Pipeline, text: str, place: str) -> None:
    assert (place, "LOCATION") in found_coarse(rules, text)


# -- long names: two given names, two surnames and their particles ----------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Paciente: José Luis Fernández de Córdoba y Salazar, de 45 años.",
         "José Luis Fernández de Córdoba y Salazar"),
        ("Nombre: Ana Isabel Ruiz de Alda y Gómez.", "Ana Isabel Ruiz de Alda y Gómez"),
    ],
)
def test_long_name_with_particles_is_one_span(rules: Pipeline, text: str, name: str) -> None:
    assert (name, "NAME") in found_coarse(rules, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Firmado: Dr. Juan Ramón Delgado Pérez Jefe de Servicio de Oncología.",
         "Juan Ramón Delgado Pérez"),
        ("Dra. Lucía Serna Higuita Grupo de Investigación en Nefrología.",
         "Lucía Serna Higuita"),
    ],
)
def test_a_staff_role_ends_a_name(rules: Pipeline, text: str, name: str) -> None:
    assert (name, "NAME") in found_coarse(rules, text)


def test_a_name_never_ends_on_a_particle() -> None:
    """With the packaged limit of four tokens, the name stops before a dangling "de"."""
    pack = Pipeline.from_config(load_pack("es").config, detectors=["rules"])
    finder = pack.detectors["rules"].names  # type: ignore[attr-defined]
    text = "Paciente: Juan Carlos Fernández de Córdoba, de 45 años."
    start, end, _, _ = finder.extend(text, text.index("Juan"), max_tokens=4, soft=False)
    assert text[start:end] == "Juan Carlos Fernández"


@pytest.mark.parametrize("bad", [1, 40, "6", True])
def test_max_name_tokens_is_checked(bad: object) -> None:
    with pytest.raises(ConfigError, match="max_name_tokens"):
        NameFinder({"max_name_tokens": bad}, frozenset(), frozenset(), (), frozenset())  # type: ignore[dict-item]


# -- a postcode with its country letter after the house number --------------------------------


@pytest.mark.parametrize(
    ("text", "street", "postcode"),
    [
        ("Neurología Hospital Comarcal Av. Doctor Fleming, 12 E-25198 Lleida",
         "Av. Doctor Fleming, 12", "E-25198"),
        ("Unidad de Ictus. Ronda de Segovia, 40 E-28005 Madrid", "Ronda de Segovia, 40",
         "E-28005"),
    ],
)
def test_country_letter_of_a_postcode_is_no_door(
    rules: Pipeline, text: str, street: str, postcode: str
) -> None:
    found = {text[s.start : s.end] for s in rules.detect(text).spans}
    assert {street, postcode} <= found, found


def test_a_door_with_a_dash_stays_in_the_street(rules: Pipeline) -> None:
    text = "Domicilio: Urbanización Los Pinos 188 A-6, 03540 Alicante."
    assert "Urbanización Los Pinos 188 A-6" in {text[s.start : s.end]
                                                for s in rules.detect(text).spans}


def test_a_town_after_its_postcode_cuts_the_model_span() -> None:
    assert "rules:location.es_cp_city" in load_pack("es").config["resolve"]["boundaries"]


# -- es_blind1/es_blind2 classes (dev sets): relatives, signatures, planned dates --------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Se explica la evolución a su marido, Iñaki Zubizarreta, que está conforme.",
         "Iñaki Zubizarreta"),
        ("Pasa la noche acompañada por su nieta Uxue.", "Uxue"),
        ("Hablamos con la mamá, Yuliana Restrepo, por teléfono.", "Yuliana Restrepo"),
    ],
)
def test_a_relative_named_after_the_kinship_word(rules: Pipeline, text: str, name: str) -> None:
    assert (name, "NAME") in found_coarse(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        # a title after the kinship word stays out of the name
        "Viene con su hijo, D. Tomás Aranda, que firma el consentimiento.",
    ],
)
def test_a_relative_with_a_title_keeps_the_title_out(rules: Pipeline, text: str) -> None:
    names = {v for v, label in found_coarse(rules, text) if label == "NAME"}
    assert names == {"Tomás Aranda"}, names


def test_kinship_word_without_a_name_is_no_name(rules: Pipeline) -> None:
    text = "Antecedentes familiares: su madre, DM tipo 2; su padre, HTA. Su hermano En paro."
    assert not [s for s in rules.detect(text).spans
                if s.source == "rules:name.es_relative"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Fdo. R. Etxeberria", "R. Etxeberria"),
        ("Sin incidencias en el recuento (firmado L. Garmendia).", "L. Garmendia"),
    ],
)
def test_initial_and_surname_after_a_signature_word(
    rules: Pipeline, text: str, name: str
) -> None:
    assert (name, "NAME") in found_coarse(rules, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Herida limpia; alta prevista 14/12 si no hay fiebre.", "14/12"),
        ("Apósito seco, última cura 9/12 con plata.", "9/12"),
    ],
)
def test_day_and_month_of_a_planned_event(rules: Pipeline, text: str, value: str) -> None:
    assert (value, "DATE") in found_coarse(rules, text)


# -- countries by their short Spanish names; a month with a two-digit year --------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Estudiante de intercambio en el Reino Unido desde hace un año.", "Reino Unido"),
        ("Reside en Estados Unidos con su familia.", "Estados Unidos"),
        ("Lente intraocular (Alcon Laboratories, EE. UU.) sin incidencias.", "EE. UU."),
        ("Procede de Rumanía; trabaja en Inglaterra.", "Rumanía"),
    ],
)
def test_country_by_its_short_name(rules: Pipeline, text: str, country: str) -> None:
    assert (country, "LOCATION") in found_coarse(rules, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("El PSA se normalizó en Marzo 07 y repuntó en octubre 08.", "Marzo 07"),
        ("El PSA se normalizó en Marzo 07 y repuntó en octubre 08.", "octubre 08"),
    ],
)
def test_month_with_a_two_digit_year(rules: Pipeline, text: str, value: str) -> None:
    assert (value, "DATE") in found_coarse(rules, text)


# -- regional shapes: Basque hospitals, Galician dates, numbered centres, Mexican states -------


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Traslado a Gurutzeta Unibertsitate Ospitalea para cateterismo.",
         "Gurutzeta Unibertsitate Ospitalea", "LOCATION"),
        ("Próxima revisión: 4-out-2026 en consultas externas.", "4-out-2026", "DATE"),
        ("Nacida o 9 de setembro de 1950 en Ribeira.", "9 de setembro de 1950", "DATE"),
        ("Seguimiento en el Cesfam N° 12 de su comuna.", "Cesfam N° 12", "LOCATION"),
        ("Originaria de Santiago Tlaxiaco, Oax., vive con su hija.", "Oax.", "LOCATION"),
    ],
)
def test_regional_shapes(rules: Pipeline, text: str, value: str, label: str) -> None:
    assert (value, label) in found_coarse(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        "Se mantiene out of range el INR; dec. de decúbito.",
        "Ver. protocolo; Col. Roma Norte, Ciudad de México.",
    ],
)
def test_regional_shapes_need_their_context(rules: Pipeline, text: str) -> None:
    sources = {s.source for s in rules.detect(text).spans}
    assert not sources & {"rules:date.es_galician", "rules:location.es_mx_state_abbrev"}
