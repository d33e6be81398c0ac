"""HL7 v2 segments, labelled by field position (HL7 v2.5); messages written for these tests."""

from __future__ import annotations

import pytest

from fairdeid.detect.structured import hl7


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(h.label, text[h.start : h.end], h.where) for h in hl7.find(text)]


def _labels(text: str) -> dict[str, str]:
    return {text[h.start : h.end]: h.label for h in hl7.find(text)}


def seg(name: str, fields: dict[int, str]) -> str:
    """A segment with ``fields`` at their HL7 positions (so no test counts pipes by hand)."""
    return name + "|" + "|".join(fields.get(i, "") for i in range(1, max(fields) + 1))


ADT = "\r".join([
    "MSH|^~\\&|REGADT|MERCY GENERAL|LABSYS|NORTHSIDE LAB|20250314093012||ADT^A04|X1|P|2.5",
    seg("EVN", {1: "A04", 2: "20250314093000"}),
    seg("PID", {
        1: "1", 2: "EXT551^^^^PT",
        3: "7730001^^^MERCY GENERAL^MR~123-45-6789^^^SSA^SS~J88120^^^STATE^DL",
        5: "OKONKWO^ADAEZE^CHIOMA^^MRS^PHD", 7: "19720405", 8: "F", 9: "OKONKWO^ADA",
        11: "12 ELM ROW^APT 3^SPRINGVALE^OH^45011^USA",
        13: "(555)201-3344^PRN^PH~^NET^Internet^ada@example.org",
        14: "^WPN^PH^^1^555^7778888^12", 18: "AC99120034", 19: "987-65-4320",
        20: "OH1234567^OH^20280101"}),
    seg("NK1", {1: "1", 2: "OKONKWO^EMEKA", 3: "HUS", 4: "12 ELM ROW^^SPRINGVALE^OH^45011",
                5: "(555)201-9999", 6: "(555)300-1000"}),
    seg("PV1", {1: "1", 2: "I", 3: "4N^412^B^MERCY GENERAL",
                7: "10045^HALVORSEN^INGRID^M^^DR^MD^^^^^^MD", 8: "20077^PETROV^ALEK^^^DR",
                9: "30088^NAKAMURA^KEN", 19: "V55123^^^^VN", 44: "20250314090000",
                45: "20250318110000"}),
]) + "\r"


def test_patient_identification_fields() -> None:
    labels = _labels(ADT)
    assert labels["EXT551"] == "MEDICALRECORD"  # PID-2, type PT
    assert labels["7730001"] == "MEDICALRECORD"  # PID-3, type MR
    assert labels["123-45-6789"] == "SSN"  # PID-3 repetition, type SS
    assert labels["J88120"] == "LICENSE"  # PID-3 repetition, type DL
    assert labels["MERCY GENERAL"] == "HOSPITAL"  # MR authority, and PV1-3 facility
    assert "SSA" not in labels and "STATE" not in labels  # national authorities are no PHI
    assert labels["OKONKWO^ADAEZE^CHIOMA"] == "PATIENT"  # PID-5: prefix and degree outside
    assert labels["19720405"] == "DATE"  # PID-7
    assert labels["OKONKWO^ADA"] == "PATIENT"  # PID-9 alias
    assert labels["AC99120034"] == "ACCOUNT"  # PID-18
    assert labels["987-65-4320"] == "SSN"  # PID-19
    assert labels["OH1234567"] == "LICENSE"  # PID-20: the number, not state or expiry
    assert "20280101" not in labels and "OH" in labels  # OH is PID-11's state


def test_address_components_get_their_own_labels() -> None:
    labels = _labels(ADT)
    assert labels["12 ELM ROW"] == "STREET"
    assert labels["APT 3"] == "STREET"
    assert labels["SPRINGVALE"] == "CITY"
    assert labels["OH"] == "STATE"
    assert labels["45011"] == "ZIP"
    assert labels["USA"] == "COUNTRY"


def test_phones_and_emails_by_xtn_component() -> None:
    labels = _labels(ADT)
    assert labels["(555)201-3344"] == "PHONE"  # XTN-1
    assert labels["ada@example.org"] == "EMAIL"  # XTN-4 of a repetition (~)
    assert labels["1^555^7778888^12"] == "PHONE"  # country^area^local^extension, one span
    assert labels["(555)201-9999"] == "PHONE"  # NK1-5
    assert labels["(555)300-1000"] == "PHONE"  # NK1-6


