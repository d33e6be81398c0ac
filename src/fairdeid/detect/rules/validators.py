"""Validation hooks for pattern rules (Presidio's ``validate_result``, as plain functions).

A regex says "this looks like a date"; a validator says "this *is* a valid date": month 1-12, day
within the month, octets up to 255. That second check is what keeps doses ("5/5 strength" is
caught by context, but "20/20" and "120/80" by the calendar) and version strings out. Hooks get
the match and the full text and return False to reject.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Validator = Callable[[re.Match[str], str], bool]


def _g(m: re.Match[str], text: str, group: str | int = 0) -> str:
    """A group's text from the *original* document (the match may run on lower-cased text)."""
    start, end = m.span(group)
    return text[start:end] if start >= 0 else ""


_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}


def _valid_md(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def month_day_year(m: re.Match[str], text: str) -> bool:
    """US order first, then day-first (European notes); either valid calendar date passes."""
    a, b = int(m.group("a")), int(m.group("b"))
    year = m.group("y")
    if len(year) == 4 and not 1870 <= int(year) <= 2100:
        return False
    if m.group("sep") == "." and len(year) == 2:
        # "1.5.10" is far more often a version or a dose list than a date
        return False
    return _valid_md(a, b) or _valid_md(b, a)


def year_month_day(m: re.Match[str], text: str) -> bool:
    return _valid_md(int(m.group("a")), int(m.group("b")))


def month_day(m: re.Match[str], text: str) -> bool:
    """Bare M/D: a valid date whose parts are not a fraction like 1/2, 1/3, 3/4 of a dose."""
    a, b = int(m.group("a")), int(m.group("b"))
    return _valid_md(a, b)


def month_name_date(m: re.Match[str], text: str) -> bool:
    """Reject lowercase "may"/"mar"/"dec" without a year: verbs and abbreviations, not dates."""
    month = _g(m, text, "month")
    key = month[:3].lower()
    if key not in _MONTHS:
        return False
    groups = m.groupdict()
    day = groups.get("d")
    if day is not None and not _valid_md(_MONTHS[key], int(day)):
        return False
    has_year = bool(groups.get("y"))
    if not has_year and month[0].islower():
        word = month.rstrip(".").lower()
        # full lowercase month names other than "may"/"march" are fine ("seen on june 5")
        if word in {"may", "march"} or len(word) <= 4:
            return False
    return day is not None or has_year


def day_of_month(m: re.Match[str], text: str) -> bool:
    return 1 <= int(m.group("d")) <= 31


def ipv4(m: re.Match[str], text: str) -> bool:
    parts = _g(m, text).split(".")
    if any(len(p) > 1 and p.startswith("0") for p in parts):
        return False
    return all(int(p) <= 255 for p in parts) and parts[0] != "0"


def ipv6(m: re.Match[str], text: str) -> bool:
    value = _g(m, text)
    return value.count(":") >= 2 and any(c.isalpha() for c in value) or value.count(":") == 7


def phone_digits(m: re.Match[str], text: str) -> bool:
    """A phone number has 7 to 15 digits (E.164) and is not a date or a range of numbers."""
    value = _g(m, text)
    main = re.split(r"(?i)\s*(?:x|ext)", value)[0]
    digits = sum(c.isdigit() for c in main)
    if not 7 <= digits <= 15:
        return False
    # "3 - 4 - 5" style lists and decimals are not phones
    groups = re.findall(r"\d+", main)
    # French/Spanish numbers are written in pairs ("06 22 25 07 89"): many short groups are fine
    return len(groups) <= 6 and (max(len(g) for g in groups) >= 3 or len(groups) >= 4)


_NOT_USERNAMES = frozenset(
    [
        "pharmacy",
        "nursing",
        "attending",
        "telephone",
        "patient",
        "provider",
        "resident",
        "physician",
        "family",
        "mouth",
        "phone",
        "caregiver",
        "daughter",
        "husband",
        "mother",
        "father",
        "spouse",
        "sister",
        "brother",
        "friend",
        "neighbor",
        "surgeon",
        "radiology",
        "laboratory",
        "myself",
        "himself",
        "herself",
        "history",
        "central",
        "outside",
        "default",
        "fax",
        "email",
        "portal",
        "mail",
        "nurse",
        "doctor",
        "staff",
        "team",
        "clinic",
        "hospital",
        "interpreter",
    ]
)


def username(m: re.Match[str], text: str) -> bool:
    """A login-like token: has a digit, or is long and not an ordinary word after "by"."""
    value = _g(m, text, "phi").lower()
    if value in _NOT_USERNAMES or not value[0].isalpha():
        return False
    return any(c.isdigit() for c in value) or len(value) >= 6


def ssn(m: re.Match[str], text: str) -> bool:
    area, group, serial = _g(m, text).split("-")
    return area not in {"000", "666"} and group != "00" and serial != "0000"


def id_token(m: re.Match[str], text: str) -> bool:
    """An identifier after a generic keyword ("plan", "group") needs 3+ digits or letters+digits."""
    value = _g(m, text, "phi").lstrip("#")
    digits = sum(c.isdigit() for c in value)
    if digits >= 4:
        return True
    return digits >= 2 and any(c.isalpha() for c in value) and len(value) >= 4


def id_number(m: re.Match[str], text: str) -> bool:
    """Long digit runs are identifiers; "1000-1500" (a range) and "120-130" are not."""
    parts = _g(m, text).split("-")
    if len(parts) == 2 and len(parts[0]) <= 4 and len(parts[1]) <= 4:
        return int(parts[0]) >= int(parts[1])
    return True


def age_over_89(m: re.Match[str], text: str) -> bool:
    """Only ages over 89 are PHI under Safe Harbor; the rest stays for clinical meaning."""
    age = int(m.group("phi"))
    return 90 <= age <= 125


_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$")


def uk_postcode(m: re.Match[str], text: str) -> bool:
    value = _g(m, text)
    # guard against ICD-10/lab-like tokens: a postcode has a space or is 6-7 chars long
    return bool(_UK_POSTCODE.match(value)) and (" " in value or len(value) >= 6)


def saint(m: re.Match[str], text: str) -> bool:
    """ "St. Mary's" is a hospital; "123 Main St. Paul" would be a street, so no digit before."""
    before = text[max(0, m.start() - 12) : m.start()]
    return not re.search(r"\d\s+(?:[A-Z][a-z]+\s+)*$", before)


VALIDATORS: dict[str, Validator] = {
    "month_day_year": month_day_year,
    "year_month_day": year_month_day,
    "month_day": month_day,
    "month_name_date": month_name_date,
    "day_of_month": day_of_month,
    "ipv4": ipv4,
    "ipv6": ipv6,
    "phone_digits": phone_digits,
    "ssn": ssn,
    "id_token": id_token,
    "id_number": id_number,
    "age_over_89": age_over_89,
    "username": username,
    "uk_postcode": uk_postcode,
    "saint": saint,
}
