"""Convergence by a stated rule: dev scored every N steps, the best model (dev binary-token F2)
saved rather than the last, early stop after ``patience`` evaluations without an improvement of
more than ``min_delta``, and all of it carried through a checkpoint and --resume.

Tiny random BERT, one thread, a few steps (the set-up of ``test_resume``).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

torch = pytest.importorskip("torch")

from fairdeid.train import finetune  # noqa: E402
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


def _cfg(out: Path, base: Path, **kw: Any) -> TrainConfig:
    # 12 one-window notes in batches of 4: 3 steps an epoch, 9 steps in 3 epochs.
    settings: dict[str, Any] = {
        "epochs": 3.0, "batch_size": 4, "max_length": 32, "stride": 8, "threads": 1,
        "log_every": 1, "checkpoint_every": 0, "checkpoint_minutes": 0.0, **kw,
    }
    return TrainConfig(out=out, base=base, **settings)


def _kill_at(*steps: int) -> Callable[[str, dict[str, Any]], None]:
    """An ``on_log`` hook that sends this process SIGTERM after each of ``steps``."""

    def hook(event: str, data: dict[str, Any]) -> None:
        if event == "step" and data["step"] in steps:
            os.kill(os.getpid(), signal.SIGTERM)

    return hook


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fairdeid.train.tiny import make_tiny_base

    return make_tiny_base(
        tmp_path_factory.mktemp("tiny") / "base", [d.text for d in _docs(12)], max_position=64
    )


def _saved_state(out: Path) -> dict[str, Any]:
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(str(out), local_files_only=True)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _record(out: Path) -> dict[str, Any]:
    return json.loads((out / "training.json").read_text())


def _curve(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The evaluation history without its clock readings."""
    return [(e["step"], e["binary_token_f2"], e["best"], e["since_best"])
            for e in record["evaluations"]]


def test_a_dev_score_that_stops_improving_stops_the_run(base: Path, tmp_path: Path) -> None:
    """lr 0: the model never changes, so neither does its real dev score; after the first
    evaluation (the best), ``patience`` evaluations without improvement end the run."""
    out = tmp_path / "model"
    summary = train_transformer(
        _cfg(out, base, lr=0.0, eval_every=1, patience=3), _docs(12), _docs(4, 20),
        progress=False,
    )
    assert summary["steps"] == 4 and summary["stopped_by"] == "converged"
    assert summary["selection"]["best_step"] == 1 and summary["selection"]["since_best"] == 3
    record = _record(out)
    assert record["stopped_by"] == "converged" and record["steps_planned"] == 9
    assert [e[0] for e in _curve(record)] == [1, 2, 3, 4]
    assert [e[2] for e in _curve(record)] == [True, False, False, False]
    assert find_checkpoint(out) is None  # converged is finished: nothing to resume
    events = [json.loads(line) for line in (out / "train_log.jsonl").open()]
    evals = [e for e in events if e["event"] == "eval"]
    assert len(evals) == 4 and {"step", "epochs_done", "binary_token_f2",
                                "binary_token_recall"} <= evals[0].keys()
    assert any(e["event"] == "converged" for e in events)
    assert record["segments"][-1]["ended"] == "converged"


def _scripted(monkeypatch: pytest.MonkeyPatch, values: list[float]) -> None:
    """Dev scores in a given order (precision = recall = value, so F2 = value)."""
    it: Iterator[float] = iter(values)

    def fake(detector: Any, dev: Any) -> dict[str, float]:
        v = next(it)
        return {"binary_token_recall": v, "binary_token_precision": v,
                "binary_token_f1": v, "strict_f1": v}

    monkeypatch.setattr(finetune, "evaluate_detector", fake)


def _snapshots(monkeypatch: pytest.MonkeyPatch) -> dict[int, dict[str, Any]]:
    """The model's weights after every step."""
    taken: dict[int, dict[str, Any]] = {}
    real = finetune._train_step

    def step(run: Any, counters: Any, batch: Any) -> None:
        real(run, counters, batch)
        taken[counters.step] = {k: v.detach().clone()
                                for k, v in run.start.model.state_dict().items()}

    monkeypatch.setattr(finetune, "_train_step", step)
    return taken


