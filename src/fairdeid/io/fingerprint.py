"""What a run was made from: the input's content and the settings that shape its output.

A resumed run (`fairdeid deidentify --resume`, a rerun of `fairdeid batch`) must see exactly the
input and settings of the run it continues, or it would splice two runs' output under one set of
ids. Why content and not name, size and mtime: an edit that keeps the size and restores the mtime
(``os.utime``, ``rsync -t``, a restore from backup) would pass for the same input. The name is
left out on purpose: the same bytes under another name are the same input.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Fingerprint:
    """What a checkpoint was made from: the input's bytes and the settings that shape output."""

    input: str
    settings: str


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, streamed (batch inputs and part files may not fit in memory)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_fingerprint(path: Path) -> dict[str, Any]:
    """A file's identity for resumption: the SHA-256 of every byte and the size."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256")
        size = os.fstat(handle.fileno()).st_size
    return {"sha256": digest.hexdigest(), "size": size}


class ContentHasher:
    """Hashes an input while it is read, so the bytes are read once for both uses.

    A file is hashed as its bytes; a directory as its entries' names (with why each skipped one
    is skipped) and the digest of each file read, so a renamed, added or removed entry counts as
    a change just like an edited file.
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add_bytes(self, data: bytes) -> None:
        """Bytes of one file, in order (a file may be fed in pieces, e.g. line by line)."""
        self._hash.update(data)

    def add_file(self, data: bytes) -> None:
        """A whole file of a directory (its digest, so file boundaries count)."""
        self._hash.update(hashlib.sha256(data).digest())

    def add_file_digest(self, digest: bytes) -> None:
        """A whole file of a directory, given by its SHA-256 digest (hashed while streamed):
        the same as ``add_file`` of its bytes."""
        self._hash.update(digest)

    def add_entry(self, name: str, skipped: str | None) -> None:
        """A directory entry: its relative name and the reason it is skipped, if it is."""
        self._hash.update(os.fsencode(name) + b"\0" + (skipped or "").encode() + b"\0")

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def settings_digest(settings: Mapping[str, Any]) -> str:
    """A stable SHA-256 of settings (key order and non-JSON values do not change it)."""
    blob = json.dumps(settings, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def key_check(key: bytes, purpose: bytes) -> str:
    """Tells surrogate keys apart without revealing them: an HMAC of ``purpose`` under the key.

    Each use has its own ``purpose`` so a check written in one place (a checkpoint) cannot be
    matched against one written in another (a batch manifest).
    """
    return hmac.new(key, purpose, hashlib.sha256).hexdigest()
