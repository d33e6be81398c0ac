"""Ages under 90 under each preset with the rules alone (docs/security.md, "Presets are
policies"): the age rules propose every age they recognise by its cue, the preset decides."""

from __future__ import annotations

import functools

import pytest

from fairdeid.pipeline import Pipeline

#: (language, text, the ages in it written with an age cue, a duration that is no age)
CASES = [
    (
        "en",
        "A 78-year-old man, aged 45 at onset; now 45 y/o. Smoked for 20 years.",
        ["78", "45", "45"],
        "20",
    ),
    ("en", "Age: 45. 45 M presents with pain. He is in his 70s.", ["45", "45", "70s"], None),
    ("de", "Die 45-jährige Patientin, Alter: 45, seit 10 Jahren Raucherin.", ["45", "45"], "10"),
    ("fr", "Patiente de 45 ans, âgée de 45 ans, fume depuis 10 ans.", ["45", "45"], "10"),
    (
        "es",
        "Paciente de 45 años de edad, edad: 45, fumadora desde hace 10 años.",
        ["45", "45"],
        "10",
    ),
    ("it", "Paziente di 45 anni, 45enne, età: 45, fuma da 10 anni.", ["45", "45", "45"], "10"),
    ("nl", "Een 45-jarige vrouw, leeftijd: 45, rookt sinds 10 jaar.", ["45", "45"], "10"),
]


@functools.cache
def _pipeline(preset: str, language: str) -> Pipeline:
    return Pipeline.from_config(
        None,
        overrides={"resolve": {"preset": preset}},
        detectors=["rules"],
        mode="tag",
        language=language,
    )


def _removed(preset: str, language: str, text: str) -> list[str]:
    detection = _pipeline(preset, language).detect(text)
    return [text[s.start : s.end] for s in detection.document.spans if s.label == "AGE"]


@pytest.mark.parametrize(("language", "text", "ages", "duration"), CASES)
def test_strict_with_rules_only_removes_ages_under_90(
    language: str, text: str, ages: list[str], duration: str | None
) -> None:
    removed = _removed("strict", language, text)
    assert sorted(removed) == sorted(ages)
    assert duration is None or duration not in removed


@pytest.mark.parametrize(("language", "text", "ages", "duration"), CASES)
def test_safe_harbor_still_keeps_ages_under_90(
    language: str, text: str, ages: list[str], duration: str | None
) -> None:
    assert _removed("safe_harbor", language, text) == []


@pytest.mark.parametrize(
    ("language", "text", "age"),
    [
        ("en", "A 92 yo woman, 95 years in the village.", ["92", "95"]),
        ("de", "Die 92-jährige Frau, 93 Jahre.", ["92", "93"]),
        ("fr", "Patiente de 93 ans.", ["93"]),
    ],
)
def test_safe_harbor_removes_ages_from_90(language: str, text: str, age: list[str]) -> None:
    assert sorted(_removed("safe_harbor", language, text)) == age


#: cases that the pack tests checked on the raw detector before the preset decided ages
MOVED = [
    ("de", "Die 85-jährige Patientin wurde eingewiesen.", "85"),
    ("de", "Der 64-jährige Patient stellte sich vor.", "64"),
    ("de", "Herr Lenz (62) lebt allein", "62"),
    ("es", "Paciente de 77 años con disnea.", "77"),
    ("fr", "Patiente âgée de 76 ans, autonome.", "76"),
    ("it", "Paziente di 68 anni, in pensione.", "68"),
    ("nl", "deze 83-jarige mevrouw", "83"),
    ("nl", "dhr. Hendrik Scholten (63) woont alleen", "63"),
]


@pytest.mark.parametrize(("language", "text", "age"), MOVED)
def test_pack_ages_under_90_stay_under_safe_harbor_and_go_under_strict(
    language: str, text: str, age: str
) -> None:
    assert age not in _removed("safe_harbor", language, text)
    assert age in _removed("strict", language, text)