def test_the_best_model_is_saved_not_the_last(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scripted(monkeypatch, [0.5, 0.8, 0.6, 0.7, 0.79])
    weights = _snapshots(monkeypatch)
    out = tmp_path / "model"
    summary = train_transformer(_cfg(out, base, eval_every=1, patience=3), _docs(12),
                                _docs(4, 20), progress=False)
    assert summary["steps"] == 5 and summary["stopped_by"] == "converged"
    assert summary["selection"]["best_step"] == 2 and summary["dev"]["binary_token_recall"] == 0.8
    saved = _saved_state(out)
    assert _same(saved, weights[2]) and not _same(saved, weights[5])


def test_improvements_within_min_delta_do_not_count(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scripted(monkeypatch, [0.5, 0.505, 0.509, 0.52, 0.525, 0.529, 0.5295])
    summary = train_transformer(
        _cfg(tmp_path / "model", base, eval_every=1, patience=3, min_delta=0.01), _docs(12),
        _docs(4, 20), progress=False,
    )
    # 0.505 and 0.509 are within 0.01 of 0.5; 0.52 is the next best; the last three are not
    assert summary["steps"] == 7 and summary["selection"]["best_step"] == 4


def test_a_run_that_ends_between_evaluations_scores_its_last_model(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """9 steps, dev every 4: the last model (step 9) is scored too, and kept when best."""
    _scripted(monkeypatch, [0.5, 0.6, 0.7])
    weights = _snapshots(monkeypatch)
    out = tmp_path / "model"
    summary = train_transformer(_cfg(out, base, eval_every=4), _docs(12), _docs(4, 20),
                                progress=False)
    assert summary["stopped_by"] == "done" and summary["selection"]["best_step"] == 9
    assert [e[0] for e in _curve(_record(out))] == [4, 8, 9]
    assert _same(_saved_state(out), weights[9])


def test_resume_keeps_the_patience_count(base: Path, tmp_path: Path) -> None:
    """Killed at step 3 (two evaluations since the best), the resumed run stops at step 4 as
    the uninterrupted one does; a run that forgot the count would train on to step 7."""
    out = tmp_path / "model"
    cfg = _cfg(out, base, lr=0.0, eval_every=1, patience=3)
    with pytest.raises(TrainingInterrupted):
        train_transformer(cfg, _docs(12), _docs(4, 20), progress=False, on_log=_kill_at(3))
    found = find_checkpoint(out)
    assert found is not None and found.state["selection"]["since_best"] == 2
    assert found.state["selection"]["best_step"] == 1
    summary = train_transformer(_cfg(out, base, lr=0.0, eval_every=1, patience=3, resume=True),
                                _docs(12), _docs(4, 20), progress=False)
    assert summary["steps"] == 4 and summary["stopped_by"] == "converged"
    assert [e[0] for e in _curve(_record(out))] == [1, 2, 3, 4]


def test_resumed_run_matches_the_uninterrupted_one_with_selection(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same weights saved (the best, restored from the checkpoint's copy) and the same dev
    curve, with a kill after the best and before the end."""
    scores = [0.5, 0.9, 0.6, 0.7, 0.8]
    weights = _snapshots(monkeypatch)
    _scripted(monkeypatch, list(scores))
    reference = tmp_path / "reference"
    train_transformer(_cfg(reference, base, eval_every=2, patience=9), _docs(12),
                      _docs(4, 20), progress=False)
    _scripted(monkeypatch, list(scores[:3]))  # evaluations at steps 2, 4, 6 before the kill
    out = tmp_path / "model"
    with pytest.raises(TrainingInterrupted):
        train_transformer(_cfg(out, base, eval_every=2, patience=9), _docs(12), _docs(4, 20),
                          progress=False, on_log=_kill_at(7))
    _scripted(monkeypatch, list(scores[3:]))  # steps 8 and the final 9
    summary = train_transformer(_cfg(out, base, eval_every=2, patience=9, resume=True),
                                _docs(12), _docs(4, 20), progress=False)
    assert summary["selection"]["best_step"] == 4 and summary["segments"] == 2
    assert _curve(_record(out)) == _curve(_record(reference))
    assert _same(_saved_state(out), _saved_state(reference))
    assert _same(_saved_state(out), weights[4])


def test_selection_settings_are_validated(base: Path, tmp_path: Path) -> None:
    for kw, message in (
        ({"patience": 2, "eval_every": 1}, "--patience scores the dev set: give --dev"),
        ({"eval_every": 1}, "--eval-every scores the dev set: give --dev"),
    ):
        with pytest.raises(ConfigError, match=message):
            train_transformer(_cfg(tmp_path / "m", base, **kw), _docs(12), progress=False)
    for kw, message in (
        ({"patience": 2}, "give --eval-every N"),
        ({"eval_every": 1, "min_delta": 0.01}, "give --patience K"),
        ({"eval_every": -1}, "must be >= 0"),
    ):
        with pytest.raises(ConfigError, match=message):
            train_transformer(_cfg(tmp_path / "m", base, **kw), _docs(12), _docs(4, 20),
                              progress=False)


def test_resume_of_a_checkpoint_older_than_the_selection_settings(
    base: Path, tmp_path: Path
) -> None:
    """A checkpoint written before --eval-every existed has no such setting; it resumes with
    the defaults (the run it belongs to had them), rather than being refused."""
    out = tmp_path / "model"
    with pytest.raises(TrainingInterrupted):
        train_transformer(_cfg(out, base), _docs(12), progress=False, on_log=_kill_at(4))
    state_file = out / "checkpoint" / "state.json"
    state = json.loads(state_file.read_text())
    for key in ("eval_every", "patience", "min_delta"):
        del state["settings"][key]
    del state["selection"]
    state_file.write_text(json.dumps(state))
    summary = train_transformer(_cfg(out, base, resume=True), _docs(12), progress=False)
    assert summary["steps"] == 9
    with pytest.raises(TrainingInterrupted):
        train_transformer(_cfg(tmp_path / "b", base), _docs(12), progress=False,
                          on_log=_kill_at(4))
    with pytest.raises(ConfigError, match="--eval-every differs"):
        train_transformer(_cfg(tmp_path / "b", base, resume=True, eval_every=2), _docs(12),
                          _docs(4, 20), progress=False)


def _train(*args: str) -> Any:
    from fairdeid.cli import app

    return CliRunner().invoke(app, ["train", *args])


def test_cli_flags(tmp_path: Path, base: Path) -> None:
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    write_jsonl(_docs(12), train)
    write_jsonl(_docs(4, 20), dev)
    flags = ["--train", str(train), "--base", str(base), "--epochs", "3", "--batch-size", "4",
             "--max-length", "32", "--stride", "8", "--threads", "1", "--no-export",
             "--no-progress", "--json", "--lr", "0"]
    refused = _train(*flags, "--out", str(tmp_path / "a"), "--patience", "2",
                     "--eval-every", "1")
    assert refused.exit_code == 2 and "--patience scores the dev set" in refused.output
    refused = _train(*flags, "--out", str(tmp_path / "a"), "--dev", str(dev), "--patience", "2")
    assert refused.exit_code == 2 and "give --eval-every N" in refused.output
    done = _train(*flags, "--out", str(tmp_path / "b"), "--dev", str(dev), "--eval-every", "1",
                  "--patience", "2", "--min-delta", "0.001")
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["stopped_by"] == "converged" and summary["steps"] == 3
    record = _record(tmp_path / "b")
    assert record["settings"]["patience"] == 2 and record["settings"]["min_delta"] == 0.001
    assert "--eval-every" in record["command"]


def test_default_run_is_unchanged_without_selection(base: Path, tmp_path: Path) -> None:
    """No --eval-every: scored after each epoch, the last model saved, stopped_by done."""
    out = tmp_path / "model"
    summary = train_transformer(_cfg(out, base), _docs(12), _docs(4, 20), progress=False)
    assert summary["stopped_by"] == "done" and "selection" not in summary
    assert _record(out)["evaluations"] == []
    assert TrainConfig.eval_every == 0
