"""The transformer detector's cheaper paths (issue 14) give the same answers as the plain ones.

* even windows: every token covered, windows overlap by the stride, and a long note feeds only
  ``n + (k - 1) * stride`` tokens (plus specials and rounding), not whole windows pinned to its end;
* the first-subword scatter in numpy labels each word with its first subword's prediction;
* the export's SkipLayerNormalization unfusing computes the same function, and the shipped graph
  carries the unfused form.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from fairdeid.corpora.synth import generate_notes
from fairdeid.detect.tokens import bio_labels, words_of
from fairdeid.document import Document
from fairdeid.taxonomy import COARSE_LABELS

pytest.importorskip("tokenizers")

BUILTIN = "builtin:minilm-mc-deid"
TAGS = bio_labels(COARSE_LABELS)


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    from fairdeid.detect.transformer import load_tokenizer, resolve_model_path

    return load_tokenizer(resolve_model_path(BUILTIN))


def _by_id(fed: list[int]) -> Any:
    """Logits from each token id alone (position-free), counting the tokens fed."""

    def run(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        fed.append(int(mask.sum()))
        logits = np.zeros((*ids.shape, len(TAGS)), dtype=np.float32)
        for label in range(len(TAGS)):
            logits[..., label] = np.sin(ids * (label + 1) * 0.37)
        return logits

    return run


def _detector(tokenizer: Any, runner: Any, max_length: int, stride: int) -> Any:
    from fairdeid.detect.transformer import ModelMeta, TransformerDetector

    meta = ModelMeta(name="by-id", labels=tuple(TAGS), case_features=True)
    return TransformerDetector(
        tokenizer, runner, meta, batch_size=1, max_length=max_length, stride=stride
    )


def test_window_bounds_cover_every_token_with_the_overlap() -> None:
    from fairdeid.detect.transformer import window_bounds

    for n, size, overlap in itertools.product(range(1, 300), (6, 20, 126), (0, 1, 3, 16, 32)):
        if overlap >= size - 2:
            continue
        bounds = window_bounds(n, size, overlap)
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        assert all(0 < end - start <= size for start, end in bounds)
        assert len({end - start for start, end in bounds}) == 1  # one length: even context
        for (s1, e1), (s2, _) in itertools.pairwise(bounds):
            assert s1 < s2 and e1 - s2 >= overlap
        # the fewest windows that can fit
        k = len(bounds)
        assert k == 1 or (k - 1) * (size - overlap) + overlap < n


def test_long_note_feeds_the_overlap_only(tokenizer: Any) -> None:
    fed: list[int] = []
    det = _detector(tokenizer, _by_id(fed), max_length=128, stride=16)
    doc = max(generate_notes(30, seed=8), key=lambda d: len(d.text))
    n = len(det._encode(doc.text).ids)
    det.detect_batch([doc])
    k = len(fed)
    assert k > 2
    # content tokens: n, plus the overlaps, plus at most one rounding token per window
    assert sum(fed) - 2 * k <= n + (k - 1) * 16 + k
    # the old layout (full windows, the last pinned to the end) fed about a window more
    assert sum(fed) < k * 128 - 16


def test_words_take_their_first_subwords_prediction(tokenizer: Any) -> None:
    from fairdeid.detect.transformer import _softmax

    det = _detector(tokenizer, _by_id([]), max_length=64, stride=16)
    # long words split into several subwords; accents, CJK and punctuation; long enough to window
    text = (
        "Pneumonoultramicroscopicsilicovolcanoconiosis seen by Dr. Zhang Wěi (张伟) on 2024-03-05, "
        "MRN 00123456; Krishnamurthy-Venkataraman's follow-up at Saint-Étienne. "
    ) * 4
    words, wp = det.word_probs([text])[0]
    assert [w.text for w in words] == [w.text for w in words_of(text)]
    for i, word in enumerate(words):
        first = tokenizer.encode([word.text], is_pretokenized=True, add_special_tokens=False).ids
        ids = np.array([first[0]], dtype=np.int64)
        logits = np.stack([np.sin(ids * (lab + 1) * 0.37) for lab in range(len(TAGS))], axis=-1)
        logits = logits.astype(np.float32)
        np.testing.assert_allclose(wp[i], _softmax(logits)[0], rtol=1e-5, atol=1e-6)


def test_case_classes_reach_the_model_per_word(tokenizer: Any) -> None:
    from fairdeid.detect.tokens import case_class

    det = _detector(tokenizer, _by_id([]), max_length=64, stride=16)
    text = "Anna ANNA anna Anna 1234 anna-Marie ÉLODIE"
    enc = det._encode(text)
    words = words_of(text)
    assert enc.case == [case_class(words[w].text) if w >= 0 else 0 for w in enc.word_ids]


def test_detect_batch_unchanged_by_notes_order(tokenizer: Any) -> None:
    det = _detector(tokenizer, _by_id([]), max_length=64, stride=8)
    docs = [Document(d.id, d.text) for d in generate_notes(6, seed=9)]
    forward = det.detect_batch(docs)
    backward = det.detect_batch(docs[::-1])[::-1]
    assert forward == backward


# -- SkipLayerNormalization unfusing ---------------------------------------------------------------


def _sln_model(*, bias: bool, beta: bool, sum_output: bool, mean_output: bool, opset: int) -> Any:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    hidden = 16
    rng = np.random.default_rng(3)
    inits = [numpy_helper.from_array(rng.normal(size=hidden).astype(np.float32), "gamma")]
    inputs = ["x", "skip", "gamma"]
    if beta or bias:
        inits.append(numpy_helper.from_array(rng.normal(size=hidden).astype(np.float32), "beta"))
        inputs.append("beta" if beta else "")
    if bias:
        inits.append(numpy_helper.from_array(rng.normal(size=hidden).astype(np.float32), "bias"))
        inputs.append("bias")
    outputs = ["y", "mean" if mean_output else "", "", "total" if sum_output else ""]
    while outputs and not outputs[-1]:
        outputs.pop()
    node = helper.make_node(
        "SkipLayerNormalization", inputs, outputs, domain="com.microsoft", epsilon=1e-5
    )
    # a consumer after the norm, so the rewrite must keep the output names
    after = helper.make_node("Relu", ["y"], ["out"])
    graph_outputs = [helper.make_tensor_value_info("out", TensorProto.FLOAT, [2, 5, hidden])]
    if sum_output:
        graph_outputs.append(helper.make_tensor_value_info("total", TensorProto.FLOAT, None))
    graph = helper.make_graph(
        [node, after],
        "sln",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 5, hidden]),
            helper.make_tensor_value_info("skip", TensorProto.FLOAT, [2, 5, hidden]),
        ],
        graph_outputs,
        inits,
    )
    return onnx.helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", opset), helper.make_opsetid("com.microsoft", 1)],
    )


def _run_model(model: Any) -> list[np.ndarray]:
    ort = pytest.importorskip("onnxruntime")
    rng = np.random.default_rng(4)
    feed = {
        "x": rng.normal(size=(2, 5, 16)).astype(np.float32),
        "skip": rng.normal(size=(2, 5, 16)).astype(np.float32),
    }
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return [np.asarray(o) for o in sess.run(None, feed)]


@pytest.mark.parametrize(
    ("bias", "beta", "sum_output"),
    [(True, True, False), (False, True, False), (False, False, False), (True, True, True)],
)
def test_unfused_skip_layernorm_computes_the_same(bias: bool, beta: bool, sum_output: bool) -> None:
    from fairdeid.train.export import unfuse_skip_layernorm

    model = _sln_model(bias=bias, beta=beta, sum_output=sum_output, mean_output=False, opset=17)
    before = _run_model(model)
    assert unfuse_skip_layernorm(model) == 1
    ops = [n.op_type for n in model.graph.node]
    assert "SkipLayerNormalization" not in ops
    assert ops.count("LayerNormalization") == 1 and ops.count("Add") == (2 if bias else 1)
    after = _run_model(model)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_skip_layernorm_kept_when_it_cannot_be_unfused() -> None:
    from fairdeid.train.export import unfuse_skip_layernorm

    old_opset = _sln_model(bias=True, beta=True, sum_output=False, mean_output=False, opset=16)
    assert unfuse_skip_layernorm(old_opset) == 0  # no LayerNormalization before opset 17
    with_mean = _sln_model(bias=True, beta=True, sum_output=False, mean_output=True, opset=17)
    assert unfuse_skip_layernorm(with_mean) == 0
    assert [n.op_type for n in with_mean.graph.node][0] == "SkipLayerNormalization"


def test_shipped_graph_has_no_skip_layernorm() -> None:
    """The shipped graph went through the unfusing pass (about a quarter of its CPU time)."""
    from fairdeid.detect.transformer import resolve_model_path

    graph = (resolve_model_path(BUILTIN) / "model.int8.onnx").read_bytes()
    assert b"SkipLayerNormalization" not in graph
    assert b"LayerNormalization" in graph
