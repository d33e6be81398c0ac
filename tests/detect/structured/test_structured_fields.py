"""Inline export fields, logins and chat senders (structured/fields.py), read by label words."""

from __future__ import annotations

import pytest

from fairdeid.detect.structured import StructuredDetector, fields, tables
from fairdeid.document import Document


def _found(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in fields.find(text, tables.load_headers())]


def test_dotted_export_fields_take_the_value_part_only() -> None:
    text = (
        "PID............: 30418827\n"
        "Fall...........: 7260119344 (stationär)   Aufn.: 21.11.2026 19:40   Entl.: offen\n"
        "Name...........: Rohlfs, Hinrich Johann   m   geb. 14.09.1933   Alter: 93\n"
        "Anschrift......: Vor dem Steintor 118 | 28203 Bremen\n"
    )
    found = _found(text)
    assert ("MEDICALRECORD", "30418827") in found
    assert ("ACCOUNT", "7260119344") in found  # not "(stationär)"
    assert ("PATIENT", "Rohlfs, Hinrich Johann") in found
    assert ("AGE", "93") in found
    assert ("STREET", "Vor dem Steintor 118") in found


@pytest.mark.parametrize(
    ("line", "label", "value"),
    [
        (" naam.............: Lubbers-Hadders, G.J. (Geesje)", "PATIENT", "Lubbers-Hadders, G.J."),
        ("Nom d'usage .... | ABDALLAH   Nom de naissance : MADI   Prénom : Zaharia",
         "PATIENT", "ABDALLAH"),
        ("Nom d'usage .... | ABDALLAH   Nom de naissance : MADI   Prénom : Zaharia",
         "PATIENT", "Zaharia"),
        ("Patient : M. GIRAUD Bernard     Né le : 19/07/1958     IPP : 80011247396",
         "PATIENT", "GIRAUD Bernard"),
        ("Anesthésiste : Dr C. Vasseur     IBODE : Nathalie Perret", "DOCTOR", "C. Vasseur"),
        ("Anesthésiste : Dr C. Vasseur     IBODE : Nathalie Perret", "DOCTOR",
         "Nathalie Perret"),
        ("Paziente: ESPOSITO GENNARO     Nato il: 12/03/1951 a Napoli", "DATE", "12/03/1951"),
        ("Residenza: Via Duomo 218, 80138 Napoli     Tel.: 081 554 2917",
         "STREET", "Via Duomo 218"),
        ("DDN : 1985-12-17   Adresse : 2215, chemin Sainte-Foy, app. 8", "STREET",
         "2215, chemin Sainte-Foy"),
        ("RAMQ : JEAM 4856 1213 exp. 2028-06     DDN : 1948-06-12", "HEALTHPLAN",
         "JEAM 4856 1213"),
        ("Servicio/Cama..| Neumología / planta 4ª / 412-A", "ROOM", "412-A"),
        ("REPARTO / LETTO | Cardiologia U / letto 22", "ROOM", "letto 22"),
        (" opnamenr.........: OPN-2026-118203 | afd: Geriatrie Hondsrug | kamer/bed: C2.14-2",
         "ROOM", "C2.14-2"),
        (" adres............: Hoofdstraat 84 | 7872 PE | Valthe", "ZIP", "7872 PE"),
        (" adres............: Hoofdstraat 84 | 7872 PE | Valthe", "CITY", "Valthe"),
        ("Anschrift......: Vor dem Steintor 118 | 28203 Bremen (Ostertor)", "CITY", "Bremen"),
        ("anestesista: Dott.ssa Ciavattini R. | strum.: Pantalone", "DOCTOR", "Pantalone"),
    ],
)
def test_inline_fields_in_each_language(line: str, label: str, value: str) -> None:
    assert (label, value) in _found(line)


@pytest.mark.parametrize(
    "line",
    [
        "Diagnose: Pneumonie | Therapie: Ceftriaxon",          # clinical fields: no header word
        "Patient: 78-jähriger Mann mit Pneumonie | Verlauf: gut",  # a phrase, not a name
        "Patient: Hans Müller kam mit Fieber",                  # a lone field in prose
        "Name | DOB | MRN",                                     # a header row, no values
        "Alter: 45 | Geschlecht: m",                            # an age under 90
        "Mutuelle : MGEN – adhérent 0291847730 | NIR : 2 32 02", # a name before the number
        "PID|||80291147^^^APHM^PI||ABDALLAH^ZAHARIA^^^^^L",     # HL7: the HL7 reader's
        "Nombre | Vínculo | Edad | Ocupación",                 # a header row
        "Domicilio: C/ Vitruvio, 2..",                          # ".." ends a value: no leader
    ],
)
def test_what_is_no_field_value(line: str) -> None:
    found = _found(line)
    assert all(label not in {"PATIENT", "AGE", "HEALTHPLAN", "MEDICALRECORD", "CITY", "STREET"}
               for label, _ in found), found


