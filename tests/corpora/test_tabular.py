from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from fairdeid.corpora.tabular import iter_csv, iter_parquet, write_csv, write_parquet
from fairdeid.document import Document, Span
from fairdeid.errors import FairdeidError, RecordError

DOCS = [
    Document(
        "a",
        'Seen by Dr. Lee,\n"quoted", 03/04/2021.',
        {"patient_id": "p1"},
        (Span(12, 15, "DOCTOR", attrs={"locale": "en_US"}), Span(28, 38, "DATE")),
    ),
    Document("b", "No PHI.", {}, ()),
]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"x.{fmt}"
    write = write_csv if fmt == "csv" else write_parquet
    read = iter_csv if fmt == "csv" else iter_parquet
    assert write(DOCS, path) == 2
    again = list(read(path))
    assert [(d.id, d.text, d.spans, dict(d.meta)) for d in again] == [  # type: ignore[union-attr]
        (d.id, d.text, d.spans, dict(d.meta)) for d in DOCS
    ]
    assert again[0].spans[0].attrs["locale"] == "en_US"  # type: ignore[union-attr]


def test_plain_table_with_extra_columns_and_custom_names(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["note_id", "body", "subject", "ward"])
        w.writerow(["n1", "Hello", "77", "4W"])
        w.writerow(["", "Second", "78", ""])
    docs = list(
        iter_csv(
            path,
            text_column="body",
            id_column="note_id",
            spans_column=None,
            patient_column="subject",
        )
    )
    assert [d.id for d in docs] == ["n1", "notes-2"]  # type: ignore[union-attr]
    assert docs[0].meta == {"subject": "77", "ward": "4W", "patient_id": "77"}  # type: ignore[union-attr]


def test_bad_rows_are_record_errors_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "spans"])
        w.writerow(["a", "Ann Lee", "not json"])
        w.writerow(["b", "Ann Lee", json.dumps([{"start": 0, "end": 99, "label": "PATIENT"}])])
        w.writerow(["c", "Ann Lee", json.dumps([{"start": 0, "end": 3, "label": "PATIENT"}])])
    items = list(iter_csv(path))
    assert isinstance(items[0], RecordError) and items[0].record == "x.csv:2"
    assert isinstance(items[1], RecordError) and "exceeds" in items[1].reason
    assert isinstance(items[2], Document)
    assert all("Ann" not in str(i) for i in items[:2])


def test_missing_text_column_raises(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    with pytest.raises(FairdeidError, match="'text'"):
        list(iter_csv(path))
