"""`fairdeid deidentify` off the happy path: broken models, concurrent runs, private progress."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app

runner = CliRunner()
NOTE = "Seen by Dr. Lee on 2021-03-04. MRN 1234567."
MODEL = Path(__file__).resolve().parents[2] / "src" / "fairdeid" / "models" / "minilm-mc-deid"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["deidentify", *args])


@pytest.fixture
def corrupt_model_config(tmp_path: Path) -> Path:
    """A transformer config whose model directory holds a truncated ONNX file."""
    pytest.importorskip("onnxruntime")
    model = tmp_path / "model"
    model.mkdir()
    for item in MODEL.iterdir():
        if item.suffix != ".onnx":
            shutil.copy(item, model / item.name)
    (model / "model.int8.onnx").write_bytes((MODEL / "model.int8.onnx").read_bytes()[:1000])
    config = tmp_path / "corrupt.toml"
    config.write_text(
        '[pipeline]\ndetectors = ["transformer"]\nlanguage = "en"\n'
        f'[detectors.transformer]\nmodel = "{model.as_posix()}"\nbackend = "onnx"\n',
        encoding="utf-8",
    )
    return config


def test_a_corrupt_model_is_refused_before_any_work_with_exit_2(
    tmp_path: Path, corrupt_model_config: Path
) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text(json.dumps({"id": "n1", "text": NOTE}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(corrupt_model_config))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "cannot build the pipeline" in result.output
    assert "Lee" not in result.output
    assert not out.exists()


def test_a_second_run_into_the_same_output_is_refused(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """Both runs used to exit 0 while the last one to finish replaced the other's output."""
    from fairdeid.io.checkpoint import Checkpoint, checkpoint_path
    from fairdeid.io.fingerprint import Fingerprint

    src = tmp_path / "notes.jsonl"
    src.write_text(json.dumps({"id": "n1", "text": NOTE}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("the other run's output\n", encoding="utf-8")
    running = Checkpoint(checkpoint_path(out), Fingerprint("in", "set"))
    running.open(append=False)  # the other run, still going
    try:
        for extra in ((), ("--resume",)):
            result = _run(str(src), "-o", str(out), "--config", str(toy_config_file), *extra)
            assert result.exit_code == 2, result.output
            assert "another fairdeid run" in result.output
        assert out.read_text(encoding="utf-8") == "the other run's output\n"
    finally:
        running.finish()
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 0, result.output
    assert not checkpoint_path(out).exists()  # type: ignore[union-attr]


def test_a_note_that_fails_now_leaves_no_output_from_an_earlier_run(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """The earlier run's file stood in for the failed note, as if it were its output."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(NOTE, encoding="utf-8")
    (src / "b.txt").write_text("Dr. Kim on 2020-01-01", encoding="utf-8")
    (src / "sub" / "c.txt").write_text("Dr. Ng", encoding="utf-8")
    out = tmp_path / "out"
    args = [str(src), "-o", str(out), "--config", str(toy_config_file), "--recursive"]
    assert _run(*args).exit_code == 0
    (out / "keep.md").write_text("the user's own file", encoding="utf-8")
    (src / "b.txt").write_bytes(b"Dr. Kim\x00 binary now")
    (src / "sub" / "c.txt").write_bytes(b"")
    result = _run(*args)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["a.txt", "keep.md"]

    single = tmp_path / "note.txt"
    single.write_text(NOTE, encoding="utf-8")
    target = tmp_path / "note.out.txt"
    assert _run(str(single), "-o", str(target), "--config", str(toy_config_file)).exit_code == 0
    single.write_bytes(b"")
    assert _run(str(single), "-o", str(target), "--config", str(toy_config_file)).exit_code == 1
    assert not target.exists()


def test_a_clean_run_leaves_no_error_report_of_an_earlier_run(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """The earlier report stayed beside the new output, listing failures of another run."""
    src = tmp_path / "notes.jsonl"
    src.write_text(json.dumps({"id": "n1", "text": NOTE}) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    report = tmp_path / "out.jsonl.errors.jsonl"
    args = [str(src), "-o", str(out), "--config", str(toy_config_file)]
    assert _run(*args).exit_code == 1 and report.exists()
    src.write_text(json.dumps({"id": "n1", "text": NOTE}) + "\n", encoding="utf-8")
    assert _run(*args).exit_code == 0
    assert not report.exists()


def test_removing_a_failed_notes_stale_output_never_reaches_through_a_symlink(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """An output subdirectory that links into the input must not cost the user an input file."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(NOTE, encoding="utf-8")
    (src / "sub" / "c.txt").write_bytes(b"")  # fails: empty
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").symlink_to(src / "sub", target_is_directory=True)
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file), "--recursive")
    assert result.exit_code == 1, result.output
    assert (src / "sub" / "c.txt").exists()
