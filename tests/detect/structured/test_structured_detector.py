"""The structured detector as a pipeline part: config, registry, wiring, cost gate, offsets."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.clock_times import trim_clock_times
from fairdeid.detect.base import available_detectors, build_detector
from fairdeid.detect.structured import FORMATS, StructuredDetector
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import available_languages, load_pack
from fairdeid.pipeline import Pipeline

NOTE = (
    "Admission summary. Pasted from the interface:\n"
    "MSH|^~\\&|ADT1|GOOD SHEPHERD|LAB|GOOD SHEPHERD|20250601141500||ADT^A01|M1|P|2.5\n"
    "PID|1||4410022^^^GOOD SHEPHERD^MR||VALDEZ^MARISOL||19640229|F\n"
    'FHIR: {"resourceType": "Patient", "birthDate": "1964-02-29", '
    '"name": [{"family": "Valdez", "given": ["Marisol"]}]}\n'
    "Name|MRN|Bed\nVALDEZ, MARISOL|4410022|3B-07\n"
    "(0010,0030) DA [19640229]                      #   8, 1 PatientBirthDate\n"
    "<recordTarget><patient><birthTime value=\"19640229\"/></patient></recordTarget>\n"
    "UNH+M1+MEDVRI:1:1:MD'\nPNA+PAT+123456782:BSN++1:Valdez+2:Marisol'\n"
    "BEGIN:VCARD\nVERSION:3.0\nN:Valdez;Marisol;;;\nTEL;TYPE=CELL:+1 505 555 0147\nEND:VCARD\n"
    "INSERT INTO `patient` (`mrn`,`last_name`) VALUES ('4410022','VALDEZ');\n"
    "00:00:01.000 --> 00:00:04.000\nMarisol Valdez: yes, I can hear you\n"
    "1H|\\^&|||XS-500i^1.0^A1402\n2P|1||4410022||VALDEZ^MARISOL||19640229|F\n"
    "Attachment: scan_20250601_RAD4410022.pdf\n"
    "Ticket owner: Dana Whitfield (dwhitfield)\n"
    "^XA^FO20,20^A0N,30,30^FDVALDEZ, Marisol^FS^XZ\n"
    'App export: {"patient": {"lastName": "Valdez", "zip": "87101"}}\n'
    "Plan: continue current treatment.\n"
    "Printed by: jdoe2 | 2025-06-02\n"
)


def _spans(text: str, **config: object) -> list[tuple[str, str, str]]:
    detector = StructuredDetector.from_config(config)
    spans = detector.detect(Document("d", text))
    return [(s.label, text[s.start : s.end], s.source) for s in spans]


def test_registered_and_built_from_config() -> None:
    assert "structured" in available_detectors()
    detector = build_detector("structured", {"formats": ["hl7"]})
    assert isinstance(detector, StructuredDetector) and detector.formats == ("hl7",)


def test_spans_carry_provenance_and_score() -> None:
    spans = StructuredDetector().detect(Document("d", NOTE))
    sources = {s.source for s in spans}
    assert "structured:hl7.PID-5" in sources
    assert "structured:fhir.Patient.name.family" in sources
    assert "structured:table.name" in sources
    assert all(s.score == pytest.approx(0.9) for s in spans)


@pytest.mark.parametrize(
    "config",
    [{"formats": ["hl7", "csv"]}, {"formats": "hl7"}, {"header_words": "x.toml"},
     {"score": "high"}, {"score": 2.0}, {"colour": 1}],
)
def test_bad_config_is_refused(config: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        StructuredDetector.from_config(config)


def test_formats_switch_each_reader_off() -> None:
    assert {src.split(":")[1].split(".")[0] for _, _, src in _spans(NOTE)} == set(FORMATS)
    assert {src.split(":")[1].split(".")[0] for _, _, src in _spans(NOTE, formats=["fhir"])} \
        == {"fhir"}
    assert _spans(NOTE, formats=[]) == []


def test_disabled_per_call() -> None:
    pipeline = Pipeline.from_config(detectors=["structured"], language="en")
    spans = pipeline.detect(NOTE, disabled=["structured:hl7", "structured:table"]).document.spans
    assert spans and all(NOTE[s.start : s.end] != "VALDEZ^MARISOL" for s in spans)
    with pytest.raises(ConfigError):
        pipeline.detect(NOTE, disabled=["structured:csv"])


def test_cheap_gate_skips_notes_without_marks() -> None:
    text = "Seen in clinic. Doing well. Follow up in two weeks.\n" * 50
    assert StructuredDetector().detect(Document("d", text)) == []


def test_on_by_default_in_the_default_config_and_every_pack() -> None:
    default = tomllib.loads(
        resources.files("fairdeid.config").joinpath("default.toml").read_text("utf-8"))
    assert "structured" in default["pipeline"]["detectors"]
    for code in available_languages():
        assert "structured" in load_pack(code).config["pipeline"]["detectors"], code


def test_default_pipeline_removes_the_structured_phi() -> None:
    pipeline = Pipeline.from_config(detectors=["rules", "structured"], language="en")
    out = pipeline.deidentify(NOTE).text
    for phi in ("VALDEZ", "MARISOL", "Marisol", "4410022", "19640229", "1964-02-29", "3B-07"):
        assert phi not in out, phi
    assert "Plan: continue current treatment." in out


def test_pack_pipelines_run_it() -> None:
    text = "Nachname;Vorname;Geburtsdatum\nZeller;Anouk;03.04.1950\n"
    pipeline = Pipeline.from_config(detectors=["structured"], language="de")
    spans = pipeline.detect(text).document.spans
    assert {text[s.start : s.end] for s in spans} >= {"Zeller", "Anouk", "03.04.1950"}


@pytest.mark.parametrize(
    ("preset", "kept"),
    [("safe_harbor", "20250601"), ("strict", "20250601141500")],
)
def test_compact_timestamps_follow_the_clock_time_policy(preset: str, kept: str) -> None:
    text = "MSH|^~\\&|A|B|C|D|20250601141500||ADT^A01|1|P|2.5\n"
    pipeline = Pipeline.from_config(detectors=["structured"], language="en",
                                    overrides={"resolve": {"preset": preset}})
    dates = [text[s.start : s.end] for s in pipeline.detect(text).document.spans
             if s.label == "DATE"]
    assert dates == [kept]


@pytest.mark.parametrize(
    ("span", "left"),
    [("20261126031402", "20261126"), ("202611250640", "20261125"),
     ("20261126031402.5+0100", "20261126"), ("20261126", "20261126"),
     ("20261326031402", "20261326031402"), ("12345678901234", "12345678901234")],
)
def test_trim_clock_times_reads_compact_timestamps(span: str, left: str) -> None:
    out = trim_clock_times(span, Span(0, len(span), "DATE", "structured:hl7.MSH-7"))
    assert out is not None and span[out.start : out.end] == left


_PIECES = st.sampled_from([
    "MSH|^~\\&|A|B|C|D|20250101||", "PID|1||", "^", "~", "&", "|", "\\", "\n", "\r", " ",
    "SMITH", "123", '{"', '"', ":", "{", "}", "[", "]", ",", ";", "\t", "name", "family",
    '"resourceType": "Patient"', "Name|DOB|MRN\n", "Nachname;Vorname\n", "é", "\u200b",
    "NK1|1|", "PV1|1|I|", "OBR|", '"birthDate": "2001-01-01"', "MSH#*!\\%#",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_spans_always_lie_inside_the_text_on_real_characters(text: str) -> None:
    for span in StructuredDetector().detect(Document("d", text)):
        assert 0 <= span.start < span.end <= len(text)
        value = text[span.start : span.end]
        assert value == value.strip() and any(ch.isalnum() for ch in value)
        assert "\n" not in value and "\r" not in value


@settings(max_examples=100, deadline=None)
@given(
    family=st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=12),
    given_name=st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=1,
                       max_size=12),
    prefix=st.text(st.sampled_from("ab \n|{"), max_size=20),
)
def test_names_land_on_their_characters(family: str, given_name: str, prefix: str) -> None:
    text = f"{prefix}\nPID|1||9^^^^MR||{family}^{given_name}||20000101\n"
    spans = StructuredDetector(formats=["hl7"]).detect(Document("d", text))
    names = [text[s.start : s.end] for s in spans if s.label == "PATIENT"]
    assert names == [f"{family}^{given_name}"]
