"""Date shifting keeps each date's format and every interval between a patient's dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.replace.surrogates import shift_date


@pytest.mark.parametrize(
    ("original", "days", "expected"),
    [
        ("03/04/2021", 30, "04/03/2021"),
        ("3/4/2021", 30, "4/3/2021"),
        ("3/4/21", 30, "4/3/21"),
        ("2021-03-04", 30, "2021-04-03"),
        ("2021/03/04", -4, "2021/02/28"),
        ("20210304", 30, "20210403"),
        ("March 4th, 2021", 30, "April 3rd, 2021"),
        ("March 4, 2021", 1, "March 5, 2021"),
        ("4 Mar", 30, "3 Apr"),
        ("4 Mar 2021", 30, "3 Apr 2021"),
        ("04-Mar-2021", 30, "03-Apr-2021"),
        ("MARCH 4", 30, "APRIL 3"),
        ("Sept. 3", 30, "Oct. 3"),
        ("the 4th of March", 30, "the 3rd of April"),
        ("3/4", 30, "4/3"),
        ("03/2021", 31, "04/2021"),
        ("Mar 2019", 31, "Apr 2019"),
        ("2019", 200, "2020"),
        ("Monday", 2, "Wednesday"),
        ("Mon", 8, "Tue"),
        ("Monday, March 4, 2019", 1, "Tuesday, March 5, 2019"),
        ("03/04/2021 10:30", 30, "04/03/2021 10:30"),
        ("4 de marzo de 2021", 30, "3 de abril de 2021"),
        ("4 mars 2021", 30, "3 avril 2021"),
        ("12/25/2021", 10, "01/04/2022"),
    ],
)
def test_shift_keeps_format(original: str, days: int, expected: str) -> None:
    assert shift_date(original, days) == expected


def test_day_month_order() -> None:
    assert shift_date("25/12/2021", 10) == "04/01/2022"  # day > 12: DMY inferred
    assert shift_date("03/04/2021", 30, order="DMY") == "03/05/2021"


@pytest.mark.parametrize("text", ["Christmas", "last week", "2/30/2021", "13/13/2021", "yesterday"])
def test_unparseable_returns_none(text: str) -> None:
    assert shift_date(text, 10) is None


def _parse(text: str, fmt: str) -> dt.date:
    # "May" is both a full and an abbreviated month name; we render it as the full name style.
    for candidate in (fmt, fmt.replace("%b", "%B")):
        try:
            return dt.datetime.strptime(text, candidate).date()
        except ValueError:
            continue
    raise AssertionError(f"format not kept: {text!r} vs {fmt!r}")


@settings(max_examples=60, deadline=None)
@given(
    a=st.dates(dt.date(1950, 1, 1), dt.date(2050, 1, 1)),
    b=st.dates(dt.date(1950, 1, 1), dt.date(2050, 1, 1)),
    days=st.integers(-365, 365).filter(lambda d: d != 0),
    fmt=st.sampled_from(["%m/%d/%Y", "%Y-%m-%d", "%B %d, %Y", "%d %b %Y", "%Y%m%d"]),
)
def test_intervals_preserved(a: dt.date, b: dt.date, days: int, fmt: str) -> None:
    sa, sb = shift_date(a.strftime(fmt), days), shift_date(b.strftime(fmt), days)
    assert sa is not None and sb is not None
    na, nb = _parse(sa, fmt), _parse(sb, fmt)
    assert (nb - na) == (b - a)
    assert na - a == dt.timedelta(days=days)
