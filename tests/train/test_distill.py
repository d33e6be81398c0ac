"""Knowledge distillation (`fairdeid train --distill-from M --distill-weight A
--distill-temperature T`): a 2-layer student cut from a tiny fine-tuned 4-layer teacher, one
thread, a few steps."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
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
from fairdeid.train.distill import distillation_loss  # noqa: E402
from fairdeid.train.finetune import TrainConfig, train_transformer  # noqa: E402

NAMES = ["Wei Zhang", "Anna Smith", "Rahul Sharma", "Chidi Okafor"]


def _docs(n: int, offset: int = 0) -> list[Document]:
    out = []
    for i in range(offset, offset + n):
        name = NAMES[i % len(NAMES)]
        text = f"Seen by Dr. {name} on 03/0{i % 9 + 1}/2021. Plan: follow up."
        s, d = text.index(name), text.index("03/")
        out.append(Document(f"d{i}", text, spans=(Span(s, s + len(name), "DOCTOR"),
                                                   Span(d, d + 10, "DATE"))))
    return out


def _cfg(out: Path, base: Path, **kw: Any) -> TrainConfig:
    # 12 one-window notes in batches of 4: 3 steps an epoch, 6 steps in 2 epochs.
    settings: dict[str, Any] = {
        "epochs": 2.0, "batch_size": 4, "max_length": 32, "stride": 8, "threads": 1,
        "log_every": 1, "checkpoint_every": 0, "checkpoint_minutes": 0.0, **kw,
    }
    return TrainConfig(out=out, base=base, **settings)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fairdeid.train.tiny import make_tiny_base

    return make_tiny_base(tmp_path_factory.mktemp("tiny") / "base",
                          [d.text for d in _docs(12)], layers=4, max_position=64)


@pytest.fixture(scope="module")
def teacher(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fine-tuned 4-layer tiny token classifier: the shipped default model's role."""
    out = tmp_path_factory.mktemp("teacher") / "teacher"
    train_transformer(_cfg(out, base, max_steps=6, lr=1e-3), _docs(12), progress=False)
    return out


def _student(out: Path, base: Path, teacher: Path, **kw: Any) -> TrainConfig:
    """A 2-layer student cut from the teacher (as minilm-mc-deid-l3 was from minilm-mc-deid),
    taught by the teacher when ``distill_from`` is given."""
    return _cfg(out, base, init=teacher, keep_layers=(0, 2), lr=1e-3, **kw)


def _weights(out: Path) -> dict[str, Any]:
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(str(out), local_files_only=True)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _kill_at(step: int) -> Callable[[str, dict[str, Any]], None]:
    def hook(event: str, data: dict[str, Any]) -> None:
        if event == "step" and data["step"] == step:
            os.kill(os.getpid(), signal.SIGTERM)

    return hook


def test_the_loss_is_the_stated_mix_over_labelled_positions() -> None:
    """(1-A)·CE + A·T²·KL(teacher_T || student_T), the KL averaged over the labelled positions
    only: an unlabelled position (IGNORE) with wildly different logits changes nothing."""
    F = torch.nn.functional
    gen = torch.Generator().manual_seed(0)
    student = torch.randn(1, 4, 5, generator=gen)
    teacher = torch.randn(1, 4, 5, generator=gen)
    labels = torch.tensor([[1, -100, 2, 0]])
    gold = torch.tensor(0.7)
    weight, temp = 0.3, 2.0
    rows = [0, 2, 3]
    p_t = F.softmax(teacher[0, rows] / temp, dim=-1)
    kl = (p_t * (p_t.log() - F.log_softmax(student[0, rows] / temp, dim=-1))).sum() / len(rows)
    expected = (1 - weight) * 0.7 + weight * temp**2 * kl
    got = distillation_loss(student, teacher, labels, gold, weight=weight, temperature=temp)
    assert torch.allclose(got, expected, atol=1e-6)
    moved = teacher.clone()
    moved[0, 1] = torch.tensor([50.0, -50.0, 0.0, 9.0, -9.0])
    again = distillation_loss(student, moved, labels, gold, weight=weight, temperature=temp)
    assert torch.equal(got, again)
    assert distillation_loss(teacher, teacher, labels, gold, weight=1.0, temperature=temp) < 1e-6


