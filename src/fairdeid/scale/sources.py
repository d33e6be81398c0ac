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
import hashlib
import io
import json
import os
import re
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
    """The input's identity for resumption: a SHA-256 of every byte (streamed) and the size.

    Why the content and not name, size and mtime: an edit that keeps the size and restores the
    mtime (``os.utime``, ``rsync -t``, a restore from backup) would pass for the same input, and
    a resume would splice the old run's output onto the new rows. The name is left out on
    purpose: the same bytes under another name are the same input.
    """
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256")
        size = os.fstat(handle.fileno()).st_size
    return {"sha256": digest.hexdigest(), "size": size}


def locator(path: Path, row: int) -> str:
    """Where a row is, for errors.jsonl; printable even when the file name is not valid UTF-8."""
    name = path.name.encode("utf-8", "backslashreplace").decode("utf-8")
    return f"{name} row {row}"


#: A lone UTF-16 surrogate: ``"\\ud800"`` is valid JSON but not Unicode text, and cannot be
#: written as UTF-8; such a value must stop its own record, not the part file it would land in.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_unicode(value: Any) -> bool:
    """Whether ``value`` (a string or JSON tree) holds a lone surrogate anywhere."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_not_unicode(k) or _not_unicode(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_not_unicode(v) for v in value)
    return False


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _checked(row: int, where: str, doc: Document) -> Row:
    """The row for ``doc``, or an error naming the field that is not valid Unicode."""
    for name, value in (("id", doc.id), ("text", doc.text), ("meta", dict(doc.meta))):
        if _not_unicode(value):
            return Row(row, where, error=f"{name!r} is not valid Unicode (lone surrogate escape)")
    return Row(row, where, document=doc)


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
        where = locator(path, row)
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
    """A JSONL record as a document; input spans are dropped (the pipeline finds its own).

    A blank or null ``id`` becomes ``default_id`` and a blank ``meta.patient_id`` is dropped:
    either would otherwise put unrelated notes in one shared surrogate scope.
    """
    try:
        if isinstance(data, dict) and not isinstance(data.get("text"), str):
            raise FairdeidError("'text' is missing or not a string")
        if isinstance(data, dict):
            data = dict(data)
            if _blank(data.get("id")):
                data["id"] = default_id
            meta = data.get("meta")
            if isinstance(meta, dict) and "patient_id" in meta and _blank(meta["patient_id"]):
                data["meta"] = {k: v for k, v in meta.items() if k != "patient_id"}
        doc = Document.from_dict(data, default_id=default_id)
    except (FairdeidError, TypeError, ValueError) as exc:
        return Row(row, where, error=str(exc))
    return _checked(row, where, doc.with_spans(()))


def _read_csv(path: Path, chunk: Chunk, columns: Columns) -> Iterator[Row]:
    header, _ = _csv_header(path)
    # Undecodable bytes become U+FFFD, as in planning, so both passes see the same records.
    text = _read_bytes(path, chunk).decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in range(chunk.first_row, chunk.first_row + chunk.n_rows):
        where = locator(path, row)
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
    doc_id = f"row-{row}" if _blank(raw_id) else str(raw_id)
    meta: dict[str, Any] = {}
    # Only a named patient column gives a patient scope; a blank cell gives none (never "").
    if columns.patient and not _blank(values.get(columns.patient)):
        meta["patient_id"] = str(values[columns.patient])
    return _checked(row, where, Document(id=doc_id, text=text, meta=meta))


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
        yield _row_from_values(row, locator(path, row), values, columns)
