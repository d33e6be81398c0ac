"""DICOM header dumps and XML documents (CDA, KMEHR, hand-made exports) read by tag and element.

The snippets are invented, in the shapes the standards print: dcmdump and pydicom lines, a CDA
R2 header, a KMEHR patient, a lab system's export with element names in the note's language.
"""

from __future__ import annotations

from fairdeid.detect.structured import StructuredDetector, dicom, edifact, tables, xml
from fairdeid.document import Document

DCMDUMP = (
    "# Dicom-Data-Set\n"
    "(0008,0020) DA [20250314]                               #   8, 1 StudyDate\n"
    "(0008,0030) TM [101502]                                 #   6, 1 StudyTime\n"
    "(0008,0050) SH [RAD25X0044817]                          #  14, 1 AccessionNumber\n"
    "(0008,0060) CS [MR]                                     #   2, 1 Modality\n"
    "(0008,0080) LO [Kantonsspital Nord]                     #  18, 1 InstitutionName\n"
    "(0008,0090) PN [BRUNNER^ELISABETH^^Dr.med.]             #  26, 1 ReferringPhysicianName\n"
    "(0008,1030) LO [MR Knie links nativ]                    #  20, 1 StudyDescription\n"
    "(0010,0010) PN [OKAFOR^CHIDI^EMEKA]                     #  18, 1 PatientName\n"
    "(0010,0020) LO [PAT-8830127]                            #  12, 1 PatientID\n"
    "(0010,0030) DA [19580722]                               #   8, 1 PatientBirthDate\n"
    "(0010,0040) CS [M]                                      #   2, 1 PatientSex\n"
    "(0018,1000) LO [SN448120]                               #   8, 1 DeviceSerialNumber\n"
    "(0020,000d) UI [1.2.826.0.1.3680043.9.7133.20250314]   #  36, 1 StudyInstanceUID\n"
    "(0010,2160) SH (no value available)                     #   0, 0 EthnicGroup\n"
)


def _dicom(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in dicom.find(text)]


def test_dcmdump_values_by_tag_and_name_parts_one_by_one() -> None:
    found = _dicom(DCMDUMP)
    assert ("DATE", "20250314") in found and ("DATE", "19580722") in found
    assert ("ACCOUNT", "RAD25X0044817") in found
    assert ("HOSPITAL", "Kantonsspital Nord") in found
    assert ("MEDICALRECORD", "PAT-8830127") in found
    assert ("DEVICE", "SN448120") in found
    assert ("IDNUM", "1.2.826.0.1.3680043.9.7133.20250314") in found
    # family, given, middle one span each; the suffix "Dr.med." and the "^" stay out
    assert [v for label, v in found if label == "PATIENT"] == ["OKAFOR", "CHIDI", "EMEKA"]
    assert [v for label, v in found if label == "DOCTOR"] == ["BRUNNER", "ELISABETH"]


def test_dicom_tags_that_hold_no_phi_are_not_read() -> None:
    values = {v for _, v in _dicom(DCMDUMP)}
    assert not values & {"101502", "MR", "MR Knie links nativ", "M"}


def test_pydicom_style_lines() -> None:
    text = ("(0010, 0010) Patient's Name                      PN: 'NOWAK^JAN'\n"
            "(0010, 0030) Patient's Birth Date                DA: '19711103'\n")
    assert _dicom(text) == [("PATIENT", "NOWAK"), ("PATIENT", "JAN"), ("DATE", "19711103")]


def test_file_meta_uid_issuer_and_an_age_from_90() -> None:
    text = ("(0002,0003) UI [1.2.826.0.1.3680043.9.5512.4471.2]      #  34, 1 "
            "MediaStorageSOPInstanceUID\n"
            "(0010,0021) LO [ASLNORD]                                 #   8, 1 IssuerOfPatientID\n"
            "(0010,1010) AS [093Y]                                    #   4, 1 PatientAge\n")
    assert _dicom(text) == [("IDNUM", "1.2.826.0.1.3680043.9.5512.4471.2"),
                            ("HOSPITAL", "ASLNORD"), ("AGE", "093")]
    # an age under 90, or in days, is no PHI
    assert _dicom("(0010,1010) AS [067Y]  #   4, 1 PatientAge\n") == []
    assert _dicom("(0010,1010) AS [095D]  #   4, 1 PatientAge\n") == []


