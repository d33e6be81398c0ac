"""Transformer detector: alignment, windowing, loading, ONNX parity, torch-free ONNX path.

Alignment and windowing are tested with an *oracle* runner (logits computed from the inputs) so
they do not depend on what a tiny model happens to learn; loading and export use a tiny random
BERT built offline.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from _scripts import load_script
from fairdeid.detect.tokens import bio_labels, words_of
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import COARSE_LABELS

pytest.importorskip("tokenizers")

TEXTS = [
    "Seen by Dr. Wei Zhang on 03/04/2021 at Mercy Hospital.",
    "Patient José García, 45 y/o, lives in Zürich.",
    "患者王伟于2021年入院。 Contact Rahul Sharma राहुल शर्मा today.",
    "the patient was seen in clinic today for follow up of hypertension.",
]
TAGS = bio_labels(COARSE_LABELS)
B_NAME = TAGS.index("B-NAME")


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    pytest.importorskip("transformers")
    from fairdeid.detect.transformer import load_tokenizer
    from fairdeid.train.tiny import make_tiny_base

    base = make_tiny_base(tmp_path_factory.mktemp("base"), TEXTS * 5, max_position=64)
    return load_tokenizer(base)


def _oracle(case_class_id: int = 2):  # type: ignore[no-untyped-def]
    """Runner that tags every Title-case token B-NAME (case class arrives as token type)."""
    calls: list[tuple[int, ...]] = []

    def run(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        calls.append(ids.shape)
        logits = np.zeros((*ids.shape, len(TAGS)), dtype=np.float32)
        logits[..., 0] = 1.0
        logits[..., B_NAME] = np.where(types == case_class_id, 5.0, -5.0)
        return logits

    return run, calls


def _detector(tokenizer, runner, max_length=64, stride=8, batch_size=4):  # type: ignore[no-untyped-def]
    from fairdeid.detect.transformer import ModelMeta, TransformerDetector

    meta = ModelMeta(
        name="oracle", labels=tuple(TAGS), max_length=max_length, stride=stride, case_features=True
    )
    return TransformerDetector(tokenizer, runner, meta, batch_size=batch_size)


def _title_words(text: str) -> list[tuple[int, int]]:
    return [
        (w.start, w.end) for w in words_of(text) if w.text[:1].isupper() and w.text[1:].islower()
    ]


def test_words_keep_offsets_and_marks() -> None:
    text = "राहुल शर्मा, 王伟 e\u0301t\u00e9 O'Brien 03/04/2021"
    words = words_of(text)
    assert all(text[w.start : w.end] == w.text for w in words)
    assert [w.text for w in words][:2] == ["राहुल", "शर्मा"]
    assert "王" in [w.text for w in words] and "伟" in [w.text for w in words]
    assert "e\u0301t\u00e9" in [w.text for w in words]


@pytest.mark.parametrize("text", TEXTS)
def test_alignment_exact_on_unicode(tokenizer, text: str) -> None:  # type: ignore[no-untyped-def]
    runner, _ = _oracle()
    spans = _detector(tokenizer, runner).detect(Document("d", text))
    assert [(s.start, s.end) for s in spans] == _title_words(text)
    for s in spans:
        assert s.label == "NAME" and s.source == "transformer:oracle"
        assert 0.0 < s.score <= 1.0


def test_cjk_characters_are_labelled_individually(tokenizer) -> None:  # type: ignore[no-untyped-def]
    text = "患者王伟于2021年入院。"
    ids = {tokenizer.token_to_id("王"), tokenizer.token_to_id("伟")} - {None}
    assert ids, "tiny vocabulary should contain the CJK characters"

    def run(i: np.ndarray, m: np.ndarray, t: np.ndarray) -> np.ndarray:
        logits = np.zeros((*i.shape, len(TAGS)), dtype=np.float32)
        logits[..., 0] = 1.0
        logits[..., TAGS.index("I-NAME")] = np.where(np.isin(i, list(ids)), 5.0, -5.0)
        return logits

    spans = _detector(tokenizer, run).detect(Document("d", text))
    assert [text[s.start : s.end] for s in spans] == ["王伟"]


def test_i_tags_do_not_run_over_line_breaks(tokenizer) -> None:  # type: ignore[no-untyped-def]
    """The model never sees layout: an I- run across a break becomes one span per line."""

    def run(i: np.ndarray, m: np.ndarray, t: np.ndarray) -> np.ndarray:
        logits = np.zeros((*i.shape, len(TAGS)), dtype=np.float32)
        logits[..., TAGS.index("I-NAME")] = 5.0  # every word continues a NAME
        return logits

    text = "Wei Zhang\n\nJosé García\nRahul"
    spans = _detector(tokenizer, run).detect(Document("d", text))
    assert [text[s.start : s.end] for s in spans] == ["Wei Zhang", "José García", "Rahul"]


def test_long_note_windows_cover_everything_without_duplicates(tokenizer) -> None:  # type: ignore[no-untyped-def]
    sentence = "the patient was seen in clinic today by Zhang for follow up of hypertension. "
    text = sentence * 40
    runner, calls = _oracle()
    det = _detector(tokenizer, runner, max_length=32, stride=8)
    spans = det.detect(Document("long", text))
    expected = _title_words(text)
    assert len(expected) == 40
    assert [(s.start, s.end) for s in spans] == expected
    assert len({(s.start, s.end) for s in spans}) == len(spans)
    assert sum(c[0] for c in calls) > 1  # really windowed
    assert max(c[1] for c in calls) <= 32


def test_batch_matches_single(tokenizer) -> None:  # type: ignore[no-untyped-def]
    runner, _ = _oracle()
    det = _detector(tokenizer, runner, max_length=24, stride=4, batch_size=3)
    docs = [Document(str(i), t * (i + 1)) for i, t in enumerate(TEXTS)] + [Document("e", "")]
    batched = det.detect_batch(docs)
    assert batched == [det.detect(d) for d in docs]
    assert batched[-1] == []


def test_builtin_and_missing_model_errors(tmp_path: Path) -> None:
    from fairdeid.detect.transformer import TransformerDetector, resolve_model_path

    with pytest.raises(ConfigError):
        resolve_model_path("builtin:no-such-model")
    with pytest.raises(ConfigError):
        TransformerDetector.from_config({"model": str(tmp_path / "missing")})
    with pytest.raises(ConfigError):
        TransformerDetector.from_config({})


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("onnxruntime")
    from fairdeid.train.export import export_onnx
    from fairdeid.train.finetune import TrainConfig, train_transformer
    from fairdeid.train.tiny import make_tiny_base

    docs = []
    for i, name in enumerate(["Wei Zhang", "Anna Smith", "José García", "王伟"] * 4):
        text = f"Seen by Dr. {name} on 03/0{i % 9 + 1}/2021."
        s = text.index(name)
        d = text.index("03/")
        docs.append(
            Document(
                f"d{i}", text, spans=(Span(s, s + len(name), "DOCTOR"), Span(d, d + 10, "DATE"))
            )
        )
    root = tmp_path_factory.mktemp("model")
    base = make_tiny_base(root / "base", [d.text for d in docs] + TEXTS, max_position=64)
    out = root / "tiny-deid"
    cfg = TrainConfig(
        out=out, base=base, max_steps=4, batch_size=4, lr=1e-3, max_length=32, stride=8, log_every=1
    )
    train_transformer(cfg, docs, docs[:2], progress=False)
    export_onnx(out, keep_intermediate=True)
    return out


def test_torch_and_onnx_backends_agree(trained: Path) -> None:
    from fairdeid.detect.transformer import TransformerDetector, onnx_runner

    torch_det = TransformerDetector.load(trained, backend="torch", max_length=24, stride=4)
    onnx_det = TransformerDetector.load(trained, backend="onnx", max_length=24, stride=4)
    assert onnx_det.backend == "onnx" and torch_det.backend == "torch"
    fp32 = onnx_runner(trained / "model.opt.onnx")
    texts = [t * 3 for t in TEXTS]
    for (w1, p1), (w2, p2) in zip(
        torch_det.word_probs(texts), onnx_det.word_probs(texts), strict=True
    ):
        assert w1 == w2
        assert np.abs(p1 - p2).max() < 0.05  # int8
    enc = torch_det._encode(TEXTS[0])
    ids = np.array([[2, *enc.ids, 3]], dtype=np.int64)
    mask = np.ones_like(ids)
    types = np.array([[0, *enc.case, 0]], dtype=np.int64)
    assert np.abs(torch_det.runner(ids, mask, types) - fp32(ids, mask, types)).max() < 1e-3


def test_auto_prefers_onnx_and_config_builds(trained: Path) -> None:
    from fairdeid.detect.base import build_detector

    det = build_detector("transformer", {"model": str(trained), "batch_size": 2})
    assert getattr(det, "backend", None) == "onnx"
    spans = det.detect(Document("x", "Seen by Dr. Anna Smith on 03/04/2021."))
    assert all(s.source == "transformer:tiny-deid" for s in spans)
    log = (trained / "train_log.jsonl").read_text().splitlines()
    assert any('"event": "done"' in line for line in log)


def test_onnx_backend_never_imports_torch(trained: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["torch"] = None  # any torch import now fails
        sys.modules["transformers"] = None
        from fairdeid.detect.transformer import TransformerDetector
        from fairdeid.document import Document
        det = TransformerDetector.load({str(trained)!r}, backend="onnx")
        det.detect(Document("x", "Seen by Dr. Anna Smith on 03/04/2021."))
        print("ok")
        """
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "ok"


