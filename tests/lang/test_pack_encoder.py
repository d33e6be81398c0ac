"""The multicultural encoder in the language packs (docs/language-packs.md, "The multicultural
encoder on other languages"): fr and nl run it beside their rules, from a high score; de has it
opt-in, trusted with places only. Uses the shipped ONNX models, as tests/detect do.

The sentences are invented. The lower-case names follow a field label ("Contact :") that the
rules do not read as a name cue: the rules alone find nothing there.
"""

from __future__ import annotations

from typing import Any

import pytest

from fairdeid.document import Document
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline

pytest.importorskip("onnxruntime")

#: (language, sentence, the lower-case name the encoder adds)
LOWER_CASE_NAMES = [
    ("fr", "Contact : julien petit (frère).", "julien petit"),
    ("nl", "Contact: pieter bakker (broer).", "pieter bakker"),
]


def _found(pipeline: Pipeline, text: str) -> list[tuple[str, str, str]]:
    doc = pipeline.detect(Document("t", text)).document
    return [(s.label, text[s.start:s.end], s.detector) for s in doc.spans]


def _without_encoder(code: str) -> list[str]:
    return [d for d in load_pack(code).config["pipeline"]["detectors"] if d != "transformer"]


@pytest.mark.parametrize("code, text, name", LOWER_CASE_NAMES)
def test_the_pack_with_the_encoder_finds_a_lower_case_name_the_rules_miss(
        code: str, text: str, name: str) -> None:
    pipeline = Pipeline.from_config(None, language=code)
    assert "transformer" in pipeline.detectors
    assert ("NAME", name, "transformer") in _found(pipeline, text)
    rules = Pipeline.from_config(None, language=code, detectors=_without_encoder(code))
    # the rules miss it; the nl CRF, trained on more writers' lower-case notes, may find it too
    assert all(detector == "crf" for _, _, detector in _found(rules, text))


@pytest.mark.parametrize("code, text, name", LOWER_CASE_NAMES)
def test_routing_sends_the_note_to_the_pack_that_runs_the_encoder(
        code: str, text: str, name: str) -> None:
    openings = {
        "fr": "Compte rendu de consultation. Nous avons reçu ce jour le patient pour le suivi de "
              "son diabète. Examen clinique sans particularité, pas de fièvre. ",
        "nl": "Verslag van het spreekuur. Vandaag zagen wij de patiënt voor controle van zijn "
              "diabetes. Lichamelijk onderzoek zonder bijzonderheden, geen koorts. ",
    }
    note = openings[code] + text
    auto = Pipeline.from_config(None, language="auto")
    [detection] = auto.detect_batch([Document("n1", note)])
    names = [(s.label, note[s.start:s.end]) for s in detection.document.spans
             if s.detector == "transformer"]
    assert ("NAME", name) in names


def _german_with_encoder() -> Pipeline:
    config: dict[str, Any] = load_pack("de").config
    return Pipeline.from_config(config, detectors=["rules", "transformer"])


def test_german_opt_in_keeps_the_encoder_s_places_and_drops_its_names() -> None:
    text = "Kontakt: jonas becker (Sohn). Kleinberghofen, Landkreis Dachau."
    pipeline = _german_with_encoder()
    proposed = pipeline.propose([Document("t", text)])[0].spans
    encoder_names = {text[s.start:s.end] for s in proposed
                     if s.detector == "transformer" and s.label == "NAME" and s.score >= 0.95}
    assert "Sohn" in encoder_names  # a capitalised noun the encoder reads as a name
    found = _found(pipeline, text)
    assert all(label != "NAME" for label, _, _ in found)
    assert ("LOCATION", "Kleinberghofen", "transformer") in found  # a place in no list
    rules = Pipeline.from_config(load_pack("de").config, detectors=["rules"])
    assert all(covered != "Kleinberghofen" for _, covered, _ in _found(rules, text))


def test_german_default_does_not_run_the_encoder() -> None:
    assert "transformer" not in Pipeline.from_config(None, language="de").detectors
