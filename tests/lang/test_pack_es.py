"""The Spanish pack's rules on Spanish sentences: each family found where it should be, left alone
where the same words are ordinary clinical French, and a floor on the hand-written notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_notes import labels_over as _labels_over
from pack_notes import pipeline_char_scores as _char_scores

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline

NOTES = Path(__file__).parent / "data" / "es_rules.markup"


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config(load_pack("es").config["detectors"]["rules"])


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    """The pack's rules: what this module tests (the pack adds the MEDDOCAN CRF beside them)."""
    return Pipeline.from_config(load_pack("es").config, detectors=["rules"])


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # dates and times
        ("Ingresa el 3 de marzo de 2024 por disnea.", "3 de marzo de 2024", "DATE"),
        (
            "Revisión el lunes 15 de abril de 2024 a las 10:30.",
            "lunes 15 de abril de 2024 a las 10:30",
            "DATE",
        ),
        ("Nacida el 21 de ene. de 1958.", "21 de ene. de 1958", "DATE"),
        ("Cirugía en mayo del 2003.", "mayo del 2003", "DATE"),
        ("Próxima revisión en diciembre de 2021.", "diciembre de 2021", "DATE"),
        ("Intervenido en 2018, con recidiva.", "2018", "DATE"),
        ("Fecha: 05/07/2023  Hora: 22:15", "22:15", "DATE"),
        ("Acude el viernes por la tarde.", "viernes", "DATE"),
        # phones
        ("Teléfono de contacto: 653 343 435.", "653 343 435", "PHONE"),
        ("Localizable en el móvil +34 612 345 678.", "+34 612 345 678", "PHONE"),
        ("Tel.: 91 727 70 00", "91 727 70 00", "PHONE"),
        ("Fax: 976 55 44 34", "976 55 44 34", "FAX"),
        # postal codes, streets, rooms
        ("Domicilio: Calle Mayor 5, 3º izq., 28013 Madrid", "28013", "ZIP"),
        ("Domicilio: Calle Mayor 5, 3º izq., 28013 Madrid", "Madrid", "CITY"),
        ("Domicilio: Calle Mayor 5, 3º izq., 28013 Madrid", "Calle Mayor 5, 3º izq.", "STREET"),
        ("Con domicilio en C/ Colón, 16, 2º B, Laredo.", "C/ Colón, 16, 2º B", "STREET"),
        (
            "Vive en Avenida de la Constitución 12, Zaragoza.",
            "Avenida de la Constitución 12",
            "STREET",
        ),
        ("Domicilio: calle fermin caballero 19, 5D", "calle fermin caballero 19, 5D", "STREET"),
        ("CP: 28016", "28016", "ZIP"),
        ("Habitación 312, cama 2.", "312", "ROOM"),
        # institutions
        (
            "Trasladado al Hospital Universitario Virgen del Rocío.",
            "Hospital Universitario Virgen del Rocío",
            "HOSPITAL",
        ),
        ("Remitido desde el Centro de Salud Delicias.", "Centro de Salud Delicias", "HOSPITAL"),
        (
            "Seguimiento en el Instituto Catalán de Oncología.",
            "Instituto Catalán de Oncología",
            "HOSPITAL",
        ),
        ("Ingresa en el Hospital Clínic de Barcelona.", "Hospital Clínic de Barcelona", "HOSPITAL"),
        # ages over 89 only
        ("Doña Dolores Jiménez, de 94 años, viuda.", "94", "AGE"),
        ("Paciente nonagenaria con caídas.", "nonagenaria", "AGE"),
        ("Edad: 92", "92", "AGE"),
        # titles and headers
        ("Su hijo, D. Manuel Jiménez, está informado.", "Manuel Jiménez", "PATIENT"),
        ("Fdo.: Dra. Lucía Fernández Ruiz", "Lucía Fernández Ruiz", "DOCTOR"),
        ("Apellidos: García López", "García López", "PATIENT"),
        ("Médico responsable: Dr. Jordi Puig", "Jordi Puig", "DOCTOR"),
        # professions and residence
        ("Viuda, antigua costurera, vive sola.", "costurera", "PROFESSION"),
        ("Albañil de profesión, fumador.", "Albañil", "PROFESSION"),
        ("Vive sola en Dos Hermanas.", "Dos Hermanas", "CITY"),
        ("Zaragoza, 15 de septiembre de 2021", "Zaragoza", "CITY"),
        # hospital identifiers
        ("NHC: 7845123.", "7845123", "MEDICALRECORD"),
        ("Médico: Ignacio Navarro NºCol: 28 28 54712.", "28 28 54712", "LICENSE"),
        ("NASS: 26 63514095.", "26 63514095", "HEALTHPLAN"),
        ("Antecedentes: diciembre-2002 y sep-04.", "diciembre-2002", "DATE"),
        ("Domicilio: Av/ Puertollano, 9, 3 A", "Av/ Puertollano, 9, 3 A", "STREET"),
        # day/month without a year, extensions, postal boxes, known hospitals, double titles
        ("Visto el 3/3, ingresado del 12/4 al 15/4.", "15/4", "DATE"),
        ("Llamar a la extensión 4521.", "4521", "PHONE"),
        ("Apartado de Correos 123, Sevilla", "Apartado de Correos 123", "STREET"),
        ("Derivado al CHUAC para cateterismo.", "CHUAC", "HOSPITAL"),
        ("Llegada: 16/03/2024 03:42", "16/03/2024 03:42", "DATE"),
        ("Visto el Sr. D. Juan Pérez en consulta.", "Juan Pérez", "PATIENT"),
        (
            "Domicilio: Avenida de Isidro Calatayud 47 Piso 3",
            "Avenida de Isidro Calatayud 47 Piso 3",
            "STREET",
        ),
        (
            "Domicilio: Glorieta Haydée Mateo 3 Puerta 5",
            "Glorieta Haydée Mateo 3 Puerta 5",
            "STREET",
        ),
        ("Informe firmado electrónicamente por: Marta SÁNCHEZ", "Marta SÁNCHEZ", "DOCTOR"),
        ("Paciente: D. Juan GARCÍA", "Juan GARCÍA", "PATIENT"),
        ("Dña. Carmen López viuda de García", "García", "PATIENT"),
        ("Valorado por la Doctora Ana RUIZ.", "Ana RUIZ", "DOCTOR"),
        ("Domicilio: C/. Galaxia 6, esc. 2, 2ºb 28023. Madrid", "28023", "ZIP"),
        (
            "Domicilio: C/. Galaxia 6, esc. 2, 2ºb 28023. Madrid",
            "C/. Galaxia 6, esc. 2, 2ºb",
            "STREET",
        ),
        ("CIPA: nhc-739146.", "739146", "MEDICALRECORD"),
        ("Revisión el 03.03.21.", "03.03.21", "DATE"),
        (
            "Valorada por la Dra. Dolores Delgado.",
            "Dolores Delgado",
            "DOCTOR",
        ),  # surnames that are also clinical words
        ("Ingresado del 3 al 11 de marzo de 2024.", "3", "DATE"),
        ("Dra. María del Carmen DE LA FUENTE", "María del Carmen DE LA FUENTE", "DOCTOR"),
        ("D. Manuel de la Torre y Ruiz acude.", "Manuel de la Torre y Ruiz", "PATIENT"),
    ],
)
def test_rule_families_find_spanish_phi(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A las 12 horas del ingreso presenta fiebre.", "12 horas"),
        ("Metformina 850 mg cada 12 horas.", "12 horas"),
        ("Derivado al Hospital de Día de Oncología.", "Hospital de Día"),
        ("Servicio de Cirugía General.", "Cirugía General"),
        ("Estadio T3N0M0 al diagnóstico.", "T3N0M0"),
        ("Su hijo, D. Manuel Jiménez, está informado.", "D."),
        ("El 13/01/2020 acude a urgencias.", "El"),
        ("TA el día 12/8, EVA 3/10.", "12/8"),
        ("Visto el Sr. D. Juan Pérez en consulta.", "D."),
        ("Paciente: Señora GARCÍA Isabel", "Señora"),  # the title stays
        ("Paracetamol por vía oral cada 6 horas.", "vía oral cada 6"),
        ("Un vial de insulina 100 UI.", "vial de insulina 100"),
        ("Hace paseo diario 30 minutos.", "paseo diario 30"),
        ("Tomar 2 y 3 comprimidos al día.", "2 y 3"),
        ("CIPA: nhc-739146.", "nhc-"),  # the form's prefix, not the number (MEDDOCAN)
    ],
)
def test_ordinary_spanish_is_not_phi(detector: RuleDetector, text: str, value: str) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


