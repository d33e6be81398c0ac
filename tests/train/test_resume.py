"""Checkpoints and resume of transformer fine-tuning (tiny random BERT, one thread, a few steps),
in the library and through `fairdeid train --resume`.

The contract: a run stopped by a signal (or a kill during a checkpoint write) and resumed ends
with exactly the weights of a run that was never stopped, and a resume from other data or
settings is refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

torch = pytest.importorskip("torch")

from fairdeid.train import checkpoint as ckpt  # noqa: E402
from fairdeid.train.checkpoint import TrainingInterrupted, find_checkpoint  # noqa: E402
from fairdeid.train.finetune import TrainConfig, train_transformer  # noqa: E402

NAMES = ["Wei Zhang", "Anna Smith", "Rahul Sharma", "Chidi Okafor"]


def _docs(n: int, offset: int = 0) -> list[Document]:
    out = []
    for i in range(offset, offset + n):
        name = NAMES[i % len(NAMES)]
        text = f"Seen by Dr. {name} on 03/0{i % 9 + 1}/2021. Plan: follow up."
        s, d = text.index(name), text.index("03/")
        spans = (Span(s, s + len(name), "DOCTOR"), Span(d, d + 10, "DATE"))
        out.append(Document(f"d{i}", text, spans=spans))
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fairdeid.train.tiny import make_tiny_base

    return make_tiny_base(
        tmp_path_factory.mktemp("tiny") / "base", [d.text for d in _docs(12)], max_position=64
    )


def _cfg(out: Path, base: Path, **kw: Any) -> TrainConfig:
    # 12 one-window notes in batches of 4: 3 steps an epoch, 9 steps in 3 epochs.
    settings: dict[str, Any] = {
        "epochs": 3.0, "batch_size": 4, "max_length": 32, "stride": 8, "threads": 1,
        "log_every": 1, "checkpoint_every": 0, "checkpoint_minutes": 0.0, **kw,
    }
    return TrainConfig(out=out, base=base, **settings)


def _kill_at(*steps: int) -> Callable[[str, dict[str, Any]], None]:
    """An ``on_log`` hook that sends this process SIGTERM after each of ``steps``: the real
    signal path, delivered mid-run."""

    def hook(event: str, data: dict[str, Any]) -> None:
        if event == "step" and data["step"] in steps:
            os.kill(os.getpid(), signal.SIGTERM)

    return hook


def _weights(out: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    return load_file(str(out / "model.safetensors"))


def _assert_same_weights(a: Path, b: Path) -> None:
    wa, wb = _weights(a), _weights(b)
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), key


def _events(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "train_log.jsonl").open()]


@pytest.fixture(scope="module")
def reference(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted run every resumed one must reproduce."""
    out = tmp_path_factory.mktemp("ref") / "model"
    summary = train_transformer(_cfg(out, base), _docs(12), _docs(4, 20), progress=False)
    assert summary["steps"] == 9 and summary["epochs_done"] == 3.0
    return out


