from __future__ import annotations

import inspect

import pytest

from fairdeid.corpora.mimic import RULES, family_of, match_rule
from fairdeid.corpora.mimic.values import MAKERS
from fairdeid.taxonomy import is_label


def test_family_names_and_rule_table() -> None:
    assert family_of("Last Name (NamePattern1) 5678") == "Last Name (NamePattern1)"
    assert family_of("Age over 90 ") == "Age over 90"
    assert family_of("Hospital1 18") == "Hospital1"
    assert family_of("2101-3-4") == "date"
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))


def test_every_rule_names_a_known_maker_with_the_right_arguments() -> None:
    for rule in RULES:
        assert rule.fill in MAKERS, rule.name
        params = inspect.signature(MAKERS[rule.fill]).parameters
        assert len(rule.args) == len(params), rule.name
        if rule.fill in ("fresh", "id"):
            assert is_label(rule.args[0]), rule.name


@pytest.mark.parametrize(
    ("inner", "family"),
    [
        ("Month/Day/Year 5", "Month/Day/Year"),  # before the shorter Month/Day
        ("Hospital Unit Name 1", "Hospital Unit Name"),  # before Hospital
        ("State/Zipcode 1", "State/Zipcode"),  # before State
        ("Last Name (STitle) 8", "Name (MD/STitle)"),  # a title makes it a doctor
        ("known LASTNAME 3", "Known lastname"),  # case-insensitive
        ("2151-7-10", "date:ymd"),
    ],
)
def test_the_first_matching_rule_wins(inner: str, family: str) -> None:
    rule = match_rule(inner)
    assert rule is not None and rule.name == family


def test_unknown_families_match_no_rule() -> None:
    assert match_rule("Protected Section 4") is None
