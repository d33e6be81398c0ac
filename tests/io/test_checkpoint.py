"""`fairdeid.io.checkpoint`: deidentify resumes only its own input and settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairdeid.errors import FairdeidError, RecordError
from fairdeid.io.checkpoint import Checkpoint, CheckpointMismatch, checkpoint_path
from fairdeid.io.fingerprint import Fingerprint


def test_checkpoint_resumes_only_its_own_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "ckpt.jsonl"
    first = Checkpoint(path, Fingerprint("in-1", "set-1"))
    first.open(append=False)
    first.add_output(0, "Dr. [NAME]", [])
    first.add_error(1, RecordError("notes.jsonl:2", "malformed JSON"))
    first.flush()
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"index": 2, "te')  # torn by a crash
    again = Checkpoint(path, Fingerprint("in-1", "set-1"))
    assert again.load() == 2 and again.outputs == {0: "Dr. [NAME]"}
    with pytest.raises(CheckpointMismatch, match="input changed"):
        Checkpoint(path, Fingerprint("in-2", "set-1")).load()
    with pytest.raises(CheckpointMismatch, match="settings differ"):
        Checkpoint(path, Fingerprint("in-1", "set-2")).load()
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["input"] == "in-1"


def test_the_checkpoint_sits_beside_the_output_and_none_for_stdout(tmp_path: Path) -> None:
    assert checkpoint_path(None) is None
    assert checkpoint_path(tmp_path / "out.jsonl") == (
        tmp_path / ".out.jsonl.fairdeid-checkpoint.jsonl")


def test_a_streaming_checkpoint_holds_no_output_and_reads_each_back_once(tmp_path: Path) -> None:
    """Issue 14: a resume loaded every earlier output into memory before writing any."""
    path = tmp_path / "ckpt.jsonl"
    first = Checkpoint(path, Fingerprint("in", "set"), retain=False)
    first.open(append=False)
    first.add_output(0, "Dr. [NAME] é", [{"start": 4, "end": 10, "label": "NAME"}],
                     {"language": "en"})
    first.add_output(1, "[DATE]", [])
    first.add_error(2, RecordError("notes.jsonl:3", "malformed JSON"))
    first.flush()
    assert first.outputs == {}  # written out, not kept
    again = Checkpoint(path, Fingerprint("in", "set"), retain=False)
    assert again.load() == 3
    assert again.outputs == {} and again.done(0) and again.done(2) and not again.done(3)
    assert again.take(0) == (
        "Dr. [NAME] é", [{"start": 4, "end": 10, "label": "NAME"}], {"language": "en"})
    assert again.take(1) == ("[DATE]", [], None)
    assert again.take(0) is None and again.take(2) is None


def test_the_checkpoint_is_private_like_the_output(tmp_path: Path) -> None:
    """It holds de-identified text and spans: readable by the owner only, as the output is."""
    path = tmp_path / "ckpt.jsonl"
    path.write_text("", encoding="utf-8")
    path.chmod(0o644)
    ckpt = Checkpoint(path, Fingerprint("in", "set"))
    ckpt.open(append=False)
    ckpt.add_output(0, "Dr. [NAME]", [])
    ckpt.flush()
    assert path.stat().st_mode & 0o777 == 0o600
    ckpt.finish()
    fresh = tmp_path / "fresh.jsonl"
    other = Checkpoint(fresh, Fingerprint("in", "set"))
    other.open(append=False)
    assert fresh.stat().st_mode & 0o777 == 0o600
    other.finish()


def test_a_planted_symlink_cannot_redirect_the_checkpoint(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    path = tmp_path / "ckpt.jsonl"
    path.symlink_to(victim)
    with pytest.raises(FairdeidError, match="symlink"):
        Checkpoint(path, Fingerprint("in", "set")).open(append=False)
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_a_second_run_on_the_same_checkpoint_is_refused(tmp_path: Path) -> None:
    """Two runs into one output would each replace the other's file and both report success."""
    path = tmp_path / "ckpt.jsonl"
    first = Checkpoint(path, Fingerprint("in", "set"))
    first.open(append=False)
    first.add_output(0, "Dr. [NAME]", [])
    first.flush()
    for append in (False, True):
        with pytest.raises(FairdeidError, match="another fairdeid run"):
            Checkpoint(path, Fingerprint("in", "set")).open(append=append)
    assert Checkpoint(path, Fingerprint("in", "set")).load() == 1  # left intact
    first.finish()
    assert not path.exists()
    again = Checkpoint(path, Fingerprint("in", "set"))
    again.open(append=False)  # free once the first run is over
    again.finish()
