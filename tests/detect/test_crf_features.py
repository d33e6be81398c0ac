"""Versioned CRF feature sets: a model names the set it was trained with, and loads with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairdeid.detect.crf import (
    CRFDetector,
    featurizer,
    pack_gazetteers,
    sentence_features,
    sentence_features_v2,
)
from fairdeid.detect.tokens import words_of
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

ADDRESS = "Domicilio: Calle Pedro Gonu, 28, Bajo A.\nLocalidad/ Provincia: Madrid."


def test_a_model_without_a_feature_set_uses_v1() -> None:
    words = words_of(ADDRESS)
    assert featurizer({})(ADDRESS, words) == sentence_features(words)
    assert featurizer({"features": "v1"})(ADDRESS, words) == sentence_features(words)


def test_an_unknown_feature_set_is_refused() -> None:
    with pytest.raises(ConfigError, match="v9"):
        featurizer({"features": "v9"})


def test_v2_adds_line_position_neighbour_shapes_and_pack_words() -> None:
    words = words_of(ADDRESS)
    feats = sentence_features_v2(ADDRESS, words, "es")
    by_word = {w.text: f for w, f in zip(words, feats, strict=True)}
    assert by_word["Domicilio"]["bol"] and by_word["Localidad"]["bol"]
    assert by_word["Calle"]["after_colon"] and by_word["Calle"]["line_index"] == 2
    assert feats[words.index(next(w for w in words if w.text == "A"))]["1:fshape"] == "."
    assert by_word["Madrid"]["pk_place"] and not by_word["Domicilio"]["pk_place"]
    assert by_word["Domicilio"]["pk_common"]
    # every v1 feature is still there, with the same value
    for v1, v2 in zip(sentence_features(words), feats, strict=True):
        assert v1.items() <= v2.items()
    # without a pack, no pack features
    assert not any(k.startswith("pk_") for k in sentence_features_v2(ADDRESS, words)[0])


def test_pack_gazetteers_leave_particles_out_of_places() -> None:
    places = pack_gazetteers("es")["place"]
    assert "madrid" in places
    # "del", "y" only ever appear in lower case inside names ("Corrales de Buelna" has its
    # "de" capitalised elsewhere: "San Miguel De Abona")
    assert "del" not in places and "y" not in places


def _docs() -> list[Document]:
    docs = []
    for i, name in enumerate(["Ana Ruiz", "Luis Gómez", "Marta Vidal", "Pablo Sanz"] * 8):
        text = f"Paciente: {name}\nFecha de ingreso: 0{i % 9 + 1}/03/2021. Dolor torácico."
        s = text.index(name)
        d = text.index("/03/") - 2
        docs.append(Document(f"d{i}", text, spans=(Span(s, s + len(name), "PATIENT"),
                                                    Span(d, d + 10, "DATE"))))
    return docs


def test_a_v2_model_records_its_features_and_loads_with_them(tmp_path: Path) -> None:
    pytest.importorskip("pycrfsuite")
    from fairdeid.train.crf_train import CRFTrainConfig, train_crf

    out = tmp_path / "crf"
    train_crf(CRFTrainConfig(out=out, max_iterations=30, features="v2", gazetteers="es"), _docs())
    meta = json.loads((out / "fairdeid_model.json").read_text("utf-8"))
    assert (meta["features"], meta["gazetteers"]) == ("v2", "es")
    det = CRFDetector.load(out)
    text = "Paciente: Marta Ruiz\nFecha de ingreso: 04/03/2021. Dolor torácico."
    words = words_of(text)
    assert det.featurize(text, words) == sentence_features_v2(text, words, "es")
    found = {(text[s.start : s.end], s.label) for s in det.detect(Document("x", text))}
    assert ("04/03/2021", "DATE") in found
    meta["features"] = "v9"
    (out / "fairdeid_model.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ConfigError, match="v9"):
        CRFDetector.load(out)


@pytest.mark.parametrize("model", ["crf-en-synth", "crf-meddocan-es"])
def test_shipped_models_without_a_feature_set_load_as_v1(model: str) -> None:
    pytest.importorskip("pycrfsuite")
    det = CRFDetector.load(f"builtin:{model}")
    words = words_of(ADDRESS)
    assert det.featurize(ADDRESS, words) == sentence_features(words)
