from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.corpora.i2b2 import format_i2b2, iter_i2b2, parse_i2b2, write_i2b2
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError, UnknownLabelError
from fairdeid.taxonomy import FINE_TO_COARSE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "corpora"


def test_reads_fixture_with_exact_offsets() -> None:
    (doc,) = list(iter_i2b2(FIXTURES / "i2b2"))
    assert isinstance(doc, Document)
    assert doc.id == "110-01"
    got = {doc.span_text(s): s.label for s in doc.spans}
    assert got == {
        "2067-05-03": "DATE",
        "Jeffrey Hale": "PATIENT",
        "64": "AGE",
        "Brookside Clinic": "HOSPITAL",
        "4B": "ROOM",
        "Central Park": "LOCATION_OTHER",
        "617-555-0199": "PHONE",
        "1234567": "MEDICALRECORD",
    }


def test_round_trip_every_label_and_awkward_text(tmp_path: Path) -> None:
    labels = sorted(FINE_TO_COARSE)
    text = "".join(f"<{i}> ü 名 ]]> \r\n" for i in range(len(labels)))
    spans = []
    pos = 0
    for i, label in enumerate(labels):
        piece = f"<{i}>"
        spans.append(Span(pos, pos + len(piece), label))
        pos += len(f"<{i}> ü 名 ]]> \r\n")
    doc = Document("d1", text, spans=tuple(spans))
    write_i2b2([doc], tmp_path)
    (again,) = list(iter_i2b2(tmp_path))
    assert isinstance(again, Document)
    assert again.text == doc.text
    assert again.spans == doc.spans


def test_mismatched_tag_text_is_a_record_error() -> None:
    xml = format_i2b2(Document("x", "Ann Lee", spans=(Span(0, 3, "PATIENT"),)))
    bad = xml.replace('text="Ann"', 'text="Bob"').encode()
    with pytest.raises(RecordError, match="does not match"):
        parse_i2b2(bad, doc_id="x", where="x.xml")
    doc = parse_i2b2(bad, doc_id="x", where="x.xml", check_text=False)
    assert doc.span_text(doc.spans[0]) == "Ann"


def test_unknown_type_raises_and_malformed_xml_is_a_record_error(tmp_path: Path) -> None:
    xml = format_i2b2(Document("x", "Ann", spans=(Span(0, 3, "PATIENT"),)))
    with pytest.raises(UnknownLabelError, match="'WIZARD'"):
        parse_i2b2(
            xml.replace('TYPE="PATIENT"', 'TYPE="WIZARD"').encode(), doc_id="x", where="x.xml"
        )
    (tmp_path / "bad.xml").write_text("<deIdi2b2><TEXT>", encoding="utf-8")
    (item,) = list(iter_i2b2(tmp_path))
    assert isinstance(item, RecordError) and "malformed XML" in item.reason
