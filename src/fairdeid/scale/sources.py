"""Split an input file into deterministic, fixed-size chunks and read one chunk back.

Resumability rests on this module: chunk ``k`` is always input rows ``[k*size, (k+1)*size)``, so a
rerun that finds ``part-k`` on disk can skip it without re-reading it. Planning is one cheap pass
that records where each chunk starts (byte offsets for JSONL/CSV, row numbers for Parquet); it
parses no JSON and holds no text. Workers then read only their own chunk, from any machine that
mounts the file, so the driver never ships notes through the object store.

A *row* is a non-blank JSONL line, a CSV record after the header, or a Parquet row. Parsing a row
is the job of :mod:`fairdeid.io.readers`; here a :class:`Row` pairs what it gives (a Document or
an error reason, never the row's content) with the row's 0-based number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fairdeid.document import Document
from fairdeid.errors import ConfigError, RecordError
from fairdeid.io.readers import (
    FORMATS,
    Columns,
    Format,
    csv_header,
    csv_rows,
    detect_format,
    jsonl_rows,
    parquet_rows,
    row_locator,
    single_column_hint,
)

__all__ = [
    "FORMATS", "Chunk", "Columns", "Format", "Row", "auto_chunk_size", "count_rows",
    "detect_format", "plan_chunks", "read_chunk",
]

#: Largest automatic chunk: the unit of resumption, so a kill loses at most this many rows' work.
MAX_AUTO_CHUNK = 1000
#: Smallest automatic chunk: below this, per-chunk costs (two fsynced files, scheduling) show.
MIN_AUTO_CHUNK = 50
#: Automatic chunking aims at this many chunks, so that workers finish together: with only a few
#: big chunks (3 chunks of 1,000 rows on 2 workers) one worker idles through the last third.
AUTO_CHUNKS = 256


@dataclass(frozen=True)
class Chunk:
    """Rows ``[first_row, first_row + n_rows)``; for JSONL/CSV also their bytes ``[start, end)``."""

    index: int
    first_row: int
    n_rows: int
    byte_start: int = 0
    byte_end: int = 0


@dataclass(frozen=True)
class Row:
    """One input row: a document, or the reason it could not become one."""

    row: int
    where: str
    document: Document | None = None
    error: str | None = None


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


def auto_chunk_size(rows: int) -> int:
    """Rows per chunk for an input of ``rows`` rows when the user did not choose.

    Why it depends on the row count only (not on the number of workers): the chunk size is part
    of what a resumed run must match, and the same input must plan the same chunks whatever
    ``--concurrency`` the rerun is given.
    """
    return min(MAX_AUTO_CHUNK, max(MIN_AUTO_CHUNK, -(-rows // AUTO_CHUNKS)))


def count_rows(path: Path, fmt: Format, columns: Columns) -> int:
    """How many rows :func:`plan_chunks` will find (one pass, no JSON parsed, no text held)."""
    if fmt == "jsonl":
        return sum(1 for _ in _jsonl_row_offsets(path))
    if fmt == "csv":
        return sum(1 for _ in _csv_row_offsets(path, columns))
    return sum(c.n_rows for c in _parquet_chunks(path, MAX_AUTO_CHUNK, columns))


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


def _csv_row_offsets(path: Path, columns: Columns) -> Iterator[tuple[int, int]]:
    header, header_end = csv_header(path, columns.delimiter)
    missing = [c for c in columns.named() if c not in header]
    if missing:
        raise ConfigError(f"CSV {path.name} has no column(s) {missing}; header: {header}"
                          + single_column_hint(header, columns.delimiter))
    with path.open("rb") as handle:
        handle.seek(header_end)
        feed = _LineFeed(handle, header_end)  # type: ignore[arg-type]
        reader = csv.reader(feed, delimiter=columns.delimiter)
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
    missing = [c for c in columns.named() if c not in names]
    if missing:
        raise ConfigError(f"Parquet {path.name} has no column(s) {missing}; columns: {names}")
    total = parquet.metadata.num_rows
    return [
        Chunk(i, first, min(size, total - first)) for i, first in enumerate(range(0, total, size))
    ]


# -- reading one chunk ----------------------------------------------------------------------


def read_chunk(path: Path, fmt: Format, chunk: Chunk, columns: Columns) -> list[Row]:
    if fmt == "jsonl":
        items = jsonl_rows(path, _read_bytes(path, chunk), chunk.first_row)
    elif fmt == "csv":
        items = csv_rows(path, _read_bytes(path, chunk), chunk.first_row, chunk.n_rows, columns)
    else:
        items = parquet_rows(path, chunk.first_row, chunk.n_rows, columns)
    rows: list[Row] = []
    for row, item in enumerate(items, start=chunk.first_row):
        where = row_locator(path, row)
        if isinstance(item, RecordError):
            rows.append(Row(row, where, error=item.reason))
        else:
            rows.append(Row(row, where, document=item))
    return rows


def _read_bytes(path: Path, chunk: Chunk) -> bytes:
    with path.open("rb") as handle:
        handle.seek(chunk.byte_start)
        return handle.read(chunk.byte_end - chunk.byte_start)