def test_an_address_ends_at_the_next_field_or_a_cell_that_is_no_postcode() -> None:
    found = _found("Adresse: Rue X 3 | Bâtiment B | 75012 Paris\n"
                   "Adresse: Rue Y 4 | Tel: 01 23 45 67 89\n")
    assert ("STREET", "Rue X 3") in found and ("STREET", "Rue Y 4") in found
    assert all(label not in {"ZIP", "CITY"} for label, _ in found), found


@pytest.mark.parametrize(
    ("line", "login"),
    [
        ("#### ORBIS Export | Druck: 27.11.2026 07:55 | Benutzer: GENO\\tmeyer04 ####",
         "GENO\\tmeyer04"),
        (">>> DIRAYA · exportación RTF->TXT · usr SAS\\mrbenitez2 · 24/11/2026 13:07",
         "SAS\\mrbenitez2"),
        ("[reconnaissance vocale – document non relu – auteur msoubrier]", "msoubrier"),
        ("trascrizione automatica – non rivista – operatore lbaldoni2", "lbaldoni2"),
        ("codé par dim_mlouisy le 03/12/2026", "dim_mlouisy"),
        ("[automatische transcriptie – dicteerder DVDBERGHE]", "DVDBERGHE"),
        ("Área de Salud I | impreso por: mgarciap3 | 27/11/2026", "mgarciap3"),
        ("erstellt: snh\\abrechnung3 – 30.11.2026", "snh\\abrechnung3"),
    ],
)
def test_logins_after_user_keys_and_domain_logins(line: str, login: str) -> None:
    assert ("USERNAME", login) in _found(line)


@pytest.mark.parametrize(
    "line",
    [
        "operateur: dr. Reijnen | anesthesie: T. Scheffer",   # a title, not a login
        "medico curante",                                       # a staff key and a word
        "Benutzer: Dr. Meyer",                                  # a name, not a login
        "siehe C:\\Users\\Public\\befund.pdf",                  # a path, not a domain login
        "HL7 escape \\T\\ and \\X0D\\ in OBX",                  # escapes
    ],
)
def test_what_is_no_login(line: str) -> None:
    assert all(label != "USERNAME" for label, _ in _found(line)), _found(line)


@pytest.mark.parametrize(
    ("line", "label", "name"),
    [
        ("[24/11/26, 20:15] Bryan Moreira: buonasera dottore", "PATIENT", "Bryan Moreira"),
        ("22/11/26, 07:41 - Vicky Lau: Dra buenos días", "PATIENT", "Vicky Lau"),
        ("24/11/2026 19:02 – Papy Mbuyi: Bonsoir docteur", "PATIENT", "Papy Mbuyi"),
        ("[29/11/26, 03:12] Dr. Féliz: Pte Peña quemadura", "DOCTOR", "Féliz"),
        ("22/11/26, 08:10 - Dra Yupanqui: Buenos días", "DOCTOR", "Yupanqui"),
        ("WhatsApp van dochter, 26/11 18:40 – Kristine DC: hi po", "PATIENT", "Kristine DC"),
    ],
)
def test_chat_senders(line: str, label: str, name: str) -> None:
    assert (label, name) in _found(line)


@pytest.mark.parametrize(
    "line",
    [
        "12.03. 14:00 Visite: Patient stabil",               # no dash or bracket: a log entry
        "12.03.2025 14:00 - Visite: Patient stabil",          # one word: a role or an event
        "12.03.2025 14:00 - Pat. stabil: Fieber 38",          # a phrase
        "24.11.2026 14:32 - Hausarztpraxis Weber: Befund da",  # a practice, not a person
        "[24/11/26, 20:15] Ich: ok",                          # a pronoun
    ],
)
def test_what_is_no_chat_sender(line: str) -> None:
    assert all(label not in {"PATIENT", "DOCTOR"} for label, _ in _found(line)), _found(line)


def test_signature_and_coder_columns_of_tables() -> None:
    text = (
        "Datum/Zeit      | RR      | P  | Bemerkung                                   | HZ\n"
        "27.11. 06:00    | 145/80  | 78 | schlief ab 3 Uhr                            | PR\n"
        "27.11. 14:00    | 130/72  | 84 | isst wenig                                  | Tscholl\n"
        "\n"
        "| ICD     | Text                        | Datum      | Kodierer\n"
        "| S72.01  | Schenkelhalsfraktur         | 21.11.2026 | kod_hbrinkmann\n"
    )
    found = [(h.label, text[h.start : h.end]) for h in tables.find(text)]
    assert ("DOCTOR", "PR") in found and ("DOCTOR", "Tscholl") in found
    assert ("USERNAME", "kod_hbrinkmann") in found


def test_an_insurer_cell_stops_before_its_member_number() -> None:
    text = "| Krankenkasse  | AOK PLUS, Vers.-Nr. R118842903 |\n| Name | Hans Meier |\n"
    found = [(h.label, text[h.start : h.end]) for h in tables.find(text)]
    assert ("ORGANIZATION", "AOK PLUS") in found


