"""`fairdeid train` end to end on tiny data (tiny random BERT, a few steps; CRF)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.document import Document, Span


def _docs(n: int) -> list[Document]:
    names = ["Wei Zhang", "Anna Smith", "Rahul Sharma", "Chidi Okafor"]
    out = []
    for i in range(n):
        name = names[i % len(names)]
        text = f"Seen by Dr. {name} on 03/0{i % 9 + 1}/2021. Plan: follow up."
        s = text.index(name)
        d = text.index("03/")
        out.append(
            Document(
                f"d{i}", text, spans=(Span(s, s + len(name), "DOCTOR"), Span(d, d + 10, "DATE"))
            )
        )
    return out


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    write_jsonl(_docs(12), train)
    write_jsonl(_docs(4), dev)
    return train, dev


def test_cli_train_transformer_end_to_end(tmp_path: Path, data: tuple[Path, Path]) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("onnxruntime")
    from fairdeid.cli import app
    from fairdeid.detect.transformer import TransformerDetector
    from fairdeid.train.tiny import make_tiny_base

    train, dev = data
    base = make_tiny_base(tmp_path / "base", [d.text for d in _docs(12)], max_position=64)
    out = tmp_path / "model"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--train",
            str(train),
            "--dev",
            str(dev),
            "--out",
            str(out),
            "--base",
            str(base),
            "--max-steps",
            "3",
            "--batch-size",
            "4",
            "--max-length",
            "32",
            "--stride",
            "8",
            "--limit",
            "8",
            "--no-progress",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["steps"] == 2  # 8 docs / batch 4, one epoch
    assert "binary_token_recall" in summary["dev"]
    assert (out / "model.int8.onnx").is_file() and (out / "fairdeid_model.json").is_file()
    events = [json.loads(line)["event"] for line in (out / "train_log.jsonl").open()]
    assert events[0] == "start" and events[-1] == "done" and "eval" in events
    det = TransformerDetector.load(out)
    assert det.backend == "onnx"


def test_cli_train_crf(tmp_path: Path, data: tuple[Path, Path]) -> None:
    pytest.importorskip("pycrfsuite")
    from fairdeid.cli import app

    train, dev = data
    out = tmp_path / "crf"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--kind",
            "crf",
            "--train",
            str(train),
            "--dev",
            str(dev),
            "--out",
            str(out),
            "--json",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "crf.model").is_file()


def test_cli_train_errors_are_clean(tmp_path: Path) -> None:
    from fairdeid.cli import app

    result = CliRunner().invoke(
        app, ["train", "--train", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "not found" in result.output
