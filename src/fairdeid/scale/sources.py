"""Split an input file into deterministic, fixed-size chunks and read one chunk back.

Resumability rests on this module: chunk ``k`` is always input rows ``[k*size, (k+1)*size)``, so a
rerun that finds ``part-k`` on disk can skip it without re-reading it. Planning is one cheap pass
that records where each chunk starts (byte offsets for JSONL/CSV, row numbers for Parquet); it
parses no JSON and holds no text. Workers then read only their own chunk, from any machine that
mounts the file, so the driver never ships notes through the object store.

A *row* is a non-blank JSONL line, a CSV record after the header, or a Parquet row. Reading a row
gives a :class:`Row` holding a Document, or an error reason (never the row's content).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fairdeid.document import Document
from fairdeid.errors import ConfigError, FairdeidError

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")

# Clinical notes exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class Columns:
    """Which columns of a CSV/Parquet table hold what (JSONL uses the canonical keys)."""

    text: str = "text"
    id: str | None = None
    patient: str | None = None


@dataclass(frozen=True)
class Chunk:
    """Rows ``[first_row, first_row + n_rows)``; for JSONL/CSV also their bytes ``[start, end)``."""

    index: int
    first_row: int
    n_rows: int
    byte_start: int = 0
    byte_end: int = 0


@dataclass
class Row:
    """One input row: a document, or the reason it could not become one."""

    row: int
    where: str
    document: Document | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def detect_format(path: Path, declared: str | None) -> Format:
    if declared:
        if declared not in FORMATS:
            raise ConfigError(f"unknown format {declared!r}; choose one of {list(FORMATS)}")
        return declared  # type: ignore[return-value]
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in ("csv", "parquet"):
        return suffix  # type: ignore[return-value]
    raise ConfigError(f"cannot tell the format of {path.name}; pass --format")


def fingerprint(path: Path) -> dict[str, Any]:
    """Enough to notice that the input changed between a run and its resumption."""
    stat = path.stat()
    return {"name": path.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


# -- planning -------------------------------------------------------------------------------


def plan_chunks(path: Path, fmt: Format, chunk_size: int, columns: Columns) -> list[Chunk]:
    """Cut the input into chunks of ``chunk_size`` rows (the last may be shorter)."""
    if chunk_size < 1:
        raise ConfigError("chunk size must be at least 1")
    if fmt == "jsonl":
        return _chunks_from_offsets(_jsonl_row_offsets(path), chunk_size)
    if fmt == "csv":
        return _chunks_from_offsets(_csv_row_offsets(path, columns), chunk_size)
    return _parquet_chunks(path, chunk_size, columns)


def _chunks_from_offsets(offsets: Iterator[tuple[int, int]], size: int) -> list[Chunk]:
    """``offsets`` yields (start, end) bytes of each row, in order."""
    chunks: list[Chunk] = []
    first = start = end = 0
    n = 0
    for row, (row_start, row_end) in enumerate(offsets):
        if n == 0:
            first, start = row, row_start
        end = row_end
        n += 1
        if n == size:
            chunks.append(Chunk(len(chunks), first, n, start, end))
            n = 0
    if n:
        chunks.append(Chunk(len(chunks), first, n, start, end))
    return chunks


def _jsonl_row_offsets(path: Path) -> Iterator[tuple[int, int]]:
    position = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield position, position + len(line)
            position += len(line)


class _LineFeed:
    """Feeds a csv.reader line by line while remembering where the next line starts."""

    def __init__(self, handle: io.BufferedReader, position: int) -> None:
        self.handle = handle
        self.position = position

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = self.handle.readline()
        if not line:
            raise StopIteration
        self.position += len(line)
        return line.decode("utf-8", errors="replace")


def _csv_header(path: Path) -> tuple[list[str], int]:
    with path.open("rb") as handle:
        raw = handle.readline()
    header = next(csv.reader([raw.decode("utf-8-sig", errors="replace")]), [])
    return [h.strip() for h in header], len(raw)


def _csv_row_offsets(path: Path, columns: Columns) -> Iterator[tuple[int, int]]:
    header, header_end = _csv_header(path)
    missing = [c for c in (columns.text, columns.id, columns.patient) if c and c not in header]
    if missing:
        raise ConfigError(f"CSV {path.name} has no column(s) {missing}; header: {header}")
    with path.open("rb") as handle:
        handle.seek(header_end)
        feed = _LineFeed(handle, header_end)  # type: ignore[arg-type]
        reader = csv.reader(feed)
        while True:
            start = feed.position
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # A broken record still is a row: the worker reports it in errors.jsonl.
                record = ["?"]
            if record:
                yield start, feed.position


def _parquet_chunks(path: Path, size: int, columns: Columns) -> list[Chunk]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    missing = [c for c in (columns.text, columns.id, columns.patient) if c and c not in names]
    if missing:
        raise ConfigError(f"Parquet {path.name} has no column(s) {missing}; columns: {names}")
    total = parquet.metadata.num_rows
    return [
        Chunk(i, first, min(size, total - first)) for i, first in enumerate(range(0, total, size))
    ]


# -- reading one chunk ----------------------------------------------------------------------


def read_chunk(path: Path, fmt: Format, chunk: Chunk, columns: Columns) -> list[Row]:
    if fmt == "jsonl":
        return list(_read_jsonl(path, chunk))
    if fmt == "csv":
        return list(_read_csv(path, chunk, columns))
    return list(_read_parquet(path, chunk, columns))


def _read_bytes(path: Path, chunk: Chunk) -> bytes:
    with path.open("rb") as handle:
        handle.seek(chunk.byte_start)
        return handle.read(chunk.byte_end - chunk.byte_start)


def _read_jsonl(path: Path, chunk: Chunk) -> Iterator[Row]:
    row = chunk.first_row
    for raw in io.BytesIO(_read_bytes(path, chunk)):
        if not raw.strip():
            continue
        where = f"{path.name} row {row}"
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield Row(row, where, error="line is not valid UTF-8")
        except json.JSONDecodeError as exc:
            yield Row(row, where, error=f"malformed JSON ({exc.msg} at column {exc.colno})")
        else:
            yield _row_from_mapping(row, where, data, default_id=f"row-{row}")
        row += 1


def _row_from_mapping(row: int, where: str, data: Any, default_id: str) -> Row:
    try:
        if isinstance(data, dict) and not isinstance(data.get("text"), str):
            raise FairdeidError("'text' is missing or not a string")
        doc = Document.from_dict(data, default_id=default_id)
    except (FairdeidError, TypeError, ValueError) as exc:
        return Row(row, where, error=str(exc))
    return Row(row, where, document=doc.with_spans(()))


def _read_csv(path: Path, chunk: Chunk, columns: Columns) -> Iterator[Row]:
    header, _ = _csv_header(path)
    # Undecodable bytes become U+FFFD, as in planning, so both passes see the same records.
    text = _read_bytes(path, chunk).decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in range(chunk.first_row, chunk.first_row + chunk.n_rows):
        where = f"{path.name} row {row}"
        try:
            record: list[str] = []
            while not record:  # blank lines are not rows (planning skipped them too)
                record = next(reader)
        except StopIteration:
            yield Row(row, where, error="record missing (file changed since planning?)")
            continue
        except csv.Error as exc:
            yield Row(row, where, error=f"malformed CSV ({exc})")
            continue
        if len(record) != len(header):
            yield Row(row, where, error=f"{len(record)} fields, header has {len(header)}")
            continue
        yield _row_from_values(row, where, dict(zip(header, record, strict=True)), columns)


def _row_from_values(row: int, where: str, values: dict[str, Any], columns: Columns) -> Row:
    text = values.get(columns.text)
    if not isinstance(text, str):
        return Row(row, where, error=f"column {columns.text!r} is empty or not text")
    raw_id = values.get(columns.id) if columns.id else None
    doc_id = str(raw_id) if raw_id not in (None, "") else f"row-{row}"
    meta: dict[str, Any] = {}
    if columns.patient and values.get(columns.patient) not in (None, ""):
        meta["patient_id"] = str(values[columns.patient])
    return Row(row, where, document=Document(id=doc_id, text=text, meta=meta))


def _read_parquet(path: Path, chunk: Chunk, columns: Columns) -> Iterator[Row]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    wanted = [c for c in (columns.text, columns.id, columns.patient) if c]
    # Read only the row groups that overlap the chunk.
    groups: list[int] = []
    group_first = 0
    skip = 0
    for g in range(parquet.num_row_groups):
        n = parquet.metadata.row_group(g).num_rows
        if group_first + n > chunk.first_row and group_first < chunk.first_row + chunk.n_rows:
            if not groups:
                skip = chunk.first_row - group_first
            groups.append(g)
        group_first += n
    table = parquet.read_row_groups(groups, columns=wanted).slice(skip, chunk.n_rows)
    data = table.to_pydict()
    for offset in range(chunk.n_rows):
        row = chunk.first_row + offset
        values = {name: data[name][offset] for name in wanted}
        yield _row_from_values(row, f"{path.name} row {row}", values, columns)