def test_prose_with_brackets_is_no_dicom() -> None:
    assert _dicom("Befund (0010,0010) siehe oben, Termin (12,30) [Mo]") == []


CDA = (
    '<ClinicalDocument xmlns="urn:hl7-org:v3">\n'
    '  <id root="2.16.840.1.113883.2.9.2.80.4.4" extension="DOC.2025.114"/>\n'
    '  <effectiveTime value="202503041010+0100"/>\n'
    "  <recordTarget><patientRole>\n"
    '    <id root="2.16.840.1.113883.2.9.4.3.2" extension="RSSMRA80A01H501U"/>\n'
    '    <addr use="H"><streetAddressLine>Via Roma 12</streetAddressLine><city>Trento</city>'
    "<postalCode>38122</postalCode><county>TN</county></addr>\n"
    '    <telecom use="HP" value="tel:+390461123456"/>\n'
    "    <patient><name><given>Anna</given><family>Rossi</family></name>"
    '<administrativeGenderCode code="F"/><birthTime value="19520311"/></patient>\n'
    "  </patientRole></recordTarget>\n"
    "  <author><assignedAuthor><assignedPerson><name><prefix>Dr.</prefix><given>Karl</given>"
    "<family>Moser</family></name></assignedPerson>\n"
    "  <representedOrganization><name>Ospedale Santa Chiara</name></representedOrganization>"
    "</assignedAuthor></author>\n"
    '  <component><section><code code="11348-0" codeSystem="2.16.840.1.113883.6.1"/>'
    "<title>Anamnesi</title><text>Paziente stabile.</text></section></component>\n"
    "</ClinicalDocument>\n"
)


def _xml(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in xml.find(text, tables.load_headers())]


def test_cda_header_by_element_and_context() -> None:
    found = _xml(CDA)
    for expected in [("STREET", "Via Roma 12"), ("CITY", "Trento"), ("ZIP", "38122"),
                     ("STATE", "TN"), ("PHONE", "+390461123456"), ("PATIENT", "Anna"),
                     ("PATIENT", "Rossi"), ("DATE", "19520311"), ("DOCTOR", "Karl"),
                     ("DOCTOR", "Moser"), ("HOSPITAL", "Ospedale Santa Chiara"),
                     ("SSN", "RSSMRA80A01H501U"), ("IDNUM", "DOC.2025.114"),
                     ("DATE", "202503041010+0100")]:
        assert expected in found, expected
    values = {v for _, v in found}
    assert not values & {"Dr.", "F", "11348-0", "Anamnesi", "Paziente stabile."}


def test_kmehr_and_exports_in_the_packs_words() -> None:
    text = ('<patient><firstname>Jan</firstname><familyname>Peeters</familyname>'
            "<address><street>Kerkstraat</street><housenumber>14</housenumber><zip>2000</zip>"
            '<city>Antwerpen</city></address><cd S="CD-COUNTRY" SV="1.0">be</cd></patient>\n'
            "<Paciente><Nombre>Lucía</Nombre><Apellido1>Ferrer</Apellido1><NHC>448102</NHC>"
            "<FechaNacimiento>1960-02-03</FechaNacimiento><Sexo>M</Sexo>"
            "<Diagnostico>Neumonía</Diagnostico></Paciente>\n")
    found = _xml(text)
    for expected in [("PATIENT", "Jan"), ("PATIENT", "Peeters"), ("STREET", "Kerkstraat"),
                     ("STREET", "14"), ("ZIP", "2000"), ("CITY", "Antwerpen"),
                     ("COUNTRY", "be"), ("PATIENT", "Lucía"), ("PATIENT", "Ferrer"),
                     ("MEDICALRECORD", "448102"), ("DATE", "1960-02-03")]:
        assert expected in found, expected
    assert not {v for _, v in found} & {"M", "Neumonía"}