CLINICAL_ES = """\
Motivo de consulta: Dolor torácico atípico.
Antecedentes personales: Hipertensión arterial en tratamiento, Diabetes Mellitus tipo 2 en \
tratamiento con antidiabéticos orales, Dislipemia. Apendicectomía en la infancia. No alergias \
medicamentosas conocidas.
Enfermedad actual: El paciente refiere dolor retroesternal opresivo en reposo, de unos veinte \
minutos de duración, sin irradiación. No disnea ni palpitaciones.
Exploración física: Buen estado general. Consciente, orientado y colaborador. Auscultación \
cardiaca: Tonos rítmicos sin soplos. Auscultación pulmonar: Murmullo vesicular conservado. \
Abdomen blando y depresible, no doloroso a la palpación. Signo de Murphy negativo. Pulsos \
periféricos presentes y simétricos. Escala de Glasgow 15.
Pruebas complementarias: Hemoglobina 13,8 g/dl, Plaquetas 240.000/mm3, Creatinina 0,9 mg/dl, \
Potasio 4,2 mEq/l, PCR 0,3 mg/dl. Troponina negativa en dos determinaciones seriadas. \
Electrocardiograma: Ritmo sinusal a 70 latidos por minuto, sin alteraciones de la \
repolarización. A las 24 horas, nueva troponina negativa.
Juicio clínico: Dolor torácico de probable origen no cardiaco. Estadio T2N0M0.
Tratamiento: Paracetamol 1 g cada 8 horas si dolor. Continuar con Enalapril 10 mg y Metformina \
850 mg cada 12 horas. Ergometría de forma ambulatoria.
El Servicio de Cirugía General y la Unidad de Medicina Interna quedan a su disposición. \
Evolución clínica favorable.
"""


