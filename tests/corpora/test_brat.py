from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.corpora.brat import iter_brat, parse_ann, write_brat
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError, UnknownLabelError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "corpora"

LABELS = {"Doctor": "DOCTOR", "City": "CITY"}


def _docs(path: Path, **kw: object) -> list[Document]:
    out = list(iter_brat(path, LABELS, **kw))  # type: ignore[arg-type]
    assert all(isinstance(d, Document) for d in out)
    return out  # type: ignore[return-value]


def test_reads_pairs_with_crlf_offsets_and_split_discontinuous() -> None:
    docs = {d.id: d for d in _docs(FIXTURES / "brat")}
    assert set(docs) == {"note1", "note2"}
    doc = docs["note1"]
    assert "\r\n" in doc.text  # newline="" keeps BRAT's character offsets right
    got = [(doc.span_text(s), s.label) for s in doc.spans]
    assert got == [
        ("Wei Zhang", "DOCTOR"),
        ("03/04/2021", "DATE"),
        ("San", "CITY"),
        ("Francisco", "CITY"),
        ("CA", "STATE"),
    ]
    assert doc.spans[2].attrs["fragment_of"] == "T3"
    assert doc.spans[0].attrs["corpus_label"] == "Doctor"
    assert docs["note2"].spans == ()


def test_merge_discontinuous_covers_the_whole_stretch() -> None:
    doc = next(d for d in _docs(FIXTURES / "brat", discontinuous="merge") if d.id == "note1")
    city = [s for s in doc.spans if s.label == "CITY"]
    assert [doc.span_text(s) for s in city] == ["San Francisco"]


def test_unmapped_label_raises_naming_the_label() -> None:
    with pytest.raises(UnknownLabelError, match="'Doctor'"):
        list(iter_brat(FIXTURES / "brat", {}))


def test_text_mismatch_and_bad_offsets_are_record_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Hello Ann Lee", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tPATIENT 6 13\tAnn Lea\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("short", encoding="utf-8")
    (tmp_path / "b.ann").write_text("T1\tPATIENT 2 99\tx\n", encoding="utf-8")
    items = list(iter_brat(tmp_path, {}))
    assert all(isinstance(i, RecordError) for i in items)
    assert "a.ann:1" in str(items[0]) and "Ann" not in str(items[0])
    assert "outside the text" in str(items[1])


def test_round_trip_keeps_text_spans_and_fragments(tmp_path: Path) -> None:
    docs = _docs(FIXTURES / "brat")
    write_brat(docs, tmp_path, label_out={v: k for k, v in LABELS.items()})
    again = {d.id: d for d in _docs(tmp_path)}
    for doc in docs:
        other = again[doc.id]
        assert other.text == doc.text
        assert other.spans == doc.spans
    ann = (tmp_path / "note1.ann").read_text(encoding="utf-8")
    assert "City 47 50;51 60\tSan Francisco" in ann


def test_write_sanitises_ids_and_keeps_duplicates_apart(tmp_path: Path) -> None:
    docs = [Document("a/b c", "x y", spans=(Span(0, 1, "NAME"),)), Document("a_b_c", "z")]
    assert write_brat(docs, tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a_b_c-1.ann",
        "a_b_c-1.txt",
        "a_b_c.ann",
        "a_b_c.txt",
    ]


def test_parse_ann_ignores_relations_and_notes() -> None:
    spans = parse_ann(
        "R1\tRel Arg1:T1 Arg2:T2\n#1\tNote T1\tx\nT1\tAGE 0 2\t64\n", "64 yo", {}, where="x.ann"
    )
    assert spans == [Span(0, 2, "AGE")]
