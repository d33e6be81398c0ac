"""``[names] eponym_leaders``: a name-like word after one of these nouns (and "de") is an eponym.

Spanish, Italian and French name the thing first ("bacilo de Koch", "técnica de Anderson-Hynes");
``eponym_followers`` only knows the English order ("Koch bacillus"). Without a leaders list the
detector behaves as before, so English and every pack without the key are unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.detect.rules.detector import RuleDetector
from fairdeid.document import Document


def _names(detector: RuleDetector, text: str) -> set[str]:
    return {
        text[s.start : s.end]
        for s in detector.detect(Document(id="t", text=text))
        if s.label in {"PATIENT", "DOCTOR", "NAME"}
    }


@pytest.fixture(scope="module")
def with_leaders(tmp_path_factory: pytest.TempPathFactory) -> RuleDetector:
    path: Path = tmp_path_factory.mktemp("leaders") / "leaders.toml"
    path.write_text(
        '[names]\neponym_leaders = ["bacilo", "proteinuria", "síndrome", "tipo", "grado"]\n',
        encoding="utf-8",
    )
    return RuleDetector.from_config({"extra_patterns": [str(path)]})


@pytest.fixture(scope="module")
def without_leaders() -> RuleDetector:
    return RuleDetector.from_config({})


@pytest.mark.parametrize(
    "text",
    [
        "Cultivo de bacilo de Koch en orina negativo.",
        "Proteinuria de Bence-Jones negativa.",  # the noun is before the compound's first part
        "Sospecha de síndrome de Miller Fisher, se remite.",  # and before a two-word eponym
        "Se deja un drenaje tipo Blake en la fosa.",  # the noun right before the name
        "Atrofia de vellosidades (grado 3c de Marsh) en la biopsia.",  # words between noun and "de"
    ],
)
def test_name_after_a_leading_noun_is_an_eponym(
    with_leaders: RuleDetector, without_leaders: RuleDetector, text: str
) -> None:
    assert _names(without_leaders, text), "the case must be a name without the list"
    assert not _names(with_leaders, text)


@pytest.mark.parametrize(
    "text",
    [
        "Acude con su hija Ana García Pérez a urgencias.",
        # a sentence break ends the noun's reach
        "Síndrome febril. Hijo de Juan García, que lo acompaña.",
    ],
)
def test_names_elsewhere_stay_names(with_leaders: RuleDetector, text: str) -> None:
    assert _names(with_leaders, text)
