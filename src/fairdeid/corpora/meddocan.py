"""MEDDOCAN (Spanish clinical cases, BRAT standoff) with its label set mapped onto ours.

The mapping follows the MEDDOCAN annotation guidelines. Where MEDDOCAN is coarser than i2b2 we
map to a coarse label rather than guess a fine one: TERRITORIO covers cities, provinces and postal
codes alike, so it becomes LOCATION. Labels that are not identifiers in our taxonomy (sex, family
relations such as "madre", other subject traits) become OTHER; a preset decides whether to remove
them. Every label seen in the train and dev splits is covered (tests check all 1,000 files).

One label needs its text: the corpus files mark some subject traits -- race, nationality,
marital status, life stage ("raza caucásica", "boliviano", "viudo", "Lactante"; 42 spans of
train, 24 of dev) -- ID_SUJETO_ASISTENCIA, the label the guidelines give to the patient's record
numbers, where the guidelines put traits under OTROS_SUJETO_ASISTENCIA. An identifier of the
subject carries a digit; a span of that label without one is read as the trait it is (OTHER),
so it is not scored as a record number nobody should find.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from fairdeid.corpora.brat import Discontinuous, iter_brat, write_brat
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError

MEDDOCAN_LABELS: dict[str, str] = {
    "NOMBRE_SUJETO_ASISTENCIA": "PATIENT",
    "NOMBRE_PERSONAL_SANITARIO": "DOCTOR",
    "FAMILIARES_SUJETO_ASISTENCIA": "OTHER",  # mostly relation words ("madre", "hijo")
    "EDAD_SUJETO_ASISTENCIA": "AGE",
    "SEXO_SUJETO_ASISTENCIA": "OTHER",
    "FECHAS": "DATE",
    "CALLE": "STREET",
    "TERRITORIO": "LOCATION",  # city, province or postal code: no safe fine label
    "PAIS": "COUNTRY",
    "CENTRO_SALUD": "HOSPITAL",
    "HOSPITAL": "HOSPITAL",
    "INSTITUCION": "ORGANIZATION",
    "ID_SUJETO_ASISTENCIA": "MEDICALRECORD",  # NHC (historia clínica) and similar
    "ID_TITULACION_PERSONAL_SANITARIO": "LICENSE",  # nº de colegiado
    "ID_EMPLEO_PERSONAL_SANITARIO": "IDNUM",
    "ID_CONTACTO_ASISTENCIAL": "IDNUM",  # episode / encounter number
    "ID_ASEGURAMIENTO": "HEALTHPLAN",  # NASS, insurance number
    "NUMERO_BENEF_PLAN_SALUD": "HEALTHPLAN",
    "OTRO_NUMERO_IDENTIF": "IDNUM",
    "NUMERO_TELEFONO": "PHONE",
    "NUMERO_FAX": "FAX",
    "CORREO_ELECTRONICO": "EMAIL",
    "URL_WEB": "URL",
    "DIREC_PROT_INTERNET": "IPADDR",
    "IDENTIF_VEHICULOS_NRSERIE_PROD": "VEHICLE",
    "IDENTIF_DISPOSITIVOS_NRSERIE": "DEVICE",
    "IDENTIF_BIOMETRICOS": "BIOID",
    "PROFESION": "PROFESSION",
    "OTROS_SUJETO_ASISTENCIA": "OTHER",
}

#: fairdeid label -> MEDDOCAN label, for writing documents that were not read from MEDDOCAN.
MEDDOCAN_OUT: dict[str, str] = {
    "PATIENT": "NOMBRE_SUJETO_ASISTENCIA",
    "DOCTOR": "NOMBRE_PERSONAL_SANITARIO",
    "USERNAME": "NOMBRE_PERSONAL_SANITARIO",
    "NAME": "NOMBRE_SUJETO_ASISTENCIA",
    "PROFESSION": "PROFESION",
    "ROOM": "OTROS_SUJETO_ASISTENCIA",
    "DEPARTMENT": "INSTITUCION",
    "HOSPITAL": "HOSPITAL",
    "ORGANIZATION": "INSTITUCION",
    "STREET": "CALLE",
    "CITY": "TERRITORIO",
    "STATE": "TERRITORIO",
    "ZIP": "TERRITORIO",
    "LOCATION_OTHER": "TERRITORIO",
    "LOCATION": "TERRITORIO",
    "COUNTRY": "PAIS",
    "AGE": "EDAD_SUJETO_ASISTENCIA",
    "DATE": "FECHAS",
    "PHONE": "NUMERO_TELEFONO",
    "FAX": "NUMERO_FAX",
    "EMAIL": "CORREO_ELECTRONICO",
    "URL": "URL_WEB",
    "IPADDR": "DIREC_PROT_INTERNET",
    "CONTACT": "NUMERO_TELEFONO",
    "SSN": "OTRO_NUMERO_IDENTIF",
    "MEDICALRECORD": "ID_SUJETO_ASISTENCIA",
    "HEALTHPLAN": "ID_ASEGURAMIENTO",
    "ACCOUNT": "OTRO_NUMERO_IDENTIF",
    "LICENSE": "ID_TITULACION_PERSONAL_SANITARIO",
    "VEHICLE": "IDENTIF_VEHICULOS_NRSERIE_PROD",
    "DEVICE": "IDENTIF_DISPOSITIVOS_NRSERIE",
    "BIOID": "IDENTIF_BIOMETRICOS",
    "IDNUM": "OTRO_NUMERO_IDENTIF",
    "ID": "OTRO_NUMERO_IDENTIF",
    "OTHER": "OTROS_SUJETO_ASISTENCIA",
}


def iter_meddocan(
    path: str | Path, *, discontinuous: Discontinuous = "split", check_text: bool = True
) -> Iterator[Document | RecordError]:
    """Read a MEDDOCAN BRAT directory (e.g. ``meddocan/brat/train``); spans keep
    ``attrs["corpus_label"]`` with the Spanish label."""
    for item in iter_brat(path, MEDDOCAN_LABELS, discontinuous=discontinuous,
                          check_text=check_text):
        if isinstance(item, Document):
            item = item.with_spans(tuple(_trait_as_other(item.text, s) for s in item.spans))
        yield item


#: MEDDOCAN labels of numbers: a span of one without a digit is a subject trait (module doc)
NUMBER_LABELS = frozenset({"ID_SUJETO_ASISTENCIA"})


def _trait_as_other(text: str, span: Span) -> Span:
    """``span`` labelled OTHER when it is a subject trait filed under a number label."""
    if span.attrs.get("corpus_label") in NUMBER_LABELS and not any(
        c.isdigit() for c in text[span.start:span.end]
    ):
        return replace(span, label="OTHER")
    return span


def write_meddocan(docs: Iterable[Document], out_dir: str | Path) -> int:
    """Write MEDDOCAN-style BRAT; spans read from MEDDOCAN keep their original label."""
    return write_brat(
        docs, out_dir, label_out=MEDDOCAN_OUT, keep_corpus_labels=set(MEDDOCAN_LABELS)
    )
