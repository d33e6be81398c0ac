"""Delimited tables with a header row, labelled by header words (data, one file per pack)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.detect.structured import tables
from fairdeid.errors import ConfigError


def _found(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in tables.find(text)]


def test_pipe_export_with_an_underscored_header() -> None:
    text = (
        "Ward list\n"
        "PT_NAME|MRN|DOB|SEX|ROOM|ATTENDING\n"
        "ABARA, CHIDI|5520117|03/09/1961|M|7E-14|QUINN, ROSA\n"
        "LINDQVIST, EVA|5520118|1990-11-02|F|7E-15|QUINN, ROSA\n"
        "\n"
        "ABARA improving.\n"
    )
    found = _found(text)
    assert ("PATIENT", "ABARA, CHIDI") in found
    assert ("PATIENT", "LINDQVIST, EVA") in found
    assert ("MEDICALRECORD", "5520117") in found
    assert ("DATE", "1990-11-02") in found
    assert ("ROOM", "7E-14") in found
    assert ("DOCTOR", "QUINN, ROSA") in found
    assert ("M" not in {t for _, t in found}) and ("F" not in {t for _, t in found})


@pytest.mark.parametrize(
    ("header", "row", "label", "value"),
    [
        ("Nachname;Vorname;Geb.-Datum;PLZ;Ort", "Wirth;Lena;02.03.1977;80331;München",
         "PATIENT", "Wirth"),
        ("Nachname;Vorname;Geb.-Datum;PLZ;Ort", "Wirth;Lena;02.03.1977;80331;München",
         "DATE", "02.03.1977"),
        ("Nachname;Vorname;Geb.-Datum;PLZ;Ort", "Wirth;Lena;02.03.1977;80331;München",
         "ZIP", "80331"),
        ("Nachname;Vorname;Geb.-Datum;PLZ;Ort", "Wirth;Lena;02.03.1977;80331;München",
         "CITY", "München"),
        ("Nom\tPrénom\tDate de naissance\tIPP", "Lemaire\tHugo\t05/06/1948\t80011223",
         "MEDICALRECORD", "80011223"),
        ("Nom\tPrénom\tDate de naissance\tIPP", "Lemaire\tHugo\t05/06/1948\t80011223",
         "PATIENT", "Hugo"),
        ("Achternaam,Voornaam,Geboortedatum,BSN", "Bakker,Sanne,12-01-1983,123456782",
         "SSN", "123456782"),
        ("Cognome;Nome;Data di nascita;Codice fiscale",
         "Greco;Marta;21/04/1969;GRCMRT69D61H501X", "SSN", "GRCMRT69D61H501X"),
        ("Apellidos|Nombre|Fecha de nacimiento|NHC", "Ruiz Vera|Alba|1999-09-09|HC7781",
         "MEDICALRECORD", "HC7781"),
        ("Fallnummer|Arzt|Zimmer", "F-2025-88|Dr. Kaya|12B", "ACCOUNT", "F-2025-88"),
        ("Fallnummer|Arzt|Zimmer", "F-2025-88|Dr. Kaya|12B", "DOCTOR", "Kaya"),
        ("Operateur;Eingriff;Datum", "Brandt;Appendektomie;3.3.", "DOCTOR", "Brandt"),
        ("Médecin;Chirurgien;Date", "Roux;Petit;01/02/2025", "DOCTOR", "Petit"),
        ("Arts|Cirujano|Medico", "Visser|Gómez|Bianchi", "DOCTOR", "Gómez"),
    ],
)
def test_header_words_of_every_pack(header: str, row: str, label: str, value: str) -> None:
    assert (label, value) in _found(f"{header}\n{row}\n")


def test_quoted_csv_cells_and_markdown_tables() -> None:
    text = (
        'Name,DOB,Phone\n"Said, Omar",1970-01-01,"(555) 010-4455"\n\n'
        "| Patient | Date of birth |\n|---|---|\n| Ines Moreau | 04/04/1944 |\n"
    )
    found = _found(text)
    assert ("PATIENT", "Said, Omar") in found
    assert ("PHONE", "(555) 010-4455") in found
    assert ("PATIENT", "Ines Moreau") in found
    assert ("DATE", "04/04/1944") in found


def test_weak_headers_alone_do_not_make_a_table() -> None:
    text = "Name|Dose|Route\nMetformin|500 mg|PO\n"
    assert _found(text) == []
    assert ("PATIENT", "Okafor") in _found("Name|MRN\nOkafor|7712\n")


def test_prose_with_commas_is_no_table() -> None:
    text = ("Patient seen today, doing well, plans discussed.\n"
            "Address concerns next week, phone follow-up, no changes.\n")
    assert _found(text) == []


def test_key_value_lines() -> None:
    text = ("Field | Value\nPatient | Ana Duarte\nPhone | 555 201 7788\n"
            "NIR | 1 85 02 75 123 456 78 | Prénom | Élise\n")
    found = _found(text)
    assert ("PATIENT", "Ana Duarte") in found
    assert ("PHONE", "555 201 7788") in found
    assert ("SSN", "1 85 02 75 123 456 78") in found
    assert ("PATIENT", "Élise") in found
    assert "Phone" not in {t for _, t in found}


def test_cells_must_look_like_their_header() -> None:
    text = "Patient|DOB|Phone\n123|unknown|none\n"
    assert _found(text) == []


def test_hl7_segments_are_not_header_rows() -> None:
    assert _found("PID|1||77^^^^MR\nPV1|1|I|W^1^2\n") == []
    assert ("PATIENT", "Rahim") in _found("PID|Name\n4411|Rahim\n")


def test_every_pack_has_a_header_words_file() -> None:
    from fairdeid.lang.packs import available_languages

    assert {p.parent.name for p in tables.pack_files()} == set(available_languages())


def test_a_new_language_is_one_data_file(tmp_path: Path) -> None:
    extra = tmp_path / "table_headers.toml"
    extra.write_text('[cells]\nPATIENT = ["jina la mgonjwa"]\n', "utf-8")
    headers = tables.load_headers((str(extra),))
    text = "Jina la mgonjwa|Simu|MRN\nAsha Mwangi|0712 000 111|55102\n"
    assert ("PATIENT", "Asha Mwangi") in [(h.label, text[h.start : h.end])
                                          for h in tables.find(text, headers)]


@pytest.mark.parametrize(
    "content",
    ['[cells]\nNOTALABEL = ["x"]\n', '[colums]\nPATIENT = ["x"]\n', '[cells]\nPATIENT = "x"\n',
     "not toml ["],
)
def test_bad_header_files_are_config_errors(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(content, "utf-8")
    with pytest.raises(ConfigError) as info:
        tables.load_headers((str(bad),))
    assert "x" not in str(info.value).replace(str(bad), "") or "NOTALABEL" in str(info.value)


@pytest.mark.parametrize(
    ("cell", "name"),
    [("Dr. Kaya", "Kaya"), ("dott. Nicola Russo", "Nicola Russo"), ("Prof. Dr. Abel", "Abel"),
     ("Sig.ra Bianca Neri", "Bianca Neri"), ("J. Smith", "J. Smith")],
)
def test_titles_stay_outside_name_cells(cell: str, name: str) -> None:
    text = f"Patient|MRN\n{cell}|5501\n"
    assert ("PATIENT", name) in _found(text)


def test_normalise() -> None:
    assert tables.normalise("Geb.-Datum") == "geb datum"
    assert tables.normalise("PAT_NAME") == "pat name"
    assert tables.normalise(" Prénom ") == "prenom"


def test_a_cell_gives_only_the_value_its_header_promises() -> None:
    """Credentials, licence numbers and ages in brackets share cells with names and dates; they
    are no PHI of that label (found on generated layout-stress tables: "MD" and "(Age 68)" were
    removed with the cell, precision fell 0.5 points)."""
    found = _found("Patient | Surgeon | Pathologist | DOB\n"
                   "Ana Duarte | J Xin, MD | i bird md | 27.05.1947 (Age 68)\n")
    assert ("DOCTOR", "J Xin") in found and ("DOCTOR", "i bird") in found
    assert ("DATE", "27.05.1947") in found
    found = _found("Name | Prescriber | DOB\n"
                   "Duarte, Ana | J Villanueva, DEA# RN-413286 | 12/25/1963\n")
    assert ("PATIENT", "Duarte, Ana") in found  # surname first keeps its comma
    assert ("DOCTOR", "J Villanueva") in found


def test_cells_that_do_not_fit_their_column_are_left_alone() -> None:
    """A shifted column: an age and sex under "MRN", an account number under "DOB"."""
    found = _found("Patient | MRN | DOB\nAna Duarte | 36F | Acct# ACCT-72831387\n")
    assert [label for label, _ in found] == ["PATIENT"]


def test_pt_alone_is_prothrombin_time_not_a_patient() -> None:
    assert _found("troponin i|0.79 ng/ml\nPT|22.1 s\nphos|2.6 mg/dl\n") == []
    assert ("PATIENT", "Ana Duarte") in _found("PT | Ana Duarte\nMRN | 4471920\n")


def test_a_form_field_with_commas_is_no_header_row() -> None:
    # "Adresse : ..." is one field whose value holds commas: its parts are no column headers,
    # and the lines under it (a prescriber, a copy) are no rows of a table
    text = (
        "Adresse : 12, rue des Tilleuls, L-4320 Esch-sur-Alzette\n"
        "Prescripteur : Dr Luc Weber, cardiologue, Hôpital Kirchberg\n"
        "Copie : Dr Anne Muller, médecin généraliste, Mersch\n"
    )
    assert _found(text) == []


def test_the_consultant_column_of_a_consult_log_makes_a_table() -> None:
    # "Data" alone is too weak to read a table; the consultant column names its people, and
    # with it the dates of the weak column are read too
    text = ("Data\tOra\tConsulente\tServizio\tEsito\n"
            "03-mar\t11:20\tDott.ssa Marta Ferri\tCardiologia\tecocardio in giornata\n"
            "05-mar\t09:00\tDott. Enzo Rinaldi\tNefrologia\tnessuna modifica\n")
    found = [(h.label, text[h.start : h.end]) for h in tables.find(text)]
    assert ("DOCTOR", "Marta Ferri") in found and ("DOCTOR", "Enzo Rinaldi") in found
    assert ("DATE", "03-mar") in found and ("DATE", "05-mar") in found
    assert all(v not in {"Cardiologia", "11:20"} for _, v in found), found