def test_the_teacher_term_changes_what_the_student_learns(
    base: Path, teacher: Path, tmp_path: Path
) -> None:
    """A = 0.5 trains other weights than gold labels alone (a loss that ignored the teacher
    would give the same), and A = 1 pulls the student's word-label distributions towards the
    teacher's on the training windows, where gold labels alone move them away."""
    gold_only, taught = tmp_path / "gold", tmp_path / "taught"
    train_transformer(_student(gold_only, base, teacher), _docs(12), progress=False)
    train_transformer(_student(taught, base, teacher, distill_from=teacher, distill_weight=0.5),
                      _docs(12), progress=False)
    assert not _same(_weights(gold_only), _weights(taught))

    pulled = tmp_path / "pulled"
    train_transformer(_student(pulled, base, teacher, distill_from=teacher, distill_weight=1.0,
                               distill_temperature=1.0), _docs(12), progress=False)
    gap = _gap_to_teacher(pulled, teacher)
    assert gap < _gap_to_teacher(_cut(teacher), teacher)  # closer than before training
    assert gap < 0.1 * _gap_to_teacher(gold_only, teacher)  # gold alone drifts away


def _cut(teacher: Path) -> Path:
    """The untrained student: the teacher's layers 0 and 2, saved (no steps)."""
    from transformers import AutoModelForTokenClassification

    from fairdeid.train.student import keep_encoder_layers

    model = AutoModelForTokenClassification.from_pretrained(str(teacher), local_files_only=True)
    keep_encoder_layers(model, (0, 2))
    out = teacher.parent / "cut"
    model.save_pretrained(str(out))
    return out


def _gap_to_teacher(student_dir: Path, teacher_dir: Path) -> float:
    """Mean KL(teacher || student) over the words of the training notes (T = 1)."""
    from transformers import AutoModelForTokenClassification

    from fairdeid.detect.transformer import ModelMeta, load_tokenizer
    from fairdeid.train.bio import encode_documents

    meta = ModelMeta.load(teacher_dir)
    examples = encode_documents(
        _docs(12), load_tokenizer(teacher_dir), {t: i for i, t in enumerate(meta.labels)},
        scheme=meta.scheme, max_length=32, stride=8, case_features=meta.case_features,
    )
    batch = finetune._collate(examples, 0, True)
    logits = []
    for path in (teacher_dir, student_dir):
        model = AutoModelForTokenClassification.from_pretrained(str(path), local_files_only=True)
        model.eval()
        with torch.no_grad():
            logits.append(model(**{k: v for k, v in batch.items() if k != "labels"}).logits)
    return float(distillation_loss(logits[1], logits[0], batch["labels"], torch.tensor(0.0),
                                   weight=1.0, temperature=1.0))


def test_weight_zero_is_training_without_a_teacher(
    base: Path, teacher: Path, tmp_path: Path
) -> None:
    """The teacher runs (eval mode, no gradients, loaded under a forked RNG) but A = 0 leaves
    every step as it was: the student's dropout masks and updates are today's, bit for bit."""
    plain, zero = tmp_path / "plain", tmp_path / "zero"
    train_transformer(_student(plain, base, teacher), _docs(12), progress=False)
    calls: list[int] = []
    real = finetune._train_step

    def counted(run: Any, counters: Any, batch: Any) -> None:
        calls.append(run.teacher is not None)
        real(run, counters, batch)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(finetune, "_train_step", counted)
        train_transformer(_student(zero, base, teacher, distill_from=teacher, distill_weight=0.0),
                          _docs(12), progress=False)
    assert calls and all(calls)
    assert _same(_weights(plain), _weights(zero))
    record = json.loads((zero / "training.json").read_text())
    assert record["distillation"]["weight"] == 0.0
    assert record["settings"]["distill_from"] == str(teacher)
    assert json.loads((plain / "training.json").read_text())["distillation"] is None


def test_a_resumed_distillation_run_ends_bit_identical(
    base: Path, teacher: Path, tmp_path: Path
) -> None:
    reference, out = tmp_path / "reference", tmp_path / "model"
    kw: dict[str, Any] = {"distill_from": teacher, "distill_weight": 0.7,
                          "distill_temperature": 3.0}
    train_transformer(_student(reference, base, teacher, **kw), _docs(12), progress=False)
    with pytest.raises(TrainingInterrupted):
        train_transformer(_student(out, base, teacher, **kw), _docs(12), progress=False,
                          on_log=_kill_at(4))
    found = find_checkpoint(out)
    assert found is not None and found.state["settings"]["distill_weight"] == 0.7
    assert found.state["data"]["teacher"]
    with pytest.raises(ConfigError, match="--distill-temperature differs"):
        train_transformer(_student(out, base, teacher, resume=True,
                                   **{**kw, "distill_temperature": 2.0}),
                          _docs(12), progress=False)
    summary = train_transformer(_student(out, base, teacher, resume=True, **kw), _docs(12),
                                progress=False)
    assert summary["steps"] == 6 and summary["segments"] == 2
    assert _same(_weights(out), _weights(reference))


