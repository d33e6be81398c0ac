"""Care-team roles, clinician registers and languages that learned detectors tag alone
(config/not_phi.toml, en-b4).

Letters and notes sign off with the writer's role ("Consultant Radiologist", "Staff
Rheumatologist"), name an interpreter by language ("staff Somali interpreter") and put a
register before a clinician's number ("NPI 1396742285", "CPSO 98214"); the model tags those
words on their own. They are dropped only from learned detectors and only when the whole span
is such words: the patient's own job found by a rule, or a span with any other word, stays.
"""

from __future__ import annotations

import pytest

from fairdeid.document import Span
from fairdeid.resolve import packaged_not_phi_words


def _dropped(text: str, label: str, source: str = "transformer:m") -> bool:
    return packaged_not_phi_words().matches(Span(0, len(text), label, source, 0.97), text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("interpreter", "PROFESSION"),
        ("Social Worker", "PROFESSION"),
        ("Consultant Radiologist", "LOCATION"),
        ("Rheumatologist", "LOCATION"),
        ("House Officer", "PROFESSION"),
        ("NPI", "ID"),
        ("CPSO", "CONTACT"),
        ("UMDPC", "LOCATION"),
        ("Somali", "LOCATION"),
        ("Vietnamese", "NAME"),
    ],
)
def test_roles_registers_and_languages_alone_are_dropped(text: str, label: str) -> None:
    assert _dropped(text, label)


@pytest.mark.parametrize(
    ("text", "label", "source"),
    [
        ("interpreter", "PROFESSION", "rules:profession.field"),  # "Occupation: interpreter"
        ("court interpreter", "PROFESSION", "transformer:m"),  # another word: a job
        ("nurse", "PROFESSION", "transformer:m"),  # a patient's job often enough: kept
        ("pharmacist", "PROFESSION", "transformer:m"),
        ("NPI 1396742285", "ID", "transformer:m"),  # the number is PHI
        ("Tamil Nadu", "STATE", "transformer:m"),  # a place that starts with a language
    ],
)
def test_jobs_numbers_and_rule_spans_are_kept(text: str, label: str, source: str) -> None:
    assert not _dropped(text, label, source)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("WhatsApp", "NAME"),
        ("viber", "LOCATION"),
        ("Hindu", "LOCATION"),
        ("Muslim", "NAME"),
        ("Arabic", "NAME"),
        ("Russian", "LOCATION"),
        ("ortho", "NAME"),
        ("neurosurg", "NAME"),
    ],
)
def test_apps_religions_languages_and_team_names_alone_are_dropped(text: str, label: str) -> None:
    """en-b5: the model's tags on the fifth blind set's chat export and psychiatry note."""
    assert _dropped(text, label)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("ortho", "LOCATION"),  # the team word is dropped as a name only
        ("Muslim Aid", "ORGANIZATION"),  # another word: an organisation
        ("WhatsApp Rashid", "NAME"),
    ],
)
def test_a_team_word_as_a_place_or_with_a_name_stays(text: str, label: str) -> None:
    assert not _dropped(text, label)
