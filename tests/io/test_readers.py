"""`fairdeid.io.readers`: the deidentify readers (strict CSV heuristics, 1-based locators) and
the batch row readers (0-based rows), and the JSON line decoding both share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairdeid.document import Document
from fairdeid.errors import FairdeidError, RecordError
from fairdeid.io.readers import (
    Columns,
    csv_rows,
    decode_json_line,
    has_lone_surrogate,
    jsonl_rows,
    parquet_rows,
    read_input,
)


def test_a_real_multi_line_note_with_commas_is_not_taken_for_a_merge(tmp_path: Path) -> None:
    """The stray-quote heuristic must not reject notes whose lines merely contain commas."""
    src = tmp_path / "notes.csv"
    src.write_text(
        'id,text,ward\n1,"BP 120/80, HR 70\nstable, afebrile, eating",A\n2,plain,B\n',
        encoding="utf-8",
    )
    inputs = read_input(src, text_column="text", id_column="id")
    assert [r.error for r in inputs.records] == [None, None]
    assert inputs.records[0].document is not None
    assert inputs.records[0].document.text == "BP 120/80, HR 70\nstable, afebrile, eating"


def test_csv_row_count_mismatch_is_a_row_error_with_one_based_rows(tmp_path: Path) -> None:
    src = tmp_path / "notes.csv"
    src.write_text("id,text\n1,a\n2,b,extra\n3\n4,d\n", encoding="utf-8")
    inputs = read_input(src, text_column="text", id_column="id")
    errors = [(r.locator, r.error.reason) for r in inputs.records if r.error is not None]
    assert errors == [
        ("notes.csv:row 2", "row has 3 cells; the header has 2"),
        ("notes.csv:row 3", "row has 1 cells; the header has 2"),
    ]
    assert [r.document.id for r in inputs.records if r.document is not None] == ["1", "4"]


def test_a_blank_patient_cell_gives_no_patient_scope_in_batch_rows(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    data = b"note,pid\r\na,p1\r\nb,\r\n"
    src.write_bytes(data)
    header_len = len(b"note,pid\r\n")
    items = list(csv_rows(src, data[header_len:], 0, 2, Columns(text="note", patient="pid")))
    assert all(isinstance(i, Document) for i in items)
    assert [i.patient_id for i in items if isinstance(i, Document)] == ["p1", None]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"\xff{}", "line is not valid UTF-8 (byte offset 0)"),
        (b'{"text": ', "malformed JSON (Expecting value at column 10)"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"text": 1' + b"1" * 5000 + b"}", "value out of range"),
    ],
)
def test_every_way_json_can_refuse_a_line_is_a_record_error(line: bytes, reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        decode_json_line(line, "in.jsonl:3")
    assert caught.value.record == "in.jsonl:3" and reason in caught.value.reason


def test_a_deeply_nested_batch_row_is_an_error_not_a_crash(tmp_path: Path) -> None:
    """Regression: the batch reader let ``RecursionError`` escape and sink the whole job."""
    src = tmp_path / "in.jsonl"
    data = (b'{"id": "a", "text": "x"}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n"
            + b'{"id": "c", "text": 1' + b"1" * 5000 + b"}\n" + b'{"id": "d", "text": "y"}\n')
    src.write_bytes(data)
    items = list(jsonl_rows(src, data, 0))
    assert [type(i).__name__ for i in items] == ["Document", "RecordError", "RecordError",
                                                  "Document"]
    assert [i.record for i in items if isinstance(i, RecordError)] == [
        "in.jsonl:row 2", "in.jsonl:row 3"]


def test_lone_surrogates_are_found_anywhere_in_a_json_tree() -> None:
    assert has_lone_surrogate({"a": [1, {"b": "ok\ud800"}]})
    assert has_lone_surrogate({"\udfff": 1})
    assert not has_lone_surrogate({"a": ["fine", "日本", 3]})
    deep: list[object] = ["\ud800"]
    for _ in range(100_000):  # deeper than any recursion limit
        deep = [deep]
    assert has_lone_surrogate(deep)


def test_jsonl_input_locators_are_one_based_lines(tmp_path: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "x"}\n\n{"text": 3}\n[1]\n')
    inputs = read_input(src)
    assert [(r.locator, r.error.reason if r.error else None) for r in inputs.records] == [
        ("notes.jsonl:1", None),
        ("notes.jsonl:3", "record has no string 'text' field"),
        ("notes.jsonl:4", "line is not a JSON object"),
    ]
    assert inputs.records[0].raw == {"id": "a", "text": "x"}


def test_batch_parquet_rows_read_only_their_slice(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "in.parquet"
    table = pa.table({"t": [f"note {i}" for i in range(10)], "k": [str(i) for i in range(10)]})
    pq.write_table(table, src, row_group_size=3)
    items = list(parquet_rows(src, 4, 4, Columns(text="t", id="k")))
    assert [i.id for i in items if isinstance(i, Document)] == ["4", "5", "6", "7"]


def test_input_record_is_a_document_or_an_error(tmp_path: Path) -> None:
    src = tmp_path / "n.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "x"}) + "\nnot json\n", encoding="utf-8")
    ok, bad = read_input(src).records
    assert ok.document is not None and ok.error is None
    assert bad.document is None and bad.error is not None and bad.item is bad.error


# -- UTF-16 and UTF-32 with a byte-order mark ----------------------------------------------------

_NOTE = "Seen by Dr. Lee on 2021-03-04.\r\nMRN 1234567 \u00e9"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le", "utf-32"])
def test_a_text_file_with_a_wide_byte_order_mark_is_read_as_text(
    tmp_path: Path, codec: str
) -> None:
    """A Windows export saved as "Unicode" used to be skipped as "binary (contains NUL bytes)"."""
    bom = {"utf-16-be": b"\xfe\xff", "utf-16-le": b"\xff\xfe"}.get(codec, b"")
    src = tmp_path / "note.txt"
    src.write_bytes(bom + _NOTE.encode(codec))
    [record] = read_input(src).records
    assert record.document is not None, record.error
    assert record.document.text == _NOTE


def test_a_wide_text_file_that_does_not_decode_is_a_clear_record_error(tmp_path: Path) -> None:
    src = tmp_path / "note.txt"
    src.write_bytes(b"\xff\xfe" + "Dr. Lee".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    [record] = read_input(src).records
    assert record.error is not None
    assert "not valid UTF-16" in record.error.reason and "Lee" not in record.error.reason


@pytest.mark.parametrize("name", ["notes.jsonl", "notes.csv"])
def test_a_wide_jsonl_or_csv_is_refused_up_front_naming_the_encoding(
    tmp_path: Path, name: str
) -> None:
    """Lines split inside UTF-16 code units used to become one error per line fragment."""
    src = tmp_path / name
    body = '{"id": "a", "text": "Dr. Lee"}\n' if name.endswith("jsonl") else "id,text\na,Dr. Lee\n"
    src.write_bytes(body.encode("utf-16"))
    with pytest.raises(FairdeidError, match="UTF-16") as info:
        read_input(src, text_column="text")
    assert "save it as UTF-8" in str(info.value) and "Lee" not in str(info.value)


@pytest.mark.parametrize("odd", ["true", "{}", "[]", "1.5", '{"a": 1}'])
@pytest.mark.parametrize("where", ["top", "meta"])
def test_a_jsonl_patient_id_that_is_not_a_string_or_integer_is_a_record_error(
    tmp_path: Path, odd: str, where: str
) -> None:
    """Such ids used to put unrelated records in one shared surrogate scope (one date shift)."""
    pid = f'"patient_id": {odd}'
    line = (f'{{"id": "a", "text": "Dr. Lee", {pid}}}' if where == "top"
            else f'{{"id": "a", "text": "Dr. Lee", "meta": {{{pid}}}}}')
    src = tmp_path / "notes.jsonl"
    src.write_text(line + "\n" + '{"id": "b", "text": "Dr. Ng", "patient_id": 12}\n',
                   encoding="utf-8")
    first, second = read_input(src).records
    assert first.error is not None
    assert "patient_id must be a string or an integer" in first.error.reason
    assert second.document is not None and second.document.patient_id == "12"
    [row, other] = list(jsonl_rows(src, src.read_bytes(), 0))
    if where == "meta":  # batch reads the canonical layout (meta.patient_id) only
        assert isinstance(row, RecordError)
        assert "patient_id must be a string or an integer" in row.reason
    assert isinstance(other, Document)


@pytest.mark.parametrize("odd", ['{"name": "Ann Lee"}', '["Ann Lee"]', "true", "1.5"])
def test_a_jsonl_id_that_is_not_a_string_or_integer_is_a_record_error(
    tmp_path: Path, odd: str
) -> None:
    """The raw value was copied to the output as the id, with whatever it held."""
    src = tmp_path / "notes.jsonl"
    src.write_text(f'{{"id": {odd}, "text": "Dr. Lee"}}\n{{"id": 3, "text": "Dr. Ng"}}\n',
                   encoding="utf-8")
    first, second = read_input(src).records
    assert first.error is not None
    assert first.error.reason == "'id' must be a string or an integer"
    assert second.document is not None and second.document.id == "3"
    row, other = jsonl_rows(src, src.read_bytes(), 0)
    assert isinstance(row, RecordError) and row.reason == "'id' must be a string or an integer"
    assert isinstance(other, Document) and other.id == "3"


def test_batch_rows_ignore_input_spans_so_their_values_never_reach_a_reason(
    tmp_path: Path,
) -> None:
    """A bad span field used to fail the row with Python's message, which quotes the value
    ("could not convert string to float: 'Ann Lee'"); the spans are dropped anyway."""
    rows = [
        {"id": "a", "text": "Dr. Lee", "spans": [{"start": 0, "end": 1, "label": "X",
                                                   "score": "Ann Lee"}]},
        {"id": "b", "text": "Dr. Lee", "spans": "Ann Lee"},
        {"id": "c", "text": "Dr. Lee", "spans": [{"start": 0, "end": 99, "label": "X"}]},
    ]
    src = tmp_path / "notes.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = list(jsonl_rows(src, src.read_bytes(), 0))
    assert all(isinstance(d, Document) and d.spans == () for d in out), out
