"""The optional encrypted original→surrogate mapping (re-identification under governance).

Written only when ``[replace] mapping_file`` is set. Layout::

    FAIRDEID-MAPPING 1\\n
    <base64 scrypt salt>\\n
    <Fernet token>\\n          one per batch of entries, each a JSON list
    ...

Why one token per appended batch instead of one token for the whole file: a long run appends as
it goes (a crash loses at most the current document) without re-encrypting everything seen so
far. The Fernet key is derived from a user passphrase with scrypt and the per-file salt, so the
passphrase never touches disk and a wrong one fails loudly (Fernet authenticates every token).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fairdeid.errors import ConfigError, FairdeidError
from fairdeid.replace.store import MappingEntry

MAGIC = b"FAIRDEID-MAPPING 1"
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class MappingKeyError(FairdeidError):
    """The mapping file cannot be decrypted with this passphrase (or was tampered with)."""


def passphrase_from_env(env: str) -> str:
    value = os.environ.get(env)
    if not value:
        raise ConfigError(f"mapping_file is set but ${env} (the mapping passphrase) is empty")
    return value


def derive_key(passphrase: str | bytes, salt: bytes) -> bytes:
    """A Fernet key from a passphrase: scrypt (memory-hard) over the file's salt."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    kdf = Scrypt(salt=salt, length=32, **_SCRYPT)
    return base64.urlsafe_b64encode(kdf.derive(secret))


def check_fresh_mapping(path: str | Path, flag: str = "--mapping-file") -> None:
    """Refuse a fresh run whose mapping file already holds an earlier run's entries.

    Appending would file the new run's originals with the earlier run's (another passphrase
    check, another output), and truncating would destroy the only way back from an output that
    may still be in use; so the caller must say which: ``--resume`` continues the earlier run,
    another file (or deleting this one) starts over. Names the flag and the file only.
    """
    target = Path(path)
    if target.is_file() and target.stat().st_size > 0:
        raise ConfigError(
            f"{flag} {target} already holds a mapping from an earlier run; a fresh run never "
            "appends to it or overwrites it: pass --resume to continue that run, or name a new "
            "file (or delete this one) to start over"
        )


class MappingWriter:
    """Appends encrypted batches of ``MappingEntry`` to ``path`` (created with a new salt)."""

    def __init__(self, path: str | Path, passphrase: str | bytes) -> None:
        from cryptography.fernet import Fernet

        self.path = Path(path)
        if self.path.is_symlink():
            # Written through, a link planted (or left) at the path would send originals next
            # to their surrogates wherever it points, and truncate what is there.
            raise ConfigError(
                f"the mapping file {self.path} is a symlink; name the file itself")
        if self.path.exists() and self.path.stat().st_size > 0:
            salt = _read_header(self.path.read_bytes().split(b"\n", 2))
        else:
            salt = secrets.token_bytes(16)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(self.path, flags, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + b"\n" + base64.b64encode(salt) + b"\n")
        self._fernet = Fernet(derive_key(passphrase, salt))
        if self.path.stat().st_size > len(MAGIC) + 26:
            # Appending to an existing file: check the passphrase before mixing keys in it.
            read_mapping(self.path, passphrase)

    def append(self, entries: Iterable[MappingEntry]) -> int:
        batch = [asdict(e) for e in entries]
        if not batch:
            return 0
        token = self._fernet.encrypt(json.dumps(batch, ensure_ascii=False).encode("utf-8"))
        with self.path.open("ab") as handle:
            handle.write(token + b"\n")
        return len(batch)


def _read_header(parts: list[bytes]) -> bytes:
    if len(parts) < 2 or parts[0] != MAGIC:
        raise FairdeidError("not a fairdeid mapping file (bad header)")
    try:
        return base64.b64decode(parts[1], validate=True)
    except ValueError:
        raise FairdeidError("not a fairdeid mapping file (bad salt)") from None


def read_mapping(path: str | Path, passphrase: str | bytes) -> list[dict[str, Any]]:
    """Decrypt every entry of a mapping file; ``MappingKeyError`` on a wrong passphrase."""
    from cryptography.fernet import Fernet, InvalidToken

    lines = Path(path).read_bytes().split(b"\n")
    salt = _read_header(lines)
    fernet = Fernet(derive_key(passphrase, salt))
    out: list[dict[str, Any]] = []
    for line in lines[2:]:
        if not line.strip():
            continue
        try:
            out.extend(json.loads(fernet.decrypt(line.strip())))
        except InvalidToken:
            raise MappingKeyError(
                "cannot decrypt the mapping file: wrong passphrase or corrupted file"
            ) from None
    return out
