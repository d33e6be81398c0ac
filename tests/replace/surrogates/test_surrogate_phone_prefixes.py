"""A phone written with and without its trunk prefix or country code is one value: one
surrogate, written in each layout with that layout's own prefix."""

from __future__ import annotations

import re

import pytest

from fairdeid.document import Document, Span
from fairdeid.replace import build_replacer
from fairdeid.replace.surrogates import SurrogateReplacer

KEY = "prefix-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"


def _surrogates(locale: str, values: list[str], label: str = "PHONE") -> list[str]:
    rep = build_replacer({"mode": "surrogate", "locales": [locale], "key": KEY})
    assert isinstance(rep, SurrogateReplacer)
    text = " ; ".join(values)
    spans, cursor = [], 0
    for value in values:
        i = text.index(value, cursor)
        cursor = i + len(value)
        spans.append(Span(i, i + len(value), label))
    out = rep.replace(Document("d", text, {"patient_id": "p1"}), spans)
    return [out.text[s.start : s.end] for s in out.spans]


def _national(written: str, prefix: str) -> str:
    """The digits after the country code and the trunk prefix."""
    digits = re.sub(r"\D", "", written)
    assert digits.startswith(prefix), written
    return digits[len(prefix) :]


@pytest.mark.parametrize(
    ("locale", "values", "prefixes"),
    [
        (
            "en_GB",
            ["0161 496 0000", "+44 161 496 0000", "(0161) 4960000", "+44 (0)161 496 0000"],
            ["0", "44", "0", "440"],
        ),
        ("fr_FR", ["06 12 34 56 78", "+33 6 12 34 56 78"], ["0", "33"]),
        ("en_US", ["1-555-201-0142", "555-201-0142", "+1 555 201 0142"], ["1", "", "1"]),
    ],
)
def test_one_phone_with_and_without_its_prefix_gets_one_surrogate(
    locale: str, values: list[str], prefixes: list[str]
) -> None:
    out = _surrogates(locale, values)
    nationals = {_national(s, p) for s, p in zip(out, prefixes, strict=True)}
    assert len(nationals) == 1, out
    assert nationals != {_national(values[0], prefixes[0])}
    for original, surrogate in zip(values, out, strict=True):
        # each layout kept: separators, brackets, "+CC" and the trunk prefix as written
        assert re.sub(r"\d", "#", original) == re.sub(r"\d", "#", surrogate)


def test_fax_and_phone_share_the_number_across_prefixes() -> None:
    phone, fax = (
        _surrogates("en_GB", ["0161 496 0000"])[0],
        _surrogates("en_GB", ["+44 161 496 0000"], label="FAX")[0],
    )
    assert _national(phone, "0") == _national(fax, "44")
