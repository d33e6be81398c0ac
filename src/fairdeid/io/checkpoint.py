"""Progress of one `fairdeid deidentify` run, so that a crash mid-batch can resume.

The checkpoint lives beside the output (``.OUTPUT.fairdeid-checkpoint.jsonl``) and is removed when
the run finishes. It holds the de-identified text and span offsets of finished records, never the
original text, so it holds no more PHI than the output does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO

from fairdeid.errors import FairdeidError, RecordError

try:
    import fcntl
except ImportError:  # not POSIX: runs are not locked against each other
    fcntl = None  # type: ignore[assignment]
from fairdeid.io.fingerprint import Fingerprint

__all__ = ["Checkpoint", "CheckpointMismatch", "Fingerprint", "checkpoint_path"]

#: Owner-only, like the output it stands for (``io.writers.PRIVATE``).
_PRIVATE = 0o600


class CheckpointMismatch(FairdeidError):
    """A resume was asked for, but the checkpoint was made from other input or settings."""


class Checkpoint:
    """Progress of one deidentify run, so that a crash mid-batch can resume.

    The first line records the run's ``Fingerprint``; a resume from other input (same size, same
    mtime, different bytes) or other settings (another mode, config or key) would mix two runs'
    output under one set of ids, so it is refused. Then one JSON line per finished record: its
    index and either the de-identified text plus span offsets, or the error. The original text
    is never stored here (it can be re-read from the input), so the checkpoint holds no more PHI
    than the output does.
    """

    def __init__(
        self, path: Path | None, fingerprint: Fingerprint | None = None, *, retain: bool = True
    ) -> None:
        #: ``None`` keeps progress in memory only (output to stdout: nothing to resume into).
        self.path = path
        self.fingerprint = fingerprint
        #: ``False``: new outputs are only written to the file, not kept in ``outputs`` (a
        #: streaming run writes each one out at once and must not hold them all).
        self.retain = retain
        self.outputs: dict[int, str] = {}
        self.spans: dict[int, list[dict[str, Any]]] = {}
        #: per record: which language pack handled it (``LanguageChoice.to_dict()``)
        self.languages: dict[int, dict[str, Any]] = {}
        self.errors: dict[int, RecordError] = {}
        #: without ``retain``: where each loaded output's line starts in the file
        self._offsets: dict[int, int] = {}
        self._handle: TextIO | None = None

    def _check_header(self, line: str) -> None:
        try:
            header = json.loads(line)
            found = Fingerprint(str(header["input"]), str(header["settings"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise CheckpointMismatch(
                f"cannot resume: the checkpoint {self.path} has no fingerprint (made by an older "
                "version or damaged); run again without --resume"
            ) from None
        if self.fingerprint is None:
            return
        if found.input != self.fingerprint.input:
            raise CheckpointMismatch(
                "cannot resume: the input changed since the interrupted run (its content "
                "differs); run again without --resume to start over"
            )
        if found.settings != self.fingerprint.settings:
            raise CheckpointMismatch(
                "cannot resume: the settings differ from the interrupted run (config, "
                "detectors, mode, preset, columns or surrogate key); use the same settings or "
                "run again without --resume"
            )

    def load(self) -> int:
        """Read earlier progress; a torn last line (crash while writing) is ignored.

        Without ``retain`` only where each finished record's line starts is kept (``take``
        reads it back when the record's turn comes), so a resume holds no earlier output.
        """
        if self.path is None or not self.path.exists():
            return 0
        with self.path.open("rb") as handle:
            first = handle.readline()
            if not first:
                return 0  # created but nothing written: nothing to mix
            self._check_header(first.decode("utf-8", "replace"))
            while line := handle.readline():
                offset = handle.tell() - len(line)
                item = _parse(line)
                if item is not None:
                    self._load_item(item, offset)
        return len(self.outputs) + len(self._offsets) + len(self.errors)

    def _load_item(self, item: dict[str, Any], offset: int) -> None:
        index = int(item["index"])
        if "error" in item:
            self.errors[index] = RecordError(item["record"], item["error"])
        elif not self.retain:
            self._offsets[index] = offset
        else:
            self.outputs[index] = item["text"]
            self.spans[index] = item["spans"]
            if isinstance(item.get("language"), dict):
                self.languages[index] = item["language"]

    def done(self, index: int) -> bool:
        return index in self.outputs or index in self._offsets or index in self.errors

    def open(self, *, append: bool) -> None:
        """Start writing progress (``append``: after the loaded progress of a resumed run).

        The file is owner-only like the output, never reached through a symlink, and locked
        for the whole run: a second run into the same output is refused rather than left to
        replace this run's output and report success.
        """
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = _locked(self.path)
        try:
            os.fchmod(fd, _PRIVATE)
            fresh = not append or os.fstat(fd).st_size == 0
            if fresh:
                os.ftruncate(fd, 0)
            self._handle = open(fd, "a", encoding="utf-8")  # noqa: SIM115  (closed by finish)
        except BaseException:
            os.close(fd)
            raise
        if fresh:
            fp = self.fingerprint or Fingerprint("", "")
            self._write({"checkpoint": 1, "input": fp.input, "settings": fp.settings})
            self.flush()

    def add_output(
        self, index: int, text: str, spans: list[dict[str, Any]],
        language: dict[str, Any] | None = None,
    ) -> None:
        """``language``: which language pack handled the record (kept for a resumed run's
        ``--spans-out`` and summary)."""
        if self.retain:
            self.outputs[index] = text
            self.spans[index] = spans
        item: dict[str, Any] = {"index": index, "text": text, "spans": spans}
        if language is not None:
            if self.retain:
                self.languages[index] = language
            item["language"] = language
        self._write(item)

    def take(self, index: int) -> tuple[str, list[dict[str, Any]], dict[str, Any] | None] | None:
        """A loaded output (text, spans, language), forgotten once taken: a resumed run writes
        each one out once and need not hold it afterwards."""
        offset = self._offsets.pop(index, None)
        if offset is not None and self.path is not None:
            with self.path.open("rb") as handle:
                handle.seek(offset)
                item = _parse(handle.readline()) or {}
            language = item.get("language")
            return (str(item["text"]), list(item["spans"]),
                    language if isinstance(language, dict) else None)
        if index not in self.outputs:
            return None
        return (self.outputs.pop(index), self.spans.pop(index, []),
                self.languages.pop(index, None))

    def add_error(self, index: int, error: RecordError) -> None:
        self.errors[index] = error
        self._write({"index": index, "record": error.record, "error": error.reason})

    def _write(self, item: dict[str, Any]) -> None:
        if self._handle is not None:
            self._handle.write(json.dumps(item, ensure_ascii=False) + "\n")

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Stop writing and release the lock, keeping the progress for ``--resume``."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def finish(self) -> None:
        # unlinked while still locked: a run that starts now gets a new file, not this one
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _locked(path: Path) -> int:
    """A descriptor of the checkpoint at ``path``, exclusively locked (``flock``) by this process.

    The lock is released by the kernel when the process ends, even by SIGKILL, so a crashed run
    never blocks its own resume. A file unlinked by a run that finished between our open and
    our lock is not the checkpoint any more: open again.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    while True:
        try:
            fd = os.open(path, flags, _PRIVATE)
        except OSError as exc:
            if path.is_symlink():
                raise FairdeidError(
                    f"the checkpoint {path} is a symlink; remove it (a checkpoint is never one)"
                ) from None
            raise FairdeidError(f"cannot write the checkpoint {path} ({exc.strerror})") from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FairdeidError(
                f"another fairdeid run is writing to this output (its checkpoint {path} is "
                "locked); wait for it to end or choose another output"
            ) from None
        try:
            linked = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            linked = False
        if linked:
            return fd
        os.close(fd)


def _parse(line: bytes) -> dict[str, Any] | None:
    """One progress line, or ``None`` for a torn or damaged one (it is simply done again)."""
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return item if isinstance(item, dict) and "index" in item else None


def checkpoint_path(output: Path | None) -> Path | None:
    """Where a run writing to ``output`` keeps its progress (none when writing to stdout)."""
    if output is None:
        return None
    return output.parent / f".{output.name}.fairdeid-checkpoint.jsonl"