def test_shipped_builtin_model_finds_names() -> None:
    pytest.importorskip("onnxruntime")
    from fairdeid.detect.transformer import TransformerDetector, resolve_model_path

    try:
        resolve_model_path("builtin:minilm-mc-deid")
    except ConfigError:
        pytest.skip("shipped model not present in this checkout")
    det = TransformerDetector.load("builtin:minilm-mc-deid", backend="onnx")
    text = "Seen by Dr. Wei Zhang on 03/04/2021 at Mercy Hospital, Chengdu."
    spans = det.detect(Document("x", text))
    found = {text[s.start : s.end]: s.label for s in spans}
    assert found.get("Wei Zhang") == "NAME"
    assert found.get("03/04/2021") == "DATE"


# -- calibrated span threshold (benchmarks/calibrate_threshold.py) ------------------------------


def _calibration_module():  # type: ignore[no-untyped-def]
    return load_script("benchmarks/calibrate_threshold.py")


def test_calibration_picks_the_highest_threshold_within_the_recall_tolerance() -> None:
    from fairdeid.pipeline import Pipeline

    cal = _calibration_module()
    text = "Seen by Dr. Wei Zhang today in clinic."
    name = text.index("Wei")
    gold = [Document("d", text, spans=(Span(name, name + 9, "DOCTOR"),))]
    proposals = [
        [
            Span(name, name + 9, "NAME", "transformer:m", 0.9),  # right, confident
            Span(text.index("clinic"), len(text) - 1, "LOCATION", "transformer:m", 0.3),  # wrong
        ]
    ]
    pipeline = Pipeline.from_config({"pipeline": {"detectors": ["toy"]}})
    rows = cal.sweep(pipeline, gold, proposals, "transformer", [0.0, 0.5, 0.95])
    assert [r.recall for r in rows] == [1.0, 1.0, 0.0]
    assert rows[0].precision < rows[1].precision == 1.0
    assert cal.choose(rows, 0.002).threshold == 0.5
    assert cal.choose(rows, 1.0).threshold == 0.95  # a looser rule gives up recall


def test_calibration_refuses_the_models_training_seeds() -> None:
    cal = _calibration_module()
    with pytest.raises(SystemExit):
        cal.main(["--seed", "101", "--n", "1"])


def test_default_config_ships_the_calibrated_transformer_threshold() -> None:
    from fairdeid.pipeline import Pipeline

    config = Pipeline.from_config(detectors=["rules"]).resolver.config
    assert 0.0 < config.thresholds["transformer"] < 1.0
