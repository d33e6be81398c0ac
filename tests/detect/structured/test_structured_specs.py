"""The shared pieces of the structured readers: the spec-file loader and the offset splitter.

The data are the packaged spec files themselves and message lines in the shape an interface
trace prints them (invented values).
"""

from __future__ import annotations

import pytest

from fairdeid.detect.structured import edifact, hl7, specs, xml
from fairdeid.detect.structured.common import split
from fairdeid.errors import ConfigError


def _parts(text: str, sep: str, release: str = "") -> list[str]:
    return [text[a:b] for a, b in split(text, 0, len(text), sep, release)]


def test_split_keeps_empty_fields_so_numbers_hold() -> None:
    line = "PID|1||4410022^^^GOOD SHEPHERD^MR||VALDEZ^MARISOL"
    fields = _parts(line, "|")
    assert fields[5] == "VALDEZ^MARISOL" and fields[2] == "" and len(fields) == 6
    start, end = split(line, 0, len(line), "|")[3]
    assert [line[a:b] for a, b in split(line, start, end, "^")] == [
        "4410022", "", "", "GOOD SHEPHERD", "MR"]


def test_split_leaves_a_released_separator_inside_its_part() -> None:
    segment = "NAD+PAT++O?'Brien?+Kelly:Mary+Main Street 4"
    assert _parts(segment, "+", "?") == ["NAD", "PAT", "", "O?'Brien?+Kelly:Mary",
                                         "Main Street 4"]
    assert _parts("a??+b", "+", "?") == ["a??", "b"]  # a released release: "+" splits
    assert _parts(segment, "+") != _parts(segment, "+", "?")


def test_spec_file_reads_packaged_tables_by_path() -> None:
    t = specs.SpecFile("edifact.toml")
    assert t.labels("pna", "id_types") == edifact.load_spec().pna_id_types
    assert t.words("nad", "patients") == edifact.load_spec().nad_patients
    assert t.words("no_such_table", "x") == frozenset() and t.labels("no_such_table") == {}
    assert specs.SpecFile("xml.toml").words("dates", "elements") == xml.load_spec().dates


def test_spec_file_names_file_and_table_of_a_bad_label() -> None:
    t = specs.SpecFile("xml.toml")
    t.data = {"telecom": {"phone": "TELEPHONE"}}
    with pytest.raises(ConfigError, match=r"xml\.toml \[telecom\]: unknown label 'TELEPHONE'"):
        t.labels("telecom")


def test_typed_entries_are_checked() -> None:
    assert specs.typed("XPN PATIENT", frozenset({"XPN"}), "w") == ("XPN", "PATIENT")
    assert specs.typed("DTM", frozenset({"DTM"}), "w") == ("DTM", "")
    with pytest.raises(ConfigError, match="hl7.toml \\[PID\\] 5: unknown type 'XYZ'"):
        specs.typed("XYZ PATIENT", frozenset({"XPN"}), "hl7.toml [PID] 5")
    with pytest.raises(ConfigError, match="unknown label 'PATIENTS'"):
        specs.typed("XPN PATIENTS", frozenset({"XPN"}), "w")


def test_hl7_spec_refuses_a_field_that_is_no_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(specs, "load_data", lambda name: {"PID": {"five": "XPN PATIENT"}})
    with pytest.raises(ConfigError, match=r"hl7\.toml \[PID\] five: not a field number"):
        hl7.load_spec.__wrapped__()
    monkeypatch.setattr(specs, "load_data", lambda name: {"PID": {"5": "XPN PATIENT"},
                                                          "identifier_types": {"MR": "MRN"}})
    with pytest.raises(ConfigError, match=r"hl7\.toml \[identifier_types\]: unknown label"):
        hl7.load_spec.__wrapped__()