def test_ordinary_spanish_clinical_text_yields_no_span(pipeline: Pipeline) -> None:
    found = pipeline.detect(CLINICAL_ES).document.spans
    assert [(CLINICAL_ES[s.start : s.end], s.source) for s in found] == []


def test_recall_and_precision_floor_on_hand_written_spanish_notes(pipeline: Pipeline) -> None:
    recall, precision = _char_scores(pipeline, NOTES)
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)


def test_the_whole_pack_with_its_crf_keeps_the_issue_floor() -> None:
    """Rules + the MEDDOCAN CRF: the CRF's case-report habits cost some precision on other
    notes; the pack must still reach recall 0.95 at precision 0.90."""
    recall, precision = _char_scores(Pipeline.from_config(load_pack("es").config), NOTES)
    assert recall >= 0.95 and precision >= 0.90, (recall, precision)


# classes of PHI that the first packs missed (issue 12, recall): each found where it should be
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # an occupation in apposition after a titled name or relative, an age
        ("Acude con su hija Marta Gil, peluquera, que aporta informes.", "peluquera",
         "PROFESSION"),
        ("Varón de 58 años, albañil, con lumbalgia.", "albañil", "PROFESSION"),
        # the occupation before the retirement word
        ("Ingeniero jubilado, vive con su esposa.", "Ingeniero", "PROFESSION"),
        ("Es maestra de primaria jubilada.", "maestra de primaria", "PROFESSION"),
        # organisations: insurers and mutuas, employers, care homes, emergency services
        ("Mutua: Asepeyo. Accidente laboral.", "Asepeyo", "ORGANIZATION"),
        ("Trabaja en la empresa Transportes García.", "Transportes García", "ORGANIZATION"),
        ("Empleada de Inditex desde hace años.", "Inditex", "ORGANIZATION"),
        ("Vive en la residencia Los Olmos.", "Los Olmos", "ORGANIZATION"),
        ("Traslado por SUMMA 112 al hospital.", "SUMMA 112", "ORGANIZATION"),
        # serial and lot numbers of devices
        ("Marcapasos con número de serie PJN123456S.", "PJN123456S", "DEVICE"),
        ("Prótesis de cadera, lote 21B0457.", "21B0457", "DEVICE"),
        # a patient header before surnames in capitals and the given name
        ("Herida: ORTEGA DEL VALLE Inmaculada", "ORTEGA DEL VALLE Inmaculada", "PATIENT"),
        ("Víctima: ETXEBERRIA Ander, varón", "ETXEBERRIA Ander", "PATIENT"),
        # places after travel words
        ("Regresó de un viaje a Guayaquil hace una semana.", "Guayaquil", "CITY"),
        # primary-care centres written short, and no sentence end inside the name
        ("Gestación controlada en C.S. Zaidín Sur. Diabetes gestacional.", "C.S. Zaidín Sur",
         "HOSPITAL"),
        # whatever follows an occupation verb or header, listed or not
        ("Trabajó como conductor de autobús en la empresa municipal.", "conductor de autobús",
         "PROFESSION"),
        ("Profesión: técnica de rayos. Casada.", "técnica de rayos", "PROFESSION"),
        # dates joined by hyphens, a day/month in brackets after an exam
        ("Fecha: 19-ago-2021   Medio: UVI móvil", "19-ago-2021", "DATE"),
        ("Ecocardiograma (4/3): FEVI 35%.", "4/3", "DATE"),
        # a doctor's registration number written province / number
        ("Dra. Ana Soler   Nº colegiado: 28/41207", "28/41207", "LICENSE"),
        # a listed occupation with its complement, and occupations added to the list
        ("Antiguo conductor de autobús, viudo.", "conductor de autobús", "PROFESSION"),
        ("Trabajó como reponedor en un supermercado.", "reponedor", "PROFESSION"),
        # places that are neither streets nor towns; a signature with an initial; a company
        # acronym after a job
        ("Accidente en el aeropuerto de Barajas.", "Barajas", "LOCATION_OTHER"),
        ("Un saludo,\nJ. Ballesteros\n", "J. Ballesteros", "DOCTOR"),
        ("Trabajó como conductor de autobús en la EMT.", "EMT", "ORGANIZATION"),
        # beds written with a letter, rooms abbreviated
        ("Ingresado en habitación 412, cama B.", "B", "ROOM"),
        ("Ubicación: Hab. 412-B", "412-B", "ROOM"),
        ("Jubilado de Renfe, vive con su esposa.", "Renfe", "ORGANIZATION"),
        # a copula right before the occupation
        ("Es peluquera y trabaja por cuenta propia.", "peluquera", "PROFESSION"),
        # a street without a house number before the postcode
        ("Domicilio: Urb. Los Pinos, parcela 23, 29600 Marbella", "Urb. Los Pinos", "STREET"),
        # notes dictated in lower case
        ("paciente: popescu, ion   nhc: 4471902", "popescu, ion", "PATIENT"),
        ("sin hallazgos.\n\ndr. andrés vidal, radiología", "andrés vidal", "DOCTOR"),
    ],
)
def test_recall_classes_found_in_spanish(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


# the same shapes where the words are not PHI
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Valorado por el Dr. Gil, cardiólogo, en consulta.", "cardiólogo"),
        ("Paciente jubilada, vive sola.", "Paciente"),
        ("Viudo, jubilado.", "Viudo"),
        ("Trabaja en turnos de noche.", "turnos"),
        ("Trabaja en la construcción.", "construcción"),
        ("Vive en una residencia de mayores.", "residencia"),
        ("Se realizó una serie de 3 radiografías.", "serie de 3"),
        ("Diagnóstico: EPOC AGUDIZADA", "EPOC AGUDIZADA"),
        ("Viaje a Urgencias.", "Urgencias"),
        ("Gestación controlada en C.S. Zaidín Sur. Diabetes gestacional.", "Diabetes"),
        ("Atendido en el Hospital Universitario La Paz. Buena evolución.", "Buena"),
        ("Trabaja de camarero los fines de semana.", "fines de semana"),
        ("Situación laboral: en paro.", "paro"),
        ("EVA (3/10) en reposo.", "3/10"),
        ("Jubilado, antiguo albañil casado.", "casado"),
        ("Ingresa en la UCI.", "UCI"),
        ("A. Juicio clínico\nNeumonía.", "Juicio"),
        ("Valorada por Sra. Gil, psicóloga, en consulta.", "psicóloga"),
        ("En cama A veces duerme mal.", "A"),
        ("Trabaja de cara al público.", "cara"),
        ("Situación laboral: activo, sin bajas.", "activo"),
        ("El dolor es intenso; la enfermera avisa.", "enfermera"),
    ],
)
def test_recall_classes_leave_ordinary_spanish_alone(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


# -- MEDDOCAN boundaries (issue 12): where one entity ends in address and signature blocks -------


def _spans_of(detector: RuleDetector, text: str) -> set[tuple[str, str]]:
    return {(text[s.start : s.end], s.label) for s in detector.detect(Document("t", text))}


@pytest.mark.parametrize(
    ("text", "institution"),
    [
        ("Servicio de Urología Hospital Universitario Doctor Peset Avda. Gaspar Aguilar, 90",
         "Hospital Universitario Doctor Peset"),
        ("Servicio de Urología. Hospital Dr. Peset Av. Gaspar Aguilar, 90.", "Hospital Dr. Peset"),
        ("Hospital Infanta Elena Ctra Sevilla Huelva s/n 21080 Huelva.", "Hospital Infanta Elena"),
        ("Hospital Clínico San Carlos Paseo de la Castellana, 261", "Hospital Clínico San Carlos"),
    ],
)
def test_institution_stops_before_the_street(
    detector: RuleDetector, text: str, institution: str
) -> None:
    found = _spans_of(detector, text)
    assert (institution, "HOSPITAL") in found
    assert not any(label == "HOSPITAL" and value.startswith(institution + " ")
                   for value, label in found)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Avda. Dr. Esquerdo, 46 28040 Madrid España E-mail: abc@hotmail.com", "E-mail"),
        ("Pº de la Castellana 261 28046 Madrid Tlf. 917277336", "Tlf"),
        ("Dr. Juan Pérez Avda. de Elvas s/n", "Avda"),
    ],
)
def test_names_and_cities_end_before_form_words(
    detector: RuleDetector, text: str, word: str
) -> None:
    """ "Madrid E-mail" was one PATIENT span, "Pérez Avda" one DOCTOR span."""
    start = text.index(word)
    for span in detector.detect(Document("t", text)):
        if span.label in ("PATIENT", "DOCTOR", "CITY", "HOSPITAL"):
            assert not span.start <= start < span.end, (text[span.start : span.end], span.label)