def test_next_of_kin_and_visit() -> None:
    labels = _labels(ADT)
    assert labels["OKONKWO^EMEKA"] == "PATIENT"  # NK1-2
    assert labels["412^B"] == "ROOM"  # PV1-3 room^bed; the point of care "4N" stays
    assert "4N" not in labels
    assert labels["10045"] == "LICENSE"  # PV1-7 ID with type MD (medical licence)
    assert labels["HALVORSEN^INGRID^M"] == "DOCTOR"
    assert labels["20077"] == "IDNUM"  # PV1-8 ID without a type
    assert labels["PETROV^ALEK"] == "DOCTOR"
    assert labels["NAKAMURA^KEN"] == "DOCTOR"  # PV1-9
    assert labels["V55123"] == "ACCOUNT"  # PV1-19
    assert labels["20250314090000"] == "DATE"  # PV1-44
    assert labels["20250318110000"] == "DATE"  # PV1-45


def test_header_facilities_and_dates() -> None:
    found = _found(ADT)
    assert ("HOSPITAL", "MERCY GENERAL", "hl7.MSH-4") in found
    assert ("HOSPITAL", "NORTHSIDE LAB", "hl7.MSH-6") in found
    assert ("DATE", "20250314093012", "hl7.MSH-7") in found
    assert ("DATE", "20250314093000", "hl7.EVN-2") in found
    assert all(text not in {"REGADT", "LABSYS", "ADT^A04", "X1"} for _, text, _ in found)


def test_orders_observations_insurance_guarantor() -> None:
    text = "\n".join([
        seg("ORC", {1: "NW", 2: "PL-55120^EPR", 12: "40011^FERREIRA^LUIS^^^DR"}),
        seg("OBR", {1: "1", 2: "PL-55120^EPR", 3: "LAB25-0091834^LIS", 4: "CBC",
                    7: "202503140800", 10: "70044^QUISPE^ROSA", 16: "50022^ADEYEMI^TOLU",
                    32: "60033&MARTIN&CLAIRE&&&DR"}),
        seg("OBX", {1: "1", 2: "NM", 3: "HGB", 5: "13.2", 6: "g/dL", 11: "F",
                    14: "202503141015"}),
        seg("IN1", {1: "1", 2: "PLAN7", 4: "ACME HEALTH INSURANCE", 8: "GRP-5511",
                    16: "OKONKWO^ADAEZE", 17: "SEL", 18: "19720405", 36: "POL-88123"}),
        seg("GT1", {1: "1", 2: "G7001", 3: "OKONKWO^ADAEZE",
                    5: "12 ELM ROW^^SPRINGVALE^OH^45011", 6: "(555)201-3344"}),
    ])
    found = _found(text)
    assert ("DOCTOR", "FERREIRA^LUIS", "hl7.ORC-12") in found
    assert ("DATE", "202503140800", "hl7.OBR-7") in found
    assert ("DOCTOR", "ADEYEMI^TOLU", "hl7.OBR-16") in found
    assert ("DOCTOR", "MARTIN&CLAIRE", "hl7.OBR-32") in found  # NDL: subcomponents
    # order numbers (EI: the identifier, not its namespace) and the specimen's collector
    assert ("IDNUM", "PL-55120", "hl7.ORC-2") in found
    assert ("IDNUM", "PL-55120", "hl7.OBR-2") in found
    assert ("IDNUM", "LAB25-0091834", "hl7.OBR-3") in found
    assert ("DOCTOR", "QUISPE^ROSA", "hl7.OBR-10") in found
    assert ("DATE", "202503141015", "hl7.OBX-14") in found
    assert ("ORGANIZATION", "ACME HEALTH INSURANCE", "hl7.IN1-4") in found
    assert ("HEALTHPLAN", "GRP-5511", "hl7.IN1-8") in found
    assert ("PATIENT", "OKONKWO^ADAEZE", "hl7.IN1-16") in found
    assert ("HEALTHPLAN", "POL-88123", "hl7.IN1-36") in found
    assert ("ACCOUNT", "G7001", "hl7.GT1-2") in found
    assert ("PATIENT", "OKONKWO^ADAEZE", "hl7.GT1-3") in found
    assert ("STREET", "12 ELM ROW", "hl7.GT1-5.1") in found
    assert ("PHONE", "(555)201-3344", "hl7.GT1-6") in found
    assert all(text not in {"13.2", "HGB", "CBC"} for _, text, _ in found)


