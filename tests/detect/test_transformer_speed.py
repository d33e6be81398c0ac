"""Transformer detector speed settings (issue 14): onnxruntime session settings, windows and
length-bucketed batching come from config, and the settings that only change speed leave the
spans unchanged.

Batching is tested with an oracle runner (logits from the inputs) over the shipped model's
tokenizer, so span identity does not depend on a model's numerics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from fairdeid.corpora.synth import generate_notes
from fairdeid.detect.tokens import bio_labels
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import COARSE_LABELS

pytest.importorskip("tokenizers")

BUILTIN = "builtin:minilm-mc-deid"
TAGS = bio_labels(COARSE_LABELS)
B_NAME = TAGS.index("B-NAME")


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    from fairdeid.detect.transformer import load_tokenizer, resolve_model_path

    return load_tokenizer(resolve_model_path(BUILTIN))


def _oracle(shapes: list[tuple[int, ...]]) -> Any:
    """Tags Title-case words B-NAME; position-independent, so batching cannot change it."""

    def run(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        shapes.append(ids.shape)
        logits = np.zeros((*ids.shape, len(TAGS)), dtype=np.float32)
        logits[..., 0] = 1.0
        logits[..., B_NAME] = np.where(types == 2, 5.0, -5.0) + 0.01 * (ids % 7)
        return logits

    return run


def _detector(tokenizer: Any, runner: Any, **kwargs: Any) -> Any:
    from fairdeid.detect.transformer import ModelMeta, TransformerDetector

    meta = ModelMeta(
        name="oracle", labels=tuple(TAGS), max_length=96, stride=16, case_features=True
    )
    kwargs.setdefault("batch_size", 4)
    return TransformerDetector(tokenizer, runner, meta, **kwargs)


def test_bucketing_keeps_spans_identical_and_cuts_padding(tokenizer: Any) -> None:
    docs = list(generate_notes(40, seed=5))
    bucketed_shapes: list[tuple[int, ...]] = []
    plain_shapes: list[tuple[int, ...]] = []
    # Windows of 512 hold whole notes, so window lengths vary as much as the notes do.
    bucketed = _detector(tokenizer, _oracle(bucketed_shapes), max_length=512).detect_batch(docs)
    plain = _detector(tokenizer, _oracle(plain_shapes), max_length=512, bucket=False).detect_batch(
        docs
    )
    assert bucketed == plain
    assert sum(len(s) for s in bucketed) > 100  # the notes' names were found
    cells = [sum(int(np.prod(s)) for s in shapes) for shapes in (bucketed_shapes, plain_shapes)]
    assert cells[0] < cells[1]  # less padding computed


def test_batch_size_and_window_do_not_change_oracle_spans(tokenizer: Any) -> None:
    from fairdeid.detect.transformer import ModelMeta, TransformerDetector

    docs = list(generate_notes(12, seed=6))
    ref = _detector(tokenizer, _oracle([])).detect_batch(docs)
    for max_length, stride, batch in ((64, 8, 1), (128, 32, 16), (256, 64, 3)):
        meta = ModelMeta(name="oracle", labels=tuple(TAGS), case_features=True)
        det = TransformerDetector(
            tokenizer, _oracle([]), meta, batch_size=batch, max_length=max_length, stride=stride
        )
        assert det.detect_batch(docs) == ref, (max_length, stride, batch)


def _captured_settings(monkeypatch: pytest.MonkeyPatch, table: dict[str, Any]) -> Any:
    """Build from config with the session replaced by a recorder of its settings."""
    from fairdeid.detect import transformer

    seen: list[Any] = []

    def fake_runner(path: Any, *, threads: Any = None, settings: Any = None) -> Any:
        seen.append(settings)
        return _oracle([])

    monkeypatch.setattr(transformer, "onnx_runner", fake_runner)
    det = transformer.TransformerDetector.from_config(
        {"model": BUILTIN, "backend": "onnx", **table}
    )
    assert len(seen) == 1
    return det, seen[0]


def test_session_settings_come_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime")
    import onnxruntime as ort

    table = {
        "threads": 1,
        "inter_threads": 2,
        "spinning": True,
        "graph_optimization": "basic",
        "execution_mode": "parallel",
        "bucket": False,
    }
    det, settings = _captured_settings(monkeypatch, table)
    assert (settings.threads, settings.inter_threads, settings.spinning) == (1, 2, True)
    assert det.bucket is False
    opts = settings.session_options()
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "1"
    assert opts.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    assert opts.execution_mode == ort.ExecutionMode.ORT_PARALLEL
    assert (opts.intra_op_num_threads, opts.inter_op_num_threads) == (1, 2)


def test_window_comes_from_config_over_the_model_file(monkeypatch: pytest.MonkeyPatch) -> None:
    det, _ = _captured_settings(monkeypatch, {"max_length": 384, "stride": 32})
    assert (det.max_length, det.stride) == (384, 32)


@pytest.mark.parametrize(
    "table",
    [
        {"graph_optimization": "fastest"},
        {"execution_mode": "async"},
        {"spinning": "yes"},
        {"bucket": 1},
        {"inter_threads": -1},
        {"spinnning": False},
    ],
)
def test_bad_session_settings_are_config_errors(table: dict[str, Any]) -> None:
    from fairdeid.detect.transformer import TransformerDetector

    with pytest.raises(ConfigError):
        TransformerDetector.from_config({"model": BUILTIN, "backend": "onnx", **table})


def test_a_notes_spans_do_not_depend_on_the_other_notes_in_its_call() -> None:
    """Regression (issue 14): padded batches changed the shipped int8 model's outputs.

    The graph quantizes activations per tensor at run time, so padding and the other windows
    of a batch moved every window's quantization range: the same note got other scores, and
    some words other labels, depending on what it was batched with. The shipped default runs
    one window per call (no padding, no neighbours).
    """
    pytest.importorskip("onnxruntime")
    from fairdeid.detect.transformer import TransformerDetector
    from fairdeid.pipeline import load_config

    table = load_config()["detectors"]["transformer"]
    det = TransformerDetector.from_config(table)
    docs = list(generate_notes(8, seed=202))
    together = det.detect_batch(docs)
    alone = [det.detect_batch([doc])[0] for doc in docs]
    assert together == alone


def test_shipped_defaults_are_the_measured_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """benchmarks/README.md (model settings): spinning off, window 128 with overlap 16 (second
    pass), one window per call."""
    from fairdeid.pipeline import load_config

    table = load_config()["detectors"]["transformer"]
    det, settings = _captured_settings(monkeypatch, table)
    assert settings.spinning is False
    assert (det.max_length, det.stride, det.batch_size) == (128, 16, 1)
