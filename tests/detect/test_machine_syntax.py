"""Learned spans trimmed off machine syntax: GDT prefixes, OIDs, XML markup, HL7 clock times."""

from __future__ import annotations

import copy

import pytest

from fairdeid.detect.machine_syntax import packaged_machine_syntax, trim_machine_syntax
from fairdeid.document import Span
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline

# an invented GDT export: the length counts the line's CR LF ("0143101Bauer": 14)
GDT = ("01380006310\r\n014810000439\r\n0143101Bauer\r\n0163102Annelie\r\n"
       "017310312031957\r\n0103110W\r\n0148402LZEKG\r\n")


def _learned(text: str, part: str, label: str = "ID", occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Span(start, start + len(part), label, "crf:crf-de-mw", 0.9)


def _apply(text: str, *spans: Span) -> list[str]:
    out = packaged_machine_syntax().apply(text, list(spans))
    return [text[s.start : s.end] for s in out]


def test_gdt_prefixes_are_trimmed_and_never_phi_fields_dropped() -> None:
    assert _apply(GDT, _learned(GDT, "0143101Bauer"), _learned(GDT, "017310312031957"),
                  _learned(GDT, "01380006310"), _learned(GDT, "0103110W"),
                  _learned(GDT, "0148402LZEKG")) == ["Bauer", "12031957"]


def test_a_line_whose_length_does_not_match_is_not_gdt() -> None:
    # "0183101Lo Presti" is 16 characters: a GDT length of 018 counts its CR LF; 017 does not
    text = "0173101Lo Presti\n0173102Annelie12\n"
    span = _learned(text, "0173101Lo Presti")
    assert _apply(text, span) == ["0173101Lo Presti"]


def test_a_single_gdt_shaped_line_is_not_a_record() -> None:
    text = "Befund\n0143101Bauer\nsonst nichts"
    assert _apply(text, _learned(text, "0143101Bauer")) == ["0143101Bauer"]


def test_oids_are_never_dates_but_dates_and_ipv4_stay() -> None:
    text = ('<templateId root="2.16.756.5.30.1.1.10.1.10"/> am 25.11.2026 von 10.2.3.4\n'
            '<id root="2.16.840.1.113883.2.9.2.21.4.4" extension="A1"/>')
    assert _apply(text, _learned(text, "2.16.756.5.30.1.1.10.1.10", "DATE"),
                  _learned(text, "25.11.2026", "DATE"), _learned(text, "10.2.3.4", "IPADDR"),
                  _learned(text, "2.16.840.1.113883.2.9.2.21", "DATE")) == [
        "25.11.2026", "10.2.3.4"]


def test_xml_tag_and_attribute_names_are_trimmed_off_values() -> None:
    text = ('<Centro codigo_centro="350005">Klinik</Centro><postalCode>39054</postalCode>\n'
            '<id root="2.16.756.5.32" extension="756.1234.5678.97"/>')
    assert _apply(text, _learned(text, 'Centro codigo_centro="350005'),
                  _learned(text, "postalCode>39054"),
                  _learned(text, 'root="2.16.756.5.32'),
                  _learned(text, "756.1234.5678.97")) == ["350005", "39054", "756.1234.5678.97"]


def test_terminology_codes_in_code_attributes_are_dropped() -> None:
    text = '<code code="11535-2" codeSystem="2.16.840.1.113883.6.1"/>\n<x nr="11535"/>'
    assert _apply(text, _learned(text, "11535", "LOCATION"),
                  _learned(text, "11535", "LOCATION", occurrence=1)) == ["11535"]


def test_hl7_timestamps_keep_their_date_lose_their_time() -> None:
    text = ('EVN|A01|20261127031900|||X\n<effectiveTime value="202611261530+0100"/>\n'
            "Konto 202611261530 bezahlt")
    assert _apply(text, _learned(text, "20261127031900", "IDNUM"),
                  _learned(text, "202611261530+0100", "ACCOUNT"),
                  _learned(text, "202611261530", "ACCOUNT", occurrence=1)) == [
        "20261127", "20261126", "202611261530"]


def test_the_generic_long_number_rule_is_trimmed_too() -> None:
    start = GDT.index("017310312031957")
    rule = Span(start, start + 15, "IDNUM", "rules:id.long_number", 0.55)
    start = GDT.index("01380006310")
    record = Span(start, start + 11, "IDNUM", "rules:id.long_number", 0.55)
    out = packaged_machine_syntax().apply(GDT, [rule, record])
    assert [GDT[s.start : s.end] for s in out] == ["12031957"]


def test_rule_spans_are_untouched() -> None:
    text = GDT
    start = text.index("0143101Bauer")
    rule = Span(start, start + 12, "DATE", "rules:date.x", 0.9)
    assert trim_machine_syntax(text, [rule], packaged_machine_syntax()) == [rule]
    assert trim_machine_syntax(text, [rule], None) == [rule]


def _rule(text: str, part: str, source: str, label: str = "URL") -> Span:
    start = text.index(part)
    return Span(start, start + len(part), label, source, 0.9)


def test_code_system_urls_and_namespaces_are_no_urls_but_a_url_in_prose_is() -> None:
    text = ('{"identifier": [{"system": "https://salud.example.es/cip", "value": "X77"}],\n'
            ' "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},\n'
            ' "meta": {"source": "http://10.20.30.40/fhir"}}\n'
            '<kmehrmessage xmlns="http://www.ehealth.example.be/kmehr/schema/v1">\n'
            "Portal: https://mi-portal.example.es/citas")
    spans = [_rule(text, url, "rules:contact.url") for url in (
        "https://salud.example.es/cip", "http://loinc.org", "http://10.20.30.40/fhir",
        "http://www.ehealth.example.be/kmehr/schema/v1", "https://mi-portal.example.es/citas")]
    spans.append(_rule(text, "loinc.org", "rules:contact.domain"))
    assert _apply(text, *spans) == ["http://10.20.30.40/fhir",
                                    "https://mi-portal.example.es/citas"]


def test_an_oid_root_is_no_ip_address() -> None:
    text = '<id root="2.51.1.3" extension="7601000418221"/> Server 10.2.3.4'
    spans = [_rule(text, "2.51.1.3", "rules:contact.ipv4", "IPADDR"),
             _rule(text, "10.2.3.4", "rules:contact.ipv4", "IPADDR")]
    assert _apply(text, *spans) == ["10.2.3.4"]


def test_hl7_code_fields_hold_no_phi() -> None:
    text = ("MSH|^~\\&|LIS|HOSP|EPR|HOSP|20250301080000||ORU^R01|M1|P|2.5\n"
            "OBX|1|NM|2823-3^Kalium^LN||5.9|mmol/L|3.5-5.1|H|||F\n"
            "PV1|1|I|STA2^12^B||||||||||||||||7712004\n")
    assert _apply(text, _learned(text, "Kalium", "LOCATION"),
                  _learned(text, "2823-3", "DATE"), _learned(text, "ORU", "ID"),
                  _learned(text, "7712004", "ACCOUNT")) == ["7712004"]


def test_dicom_tags_are_syntax() -> None:
    text = ("(0010,0010) PN [OKAFOR^CHIDI]        #  12, 1 PatientName\n"
            "(0008,0090) PN [BRUNNER^ELISABETH]   #  18, 1 ReferringPhysicianName\n")
    assert _apply(text, _learned(text, "0010", "LOCATION"),
                  _learned(text, "0008", "LOCATION"),
                  _learned(text, "PN [OKAFOR", "PATIENT")) == ["OKAFOR"]
    # the closing bracket, the comment after a value and dcmdump's comment lines too
    dump = ("# Dicom-Data-Set\n"
            "(0008,1070) PN [ADEYEMI^TOLU]                          #  12, 1 OperatorsName\n")
    assert _apply(dump, _learned(dump, "TOLU]                          #  12, 1 OperatorsName",
                                 "LOCATION"),
                  _learned(dump, "Dicom-Data-Set", "LOCATION")) == ["TOLU"]


def test_zpl_commands_are_syntax_and_the_label_text_is_not() -> None:
    # an invented wristband job: the CRFs read "^A0N,30,30" as a place, "^FD" glued to a name
    job = ("^XA^CI28^PW812\n^FO30,20^A0N,30,30^FDKOWALCZYK, TERESA^FS\n"
           "^FO30,88^BCN,60,N,N,N^FD8830127^FS\n^XZ\n")
    assert _apply(job, _learned(job, "A0N,30,30", "LOCATION"),
                  _learned(job, "FDKOWALCZYK, TERESA", "PATIENT"),
                  _learned(job, "FD8830127", "IDNUM")) == ["KOWALCZYK, TERESA", "8830127"]
    # without a job start, a caret is prose ("^FO" in a chat) and nothing is masked
    assert _apply("see ^FO30 A0N", _learned("see ^FO30 A0N", "FO30")) == ["FO30"]


def test_icalendar_properties_and_times_are_syntax_but_a_common_name_is_not() -> None:
    ics = ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=America/Lima:20261203T070000\n"
           "ATTENDEE;CN=Rosa Quispe;ROLE=REQ-PARTICIPANT:mailto:rquispe@example.org\n"
           "END:VEVENT\nEND:VCALENDAR\n")
    country = Span(ics.index("America"), ics.index("America") + 7, "COUNTRY",
                   "rules:location.country", 0.9)
    assert _apply(ics, country, _learned(ics, "20261203T070000", "ID"),
                  _learned(ics, "CN=Rosa Quispe", "PATIENT")) == ["20261203", "Rosa Quispe"]
    # outside a block, "America" is a country as any other
    prose = "DTSTART;TZID=America/Lima"
    assert _apply(prose, Span(13, 20, "COUNTRY", "rules:location.country", 0.9)) == ["America"]


