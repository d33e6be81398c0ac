"""`[resolve] detector_labels`: a detector's spans count only for the labels it is trusted with."""

from __future__ import annotations

import pytest

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import ResolveConfig, Resolver

TEXT = "Patient Anna Weber aus Lindau, Befund unauffällig."
NAME = Span(8, 18, "NAME", "transformer:m", 0.99)
PLACE = Span(23, 29, "LOCATION", "transformer:m", 0.99)
NOUN = Span(31, 37, "NAME", "transformer:m", 0.99)  # "Befund": a capitalised noun
RULE_NAME = Span(8, 18, "PATIENT", "rules:name", 1.0)


def _resolve(config: ResolveConfig, spans: list[Span]) -> list[tuple[int, int, str]]:
    out = Resolver(config).resolve(Document("d", TEXT), spans)
    return [(s.start, s.end, s.label) for s in out]


def test_only_the_listed_labels_of_that_detector_count() -> None:
    config = ResolveConfig.from_mapping({"detector_labels": {"transformer": ["LOCATION"]}})
    assert _resolve(config, [NAME, PLACE, NOUN]) == [(23, 29, "LOCATION")]


def test_other_detectors_are_not_filtered() -> None:
    config = ResolveConfig.from_mapping({"detector_labels": {"transformer": ["LOCATION"]}})
    assert _resolve(config, [RULE_NAME, NOUN]) == [(8, 18, "PATIENT")]


def test_a_group_lets_its_fine_labels_through_but_not_the_reverse() -> None:
    fine = Span(23, 29, "CITY", "transformer:m", 0.99)
    by_group = ResolveConfig.from_mapping({"detector_labels": {"transformer": ["LOCATION"]}})
    assert _resolve(by_group, [fine]) == [(23, 29, "CITY")]
    by_fine = ResolveConfig.from_mapping({"detector_labels": {"transformer": ["PATIENT"]}})
    assert _resolve(by_fine, [NAME]) == []  # a coarse NAME may be a doctor: not trusted


def test_labels_and_thresholds_both_apply() -> None:
    config = ResolveConfig.from_mapping({"detector_labels": {"transformer": ["LOCATION"]},
                                         "thresholds": {"transformer": 0.95}})
    weak = Span(23, 29, "LOCATION", "transformer:m", 0.9)
    assert _resolve(config, [weak, NAME]) == []


def test_without_the_key_nothing_changes() -> None:
    assert _resolve(ResolveConfig(), [NAME, PLACE]) == [(8, 18, "NAME"), (23, 29, "LOCATION")]


@pytest.mark.parametrize("value, message", [
    (["NAME"], "must be a table"),
    ({"transformer": "NAME"}, "must be a list of strings"),
    ({"transformer": ["NAMES"]}, "unknown label 'NAMES'"),
])
def test_bad_values_are_refused(value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ResolveConfig.from_mapping({"detector_labels": value})


def test_an_unknown_detector_is_refused_when_the_pipeline_is_built() -> None:
    config = {"pipeline": {"detectors": ["rules"]},
              "resolve": {"detector_labels": {"transfromer": ["NAME"]}}}
    with pytest.raises(ConfigError, match="detector in detector_labels"):
        Pipeline.from_config(config)
