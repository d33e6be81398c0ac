"""Atomic writes of part files and chunk receipts, and the check that a part is what was written.

Every file appears complete or not at all: it is written under a temporary name in the same
directory, flushed to disk, then renamed (``os.replace`` is atomic on POSIX). A kill at any moment
leaves at worst a ``.tmp`` file, which a rerun ignores and deletes.

Atomic writes do not protect a part file from what happens afterwards (a copy cut short, a disk
error, a stray edit, a duplicate dropped into the directory), so each part's row count and
SHA-256 go into its chunk's receipt, and a rerun trusts a part only if it still matches.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

OutFormat = Literal["jsonl", "parquet"]
TMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class PartInfo:
    """What a receipt vouches for: the part file's name, row count and SHA-256."""

    name: str
    rows: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "rows": self.rows, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: Any) -> PartInfo:
        """Raises ``KeyError``/``TypeError``/``ValueError`` on a malformed receipt entry."""
        return cls(str(data["name"]), int(data["rows"]), str(data["sha256"]))


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def atomic_write(path: Path, write: Callable[[IO[bytes]], object]) -> str:
    """Write ``path`` all or nothing; returns the SHA-256 of the bytes that reached the file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        with tmp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        digest = file_sha256(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Manifests and receipts: ASCII, so no odd string in an error reason can fail the write."""
    payload = json.dumps(data, ensure_ascii=True, indent=1, sort_keys=True).encode("utf-8")
    atomic_write(path, lambda handle: handle.write(payload))


def write_jsonl(
    path: Path, records: Iterable[Mapping[str, Any]], *, ensure_ascii: bool = False
) -> str:
    """Returns the file's SHA-256. ``ensure_ascii`` for reports whose strings we do not vet."""

    def write(handle: IO[bytes]) -> None:
        for record in records:
            line = json.dumps(record, ensure_ascii=ensure_ascii)
            handle.write(line.encode("utf-8") + b"\n")

    return atomic_write(path, write)


def write_part(path: Path, records: list[dict[str, Any]], fmt: OutFormat) -> PartInfo:
    """One part file. Parquet stores ``spans``/``meta`` as JSON strings (stable schema)."""
    if fmt == "jsonl":
        return PartInfo(path.name, len(records), write_jsonl(path, records))
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": pa.array([r["id"] for r in records], pa.string()),
            "row": pa.array([r["row"] for r in records], pa.int64()),
            "text": pa.array([r["text"] for r in records], pa.string()),
            "spans": pa.array([json.dumps(r["spans"]) for r in records], pa.string()),
            "meta": pa.array([json.dumps(r["meta"]) if "meta" in r else None for r in records],
                             pa.string()),
        }
    )
    return PartInfo(path.name, len(records),
                    atomic_write(path, lambda handle: pq.write_table(table, handle)))


def part_mismatch(path: Path, fmt: OutFormat, expected: PartInfo) -> str | None:
    """Why the part file at ``path`` is not the one its receipt describes, or None if it is."""
    if not path.is_file():
        return "part file missing"
    rows = 0
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            rows += block.count(b"\n")
    if digest.hexdigest() != expected.sha256:
        return "part file checksum differs from its receipt"
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            rows = pq.read_metadata(path).num_rows
        except Exception:  # noqa: BLE001  (any unreadable file is simply not a valid part)
            return "part file is not readable Parquet"
    if rows != expected.rows:
        return f"part file holds {rows} rows, its receipt says {expected.rows}"
    return None


def remove_stale_tmp(directory: Path) -> int:
    """Delete temporary files a killed run left behind; returns how many."""
    n = 0
    for tmp in directory.rglob(f".*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
        n += 1
    return n
