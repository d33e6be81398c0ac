"""A unisex first name gets one surrogate in a patient's scope, whatever each note's titles and
pronouns say, and in whatever order the notes come."""

from __future__ import annotations

import pytest

from fairdeid.document import Document, Span
from fairdeid.replace import build_replacer
from fairdeid.replace.surrogates import SurrogateReplacer

KEY_TAIL = "-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"

NOTES = [
    "{title}Mr. {name} Roe came in. He says his knee hurts; he is worried.",
    "{title}Mrs. {name} Roe came in. She says her knee hurts; she is worried.",
    "{title}{name} Roe came in for a check-up.",
]


def _replacer(locale: str, key: str) -> SurrogateReplacer:
    rep = build_replacer({"mode": "surrogate", "locales": [locale], "key": key + KEY_TAIL})
    assert isinstance(rep, SurrogateReplacer)
    return rep


def _first_names(locale: str, key: str, name: str, order: list[int]) -> dict[int, str]:
    rep = _replacer(locale, key)
    out = {}
    for i in order:
        text = NOTES[i].format(title="", name=name)
        start = text.index(name)
        span = Span(start, start + len(name) + len(" Roe"), "PATIENT")
        doc = Document(f"n{i}", text, {"patient_id": "p1"}, (span,))
        result = rep.replace(doc, [span])
        out[i] = result.text[result.spans[0].start : result.spans[0].end].split(" ")[0]
    return out


@pytest.mark.parametrize(
    ("locale", "name"),
    [("en_US", "Alex"), ("en_US", "Sam"), ("en_US", "Andrea"), ("en_US", "Kim"),
     ("en_GB", "Jean"), ("fr_FR", "Jean")],
)
@pytest.mark.parametrize("key", ["k1", "k2", "k3", "k4"])
def test_a_unisex_name_gets_one_surrogate_in_every_note(locale: str, name: str, key: str) -> None:
    forward = _first_names(locale, key, name, [0, 1, 2])
    backward = _first_names(locale, key, name, [2, 1, 0])
    assert len(set(forward.values())) == 1, forward
    assert forward == backward
