"""`fairdeid.io` below the CLI: strict CSV heuristics, kept-name warnings, atomic writes,
fingerprinted checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairdeid.errors import RecordError
from fairdeid.io.checkpoint import Checkpoint, CheckpointMismatch
from fairdeid.io.fingerprint import Fingerprint
from fairdeid.io.readers import read_input
from fairdeid.io.writers import atomic_write, looks_identifying


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


def test_a_real_multi_line_note_with_commas_is_not_taken_for_a_merge(tmp_path: Path) -> None:
    """The stray-quote heuristic must not reject notes whose lines merely contain commas."""
    src = tmp_path / "notes.csv"
    src.write_text(
        'id,text,ward\n1,"BP 120/80, HR 70\nstable, afebrile, eating",A\n2,plain,B\n',
        encoding="utf-8",
    )
    inputs = read_input(src, text_column="text", id_column="id")
    assert [r.error for r in inputs.records] == [None, None]
    assert inputs.records[0].document is not None
    assert inputs.records[0].document.text == "BP 120/80, HR 70\nstable, afebrile, eating"


def test_csv_row_count_mismatch_is_a_row_error_with_one_based_rows(tmp_path: Path) -> None:
    src = tmp_path / "notes.csv"
    src.write_text("id,text\n1,a\n2,b,extra\n3\n4,d\n", encoding="utf-8")
    inputs = read_input(src, text_column="text", id_column="id")
    errors = [(r.locator, r.error.reason) for r in inputs.records if r.error is not None]
    assert errors == [
        ("notes.csv:row 2", "row has 3 cells; the header has 2"),
        ("notes.csv:row 3", "row has 1 cells; the header has 2"),
    ]
    assert [r.document.id for r in inputs.records if r.document is not None] == ["1", "4"]


def test_the_fingerprint_sees_a_same_size_edit(tmp_path: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text('{"id": "a", "text": "Dr. Lee"}\n', encoding="utf-8")
    before = read_input(src).fingerprint
    src.write_text('{"id": "a", "text": "Dr. Lea"}\n', encoding="utf-8")
    assert read_input(src).fingerprint != before


def test_atomic_write_does_not_follow_a_planted_temporary_symlink(tmp_path: Path) -> None:
    """The old writer used a fixed ``.NAME.tmp`` and followed a symlink planted there."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / ".out.txt.tmp").symlink_to(victim)
    atomic_write(tmp_path / "out.txt", "new")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "new"


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
