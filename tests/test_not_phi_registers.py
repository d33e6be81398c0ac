"""Register and field names that learned detectors tag alone (config/not_phi.toml, en-b2).

The English notes of hospitals outside the US name a register before its number ("GMC 7049318",
"MCRN 412889", "Aadhaar: 7392 ...") and a hospital-number field as "Hosp. No:"; the model tags
the register's name by itself. The number stays PHI; a span with any other word is kept.
"""

from __future__ import annotations

import pytest

from fairdeid.document import Span
from fairdeid.resolve import packaged_not_phi_words


def _dropped(text: str, label: str, source: str = "transformer:m") -> bool:
    return packaged_not_phi_words().matches(Span(0, len(text), label, source, 0.97), text)


@pytest.mark.parametrize(
    ("text", "label"),
    [("GMC", "ID"), ("MCRN", "ID"), ("Aadhaar", "NAME"), ("Hosp", "NAME"), ("Ext", "LOCATION"),
     ("bleep", "CONTACT")],
)
def test_register_and_field_names_alone_are_dropped(text: str, label: str) -> None:
    assert _dropped(text, label)


@pytest.mark.parametrize(
    ("text", "label", "source"),
    [
        ("GMC 7049318", "ID", "transformer:m"),  # the number is PHI
        ("Aadhaar 7392 8146 0521", "ID", "transformer:m"),
        ("GMC", "ID", "rules:id.license"),  # rules are never second-guessed
        ("Ext 4172", "CONTACT", "transformer:m"),
    ],
)
def test_register_names_with_their_number_are_kept(text: str, label: str, source: str) -> None:
    assert not _dropped(text, label, source)
