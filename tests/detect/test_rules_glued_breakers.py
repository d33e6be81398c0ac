"""A name breaker glued to the last word of a name ends the name where the breaker starts.

PDF-to-text signatures lose the space between a name and the next field ("Dr. Ignacio Sarra
DominguezCorreo electrónico:", "Gastón Demaría MartínezNºCol: 28 28 98702"): without this the
form word is inside the name span. Only breakers of four letters or more, starting with a
capital and glued to a lower-case letter, are cut, so "McDonald" stays whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.detect.rules.detector import RuleDetector
from fairdeid.document import Document


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> RuleDetector:
    path: Path = tmp_path_factory.mktemp("glued") / "breakers.toml"
    path.write_text('[extend.names]\nname_breakers = ["Correo", "Email"]\n', encoding="utf-8")
    return RuleDetector.from_config({"extra_patterns": [str(path)]})


def _names(detector: RuleDetector, text: str) -> set[str]:
    return {
        text[s.start : s.end]
        for s in detector.detect(Document(id="t", text=text))
        if s.label in {"PATIENT", "DOCTOR"}
    }


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Signed: Dr. Ignacio Sarra DominguezCorreo lsarra@example.org", "Ignacio Sarra Dominguez"),
        ("Signed: Dr. Lucy Ferrand FerrandezEmail: lf@example.org", "Lucy Ferrand Ferrandez"),
    ],
)
def test_glued_breaker_is_cut(detector: RuleDetector, text: str, name: str) -> None:
    found = _names(detector, text)
    assert name in found
    assert not any(n.endswith(("Correo", "Email")) for n in found)


def test_camel_case_name_stays_whole(detector: RuleDetector) -> None:
    assert "McDonald" in _names(detector, "Seen by Dr. McDonald today.")


def test_one_letter_before_a_slash_is_no_name_part(detector: RuleDetector) -> None:
    """ "C/ Eduardo Rivas, 3" (Spanish "calle") after a signature's name is a street."""
    text = "Signed: Dr. Luis Moyano Calvo C/ Eduardo Rivas, 3 28018 Madrid"
    found = _names(detector, text)
    assert "Luis Moyano Calvo" in found
    assert not any(n.endswith(" C") for n in found)
