from __future__ import annotations

from pathlib import Path

from fairdeid.corpora.conll import bio_tags, write_conll
from fairdeid.document import Document, Span

DOC = Document(
    "d1",
    "Dr. Wei Zhang saw pt on 03/04/2021. BP 120/80.\nMRN12345 ok",
    spans=(Span(4, 13, "DOCTOR"), Span(24, 34, "DATE"), Span(48, 56, "MEDICALRECORD")),
)


def test_bio_tags_fine_and_coarse() -> None:
    tags = [(DOC.text[s:e], t) for s, e, t in bio_tags(DOC)]
    assert tags[:4] == [("Dr", "O"), (".", "O"), ("Wei", "B-DOCTOR"), ("Zhang", "I-DOCTOR")]
    date = [t for tok, t in tags if t.endswith("DATE")]
    assert date == ["B-DATE"] + ["I-DATE"] * 4  # 03 / 04 / 2021
    assert ("120", "O") in tags and ("80", "O") in tags
    assert ("MRN12345", "B-MEDICALRECORD") in tags
    coarse = [t for _, _, t in bio_tags(DOC, coarse=True)]
    assert "B-NAME" in coarse and "B-ID" in coarse


def test_adjacent_spans_start_new_entities() -> None:
    doc = Document("x", "Ann Lee", spans=(Span(0, 3, "PATIENT"), Span(4, 7, "PATIENT")))
    assert [t for _, _, t in bio_tags(doc)] == ["B-PATIENT", "B-PATIENT"]


def test_write_conll_layout(tmp_path: Path) -> None:
    out = tmp_path / "x.conll"
    assert write_conll([DOC, DOC], out, offsets=True) == 2
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "-DOCSTART-\td1" and lines[1] == ""
    assert lines[2] == "Dr\t0\t2\tO"
    assert lines.count("-DOCSTART-\td1") == 2
    # sentence breaks after "." and at the line break
    assert "" in lines[3:20]
