"""Spanish pack classes of the es-b2 round read on the es_blind2 misses (a dev set since it was
measured): occupations of relatives in brackets, in household tables and after a working life,
collegiate and Latin-American licence numbers written in more shapes, regional health cards
(SIP, CIC, TIS, PAMI beneficio), operating rooms and coded beds, the Galician title "Dna.".
Every sentence is invented in the shape of another hospital's notes."""

from __future__ import annotations

import pytest

from _packs import found as _found
from _packs import pack_rules
from fairdeid.pipeline import Pipeline


@pytest.fixture(scope="module")
def rules() -> Pipeline:
    return pack_rules("es")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative's occupation in brackets, capitalised or dictated in lower case
        ("Cuidadora principal: su sobrina, Rocío Beltrán Gil (costurera), que vive cerca.",
         ("costurera", "PROFESSION")),
        ("vive con la mamá marta lucía henao (modista) y dos hermanos.",
         ("modista", "PROFESSION")),
        # a household table: relation and age, then the occupation
        ("Carlos Díaz | hijo | 41 | albañil\n", ("albañil", "PROFESSION")),
        ("Rosa Díaz | esposa | 66 | ama de casa\n", ("ama de casa", "PROFESSION")),
        ("Lucas Díaz | nieto | 22 | empleado de comercio\n",
         ("empleado de comercio", "PROFESSION")),
        # words between the verb and "como"
        ("Trabajó durante cuarenta años como labrador en la aldea.",
         ("labrador", "PROFESSION")),
        ("Su marido, Sr. Aurelio Ruiz, jornalero agrícola, la acompaña.",
         ("jornalero agrícola", "PROFESSION")),
        ("ingresos: pensión del titular (ex contratista de obra).",
         ("contratista de obra", "PROFESSION")),
        # collegiate numbers: province-number, and "Col." with the number right after it
        ("Enf. responsable: Marta Climent – nº col. 03-22817", ("03-22817", "LICENSE")),
        ("Fdo. J. Etxeberria – Col. 4801234", ("4801234", "LICENSE")),
        # Latin-American licences: "Cédula prof.", lower-case "rm" after a name
        ("Pasante: Dr. Iván Ruiz     Cédula prof. 11928374", ("11928374", "LICENSE")),
        ("médico de turno: andrés gómez rm 3-1145-09", ("3-1145-09", "LICENSE")),
        # regional health cards and the PAMI beneficio
        ("SIP: 3348172     NHC: 77120", ("3348172", "HEALTHPLAN")),
        ("HC: 0911245     CIC: TXAB600312K09", ("TXAB600312K09", "HEALTHPLAN")),
        ("Obra social: PAMI – N° beneficio 14-1122334-5-01", ("14-1122334-5-01", "HEALTHPLAN")),
        # the Galician "Dna." is a title, outside the name
        ("Paciente: Dna. Xosefa Vilar Mouriño", ("Xosefa Vilar Mouriño", "PATIENT")),
    ],
)
def test_classes(rules: Pipeline, text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        # a profession word alone in a clinical sentence, a staff role, a lab value, a scan
        "Valorada por farmacéutica de planta, ajusta la dosis.",
        "col. total 212 mg/dl, HDL 40",
        "rm cerebral sin hallazgos",
        "sin beneficio clínico con el tratamiento",
        "Paciente: Dna. Xosefa Vilar Mouriño",
    ],
)
def test_not_phi(rules: Pipeline, text: str) -> None:
    found = _found(rules, text)
    assert not {f for f in found if f[1] in {"PROFESSION", "LICENSE", "HEALTHPLAN"}}
    assert ("Dna", "PATIENT") not in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Galician articles inside a street name, the rural "Lugar de"
        ("Vive na Rúa da Fonte, s/n, Melide", ("Rúa da Fonte, s/n", "STREET")),
        ("Entrega en Travesía do Porto 3.", ("Travesía do Porto 3", "STREET")),
        ("Enderezo: Lugar de Vilanova, 22, Ordes", ("Lugar de Vilanova, 22", "STREET")),
        # Basque streets put the type after the name, floor and side after the number
        ("Helbidea: Zubieta kalea 12, 3. esk.", ("Zubieta kalea 12, 3. esk.", "STREET")),
        ("Vive en Ategorrieta hiribidea 5 con su hija.", ("Ategorrieta hiribidea 5", "STREET")),
        # operating rooms and beds coded with their unit's letters
        ("Hora de entrada: 08:10     Quirófano: B-3\n", ("B-3", "ROOM")),
        ("traslado a quirófano 4.", ("4", "ROOM")),
        ("ingresa en reanimación, cama REA-12, estable", ("REA-12", "ROOM")),
    ],
)
def test_streets_and_rooms(rules: Pipeline, text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(rules, text)


@pytest.mark.parametrize(
    "text",
    ["Permanece en quirófano 2 horas.", "Ingresa en UCI, plaza libre.", "Rúa tranquila, sin ruido"],
)
def test_streets_and_rooms_not_phi(rules: Pipeline, text: str) -> None:
    assert not {f for f in _found(rules, text) if f[1] in {"STREET", "ROOM"}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Mexican public health services by their state
        ("IMSS-BIENESTAR – Servicios de Salud de Chiapas\n",
         ("Servicios de Salud de Chiapas", "ORGANIZATION")),
        ("Unidad adscrita a IMSS-BIENESTAR.", ("IMSS-BIENESTAR", "ORGANIZATION")),
        # care homes (HOSPITAL, the pack's convention), guilds, cooperatives and unions, over a
        # saint's name read as a person
        ("Procede de la Residència Sant Pere (Alzira).", ("Residència Sant Pere", "HOSPITAL")),
        ("Socio de la Cofradía de Pescadores de Bermeo.",
         ("Cofradía de Pescadores de Bermeo", "ORGANIZATION")),
        ("Socia de la Cooperativa Vinícola San Roque.",
         ("Cooperativa Vinícola San Roque", "ORGANIZATION")),
        ("Delegado del Sindicato Labrego Galego.", ("Sindicato Labrego Galego", "ORGANIZATION")),
        # a Colombian EPS in a note dictated in lower case
        ("afiliado a eps nueva eps, régimen contributivo", ("eps nueva eps", "ORGANIZATION")),
        ("eps eps salud total\n", ("eps salud total", "ORGANIZATION")),
        # rural places: paraje, ranchería, aldea
        ("Domicilio: paraje Ndua Yuu, Santiago Juxtlahuaca", ("Ndua Yuu", "LOCATION_OTHER")),
        ("Vive en la ranchería El Zapote con su madre.", ("El Zapote", "LOCATION_OTHER")),
    ],
)
def test_organisations_and_places(rules: Pipeline, text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(rules, text)


@pytest.mark.parametrize(
    "text",
    ["Residencia habitual en el domicilio.", "la eps autoriza el traslado", "Sin eps."],
)
def test_organisations_not_phi(rules: Pipeline, text: str) -> None:
    assert not {f for f in _found(rules, text) if f[1] == "ORGANIZATION"}


def test_fundacion_stays_a_hospital(rules: Pipeline) -> None:
    text = "Remitido desde la Fundación Jiménez Díaz."
    assert ("Fundación Jiménez Díaz", "HOSPITAL") in _found(rules, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # lower-case notes: a patient with the identity number after a comma, staff after their
        # role as a field, a doctor's three-word name before a bracket or a field gap
        ("paciente: luis ángel mora ríos, cc 1.020.333.444, 31 años",
         ("luis ángel mora ríos", "PATIENT")),
        ("intensivista: ana maría cano ruiz rm 4-1187-02", ("ana maría cano ruiz", "DOCTOR")),
        ("residente: pedro pablo gil   turno noche", ("pedro pablo gil", "DOCTOR")),
        ("drenaje colocado por dr. luis fernando arango)", ("luis fernando arango", "DOCTOR")),
    ],
)
def test_lower_case_names(rules: Pipeline, text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        "paciente: mujer hipertensa, 67 años",
        "paciente: refiere dolor abdominal, 3 días",
        "valorado por dr. gómez en urgencias, estable",
        "residente: se comenta con adjunto",
    ],
)
def test_lower_case_not_names(rules: Pipeline, text: str) -> None:
    found = _found(rules, text)
    assert not {f for f in found if f[1] in {"PATIENT", "DOCTOR"} and " " in f[0]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CURP: GAPL850712HOCRRS05     Edad: 41 años", ("GAPL850712HOCRRS05", "SSN")),
        ("acompañante con curp MEHA021130MDFNRNA3", ("MEHA021130MDFNRNA3", "SSN")),
        ("paciente: ana gil, cc 1.020.555.731, 24 años", ("1.020.555.731", "SSN")),
    ],
)
def test_national_ids(rules: Pipeline, text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(rules, text)


def test_volume_is_no_national_id(rules: Pipeline) -> None:
    assert not {f for f in _found(rules, "se pasan 10 cc 1.000.000 ui") if f[1] == "SSN"}


def test_surname_estrada_is_no_street(rules: Pipeline) -> None:
    """"Estrada" is a Galician street word and a common surname: only "Rúa" and "Lugar" are read."""
    text = "Remitido por: Dr. Ramón Estrada Pino. Ruiz Soto 6"
    assert not {f for f in _found(rules, text) if f[1] == "STREET"}


def test_paraje_in_a_street_is_no_district(rules: Pipeline) -> None:
    text = "Hospital Comarcal. Av. Paraje Montesol, S/N. Cáceres"
    assert not {f for f in _found(rules, text) if f[1] == "LOCATION_OTHER"}
