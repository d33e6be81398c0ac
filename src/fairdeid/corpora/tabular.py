"""CSV and Parquet tables with a text column, an optional id column and an optional spans column.

The spans column holds the canonical span list as JSON (a string in CSV; a string or a list of
structs in Parquet). A ``meta`` column (JSON object) is read back into ``Document.meta``; any other
column goes into ``meta`` under its own name, so a hospital export keeps its encounter keys.
Rows are streamed (Parquet by record batch), so a large table never sits in memory twice.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from fairdeid.document import Document, Span
from fairdeid.errors import FairdeidError, InvalidSpanError, RecordError
from fairdeid.io.limits import allow_long_csv_fields

allow_long_csv_fields()


def row_to_document(
    row: Mapping[str, Any],
    *,
    where: str,
    default_id: str,
    text_column: str = "text",
    id_column: str | None = "id",
    spans_column: str | None = "spans",
    patient_column: str | None = None,
) -> Document:
    """Build a document from one table row; raises ``RecordError`` naming ``where``."""
    text = row.get(text_column)
    if not isinstance(text, str):
        raise RecordError(where, f"no text in column {text_column!r}")
    doc_id = row.get(id_column) if id_column else None
    doc_id = default_id if doc_id in (None, "") else str(doc_id)
    meta: dict[str, Any] = {}
    used = {text_column, id_column, spans_column, "meta"}
    raw_meta = row.get("meta")
    if isinstance(raw_meta, str) and raw_meta.strip():
        try:
            parsed = json.loads(raw_meta)
        except json.JSONDecodeError:
            raise RecordError(where, "column 'meta' is not valid JSON") from None
        if isinstance(parsed, dict):
            meta.update(parsed)
    elif isinstance(raw_meta, Mapping):
        meta.update(raw_meta)
    for key, value in row.items():
        if key not in used and value not in (None, ""):
            meta[key] = value
    if patient_column and row.get(patient_column) not in (None, ""):
        meta["patient_id"] = str(row[patient_column])
    spans: tuple[Span, ...] = ()
    raw_spans = row.get(spans_column) if spans_column else None
    if isinstance(raw_spans, str) and raw_spans.strip():
        try:
            raw_spans = json.loads(raw_spans)
        except json.JSONDecodeError:
            raise RecordError(where, f"column {spans_column!r} is not valid JSON") from None
    if raw_spans:
        if not isinstance(raw_spans, list):
            raise RecordError(where, f"column {spans_column!r} is not a list of spans")
        try:
            spans = tuple(
                Span.from_dict({k: v for k, v in s.items() if v is not None}) for s in raw_spans
            )
        except (InvalidSpanError, AttributeError, TypeError) as exc:
            raise RecordError(where, f"bad span ({exc})") from None
    try:
        return Document(id=doc_id, text=text, meta=meta, spans=spans)
    except InvalidSpanError as exc:
        raise RecordError(where, str(exc)) from None


def iter_csv(
    path: str | Path, *, delimiter: str = ",", encoding: str = "utf-8", **columns: Any
) -> Iterator[Document | RecordError]:
    """Yield a document per CSV row (``<file>:<row>`` locators count the header as row 1)."""
    path = Path(path)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        text_column = columns.get("text_column", "text")
        if reader.fieldnames is None or text_column not in reader.fieldnames:
            raise FairdeidError(f"{path.name}: no column {text_column!r} in the header")
        for n, row in enumerate(reader, start=2):
            where = f"{path.name}:{n}"
            try:
                yield row_to_document(
                    row, where=where, default_id=f"{path.stem}-{n - 1}", **columns
                )
            except RecordError as exc:
                yield exc


def iter_parquet(path: str | Path, **columns: Any) -> Iterator[Document | RecordError]:
    """Yield a document per Parquet row, one record batch at a time."""
    import pyarrow.parquet as pq

    path = Path(path)
    table = pq.ParquetFile(path)
    text_column = columns.get("text_column", "text")
    if text_column not in table.schema_arrow.names:
        raise FairdeidError(f"{path.name}: no column {text_column!r}")
    n = 0
    for batch in table.iter_batches(batch_size=2048):
        for row in batch.to_pylist():
            n += 1
            try:
                yield row_to_document(
                    row, where=f"{path.name}:row {n}", default_id=f"{path.stem}-{n}", **columns
                )
            except RecordError as exc:
                yield exc


def _rows(docs: Iterable[Document]) -> Iterator[dict[str, str]]:
    for doc in docs:
        yield {
            "id": doc.id,
            "text": doc.text,
            "spans": json.dumps([s.to_dict() for s in doc.spans], ensure_ascii=False),
            "meta": json.dumps(dict(doc.meta), ensure_ascii=False) if doc.meta else "",
        }


def write_csv(docs: Iterable[Document], path: str | Path) -> int:
    """Write ``id,text,spans,meta`` (spans and meta as JSON); returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "spans", "meta"])
        writer.writeheader()
        for row in _rows(docs):
            writer.writerow(row)
            n += 1
    return n


def write_parquet(docs: Iterable[Document], path: str | Path, *, batch_size: int = 4096) -> int:
    """Write ``id,text,spans,meta`` columns (spans and meta as JSON strings); returns the count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([(c, pa.string()) for c in ("id", "text", "spans", "meta")])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        buffer: list[dict[str, str]] = []
        for row in _rows(docs):
            buffer.append(row)
            if len(buffer) >= batch_size:
                writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
                n += len(buffer)
                buffer = []
        if buffer or n == 0:
            writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
            n += len(buffer)
    return n
