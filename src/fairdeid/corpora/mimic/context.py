"""What a placeholder's value is made from: the patient's state and the placeholder's context.

Kept apart from the filler so that the value makers (``values``) and the rule table
(``placeholders``) can use it without importing the filler back.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool

#: A piece of filled text and its label (None: plain text between two spans).
Piece = tuple[str, str | None]

MONTHS: tuple[str, ...] = tuple(calendar.month_name)[1:]  # English: the C locale for LC_TIME
_DOC_BEFORE = re.compile(r"(?:\bDr\.?|\bDoctor|\bDRS?\.?)\s*$", re.IGNORECASE)
_DOC_AFTER = re.compile(r"^\s*,?\s*(?:M\.?D\b|MD\b|DO\b|PhD\b|NP\b)")


@dataclass
class MimicPerson:
    first: str
    last: str
    gender: str
    locale: str


@dataclass
class PatientState:
    """Per SUBJECT_ID: locale, own name, year offset and the surrogates already chosen."""

    locale: str
    person: MimicPerson
    year_offset: int | None
    memo: dict[str, tuple[list[Piece], dict[str, str], MimicPerson | None]] = field(
        default_factory=dict
    )
    people: dict[str, MimicPerson] = field(default_factory=dict)


class PeopleSource(Protocol):
    """What a placeholder needs from its filler: locales, keyed randomness and new people."""

    locales: list[str]
    pools: dict[str, LocalePool]

    def rng_for(self, *parts: object) -> random.Random: ...

    def person(
        self, rng: random.Random, locale: str | None = None, gender: str | None = None
    ) -> MimicPerson: ...


class FillContext:
    """One placeholder: the patient, the randomness, the placeholder and its neighbourhood."""

    def __init__(
        self,
        source: PeopleSource,
        state: PatientState,
        doc_rng: random.Random,
        inner: str,
        text: str,
        start: int,
        end: int,
        date_style: int,
    ) -> None:
        self.source = source
        self.state = state
        #: Keyed by the patient and the placeholder, so a value repeats wherever they do.
        self.rng = source.rng_for("value", state.person.first, state.person.last, inner.strip())
        self.doc_rng = doc_rng
        self.inner = inner
        self.before = text[max(0, start - 12) : start]
        self.after = text[end : end + 8]
        self.date_style = date_style
        self.person_attrs: dict[str, str] = {}
        self.adjacent: MimicPerson | None = None
        self.adjacent_role: str | None = None
        self.used: MimicPerson | None = None

    @property
    def locale(self) -> str:
        return self.state.locale

    @property
    def pool(self) -> LocalePool:
        return self.source.pools[self.state.locale]

    def name_role(self, default: str) -> str:
        """DOCTOR after "Dr."/"Doctor" or before "MD" (or next to a doctor), else ``default``."""
        if self.adjacent_role is not None:
            return self.adjacent_role
        if _DOC_BEFORE.search(self.before) or _DOC_AFTER.search(self.after):
            return "DOCTOR"
        return default

    def other_person(self) -> MimicPerson:
        """The person this placeholder names (the same one each time it recurs)."""
        key = self.inner.strip()
        person = self.state.people.get(key)
        if person is None and self.adjacent is not None:
            person = self.state.people[key] = self.adjacent
        if person is None:
            gender = None
            low = self.inner.lower()
            if "female" in low:
                gender = "female"
            elif "male" in low:
                gender = "male"
            # Relatives mostly share the patient's locale; clinicians come from the whole mix.
            locale = self.state.locale if self.rng.random() < 0.6 else None
            person = self.source.person(self.rng, locale, gender)
            self.state.people[key] = person
        return person

    def remember(self, person: MimicPerson) -> None:
        self.used = person
        self.person_attrs = {"locale": person.locale, "gender": person.gender}

    def year(self, year: int) -> int:
        """A MIMIC year (2100-2200) moved by the patient's offset; far past years into 1900s."""
        offset = self.state.year_offset or 0
        mapped = year + offset if year > 2050 else year
        if mapped < 1900:
            mapped = 1900 + (mapped % 30)
        return mapped

    def render_date(self, year: int | None, month: int, day: int | None) -> str:
        """A date in the note's style; a missing year or day leaves it out of the text."""
        if year is not None and day is not None:
            try:
                date = dt.date(year, month, day)
            except ValueError:
                date = dt.date(year, month, 28)
            style = self.date_style
            if style == 0:
                return f"{date.month}/{date.day}/{date.year}"
            if style == 1:
                return date.isoformat()
            if style == 2:
                return f"{date.month:02d}/{date.day:02d}/{date.year}"
            return f"{MONTHS[date.month - 1][:3]} {date.day}, {date.year}"
        if day is not None:
            return f"{month}/{day}" if self.date_style != 3 else f"{MONTHS[month - 1][:3]} {day}"
        return f"{MONTHS[month - 1]} {year}" if year is not None else MONTHS[month - 1]