def test_checkpoints_are_written_at_the_step_interval(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    written: list[tuple[int, bool]] = []

    def hook(event: str, data: dict[str, Any]) -> None:
        if event == "checkpoint":
            path = out / ckpt.CHECKPOINT_DIR
            private = stat.S_IMODE(path.stat().st_mode) == 0o700 and all(
                stat.S_IMODE(f.stat().st_mode) == 0o600 for f in path.iterdir()
            )
            written.append((data["step"], private))

    train_transformer(_cfg(out, base, checkpoint_every=2), _docs(12), progress=False,
                      on_log=hook)
    # every 2 steps, never at the last (the model itself is saved then), always private
    assert written == [(2, True), (4, True), (6, True), (8, True)]
    # a finished run has nothing to resume: its checkpoint is gone, the model is there
    assert find_checkpoint(out) is None and not (out / ckpt.CHECKPOINT_DIR).exists()
    assert (out / "model.safetensors").is_file()


def test_checkpoints_are_written_at_the_time_interval(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fairdeid.train import finetune

    clock = iter(float(i) * 31 for i in range(10_000))  # each reading: 31 s later
    real = finetune.time.perf_counter
    monkeypatch.setattr(finetune.time, "perf_counter", lambda: next(clock))
    out = tmp_path / "model"
    steps: list[int] = []
    try:
        train_transformer(
            _cfg(out, base, max_steps=5, checkpoint_minutes=2.0), _docs(12), progress=False,
            on_log=lambda e, d: steps.append(d["step"]) if e == "checkpoint" else None,
        )
    finally:
        monkeypatch.setattr(finetune.time, "perf_counter", real)
    assert steps and all(s < 5 for s in steps)  # due by time alone (checkpoint_every=0)


def test_killed_and_resumed_twice_gives_the_uninterrupted_weights(
    base: Path, tmp_path: Path, reference: Path
) -> None:
    out = tmp_path / "model"
    with pytest.raises(TrainingInterrupted) as stopped:
        train_transformer(_cfg(out, base), _docs(12), _docs(4, 20), progress=False,
                          on_log=_kill_at(4))
    assert stopped.value.step == 4 and "--resume" in str(stopped.value)
    found = find_checkpoint(out)
    assert found is not None and found.state["progress"]["step"] == 4
    assert found.state["progress"]["epoch"] == 1 and found.state["progress"]["batch"] == 1
    # mid-epoch, after a dev evaluation; the second segment is stopped in the last epoch
    with pytest.raises(TrainingInterrupted):
        train_transformer(_cfg(out, base, resume=True), _docs(12), _docs(4, 20),
                          progress=False, on_log=_kill_at(8))
    summary = train_transformer(_cfg(out, base, resume=True), _docs(12), _docs(4, 20),
                                progress=False)
    _assert_same_weights(reference, out)
    assert summary["steps"] == 9 and summary["segments"] == 3
    events = [e["event"] for e in _events(out)]
    assert events.count("resume") == 2 and events.count("interrupted") == 2
    assert events[-1] == "done"
    record = json.loads((out / "training.json").read_text())
    assert [(s["first_step"], s["last_step"], s["ended"]) for s in record["segments"]] == [
        (0, 4, "SIGTERM"), (4, 8, "SIGTERM"), (8, 9, "done")
    ]
    assert record["steps"] == 9 and record["epochs_done"] == 3.0 and record["seed"] == 13
    assert record["train_cpu_seconds"] >= sum(s["cpu_seconds"] for s in record["segments"]) - 0.2
    assert record["threads"] == [1]
    assert find_checkpoint(out) is None


def _tear_during(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    """Stop the process (KeyboardInterrupt: what a second Ctrl-C raises) at the worst moment
    of a checkpoint swap: the old checkpoint moved aside, the new one not yet in place."""
    real = ckpt._fsync_dir

    def fsync(path: Path) -> None:
        real(path)
        if path == out and not (out / ckpt.CHECKPOINT_DIR).exists():
            raise KeyboardInterrupt

    monkeypatch.setattr(ckpt, "_fsync_dir", fsync)


def test_a_torn_checkpoint_write_leaves_the_previous_one_usable(
    base: Path, tmp_path: Path, reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "model"
    with pytest.raises(TrainingInterrupted):
        train_transformer(_cfg(out, base), _docs(12), _docs(4, 20), progress=False,
                          on_log=_kill_at(4))
    _tear_during(monkeypatch, out)
    with pytest.raises(KeyboardInterrupt):
        train_transformer(_cfg(out, base, resume=True, checkpoint_every=2), _docs(12),
                          _docs(4, 20), progress=False)
    monkeypatch.undo()
    assert not (out / ckpt.CHECKPOINT_DIR).exists() and (out / ckpt.PREVIOUS_DIR).is_dir()
    found = find_checkpoint(out)
    assert found is not None and found.state["progress"]["step"] == 4

    # a kill inside torch.save leaves a half-written temporary directory: never read
    def torn_save(obj: object, handle: Any) -> None:
        handle.write(b"half a checkpoint")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", torn_save)
    with pytest.raises(KeyboardInterrupt):
        train_transformer(_cfg(out, base, resume=True, checkpoint_every=1), _docs(12),
                          _docs(4, 20), progress=False)
    monkeypatch.undo()
    found = find_checkpoint(out)
    assert found is not None and found.state["progress"]["step"] == 4

    train_transformer(_cfg(out, base, resume=True), _docs(12), _docs(4, 20), progress=False)
    _assert_same_weights(reference, out)
    assert not list(out.glob(".checkpoint-*")) and find_checkpoint(out) is None


def test_a_damaged_checkpoint_is_refused(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    with pytest.raises(TrainingInterrupted):
        train_transformer(_cfg(out, base), _docs(12), progress=False, on_log=_kill_at(2))
    tensors = out / ckpt.CHECKPOINT_DIR / ckpt.TENSORS_FILE
    tensors.write_bytes(tensors.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ConfigError, match="damaged"):
        train_transformer(_cfg(out, base, resume=True), _docs(12), progress=False)


@pytest.fixture
def interrupted(base: Path, tmp_path: Path) -> Path:
    out = tmp_path / "model"
    with pytest.raises(TrainingInterrupted):
        train_transformer(_cfg(out, base), _docs(12), progress=False, on_log=_kill_at(4))
    return out


def test_resume_from_other_data_or_settings_is_refused(base: Path, interrupted: Path) -> None:
    other = [dataclasses.replace(d, text=d.text.replace("Plan", "Goal")) for d in _docs(12)]
    with pytest.raises(ConfigError, match="train documents differ") as refused:
        train_transformer(_cfg(interrupted, base, resume=True), other, progress=False)
    message = str(refused.value)
    assert not any(name.split()[0] in message for name in NAMES) and "03/0" not in message
    with pytest.raises(ConfigError, match="--lr differs"):
        train_transformer(_cfg(interrupted, base, resume=True, lr=1e-3), _docs(12),
                          progress=False)
    with pytest.raises(ConfigError, match="dev documents differ"):
        train_transformer(_cfg(interrupted, base, resume=True), _docs(12), _docs(2),
                          progress=False)
    # what may change: threads and the budget
    summary = train_transformer(_cfg(interrupted, base, resume=True, threads=2,
                                     time_budget_s=3600.0), _docs(12), progress=False)
    assert summary["steps"] == 9


def test_a_new_run_does_not_overwrite_an_unfinished_ones_checkpoint(
    base: Path, interrupted: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="--resume"):
        train_transformer(_cfg(interrupted, base), _docs(12), progress=False)
    with pytest.raises(ConfigError, match="no checkpoint"):
        train_transformer(_cfg(tmp_path / "fresh", base, resume=True), _docs(12),
                          progress=False)


def test_the_time_budget_schedule_continues_after_resume(base: Path, interrupted: Path) -> None:
    """The learning rate decays over the budget's total, not over this segment's share: with
    90 of 100 s spent before the interruption, the resumed steps run at <= 10% of the peak."""
    state_file = interrupted / ckpt.CHECKPOINT_DIR / ckpt.STATE_FILE
    state = json.loads(state_file.read_text())
    state["progress"]["elapsed_s"] = 90.0
    state_file.write_text(json.dumps(state))
    with pytest.raises(ConfigError, match="time budget .* is spent"):
        train_transformer(_cfg(interrupted, base, resume=True, time_budget_s=80.0), _docs(12),
                          progress=False)
    steps: list[dict[str, Any]] = []
    train_transformer(
        _cfg(interrupted, base, resume=True, time_budget_s=100.0), _docs(12), progress=False,
        on_log=lambda e, d: steps.append(d) if e == "step" else None,
    )
    peak = TrainConfig.lr
    assert steps[0]["step"] == 5 and steps[0]["elapsed_s"] >= 90.0
    assert all(s["lr"] <= 0.1 * peak + 1e-12 for s in steps)
    record = json.loads((interrupted / "training.json").read_text())
    assert record["train_seconds"] >= 90.0


def _train(*args: str) -> Any:
    from fairdeid.cli import app

    return CliRunner().invoke(app, ["train", *args])


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, list[str]]:
    from fairdeid.train.tiny import make_tiny_base

    train = tmp_path / "train.jsonl"
    write_jsonl(_docs(12), train)
    base = make_tiny_base(tmp_path / "base", [d.text for d in _docs(12)], max_position=64)
    flags = ["--train", str(train), "--base", str(base), "--epochs", "3", "--batch-size", "4",
             "--max-length", "32", "--stride", "8", "--threads", "1", "--no-export",
             "--no-progress", "--json"]
    return tmp_path, flags


def test_cli_resume_after_sigterm_gives_the_uninterrupted_model(
    setup: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fairdeid.train import finetune

    tmp_path, flags = setup
    reference, out = tmp_path / "reference", tmp_path / "model"
    assert _train(*flags, "--out", str(reference)).exit_code == 0

    real_step = finetune._train_step

    def step_then_sigterm(run: Any, counters: Any, batch: Any) -> None:
        real_step(run, counters, batch)
        if counters.step == 4:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(finetune, "_train_step", step_then_sigterm)
    stopped = _train(*flags, "--out", str(out))
    monkeypatch.undo()
    assert stopped.exit_code == 128 + signal.SIGTERM, stopped.output
    assert "at step 4 of 9" in stopped.output and f"--resume {out}" in stopped.output
    assert not (out / "model.safetensors").exists()

    # refused: another run-shaping option, other data, another --out; none names a note's PHI
    other = tmp_path / "other.jsonl"
    write_jsonl(_docs(12, 1), other)
    for args, reason in (
        (["--lr", "0.001"], "--lr 0.001 differs"),
        (["--limit", "6"], "--limit 6 differs"),
        (["--train", str(other)], "train documents differ"),
        (["--out", str(tmp_path / "elsewhere")], "leave out --out"),
    ):
        refused = _train("--resume", str(out), "--no-progress", *args)
        assert refused.exit_code == 2, args
        assert reason in refused.output
        assert not any(name.split()[-1] in refused.output for name in NAMES)

    resumed = _train("--resume", str(out), "--threads", "1", "--json")
    assert resumed.exit_code == 0, resumed.output
    summary = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert summary["steps"] == 9 and summary["segments"] == 2
    _assert_same_weights(reference, out)
    record = json.loads((out / "training.json").read_text())
    first, second = (s["command"] for s in record["segments"])
    assert first[:4] == ["fairdeid", "train", "--train", str(tmp_path / "train.jsonl")]
    assert second == ["fairdeid", "train", "--threads", "1", "--resume", str(out), "--json"]
    assert record["command"] == second
    assert record["train_file"]["name"] == "train.jsonl"
    assert len(record["train_file"]["sha256"]) == 64
    assert record["train_documents"] == 12 and record["epochs_done"] == 3.0
    events = [json.loads(line)["event"] for line in (out / "train_log.jsonl").open()]
    assert events[0] == "start" and "resume" in events and events[-1] == "done"

    # finished: nothing left to resume
    again = _train("--resume", str(out), "--no-progress")
    assert again.exit_code == 2 and "no checkpoint" in again.output


def test_cli_train_needs_train_and_out_without_resume(setup: tuple[Path, list[str]]) -> None:
    tmp_path, _ = setup
    result = _train("--out", str(tmp_path / "m"), "--no-progress")
    assert result.exit_code == 2 and "--train FILE and --out DIR are required" in result.output


def test_cli_resume_is_for_transformers_only(setup: tuple[Path, list[str]]) -> None:
    tmp_path, flags = setup
    result = _train("--kind", "crf", *flags[:2], "--resume", str(tmp_path / "m"))
    assert result.exit_code == 2 and "transformer only" in result.output


def test_a_run_stopped_by_its_time_budget_keeps_its_checkpoint_and_goes_on(
    base: Path, tmp_path: Path
) -> None:
    """The model is saved at the budget as before, and the checkpoint stays, so that a larger
    --time-budget continues the same run to its planned end."""
    out = tmp_path / "model"
    first = train_transformer(_cfg(out, base, time_budget_s=1e-9), _docs(12), progress=False)
    assert first["stopped_early"] and first["steps"] == 1
    assert (out / "model.safetensors").is_file()
    found = find_checkpoint(out)
    assert found is not None and found.state["segments"][-1]["ended"] == "time budget"
    summary = train_transformer(_cfg(out, base, resume=True, time_budget_s=3600.0), _docs(12),
                                progress=False)
    assert summary["steps"] == 9 and not summary["stopped_early"] and summary["segments"] == 2
    assert find_checkpoint(out) is None