def test_rtf_control_words_and_font_table_are_syntax_escapes_are_not() -> None:
    rtf = ("{\\rtf1\\ansi{\\fonttbl{\\f0\\fswiss Calibri;}}\n"
           "\\pard Dott. Ivo Bertol\\'e0\\par\nSaluti\\par\n}")
    assert _apply(rtf, _learned(rtf, "Calibri", "LOCATION"),
                  _learned(rtf, "rtf1\\ansi", "ID"),
                  _learned(rtf, "Ivo Bertol\\'e0\\par", "DOCTOR")) == ["Ivo Bertol\\'e0"]


def test_export_syntax_iso_times_sql_merge_fields_and_stack_frames() -> None:
    log = "2026-10-07T08:12:55.402+02:00 INFO user=kdaems action=OPEN\n"
    assert _apply(log, _learned(log, "2026-10-07T08", "DATE")) == ["2026-10-07"]
    dump = ("LOCK TABLES `patient` WRITE;\n"
            "INSERT INTO `patient` VALUES ('4410022','MERTENS',NULL,'Lier');\n"
            "UNLOCK TABLES;\n")
    assert _apply(dump, _learned(dump, "MERTENS',NULL", "PATIENT"),
                  _learned(dump, "UNLOCK TABLES", "NAME"),
                  Span(dump.index("TABLES"), dump.index("TABLES") + 6, "PATIENT",
                       "rules:name.propagated", 0.9)) == ["MERTENS"]
    letter = "Sehr geehrte { MERGEFIELD Anrede } { MERGEFIELD Nachname },\nOpname «Datum_Opn»\n"
    assert _apply(letter, _learned(letter, "MERGEFIELD Nachname", "LOCATION"),
                  _learned(letter, "Datum_Opn", "NAME")) == []
    # French quotes hold text: a restaurant's name in them stays readable
    quoted = "cuisinier au restaurant « Le Petit Saigon » et «Romanus»"
    assert _apply(quoted, _learned(quoted, "Le Petit Saigon", "ORGANIZATION"),
                  _learned(quoted, "Romanus", "NAME")) == ["Le Petit Saigon", "Romanus"]
    trace = ("java.lang.IllegalStateException: no route\n"
             "\tat org.example.hl7.Sender.send(Sender.java:212)\n")
    assert _apply(trace, _learned(trace, "org.example.hl7.Sender.send(Sender.java:212)")) == []
    # prose with "at" and a word in guillemets stays readable to the models
    prose = "Patient seen at home by «Dr Weber»?"
    assert _apply(prose, _learned(prose, "home", "LOCATION")) == ["home"]


def test_a_payment_card_shaped_timestamp_keeps_its_date() -> None:
    text = '<effectiveTime value="202611261530+0100"/>'
    span = _rule(text, "202611261530", "rules:id.payment_card_any", "ACCOUNT")
    assert _apply(text, span) == ["20261126"]


@pytest.mark.parametrize("code", ["de", "es", "it", "fr", "nl"])
def test_the_packs_trim_machine_syntax(code: str) -> None:
    config = load_pack(code).config
    assert config["resolve"]["machine_syntax"] is True
    pipeline = Pipeline.from_config(config, mode="tag")
    text = ('<ClinicalDocument>\n  <templateId root="2.16.756.5.30.1.1.10.1.10"/>\n'
            '  <id root="2.16.840.1.113883.2.9.4.3.2" extension="X"/>\n</ClinicalDocument>\n')
    spans = pipeline.detect(text).document.spans
    oid = text.index("2.16.756")
    assert not any(s.start < oid + 25 and oid < s.end for s in spans), spans


def test_machine_syntax_must_be_a_boolean() -> None:
    config = copy.deepcopy(load_pack("de").config)
    config["resolve"]["machine_syntax"] = "yes"
    with pytest.raises(ConfigError):
        Pipeline.from_config(config, mode="tag")
