"""Date shifting keeps each date's format and every interval between a patient's dates."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.replace.surrogates import make_surrogate, shift_date


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


# -- ordinals ----------------------------------------------------------------------------------

_SUFFIX = {1: "st", 2: "nd", 3: "rd", 11: "th", 12: "th", 13: "th", 21: "st", 22: "nd", 23: "rd",
           31: "st"}


def _suffix(day: int) -> str:
    return _SUFFIX.get(day, "th")


@pytest.mark.parametrize(
    ("original", "days", "expected"),
    [
        ("March 25th, 2021", 12, "April 6th, 2021"),  # was "April 06th, 2021"
        ("the 25th of March", 12, "the 6th of April"),
        ("March 25TH", 7, "April 1ST"),
        ("Mar 10th", 1, "Mar 11th"),
        ("Mar 10th", 2, "Mar 12th"),
        ("Mar 10th", 3, "Mar 13th"),
        ("Mar 10th", 11, "Mar 21st"),
        ("Mar 10th", 12, "Mar 22nd"),
        ("Mar 10th", 13, "Mar 23rd"),
        ("Mar 10th", -8, "Mar 2nd"),
        ("Mar 10th", -7, "Mar 3rd"),
        ("Mar 10th", -6, "Mar 4th"),
        ("Mar 10th", 21, "Mar 31st"),
    ],
)
def test_ordinal_days_are_valid_ordinals(original: str, days: int, expected: str) -> None:
    assert shift_date(original, days) == expected


@settings(max_examples=80, deadline=None)
@given(
    date=st.dates(dt.date(1950, 1, 1), dt.date(2050, 1, 1)),
    days=st.integers(-365, 365).filter(lambda d: d != 0),
    padded=st.booleans(),
)
def test_shifted_ordinals_never_padded_and_suffix_right(date: dt.date, days: int,
                                                        padded: bool) -> None:
    day = f"{date.day:02d}" if padded else str(date.day)
    out = shift_date(f"{date:%B} {day}{_suffix(date.day)}, {date.year}", days)
    assert out is not None
    m = re.fullmatch(r"[A-Z][a-z]+ ([1-9]\d?)(st|nd|rd|th), \d{4}", out)
    assert m is not None, out
    assert m.group(2) == _suffix(int(m.group(1)))
    assert (date + dt.timedelta(days=days)).day == int(m.group(1))


@pytest.mark.parametrize("original", ["25th", "the 25th", "on the 22nd", "1st-3rd", "the 11TH"])
def test_unparsed_ordinal_dates_get_valid_ordinals(original: str) -> None:
    # A day without a month cannot be shifted: it gets a random valid day, right suffix, no pad.
    for seed in range(40):
        out = make_surrogate("DATE", original, random.Random(seed))
        for m in re.finditer(r"(\d+)([A-Za-z]+)", out):
            assert not m.group(1).startswith("0") and 1 <= int(m.group(1)) <= 31, out
            assert m.group(2).lower() == _suffix(int(m.group(1))), out
        assert re.sub(r"\d+(st|nd|rd|th)", "#", out, flags=re.I) == \
            re.sub(r"\d+(st|nd|rd|th)", "#", original, flags=re.I)  # filler words kept
