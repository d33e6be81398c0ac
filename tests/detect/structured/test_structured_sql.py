"""SQL dumps read by column name: INSERT rows, with the columns of the statement or of an
earlier CREATE TABLE, named in the pack languages' header words.

The snippets are invented, in the shapes mysqldump and pg_dump --inserts print.
"""

from __future__ import annotations

from fairdeid.detect.structured import StructuredDetector, sql, tables
from fairdeid.document import Document

MYSQL_ES = (
    "-- MySQL dump 10.13  Distrib 8.0.36\n"
    "INSERT INTO `hc_paciente` (`id`,`primer_apellido`,`segundo_apellido`,`primer_nombre`,"
    "`fecha_nacimiento`,`dni`,`nombre_madre`,`telefono`,`ocupacion`,`creado_por`) VALUES\n"
    "(1021,'QUISPE','MAMANI','ROSALÍA','1958-03-14','44120873-K','JUANA MAMANI',"
    "'2264-9981','PANADERA','adm_rcuellar'),\n"
    "(1022,'DE LA CRUZ',NULL,'IVÁN','1990-12-01',NULL,NULL,'7701-2280','MAESTRO D''OBRAS',"
    "'lab_mtorrez');\n"
)


def _sql(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in sql.find(text, tables.load_headers())]


def test_insert_values_by_column_name() -> None:
    found = _sql(MYSQL_ES)
    assert ("PATIENT", "QUISPE") in found and ("PATIENT", "MAMANI") in found
    assert ("PATIENT", "ROSALÍA") in found and ("PATIENT", "JUANA MAMANI") in found
    assert ("DATE", "1958-03-14") in found and ("SSN", "44120873-K") in found
    assert ("PHONE", "2264-9981") in found and ("PROFESSION", "PANADERA") in found
    assert ("USERNAME", "adm_rcuellar") in found
    # an escaped quote stays inside its value and the columns after it stay in place;
    # NULL and the row's own key are no PHI
    assert ("PROFESSION", "MAESTRO D''OBRAS") in found and ("USERNAME", "lab_mtorrez") in found
    assert ("PATIENT", "DE LA CRUZ") in found
    values = {v for _, v in found}
    assert "1021" not in values and "NULL" not in values


def test_insert_without_columns_takes_those_of_create_table() -> None:
    text = ("CREATE TABLE `assistito` (\n"
            "  `id_ass` int(11) NOT NULL,\n"
            "  `cognome` varchar(60) DEFAULT NULL,\n"
            "  `nome` varchar(60) DEFAULT NULL,\n"
            "  `indirizzo` varchar(120) DEFAULT 'n.d.',\n"
            "  PRIMARY KEY (`id_ass`)\n"
            ") ENGINE=InnoDB;\n"
            "INSERT INTO `assistito` VALUES (5531,'BRAMBILLA','Ottavio','Via Tortona 14');\n")
    assert _sql(text) == [("PATIENT", "BRAMBILLA"), ("PATIENT", "Ottavio"),
                          ("STREET", "Via Tortona 14")]


def test_pg_dump_copy_rows_by_column() -> None:
    text = ("COPY public.paziente (id, cognome, nome, data_nascita, telefono) FROM stdin;\n"
            "7712\tLO PRESTI\tGaetano\t1944-05-30\t\\N\n"
            "7713\tCUCCHIARA\tRosa\t1950-11-02\t091 6682210\n"
            "\\.\n")
    assert _sql(text) == [("PATIENT", "LO PRESTI"), ("PATIENT", "Gaetano"),
                          ("DATE", "1944-05-30"), ("PATIENT", "CUCCHIARA"), ("PATIENT", "Rosa"),
                          ("DATE", "1950-11-02"), ("PHONE", "091 6682210")]


def test_weak_columns_alone_and_prose_are_not_read() -> None:
    # "nom" alone (a drug's name as much as a person's) needs a strong column beside it
    assert _sql("INSERT INTO medicament (nom, dosage) VALUES ('Doliprane', '1 g');") == []
    assert _sql("merci d'insert into le dossier les valeurs (tension, pouls)") == []
    # a row cut off by the paste gives nothing, and nothing fails
    assert _sql("INSERT INTO patient (nom_naiss, ddn) VALUES ('MARTIN','1970-0") == []


def test_the_detector_reads_sql_and_turns_it_off() -> None:
    doc = Document("t", "Ticket 4471, extraction :\n" + MYSQL_ES)
    spans = StructuredDetector().detect(doc)
    assert any(s.source == "structured:sql.primer_apellido" for s in spans)
    off = StructuredDetector().with_disabled(["sql"]).detect(doc)
    assert not any(s.source.startswith("structured:sql.") for s in off)
