"""Checkpoints of a `fairdeid train` run, so that a killed run continues where it stopped.

A checkpoint is a directory ``OUT/checkpoint/`` holding two files:

* ``tensors.pt``: model weights, optimizer and learning-rate scheduler state, torch's RNG state
  (written with ``torch.save``, read back with ``weights_only=True``: loading a checkpoint never
  runs pickled code);
* ``state.json``: where the run is (step, epoch, batch of the epoch, the batch-order RNG state
  at the epoch's start), the Python and NumPy RNG states, training seconds and CPU seconds so far,
  the settings and a digest of the training data, and the SHA-256 of ``tensors.pt``.

Why a directory swapped in whole: a kill during a write must leave a usable checkpoint. A new one
is written into a fresh temporary directory next to it and only then renamed into place; the
previous one is moved aside first and deleted last, and the reader falls back to it while it is
there. Why mode 0700/0600: weights trained on notes can memorise identifiers from them, so a
checkpoint is as sensitive as the training data.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from fairdeid.errors import ConfigError, FairdeidError
from fairdeid.io.fingerprint import file_sha256

#: The checkpoint directory inside the run's ``--out``.
CHECKPOINT_DIR = "checkpoint"
#: The previous checkpoint while a new one is swapped in (a kill then leaves this one).
PREVIOUS_DIR = "checkpoint.previous"
#: Prefix of the temporary directory a checkpoint is written into.
_TEMP_PREFIX = ".checkpoint-"
STATE_FILE = "state.json"
TENSORS_FILE = "tensors.pt"
FORMAT = 1


class TrainingInterrupted(FairdeidError):
    """A signal stopped training; the checkpoint written on the way out says where to go on."""

    def __init__(self, signal_name: str, step: int, total: int, out: Path) -> None:
        super().__init__(
            f"training interrupted by {signal_name} at step {step} of {total}; checkpoint saved "
            f"in {out / CHECKPOINT_DIR}; continue with: fairdeid train --resume {out}"
        )
        self.signal_name = signal_name
        self.step = step
        self.total = total
        self.out = out


@dataclass(frozen=True)
class Loaded:
    """A checkpoint found on disk: its directory and its ``state.json``."""

    path: Path
    state: dict[str, Any]

    def tensors(self) -> dict[str, Any]:
        """The weights, optimizer, scheduler and torch RNG, checked against the recorded
        SHA-256 (a damaged file must not be trained on silently)."""
        import torch

        path = self.path / TENSORS_FILE
        if file_sha256(path) != self.state.get("tensors_sha256"):
            raise ConfigError(
                f"cannot resume: {path} is damaged (its SHA-256 differs from the one recorded "
                "when it was written)"
            )
        loaded: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=True)
        return loaded


def write_checkpoint(out: Path, state: Mapping[str, Any], tensors: Mapping[str, Any]) -> Path:
    """Write a complete checkpoint to a temporary directory, then swap it in (see the module
    docstring for why). Returns its directory."""
    import torch

    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out)
    temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=out))  # mode 0700
    try:
        with _private_file(temp / TENSORS_FILE) as handle:
            torch.save(dict(tensors), handle)
        full = {**state, "format": FORMAT, "tensors_sha256": file_sha256(temp / TENSORS_FILE)}
        with _private_file(temp / STATE_FILE) as handle:
            handle.write(json.dumps(full, default=str).encode("utf-8"))
        _fsync_dir(temp)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return _swap_in(out, temp)


def _swap_in(out: Path, temp: Path) -> Path:
    """Rename ``temp`` to ``checkpoint``; the old one is kept as ``checkpoint.previous`` until
    the new one is in place, so there is a complete checkpoint at every moment."""
    current, previous = out / CHECKPOINT_DIR, out / PREVIOUS_DIR
    if current.is_dir():
        shutil.rmtree(previous, ignore_errors=True)
        current.rename(previous)
        _fsync_dir(out)
    temp.rename(current)
    _fsync_dir(out)
    shutil.rmtree(previous, ignore_errors=True)
    return current


def find_checkpoint(out: Path) -> Loaded | None:
    """The newest complete checkpoint of ``out``: ``checkpoint``, else the previous one a kill
    during a swap left behind; None if there is neither."""
    for name in (CHECKPOINT_DIR, PREVIOUS_DIR):
        path = out / name
        state = _read_state(path)
        if state is not None:
            return Loaded(path, state)
    return None


def _read_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not (path / TENSORS_FILE).is_file():
        return None
    if state.get("format") != FORMAT:
        raise ConfigError(
            f"cannot resume: {path} was written by another version of fairdeid "
            f"(checkpoint format {state.get('format')!r}, this version reads {FORMAT})"
        )
    return state


def remove_checkpoints(out: Path) -> None:
    """Delete every checkpoint of ``out`` (the run finished: its model is saved)."""
    for name in (CHECKPOINT_DIR, PREVIOUS_DIR):
        shutil.rmtree(out / name, ignore_errors=True)
    _remove_stale_temps(out)


def _remove_stale_temps(out: Path) -> None:
    """Temporary directories of writes a kill interrupted (never complete checkpoints)."""
    for temp in out.glob(_TEMP_PREFIX + "*"):
        shutil.rmtree(temp, ignore_errors=True)


@contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    """A new file only the owner can read (0600), flushed to disk before it counts as written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (a power cut must not undo it); a no-op where dirs can't be
    opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
