"""``fairdeid.detect.learned_dates``: digits no calendar date can be, whatever a model read."""

from __future__ import annotations

import pytest

from fairdeid.detect.learned_dates import impossible_date


@pytest.mark.parametrize(
    "text",
    ["13", "164", "1", "25000", "34/40", "32/40", "30/70", "13/15", "40/12", "2/52", " 13 "],
)
def test_numbers_of_clinical_shorthand_are_no_date(text: str) -> None:
    assert impossible_date(text)


@pytest.mark.parametrize(
    "text",
    # a day and a month either way round, a year, a full date, anything with a letter
    ["5/5", "12/31", "31/12", "2/24", "03.04", "2019", "1930", "12/03/2025", "20 Nov", "Nov",
     "20261112", "", "3rd"],
)
def test_what_may_be_a_date_is_left_to_the_model(text: str) -> None:
    assert not impossible_date(text)
