"""vCard contacts and iCalendar events read by property (RFC 6350, RFC 5545).

The snippets are invented, in the shapes mail clients and appointment systems write.
"""

from __future__ import annotations

from fairdeid.detect.structured import tables, vcard

VCARD = (
    "--- adjunto: contacto.vcf ---\n"
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "N:Quispe Mamani;Rosa Elvira;;Dra.;\n"
    "FN:Dra. Rosa Elvira Quispe Mamani\n"
    "ORG:Clínica San Gabriel;Neurología\n"
    "TITLE:Neuróloga\n"
    "TEL;TYPE=WORK,VOICE:+51 1 614 2200\n"
    "TEL;TYPE=FAX:+51 1 614 2299\n"
    "EMAIL;TYPE=INTERNET:rquispe@clinicasangabriel.example\n"
    "ADR;TYPE=WORK:;Piso 3;Av. La Marina 2955\\, San Miguel;Lima;Lima;15087;Perú\n"
    "END:VCARD\n"
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "FN:Teodoro Huamán\n"
    "BDAY:19470211\n"
    "END:VCARD\n"
)

ICS = (
    "BEGIN:VCALENDAR\n"
    "PRODID:-//Ospedale Civile Nord//Agenda CUP 2.1//IT\n"
    "BEGIN:VEVENT\n"
    "UID:CUP-26-0044817@cup.example.it\n"
    "DTSTART;TZID=Europe/Rome:20261215T083000\n"
    "SUMMARY:Visita ortopedica\n"
    'ORGANIZER;CN="Dott. Marco Ferrandi":mailto:m.ferrandi@example.it\n'
    "ATTENDEE;CN=Giuseppina Lo Cascio;ROLE=REQ-PARTICIPANT:mailto:glocascio@example.it\n"
    "ATTENDEE;CUTYPE=ROOM;CN=Ambulatorio 4:mailto:amb4@example.it\n"
    "END:VEVENT\n"
    "END:VCALENDAR\n"
)


def _found(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in vcard.find(text)]


def test_vcard_properties_by_name_and_part() -> None:
    found = _found(VCARD)
    # a card with ORG or TITLE is a professional's: family and given names, FN without title
    assert ("DOCTOR", "Quispe Mamani") in found and ("DOCTOR", "Rosa Elvira") in found
    assert ("DOCTOR", "Rosa Elvira Quispe Mamani") in found
    assert ("ORGANIZATION", "Clínica San Gabriel") in found
    assert ("PHONE", "+51 1 614 2200") in found and ("FAX", "+51 1 614 2299") in found
    assert ("EMAIL", "rquispe@clinicasangabriel.example") in found
    # ADR by part; an escaped comma splits a part, its "\\," no part of either piece
    assert ("STREET", "Av. La Marina 2955") in found and ("STREET", "San Miguel") in found
    assert ("CITY", "Lima") in found and ("STATE", "Lima") in found
    assert ("ZIP", "15087") in found and ("COUNTRY", "Perú") in found
    # a card without a title or an organisation: a patient's or a relative's
    assert ("PATIENT", "Teodoro Huamán") in found and ("DATE", "19470211") in found
    values = {v for _, v in found}
    assert not values & {"3.0", "Neuróloga", "Neurología", "Dra."}


def test_icalendar_dates_people_and_owner() -> None:
    found = _found(ICS)
    assert ("ORGANIZATION", "Ospedale Civile Nord") in found
    assert ("IDNUM", "CUP-26-0044817") in found
    assert ("DATE", "20261215") in found  # the date; the time of day stays out
    assert ("DOCTOR", "Marco Ferrandi") in found
    assert ("PATIENT", "Giuseppina Lo Cascio") in found
    assert ("EMAIL", "glocascio@example.it") in found
    values = {v for _, v in found}
    # a room is a resource, not a person; free text is left to the other detectors
    assert "Ambulatorio 4" not in values and "Visita ortopedica" not in values


def test_vcard_21_bare_types() -> None:
    card = ("BEGIN:VCARD\nVERSION:2.1\nN:Mwangi;Wanjiru\nTEL;CELL:+254 722 410 388\n"
            "ADR;HOME:;;Ngong Road 14;Nairobi;;00100;Kenya\nEND:VCARD\n")
    found = _found(card)
    assert ("PHONE", "+254 722 410 388") in found and ("STREET", "Ngong Road 14") in found
    assert ("PATIENT", "Mwangi") in found and ("ZIP", "00100") in found


def test_property_lines_outside_a_block_are_not_read() -> None:
    assert _found("TEL;TYPE=CELL:+51 999 111 222\nFN:Rosa Quispe\n") == []


def test_the_table_reader_leaves_card_lines_alone() -> None:
    hits = tables.find(VCARD, tables.load_headers())
    assert not any(VCARD[h.start : h.end].startswith("TYPE=") for h in hits)
