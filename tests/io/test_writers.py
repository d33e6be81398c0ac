"""`fairdeid.io.writers`: atomic replacement, what may leave, part files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from fairdeid.io.writers import (
    PartInfo,
    atomic_write,
    atomic_write_with,
    looks_identifying,
    part_mismatch,
    remove_stale_tmp,
    write_part,
)


@pytest.mark.parametrize(
    "name",
    ["mrn", "MRN", "patient_id", "PatientName", "lastname", "DateOfBirth", "dob", "zip",
     "home_phone", "e-mail", "Address1", "ssn", "admit_date"],
)
def test_identifying_column_names_are_flagged(name: str) -> None:
    assert looks_identifying(name)


@pytest.mark.parametrize("name", ["ward", "note_type", "specialty", "unit", "encounter_kind"])
def test_ordinary_column_names_are_not_flagged(name: str) -> None:
    assert not looks_identifying(name)


def test_atomic_write_does_not_follow_a_planted_temporary_symlink(tmp_path: Path) -> None:
    """The old writer used a fixed ``.NAME.tmp`` and followed a symlink planted there."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / ".out.txt.tmp").symlink_to(victim)
    atomic_write(tmp_path / "out.txt", "new")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "new"


def test_a_batch_part_does_not_follow_a_symlink_planted_at_its_temporary_name(
    tmp_path: Path,
) -> None:
    """Regression: part files were written via a guessable ``.NAME.<pid>.tmp`` that was opened
    with ``open("wb")``, which follows a symlink planted there."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "part-00000.jsonl"
    (tmp_path / f".{target.name}.{os.getpid()}.tmp").symlink_to(victim)
    info = write_part(target, [{"id": "a", "row": 0, "text": "x", "spans": []}], "jsonl")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert part_mismatch(target, "jsonl", info) is None


def test_a_failed_write_leaves_neither_a_file_nor_a_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def boom(handle: object) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write_with(target, boom)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_deidentify_output_is_private_and_batch_parts_follow_the_umask(tmp_path: Path) -> None:
    """Both kept the permissions they had before the writers were merged."""
    atomic_write(tmp_path / "out.txt", "x")
    write_part(tmp_path / "part-00000.jsonl", [], "jsonl")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "part-00000.jsonl").stat().st_mode) == 0o666 & ~umask


def test_part_mismatch_names_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "part-00000.jsonl"
    info = write_part(path, [{"id": "a", "row": 0, "text": "x", "spans": []}], "jsonl")
    assert part_mismatch(path, "jsonl", info) is None
    assert part_mismatch(path, "jsonl", PartInfo(info.name, 2, info.sha256)) == (
        "part file holds 1 rows, its receipt says 2")
    path.write_text("edited\n", encoding="utf-8")
    assert part_mismatch(path, "jsonl", info) == "part file checksum differs from its receipt"
    path.unlink()
    assert part_mismatch(path, "jsonl", info) == "part file missing"


def test_stale_temporaries_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".part-00001.jsonl.abc.tmp").write_text("torn", encoding="utf-8")
    (tmp_path / "keep.tmp").write_text("not ours", encoding="utf-8")
    assert remove_stale_tmp(tmp_path) == 1
    assert (tmp_path / "keep.tmp").exists()
