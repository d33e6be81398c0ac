"""CRF detector: features, train + predict, exact offsets, loading through the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

pytest.importorskip("pycrfsuite")

NAMES = ["Wei Zhang", "Anna Smith", "José García", "Rahul Sharma", "Chidi Okafor", "王伟"]


def _docs() -> list[Document]:
    docs = []
    for i in range(36):
        name = NAMES[i % len(NAMES)]
        text = f"Seen by Dr. {name} on 03/0{i % 9 + 1}/2021 for hypertension follow up."
        s = text.index(name)
        d = text.index("03/")
        docs.append(
            Document(
                f"d{i}", text, spans=(Span(s, s + len(name), "DOCTOR"), Span(d, d + 10, "DATE"))
            )
        )
    return docs


def test_features_have_context_and_shape() -> None:
    from fairdeid.detect.crf import sentence_features, short_shape, word_shape
    from fairdeid.detect.tokens import words_of

    assert word_shape("Zhang") == "Xxxxx" and short_shape("Zhang") == "Xx"
    assert word_shape("03/04") == "dd/dd"
    feats = sentence_features(words_of("Dr. Wei Zhang"))
    assert feats[0]["-1:edge"] and feats[-1]["1:edge"]
    assert feats[-1]["-1:w"] == "wei"


def test_train_predict_and_load(tmp_path: Path) -> None:
    from fairdeid.detect.base import build_detector
    from fairdeid.train.crf_train import CRFTrainConfig, train_crf

    docs = _docs()
    summary = train_crf(CRFTrainConfig(out=tmp_path / "crf", max_iterations=50), docs, docs[:6])
    assert summary["dev"]["binary_token_recall"] > 0.9
    det = build_detector("crf", {"model": str(tmp_path / "crf")})
    doc = Document("x", "Seen by Dr. Chidi Okafor on 03/05/2021 for hypertension follow up.")
    spans = det.detect(doc)
    found = {(doc.text[s.start : s.end], s.label) for s in spans}
    assert ("Chidi Okafor", "NAME") in found
    assert all(s.source == "crf:crf" and 0 < s.score <= 1 for s in spans)


def test_crf_config_errors(tmp_path: Path) -> None:
    from fairdeid.detect.crf import CRFDetector

    with pytest.raises(ConfigError):
        CRFDetector.from_config({})
    with pytest.raises(ConfigError):
        CRFDetector.from_config({"model": str(tmp_path)})


def test_shipped_spanish_crf_finds_phi_in_spanish_text() -> None:
    pytest.importorskip("pycrfsuite")
    from fairdeid import Pipeline

    pipe = Pipeline.from_config(
        {
            "pipeline": {"detectors": ["crf"]},
            "detectors": {"crf": {"model": "builtin:crf-meddocan-es"}},
            "resolve": {"preset": "strict"},
        }
    )
    text = (
        "Paciente: María García López. Fecha de ingreso: 12/03/2019. "
        "Médico: Dr. Juan Pérez. Hospital Universitario La Paz, Madrid."
    )
    labels = {s.label for s in pipe.detect(text).spans}
    assert {"NAME", "DATE"} <= labels