def test_pack_cuts_merged_spans_at_the_crf_boundaries() -> None:
    assert load_pack("es").config["resolve"]["boundaries"][0] == "crf"



# Latin-American notes and form fields (issue 12, lang-nlites round): probe sentences written
# for these rules, not taken from any dev or held-out set
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Paciente con C.C. 79.845.112 de Cali.", "79.845.112", "SSN"),
        ("Cédula de ciudadanía 1020447318, EPS Sanitas.", "1020447318", "SSN"),
        ("Titular: CUIL 20-28114907-6.", "20-28114907-6", "SSN"),
        ("Firma: Dra. Paula Ríos, M.P. 31177.", "31177", "LICENSE"),
        ("Dr. Héctor Luna, cédula profesional 7781204.", "7781204", "LICENSE"),
        ("Registro médico 80112233, Cundinamarca.", "80112233", "LICENSE"),
        ("Obra social IOMA, afiliado 4471-2290-03.", "4471-2290-03", "HEALTHPLAN"),
        ("Obra social IOMA, afiliado 4471-2290-03.", "IOMA", "ORGANIZATION"),
        ("Hija Rosa, 33 3615 2200 (casa).", "33 3615 2200", "PHONE"),
        ("Avisar al esposo, 11 4471-0925, por la tarde.", "11 4471-0925", "PHONE"),
        ("Madre (311 480 2271) acompaña.", "311 480 2271", "PHONE"),
        (
            "Vive en Col. Santa María la Ribera, C.P. 06400.",
            "Santa María la Ribera",
            "LOCATION_OTHER",
        ),
        ("Vive en Col. Santa María la Ribera, C.P. 06400.", "06400", "ZIP"),
        (
            "Dirección: Carrera 70 # 44-12, apto 301, Laureles.",
            "Carrera 70 # 44-12, apto 301",
            "STREET",
        ),
        ("Dirección: Cl. 10 Sur No. 43-21", "Cl. 10 Sur No. 43-21", "STREET"),
        ("Domicilio: Lavalle 2241, 4º C, Balvanera.", "Lavalle 2241, 4º C", "STREET"),
        ("Localidad/ Provincia: Villa María.", "Villa María", "CITY"),
        ("Domicilio: Paseo de los olmos 12, 3B", "Paseo de los olmos 12, 3B", "STREET"),
        ("CP: X5900.", "X5900", "ZIP"),
        ("Fecha de nacimiento: 23-VII-1965.", "23-VII-1965", "DATE"),
        (
            "Córdoba, a veintidós de mayo de dos mil veintitrés.",
            "veintidós de mayo de dos mil veintitrés",
            "DATE",
        ),
        ("Extracción 7.MAR.2024, en ayunas.", "7.MAR.2024", "DATE"),
        ("Atendido en la UMF No. 33 de Zapopan.", "UMF No. 33", "HOSPITAL"),
        ("Derivada por el ISSSTE.", "ISSSTE", "ORGANIZATION"),
        ("Mutua colaboradora: Egarsat.", "Egarsat", "ORGANIZATION"),
        ("Empresa: Limpiezas Hermanos Gil, S.L.", "Limpiezas Hermanos Gil, S.L.", "ORGANIZATION"),
        (
            "Reparto para Transportes Olivares S.A. de C.V.",
            "Transportes Olivares S.A. de C.V.",
            "ORGANIZATION",
        ),
        ("Trabaja como cocinera para Grupo Vips.", "Grupo Vips", "ORGANIZATION"),
        ("Profesora en la Universidad de Salamanca.", "Universidad de Salamanca", "ORGANIZATION"),
    ],
)
def test_latin_american_and_form_shapes(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Se administran 10 cc de suero fisiológico.", "10 cc"),
        ("CC 3 en la escala.", "3"),
        ("IC 95% 1,2-3,4, CI 0,8.", "0,8"),
        ("Lesión de 25 X 25 mm en flanco.", "25 X 25"),
        ("Domicilio: vive con su hija.", "vive con su hija"),
        ("Dirección General de Salud Pública informa.", "Dirección General"),
        ("Dosis de 2 comprimidos cada 8 horas durante 10 días.", "8 horas"),
        ("Universidad: estudios primarios.", "estudios"),
    ],
)
def test_latin_american_rules_leave_ordinary_spanish_alone(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]