def test_a_weak_header_element_counts_only_beside_a_strong_one() -> None:
    text = ("<Medicacion><Nombre>Enalapril</Nombre><Dosis>10 mg</Dosis></Medicacion>\n"
            "<Paciente><Nombre>Lucía</Nombre><NHC>448102</NHC></Paciente>\n")
    found = _xml(text)
    assert ("PATIENT", "Lucía") in found
    assert all(v != "Enalapril" for _, v in found), found


def test_the_detector_reads_dicom_and_xml_and_turns_them_off() -> None:
    doc = Document("d", DCMDUMP + CDA)
    sources = {s.source.split(".")[0] for s in StructuredDetector().detect(doc)}
    assert {"structured:dicom", "structured:xml"} <= sources
    off = StructuredDetector().with_disabled(["dicom", "xml"]).detect(doc)
    assert not {s.source.split(".")[0] for s in off} & {"structured:dicom", "structured:xml"}


MEDVRI = (
    "Bericht ontvangen via Zorgmail:\n"
    "UNA:+.? '\n"
    "UNB+UNOA:1+01234567:30+07654321:30+250412:0930+REF0001'\n"
    "UNH+REF0001+MEDVRI:1:1:MD:MEDVRI'\n"
    "BGM+VRI::MD+HA-25-04-0112'\n"
    "DTM+137:20250412:102'\n"
    "PNA+PAT+123456782:BSN++1:Bakker+2:Anouk+3:van Dijk'\n"
    "DTM+329:19610817:102'\n"
    "NAD+PAT+++Kerkstraat 12+Sneek++8601 AB'\n"
    "COM+0515123456:TE'\n"
    "PNA+PRF+01234567:AGB++1:de Boer+2:H.J.'\n"
    "NAD+PRF++Huisartsenpraktijk De Brug+Brugstraat 3+Sneek'\n"
    "RFF+POL:998877665'\n"
    "FTX+VRI+++Graag beoordeling i.v.m. dyspnoe d?'effort.'\n"
    "UNT+12+REF0001'\n"
    "UNZ+1+REF0001'\n"
    "\n"
    "Met vriendelijke groet, de assistente. Zie ook NAD+ en PNA+ hierboven.\n"
)


def test_edifact_referral_by_segment_and_qualifier() -> None:
    found = [(h.label, MEDVRI[h.start : h.end]) for h in edifact.find(MEDVRI)]
    for expected in [("SSN", "123456782"), ("PATIENT", "Bakker"), ("PATIENT", "Anouk"),
                     ("PATIENT", "van Dijk"), ("DATE", "19610817"), ("DATE", "20250412"),
                     ("STREET", "Kerkstraat 12"), ("CITY", "Sneek"), ("ZIP", "8601 AB"),
                     ("PHONE", "0515123456"), ("LICENSE", "01234567"), ("DOCTOR", "de Boer"),
                     ("DOCTOR", "H.J."), ("ORGANIZATION", "Huisartsenpraktijk De Brug"),
                     ("HEALTHPLAN", "998877665"), ("DATE", "250412"),
                     ("IDNUM", "HA-25-04-0112")]:
        assert expected in found, expected
    values = {v for _, v in found}
    # qualifiers, formats, message types and the free text are no PHI here
    assert not values & {"PAT", "PRF", "102", "MEDVRI", "0930", "VRI", "TE"}
    assert not any("dyspnoe" in v for v in values)


def test_plus_signs_in_prose_are_no_edifact() -> None:
    assert edifact.find("Labor: CRP+ und PCT+ erhöht, NAD+PAT+ Kommentar 'ok'") == []
