"""Regression cases per PHI category, docdeid style.

Each ``<category>.json`` holds cases ``{"id", "text", "phi": [substrings]}``: every listed
substring is PHI (found in order in the text) and nothing else is. A case passes when the rule
detector covers exactly the letters and digits of those substrings (punctuation at the edges is
not judged, so "Sarah L." vs "Sarah L" does not matter). A case with ``"name_titles": "include"``
is judged after the pipeline's title step (``fairdeid.detect.titles``, the default
``[resolve] name_titles``): a title before a name is then part of the name; the other cases
judge the rule detector's own spans, where titles stay outside (``"keep"``).

``known_failures`` lists the ids that fail today, and the test asserts that list EXACTLY: a known
failure that starts passing fails the test too, so the list can only shrink on purpose.

Each category also runs with only its own rule groups switched on (``GROUPS``, through the
per-call ``RuleDetector.with_disabled``), docdeid style: a case must pass or fail the same way
whether or not the other groups run, so a fix in one group cannot hide behind another group's
span, and the exact list holds for both runs. Groups beyond the category's own are listed where
its cases name other PHI ("Moved from Lagos, Nigeria in 2010").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.titles import TitleWords, include_titles
from fairdeid.document import Document
from fairdeid.resolve import ResolveConfig, Resolver, merge_overlaps

CASE_DIR = Path(__file__).parent
CATEGORIES = sorted(p.stem for p in CASE_DIR.glob("*.json"))
#: the rule groups each category needs; categories not listed (``EVERY_GROUP_ONLY``) run every
#: group only
GROUPS: dict[str, frozenset[str]] = {
    "ages": frozenset({"age"}),
    "contacts": frozenset({"contact"}),
    "dates": frozenset({"date", "time"}),
    "ids": frozenset({"id", "location"}),
    "locations": frozenset({"location", "date", "name"}),
    "names": frozenset({"name", "date"}),
    "professions": frozenset({"profession", "location", "name"}),
}


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config({})


def _gold_mask(text: str, phi: list[str]) -> list[bool]:
    mask = [False] * len(text)
    pos = 0
    for item in phi:
        start = text.find(item, pos)
        if start < 0:
            start = text.find(item)
        assert start >= 0, f"case lists a PHI substring that is not in its text: {item!r}"
        for i in range(start, start + len(item)):
            mask[i] = True
        pos = start + len(item)
    return mask


_SAFE_HARBOR = Resolver(ResolveConfig(preset="safe_harbor"))


def case_passes(detector: RuleDetector, case: dict[str, Any]) -> bool:
    text = case["text"]
    # the rules propose every age; the safe_harbor preset (the cases' policy) keeps those under 90
    found = detector.detect(Document(id=case["id"], text=text))
    spans = merge_overlaps([s for s in found if not _SAFE_HARBOR.keeps(text, s)])
    if case.get("name_titles", "keep") == "include":
        spans = include_titles(text, spans, TitleWords.from_rules_table(None))
    predicted = [False] * len(text)
    for span in spans:
        for i in range(span.start, span.end):
            predicted[i] = True
    gold = _gold_mask(text, case["phi"])
    return all(g == p for ch, g, p in zip(text, gold, predicted, strict=True) if ch.isalnum())


@pytest.mark.parametrize("category", CATEGORIES)
def test_category(detector: RuleDetector, category: str) -> None:
    _check_category(detector, category)


@pytest.mark.parametrize("category", sorted(GROUPS))
def test_category_with_its_groups_alone(detector: RuleDetector, category: str) -> None:
    unknown = GROUPS[category] - detector.groups
    assert not unknown, f"GROUPS names rule groups that do not exist: {sorted(unknown)}"
    _check_category(detector.with_disabled(detector.groups - GROUPS[category]), category)


#: categories whose cases run with every group only: ``negatives`` (nothing is PHI, whichever
#: group would claim it) and ``mixed`` (lines that hold PHI of several categories at once:
#: handover rows, e-mail headers)
EVERY_GROUP_ONLY = frozenset({"negatives", "mixed"})


def test_every_category_has_groups_or_runs_every_group() -> None:
    assert set(CATEGORIES) - set(GROUPS) == EVERY_GROUP_ONLY


def _check_category(detector: RuleDetector, category: str) -> None:
    data = json.loads((CASE_DIR / f"{category}.json").read_text("utf-8"))
    ids = [c["id"] for c in data["cases"]]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    failing = sorted(c["id"] for c in data["cases"] if not case_passes(detector, c))
    known = sorted(data["known_failures"])
    unknown_ids = set(known) - set(ids)
    assert not unknown_ids, f"known_failures names cases that do not exist: {sorted(unknown_ids)}"
    new_failures = sorted(set(failing) - set(known))
    fixed = sorted(set(known) - set(failing))
    assert not new_failures, f"{category}: cases newly failing (ids only): {new_failures}"
    assert not fixed, f"{category}: known failures now pass, remove them from the list: {fixed}"


def test_enough_cases() -> None:
    total = sum(
        len(json.loads((CASE_DIR / f"{c}.json").read_text("utf-8"))["cases"]) for c in CATEGORIES
    )
    assert total >= 150
