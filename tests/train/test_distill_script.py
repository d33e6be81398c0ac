"""`scripts/distill_student.sh continue`: the student's version 3 run, shrunk through the
environment to a tiny teacher and student and a few notes, so that the data it writes and the
`fairdeid train` settings it passes are checked without the shipped models' hours of CPU."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.corpora.synth import generate_notes

torch = pytest.importorskip("torch")

from fairdeid.train.finetune import TrainConfig, train_transformer  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "distill_student.sh"


def _cfg(out: Path, base: Path, **kw: Any) -> TrainConfig:
    settings: dict[str, Any] = {
        "epochs": 1.0, "batch_size": 4, "max_length": 64, "stride": 16, "threads": 1,
        "max_steps": 2, "lr": 1e-3, "checkpoint_every": 0, "checkpoint_minutes": 0.0, **kw,
    }
    return TrainConfig(out=out, base=base, **settings)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny 4-layer teacher and a 2-layer student cut from it (the shipped pair's roles)."""
    from fairdeid.train.tiny import make_tiny_base

    notes = list(generate_notes(8, seed=5))
    root = tmp_path_factory.mktemp("tiny-pair")
    base = make_tiny_base(root / "base", [d.text for d in notes], layers=4, max_position=128)
    teacher, student = root / "teacher", root / "student"
    train_transformer(_cfg(teacher, base), notes, progress=False)
    train_transformer(_cfg(student, base, init=teacher, keep_layers=(0, 2)), notes,
                      progress=False)
    return teacher, student


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_continue_mode_writes_its_data_and_trains_with_the_stated_settings(
    models: tuple[Path, Path], tmp_path: Path
) -> None:
    teacher, student = models
    work = _train_mode("continue", teacher, student, tmp_path)

    train, dev = list(read_jsonl(work / "train.jsonl")), list(read_jsonl(work / "dev.jsonl"))
    assert [d.meta.get("profile", "default") for d in train] == ["stress"] * 3 + ["default"] * 2
    assert [d.meta.get("profile", "default") for d in dev] == ["stress"] * 2 + ["default"]
    # fresh seeds, never an evaluation set's (202, 303, 4242) nor version 2's (14141-14144)
    assert {d.id.split("-")[0] for d in train} == {"synth14151", "synth14152"}
    assert {d.id.split("-")[0] for d in dev} == {"synth14153", "synth14154"}

    record = json.loads((work / "model" / "training.json").read_text())
    settings = record["settings"]
    assert settings["lr"] == 2e-5 and settings["seed"] == 31
    assert (settings["max_length"], settings["stride"], settings["batch_size"]) == (128, 32, 16)
    assert (settings["eval_every"], settings["patience"]) == (50, 6)
    assert settings["distill_weight"] == 0.5 and settings["distill_temperature"] == 2.0
    assert record["distillation"]["weight"] == 0.5
    command = record["command"]
    assert command[command.index("--init") + 1] == str(student)
    assert command[command.index("--distill-from") + 1] == str(teacher)
    assert command[command.index("--augment-locales") + 1] == "all"
    assert record["steps"] == 2 and record["train_documents"] == 5
    assert json.loads((work / "summary.json").read_text())  # the run's JSON summary


def _train_mode(mode: str, teacher: Path, student: Path, tmp_path: Path, **extra: str) -> Path:
    """Run a training mode of the script, shrunk to a few notes and 2 steps; its WORKDIR."""
    work = tmp_path / "work"
    env = _env(TEACHER=str(teacher), N_STRESS="3", N_DEFAULT="2", N_DEV_STRESS="2",
               N_DEV_DEFAULT="1", TRAIN_EXTRA="--max-steps 2 --no-export", **extra)
    done = subprocess.run(["bash", str(SCRIPT), mode, str(work), "600", str(student)],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return work


def _env(**extra: str) -> dict[str, str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, **extra}


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_threshold_mode_applies_the_calibration_rule_to_both_dev_sets(
    models: tuple[Path, Path], tmp_path: Path
) -> None:
    _, student = models
    fast = (SCRIPT.parents[1] / "configs" / "fast.toml").read_text("utf-8")
    config = tmp_path / "tiny.toml"
    config.write_text(fast.replace('model = "builtin:minilm-mc-deid-l3"', f'model = "{student}"')
                      .replace('backend = "auto"', 'backend = "torch"'), "utf-8")
    work = tmp_path / "work"
    done = subprocess.run(
        ["bash", str(SCRIPT), "threshold", str(work), "tiny", str(config)],
        env=_env(N_CAL="4", N_STRESS_CAL="3", GRID="0.6,0.3"), cwd=SCRIPT.parents[1],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    record = json.loads((work / "eval" / "tiny-threshold.json").read_text())
    rows = record["stress"]["rows"]
    assert [r["threshold"] for r in rows] == [0.3, 0.6] and record["stress"]["n"] == 3
    best = max(r["recall"] for r in rows)
    assert record["stress"]["chosen"] == max(
        r["threshold"] for r in rows if r["recall"] >= best - 0.002)
    default = json.loads((work / "eval" / "tiny-threshold-default.json").read_text())
    assert default["seed"] == 777001 and default["n"] == 4
    assert record["chosen"] == min(record["stress"]["chosen"], default["chosen"])


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_hand_mode_trains_on_hand_written_notes_but_never_the_held_out_blind_sets(
    models: tuple[Path, Path], tmp_path: Path
) -> None:
    teacher, student = models
    work = _train_mode("hand", teacher, student, tmp_path, N_HAND_ORIG="1", N_HAND_LOC="1")

    train, dev = list(read_jsonl(work / "train.jsonl")), list(read_jsonl(work / "dev.jsonl"))
    sets = {d.id.split("#")[0].rsplit("-", 1)[0] for d in train}
    # hand-written: en_w1/en_w2 (en-w1, en-w2) and en_blind1..3 (en-b1..3); never en_blind4/5
    assert {s for s in sets if s.startswith("en-")} == {"en-w1", "en-w2", "en-b1", "en-b2",
                                                        "en-b3"}
    hand_dev = [d.id for d in dev if d.id.startswith("en-")]
    assert len(hand_dev) == 4 and not {i for i in hand_dev} & {d.id.split("#")[0] for d in train}
    assert {d.id.split("-")[0] for d in train if d.id.startswith("synth")} == {
        "synth14171", "synth14172"}
    settings = json.loads((work / "model" / "training.json").read_text())["settings"]
    assert settings["lr"] == 3e-5 and settings["eval_every"] == 60
    assert settings["distill_weight"] == 0.5 and not settings.get("augment_locales")
