"""The rules prefilter's compiled automaton, kept on disk between runs.

Why: compiling the hyperscan databases costs most of a CPU second at every start of a process
(``fairdeid deidentify``, each batch worker, each service restart), more than the prefilter saves
on a few hundred thousand words. The compiled databases are the same for the same rules, so they
are written once to ``$XDG_CACHE_HOME/fairdeid/prefilter/<key>.hsdb`` (default ``~/.cache``)
and read back by later processes.

What keeps this safe: the cached automaton decides which rules run, so a wrong one would skip
rules and miss PHI. The key is a SHA-256 of everything the databases are made from: the rules'
patterns, the Python and hyperscan versions, and the source of the translation itself
(``prefilter.py``), so a changed rule or a changed translation never reads an old file.
hyperscan checks each database's checksum and platform when it is read; a file that fails,
or a database that cannot scan, is compiled again and rewritten. Only a folder and files owned
by the user, with no access for group or others (mode 0700 / 0600), and no symbolic link, are
read or written; anything else, or ``FAIRDEID_PREFILTER_CACHE=off``, means compiling in memory as
before. The files hold compiled patterns of the packaged or configured rules, never note text.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

_MAGIC = b"fairdeid-prefilter 1\n"
#: files kept; writing one more removes the least recently used (each is 0.1-3 MB; a process
#: builds one per distinct rule set, and tests or many site configs would otherwise pile up)
MAX_FILES = 16
#: set to "off" (or "0", "false", "no") to compile in memory every time
ENV_SWITCH = "FAIRDEID_PREFILTER_CACHE"

#: one database: whether it scans the lower-cased text, its serialized bytes, its entry names
Entry = tuple[bool, bytes, list[str]]


def cache_dir() -> Path | None:
    """The folder for compiled prefilters, or None when caching is switched off."""
    if os.environ.get(ENV_SWITCH, "").strip().lower() in {"off", "0", "false", "no"}:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fairdeid" / "prefilter"


def load(key: str) -> list[Entry] | None:
    """The databases stored under ``key``; None when absent, unsafe or unreadable."""
    folder = cache_dir()
    if folder is None or not _private_dir(folder):
        return None
    path = folder / f"{key}.hsdb"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _private(info, stat.S_ISREG):
            log.debug("prefilter cache: %s ignored (not a private regular file)", path.name)
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
        # recently used: the last to be removed. The clock's own reading, not the file
        # system's (``os.utime(fd)``), whose coarse ticks gave a file read just now the
        # same time as one written a moment before, so the oldest could be kept instead
        now = time.time_ns()
        os.utime(fd, ns=(now, now))
    except OSError:
        return None
    finally:
        os.close(fd)
    return _parse(data)


def store(key: str, entries: Sequence[Entry]) -> None:
    """Write the databases under ``key``; failures only cost the next process a compile."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(folder):
            log.debug("prefilter cache: %s is not private to this user; not written", folder)
            return
        header = json.dumps([{"lower": lower, "names": names, "size": len(blob)}
                             for lower, blob, names in entries]).encode("utf-8")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".hsdb")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + header + b"\n")
                for _, blob, _ in entries:
                    handle.write(blob)
            os.replace(tmp, folder / f"{key}.hsdb")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _trim(folder, keep=f"{key}.hsdb")
    except OSError as exc:
        log.debug("prefilter cache: not written (%s)", exc.strerror or type(exc).__name__)


def _trim(folder: Path, keep: str) -> None:
    """Remove the least recently used files beyond ``MAX_FILES``."""
    found = []
    for path in folder.glob("*.hsdb"):
        try:
            found.append((path.stat().st_mtime, path.name != keep, path))
        except OSError:
            continue
    found.sort(key=lambda item: (item[1], -item[0]))  # the new file first, then newest first
    for _, _, path in found[MAX_FILES:]:
        path.unlink(missing_ok=True)


def _parse(data: bytes) -> list[Entry] | None:
    if not data.startswith(_MAGIC):
        return None
    end = data.find(b"\n", len(_MAGIC))
    if end < 0:
        return None
    try:
        header = json.loads(data[len(_MAGIC) : end])
    except ValueError:
        return None
    out: list[Entry] = []
    pos = end + 1
    try:
        for item in header:
            size, lower, names = int(item["size"]), bool(item["lower"]), item["names"]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                return None
            out.append((lower, data[pos : pos + size], names))
            pos += size
    except (KeyError, TypeError, ValueError):
        return None
    return out if pos == len(data) else None


def _private_dir(folder: Path) -> bool:
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return _private(info, stat.S_ISDIR)


def _private(info: os.stat_result, kind: Callable[[int], bool]) -> bool:
    """Owned by this user, of the expected kind, no access for group or others."""
    owner = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return kind(info.st_mode) and owner and not info.st_mode & 0o077