def test_resume_refuses_a_changed_teacher(base: Path, teacher: Path, tmp_path: Path) -> None:
    """Same path, other weights: the digest in the checkpoint tells."""
    import shutil

    copy = tmp_path / "teacher"
    shutil.copytree(teacher, copy)
    out = tmp_path / "model"
    with pytest.raises(TrainingInterrupted):
        train_transformer(_student(out, base, teacher, distill_from=copy), _docs(12),
                          progress=False, on_log=_kill_at(2))
    other = tmp_path / "other"
    train_transformer(_cfg(other, base, init=teacher, max_steps=1, lr=1e-2), _docs(12),
                      progress=False)
    shutil.copyfile(other / "model.safetensors", copy / "model.safetensors")
    with pytest.raises(ConfigError, match="teacher's weights differ"):
        train_transformer(_student(out, base, teacher, distill_from=copy, resume=True),
                          _docs(12), progress=False)


def test_a_teacher_must_read_the_students_labels_and_subwords(
    base: Path, teacher: Path, tmp_path: Path
) -> None:
    from fairdeid.train.tiny import make_tiny_base

    fine = tmp_path / "fine"
    train_transformer(_cfg(fine, base, scheme="fine", max_steps=1), _docs(12), progress=False)
    with pytest.raises(ConfigError, match="teacher's labels"):
        train_transformer(_student(tmp_path / "a", base, teacher, distill_from=fine),
                          _docs(12), progress=False)
    other_base = make_tiny_base(tmp_path / "other-base", ["entirely different words here"],
                                vocab_size=60, max_position=64)
    stranger = tmp_path / "stranger"
    train_transformer(_cfg(stranger, other_base, max_steps=1), _docs(12), progress=False)
    with pytest.raises(ConfigError, match="tokenizer differs"):
        train_transformer(_student(tmp_path / "b", base, teacher, distill_from=stranger),
                          _docs(12), progress=False)
    for kw, message in (({"distill_weight": 1.5}, "between 0 and 1"),
                        ({"distill_temperature": 0.0}, "must be > 0")):
        with pytest.raises(ConfigError, match=message):
            train_transformer(_student(tmp_path / "c", base, teacher, distill_from=teacher, **kw),
                              _docs(12), progress=False)


def _train(*args: str) -> Any:
    from fairdeid.cli import app

    return CliRunner().invoke(app, ["train", *args])


def test_cli_flags(base: Path, teacher: Path, tmp_path: Path) -> None:
    train = tmp_path / "train.jsonl"
    write_jsonl(_docs(12), train)
    flags = ["--train", str(train), "--init", str(teacher), "--keep-layers", "0,2",
             "--max-steps", "2", "--batch-size", "4", "--max-length", "32", "--stride", "8",
             "--threads", "1", "--no-export", "--no-progress", "--json"]
    refused = _train(*flags, "--out", str(tmp_path / "a"), "--distill-weight", "0.5")
    assert refused.exit_code == 2 and "give --distill-from MODEL" in refused.output
    refused = _train(*flags, "--out", str(tmp_path / "a"), "--distill-from", str(teacher),
                     "--distill-temperature", "-1")
    assert refused.exit_code == 2 and "--distill-temperature must be > 0" in refused.output
    done = _train(*flags, "--out", str(tmp_path / "b"), "--distill-from", str(teacher),
                  "--distill-weight", "0.25", "--distill-temperature", "4")
    assert done.exit_code == 0, done.output
    record = json.loads((tmp_path / "b" / "training.json").read_text())
    assert record["distillation"]["weight"] == 0.25
    assert record["distillation"]["temperature"] == 4.0
    assert "--distill-from" in record["command"]
    defaults = _train(*flags, "--out", str(tmp_path / "c"), "--distill-from", str(teacher))
    assert defaults.exit_code == 0, defaults.output
    settings = json.loads((tmp_path / "c" / "training.json").read_text())["settings"]
    assert settings["distill_weight"] == 0.5 and settings["distill_temperature"] == 2.0