def test_separators_redefined_in_msh() -> None:
    text = (
        "MSH#*!\\%#SND#ST LUKE CLINIC#RCV#HUB#20240102030405##ADT*A01#9#P#2.5\n"
        "PID#1##4455***ST LUKE CLINIC*MR##DIALLO*AWA!DIALLO*AWA*TIDIANE##19800101\n"
        "PV1#1#I#W2*5*C\n"
    )
    found = _found(text)
    assert ("HOSPITAL", "ST LUKE CLINIC", "hl7.MSH-4") in found
    assert ("DATE", "20240102030405", "hl7.MSH-7") in found
    assert ("MEDICALRECORD", "4455", "hl7.PID-3") in found
    assert ("HOSPITAL", "ST LUKE CLINIC", "hl7.PID-3.4") in found
    assert ("PATIENT", "DIALLO*AWA", "hl7.PID-5") in found  # "!" repeats the field
    assert ("PATIENT", "DIALLO*AWA*TIDIANE", "hl7.PID-5") in found
    assert ("DATE", "19800101", "hl7.PID-7") in found
    assert ("ROOM", "5*C", "hl7.PV1-3") in found
    # the default separators no longer apply after this MSH
    after = _found("MSH#*!\\%#A#B\nPID|1||77^^^^MR")
    assert [where for _, _, where in after] == ["hl7.MSH-4"]


def test_repetition_separator_splits_names() -> None:
    text = "PID|1||99^^^^MR||KOWALSKA^ANNA~NOWAK^ANNA^^^^^M||19900102"
    found = _found(text)
    assert ("PATIENT", "KOWALSKA^ANNA", "hl7.PID-5") in found
    assert ("PATIENT", "NOWAK^ANNA", "hl7.PID-5") in found


def test_escapes_stay_inside_their_value() -> None:
    text = "PID|1||5566^^^^MR||O\\T\\BRIEN^SEAN\\F\\X||19660606"
    labels = _labels(text)
    assert labels["O\\T\\BRIEN^SEAN\\F\\X"] == "PATIENT"
    assert labels["19660606"] == "DATE"


def test_segments_without_msh_use_default_separators_and_any_line_break() -> None:
    text = "Pasted below:\r\nPID|1||1234^^^^MR||LEE^MIN\rPV1|1|O|CLINIC^7^A"
    labels = _labels(text)
    assert labels == {"1234": "MEDICALRECORD", "LEE^MIN": "PATIENT", "7^A": "ROOM"}


@pytest.mark.parametrize(
    "text",
    [
        "PID|",
        "PID|1||",
        "PID|1||^^^^MR||^^^",
        "MSH|",
        "MSH",
        "MSHX",
        "MSH|^",
        "MSH|||||||",
        "MSH^^^^^\nPID^1^^77",
        "PID|1||12345^^^^MR||SM",  # cut off halfway through a name
        "pid|1||12345",  # lower case: no segment
        "PV1|1|I|^^^|" + "|" * 200,
        "EVN||not a date",
    ],
)
def test_broken_segments_never_raise(text: str) -> None:
    for h in hl7.find(text):
        assert 0 <= h.start < h.end <= len(text)


def test_identifier_type_codes_decide_the_label() -> None:
    text = seg("PID", {3: "A1^^^^MR~A2^^^^NNFRA~A3^^^^JHN~A4^^^^XX~A5^^^^AN~A6"})
    assert _labels(text) == {"A1": "MEDICALRECORD", "A2": "SSN", "A3": "HEALTHPLAN",
                             "A4": "IDNUM", "A5": "ACCOUNT", "A6": "MEDICALRECORD"}


def test_phone_fields_need_a_digit() -> None:
    assert _labels(seg("PID", {13: "unknown^PRN^PH"})) == {}


def test_broken_segment_keeps_the_fields_it_has() -> None:
    assert _labels("PID|1||12345^^^^MR||SM") == {"12345": "MEDICALRECORD", "SM": "PATIENT"}


def test_unknown_segments_and_prose_with_pipes_give_nothing() -> None:
    assert hl7.find("ZZZ|1|SECRET^NAME\nBP 120/80 | HR 72 | RR 16") == []


def test_doctor_written_without_an_id_is_one_name() -> None:
    text = seg("OBR", {1: "1", 4: "XR", 7: "20250101", 16: "BAPTISTE^MARIE"})
    assert ("DOCTOR", "BAPTISTE^MARIE", "hl7.OBR-16") in _found(text)