def test_a_dictation_without_punctuation_is_read_for_logins() -> None:
    doc = Document("d", "fertig operatore lbaldoni2 fine dettatura")
    spans = StructuredDetector().detect(doc)
    assert [(s.label, doc.text[s.start : s.end], s.source) for s in spans] == [
        ("USERNAME", "lbaldoni2", "structured:fields.operatore")]


def test_fields_can_be_turned_off() -> None:
    doc = Document("d", "Benutzer: GENO\\tmeyer04 | PID..: 30418827")
    assert StructuredDetector().detect(doc)
    assert not StructuredDetector().with_disabled(["fields"]).detect(doc)


def test_mail_header_names_before_an_address() -> None:
    text = (
        "Von: Corinne Wälti <corinne.waelti@stadt-zuerich.ch>\n"
        "De : Nathalie Schaeffer <nathalie.schaeffer@chru-strasbourg.fr>\n"
        'From: "Dr. Jane Miller" <jm@example.org>\n'
        "À : Secrétariat Cardio HTP <secret.cardio.htp@chru-strasbourg.fr>\n"
        "De: Nefrología HUMS <nefrologia.hums@salud.aragon.es>\n"
        "Betreff: Befund <x@example.de>\n"
    )
    found = _found(text)
    assert ("DOCTOR", "Corinne Wälti") in found
    assert ("DOCTOR", "Nathalie Schaeffer") in found
    assert ("DOCTOR", "Jane Miller") in found
    assert all("Secrétariat" not in value and "HUMS" not in value and value != "Befund"
               for _, value in found), found


@pytest.mark.parametrize(
    ("line", "login"),
    [
        # after spaces only, the shape alone: "_", or lower case joined by "." or numbered
        ("03/12/2025 09:14 marco_r: buongiorno dottore, la glicemia è 180", "marco_r"),
        ("03/12/2025 09:20 anna.verdi71: ok grazie", "anna.verdi71"),
        ("26/11/2026 10:03 k.demir: merci", "k.demir"),
        ("26/11/2026 10:03 lbaldoni2: va bene", "lbaldoni2"),
        ("11/23/26 2:40 PM jdoe_rn: pt resting", "jdoe_rn"),
        # after a bracket or a dash
        ("[03/12/25, 09:21] k.demir: merci docteur", "k.demir"),
        ("22/11/26, 07:41 - anna-maria.r: ok", "anna-maria.r"),
        ("[26/11/26, 10:03] Dilani_F: ok", "Dilani_F"),       # "_": capitals allowed
        ("[26/11 10:03] müller_k: ok", "müller_k"),           # any script's letters
        # in the middle of a line
        ("WhatsApp van dochter, 26/11 18:40 – kris_dc: hi po", "kris_dc"),
    ],
)
def test_chat_senders_in_login_shape_are_usernames(line: str, login: str) -> None:
    assert ("USERNAME", login) in _found(line)


@pytest.mark.parametrize(
    "line",
    [
        "12.03. 14:00 visite: stabil",                  # a word
        "12.03.2025 14:00 Visite: Patient stabil",      # a capitalised word
        "26/11/2026 08:00 spo2: 94 %",                  # a short word with a number
        "26/11/2026 08:00 etco2: 35 mmHg",
        "26/11/2026 08:00 CA125: 35 U/ml",              # capitalised with a number: a test
        "[26/11/26, 10:03] Dr.Smith: ok",               # capitalised with a ".": a title
        "26/11/2026 10:03 jean-pierre: ok",             # a hyphen joins names too
        "26/11/2026 10:03 i.v: 500 ml",                 # too short
        "26/11/2026 10:03 e.g.: x",                     # ends in a period
        "ab26/11/2026 10:03 dilani_f: ok",              # no header: the date is inside a word
    ],
)
def test_what_is_no_login_sender(line: str) -> None:
    assert all(label != "USERNAME" for label, _ in _found(line)), _found(line)


def test_a_login_sender_is_tagged_wherever_it_stands_as_a_word() -> None:
    text = ("Teilnehmer: mrossi71 (Patient), Dr. Weber\n"
            "26/11/2026 10:03 mrossi71: Zucker 180\n"
            "26/11/2026 10:05 mrossi71: danke\n"
            "Konto: mrossi71@portal.example.org, mrossi710\n")
    logins = [(h.start, value) for h in fields.find(text, tables.load_headers())
              if h.label == "USERNAME" and (value := text[h.start:h.end]) == "mrossi71"]
    assert len(logins) == len(set(logins)) == 3  # each place once; not the address, not 710


def test_mail_from_a_system_or_a_service_is_no_person() -> None:
    text = (
        "Von: MyCareLink Benachrichtigung <alerts@example-devices.at>\n"
        "From: Ana Ortega <noreply@portal.example.org>\n"
        "À : Identito-vigilance <idv@chu-example.fr>\n"
        "De : Claire Dubois <claire.dubois@chu-example.fr>\n"
    )
    found = _found(text)
    assert ("DOCTOR", "Claire Dubois") in found
    assert all(v not in {"MyCareLink Benachrichtigung", "Ana Ortega", "Identito-vigilance"}
               for _, v in found), found
