"""Health-plan numbers printed in digit groups are removed whole (the bundled referral letter
left the last group of "Medicare No. 2953 41876 1" in the text)."""

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document


@pytest.fixture(scope="module")
def rules() -> RuleDetector:
    return RuleDetector.from_config({})


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Re: Mr. A, Medicare No. 2953 41876 1\n", "2953 41876 1"),
        ("Medicaid ID: 1234 5678 90, active.", "1234 5678 90"),
        ("Insurance number 123 456 789 on file.", "123 456 789"),
    ],
)
def test_grouped_health_plan_numbers_are_found_whole(
    rules: RuleDetector, text: str, number: str
) -> None:
    start = text.index(number)
    spans = rules.detect(Document("t", text))
    assert any(s.start <= start and s.end >= start + len(number) for s in spans)


@pytest.mark.parametrize(
    "text",
    ["Member 2 of 3 in the household.", "Policy 10 20 review next week."],
)
def test_short_number_groups_after_plan_words_are_not_identifiers(
    rules: RuleDetector, text: str
) -> None:
    assert not [
        s for s in rules.detect(Document("t", text)) if s.source == "rules:id.healthplan_grouped"
    ]
