"""Atomic writes of part files and chunk receipts.

Every file appears complete or not at all: it is written under a temporary name in the same
directory, flushed to disk, then renamed (``os.replace`` is atomic on POSIX). A kill at any moment
leaves at worst a ``.tmp`` file, which a rerun ignores and deletes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any, Literal

OutFormat = Literal["jsonl", "parquet"]
TMP_SUFFIX = ".tmp"


def atomic_write(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        with tmp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    payload = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    atomic_write(path, lambda handle: handle.write(payload))


def write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> None:
    def write(handle: IO[bytes]) -> None:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")

    atomic_write(path, write)


def write_part(path: Path, records: list[dict[str, Any]], fmt: OutFormat) -> None:
    """One part file. Parquet stores ``spans``/``meta`` as JSON strings (stable schema)."""
    if fmt == "jsonl":
        write_jsonl(path, records)
        return
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
    atomic_write(path, lambda handle: pq.write_table(table, handle))


def remove_stale_tmp(directory: Path) -> int:
    """Delete temporary files a killed run left behind; returns how many."""
    n = 0
    for tmp in directory.rglob(f".*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
        n += 1
    return n
