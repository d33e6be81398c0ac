"""MIMIC-III placeholder notes -> annotated documents with realistic, consistent surrogates.

MIMIC-III's NOTEEVENTS replaced PHI with placeholders such as ``[**Known lastname 123**]`` or
``[**2151-3-4**]``. Training and evaluating on those teaches a model to find brackets, not names,
so we *fill* every placeholder with a locale surrogate of the right type and record its span and
fine label while writing the new text (offsets are exact by construction).

* An ordered pattern table covers the placeholder families; the first match wins. A family is the
  placeholder text with its trailing number removed ("Last Name (NamePattern1)"); it is what we
  count and report, never the surrounding text.
* Unknown families are never guessed: ``unknown="error"`` (default) turns the note into a
  ``RecordError`` naming the family; ``"skip"`` leaves the placeholder text as it is, unlabelled;
  ``"other"`` leaves it and labels it OTHER. ``MimicFiller.unknown`` counts them either way.
* Consistency: the same placeholder (same family and number) gets the same surrogate for the same
  patient (``SUBJECT_ID``) in every note; "Known firstname/lastname" are the patient's own name.
* Dates: MIMIC shifts years into 2100-2200. Each patient gets one year offset that lands the note's
  chart year in 2005-2022; day and month are kept, so intervals survive. DOBs of patients over 89
  (shifted ~300 years back in MIMIC) are clamped into the 1900s.
* Names that the family leaves ambiguous (NamePattern, NI, LF ...) are DOCTOR when the text right
  before says "Dr."/"Doctor"/"Dr" or right after says "MD"; otherwise PATIENT. The Doctor, MD,
  STitle, Attending and Dictator families are always DOCTOR.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, FairdeidError, RecordError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

Unknown = Literal["error", "skip", "other"]
PLACEHOLDER = re.compile(r"\[\*\*(.*?)\*\*\]")
_TRAILING_NUM = re.compile(r"\s+\d+$")
_NUMERIC = re.compile(r"^[\s\d/-]+$")

Piece = tuple[str, str | None]  # (text, label or None for plain text)


def family_of(inner: str) -> str:
    """The placeholder family: its text without the trailing record number.

    MIMIC writes "<family> <number>", leaving a trailing space when the number is empty
    ("Age over 90 "), so a trailing space means the digits belong to the family. Placeholders
    made only of digits and separators are dates: their family is "date" (the digits are data).
    """
    if _NUMERIC.match(inner):
        return "date"
    if inner.endswith(" "):
        return inner.strip() or "empty"
    return _TRAILING_NUM.sub("", inner.strip()) or "empty"


@dataclass
class _Person:
    first: str
    last: str
    gender: str
    locale: str


@dataclass
class _PatientState:
    """Per SUBJECT_ID: locale, own name, year offset and the surrogates already chosen."""

    locale: str
    person: _Person
    year_offset: int | None
    memo: dict[str, tuple[list[Piece], dict[str, str], _Person | None]] = field(
        default_factory=dict
    )
    people: dict[str, _Person] = field(default_factory=dict)


_DOC_BEFORE = re.compile(r"(?:\bDr\.?|\bDoctor|\bDRS?\.?)\s*$", re.IGNORECASE)
_DOC_AFTER = re.compile(r"^\s*,?\s*(?:M\.?D\b|MD\b|DO\b|PhD\b|NP\b)")
_MONTHS = list(calendar.month_name)[1:]  # English: Python keeps the C locale for LC_TIME
_HOLIDAYS = [
    "Christmas",
    "Thanksgiving",
    "New Year's Day",
    "Easter",
    "Labor Day",
    "Memorial Day",
    "Fourth of July",
    "Christmas Eve",
]
_DEPARTMENTS = [
    "MICU",
    "SICU",
    "CCU",
    "CVICU",
    "Neuro ICU",
    "Cardiology",
    "Medicine",
    "Surgery",
    "Oncology",
    "Trauma SICU",
    "Step Down Unit",
    "Neurology",
    "Emergency Department",
    "Labor and Delivery",
    "NICU",
    "Orthopedics",
]
_ORG_TAILS = [
    "Corporation",
    "Logistics",
    "Insurance",
    "Bank",
    "Foods",
    "Construction",
    "Community College",
    "University",
    "Public Schools",
    "Motors",
]
_ORG_HEADS = [
    "North",
    "Summit",
    "Harbor",
    "Liberty",
    "Granite",
    "Cedar",
    "Atlas",
    "Pioneer",
    "Evergreen",
    "Meridian",
    "Keystone",
    "Coastal",
]


class MimicFiller:
    """Fill placeholders note by note; holds per-patient state and the unknown-family counts."""

    def __init__(
        self,
        *,
        seed: int = 0,
        locales: Sequence[str] | None = None,
        unknown: Unknown = "error",
    ) -> None:
        from fairdeid.locales import LOCALE_CODES, get_pool

        if unknown not in ("error", "skip", "other"):
            raise ConfigError(f"unknown= must be 'error', 'skip' or 'other', got {unknown!r}")
        self.seed = seed
        self.locales = list(locales) if locales else list(LOCALE_CODES)
        self.pools = {code: get_pool(code) for code in self.locales}
        self.unknown_mode: Unknown = unknown
        #: Unknown placeholder families seen (family name -> count).
        self.unknown: Counter[str] = Counter()
        #: Every family filled (family name -> count), for coverage reports.
        self.filled: Counter[str] = Counter()
        self._patients: dict[str, _PatientState] = {}

    # ------------------------------------------------------------------ state

    def _rng(self, *parts: object) -> random.Random:
        digest = hashlib.sha256("\x1f".join(map(str, (self.seed, *parts))).encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def _person(
        self, rng: random.Random, locale: str | None = None, gender: str | None = None
    ) -> _Person:
        locale = locale or rng.choice(self.locales)
        pool = self.pools[locale]
        gender = gender or rng.choice(("female", "male"))
        return _Person(pool.first_name(rng, gender), pool.surname(rng), gender, locale)

    def _patient(self, subject: str, text: str, chart_year: int | None) -> _PatientState:
        state = self._patients.get(subject)
        if state is None:
            rng = self._rng("patient", subject)
            locale = rng.choice(self.locales)
            she = len(re.findall(r"\b(?:she|her)\b", text, re.IGNORECASE))
            he = len(re.findall(r"\b(?:he|his|him)\b", text, re.IGNORECASE))
            gender = "female" if she > he else "male" if he > she else None
            person = self._person(rng, locale, gender)
            offset = None if chart_year is None else rng.randint(2005, 2022) - chart_year
            state = _PatientState(locale, person, offset)
            self._patients[subject] = state
        elif state.year_offset is None and chart_year is not None:
            state.year_offset = self._rng("year", subject).randint(2005, 2022) - chart_year
        return state

    # ------------------------------------------------------------------ filling

    def fill(
        self,
        text: str,
        *,
        doc_id: str,
        subject: str = "",
        chart_date: dt.date | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Document:
        """One note with every placeholder filled; ``RecordError`` for unknown families when
        ``unknown="error"``."""
        state = self._patient(subject or doc_id, text, chart_date.year if chart_date else None)
        if state.year_offset is None:
            m = re.search(r"\[\*\*(\d{4})-\d{1,2}-\d{1,2}\*\*\]", text)
            if m:
                state.year_offset = self._rng("year", subject).randint(2005, 2022) - int(m.group(1))
        doc_rng = self._rng("doc", doc_id)
        date_style = doc_rng.randrange(4)
        out: list[str] = []
        spans: list[Span] = []
        pos = 0
        last = 0
        prev_person: _Person | None = None
        prev_role: str | None = None
        for m in PLACEHOLDER.finditer(text):
            before = text[last : m.start()]
            out.append(before)
            pos += len(before)
            last = m.end()
            inner = m.group(1)
            family = family_of(inner)
            rule = _match_rule(inner)
            if rule is None:
                self.unknown[family] += 1
                if self.unknown_mode == "error":
                    raise RecordError(doc_id, f"unknown MIMIC placeholder family {family!r}")
                raw = m.group(0)
                if self.unknown_mode == "other":
                    spans.append(Span(pos, pos + len(raw), "OTHER", attrs={"mimic": family}))
                out.append(raw)
                pos += len(raw)
                continue
            self.filled[rule.name] += 1
            ctx = _FillCtx(self, state, doc_rng, inner, text, m.start(), m.end(), date_style)
            # "[**First Name (NamePattern2) 1**] [**Last Name (NamePattern1) 2**]" is one person.
            if prev_person is not None and before in (" ", "  ", ", ", "\n"):
                ctx.adjacent = prev_person
                ctx.adjacent_role = prev_role
            key = f"{rule.name}|{inner.strip()}"
            memo = state.memo.get(key) if rule.memo else None
            if memo is None:
                memo = (rule.make(ctx), ctx.person_attrs, ctx.used)
                if rule.memo:
                    state.memo[key] = memo
            pieces, person_attrs, prev_person = memo
            prev_role = next((lab for _, lab in pieces if lab in ("PATIENT", "DOCTOR")), None)
            for piece, label in pieces:
                if label is not None and piece:
                    attrs: dict[str, Any] = {"mimic": rule.name}
                    if label in ("PATIENT", "DOCTOR"):
                        attrs.update(person_attrs)
                    spans.append(Span(pos, pos + len(piece), label, attrs=attrs))
                out.append(piece)
                pos += len(piece)
        out.append(text[last:])
        return Document(id=doc_id, text="".join(out), meta=meta or {}, spans=tuple(spans))


class _FillCtx:
    """What a rule needs: the patient, rngs, the placeholder and its neighbourhood."""

    def __init__(
        self,
        owner: MimicFiller,
        state: _PatientState,
        doc_rng: random.Random,
        inner: str,
        text: str,
        start: int,
        end: int,
        date_style: int,
    ) -> None:
        self.owner = owner
        self.state = state
        self.rng = owner._rng("value", state.person.first, state.person.last, inner.strip())
        self.doc_rng = doc_rng
        self.inner = inner
        self.before = text[max(0, start - 12) : start]
        self.after = text[end : end + 8]
        self.date_style = date_style
        self.person_attrs: dict[str, str] = {}
        self.adjacent: _Person | None = None
        self.adjacent_role: str | None = None
        self.used: _Person | None = None

    @property
    def pool(self) -> Any:
        return self.owner.pools[self.state.locale]

    def name_role(self, default: str) -> str:
        if self.adjacent_role is not None:
            return self.adjacent_role
        if _DOC_BEFORE.search(self.before) or _DOC_AFTER.search(self.after):
            return "DOCTOR"
        return default

    def other_person(self) -> _Person:
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
            person = self.owner._person(self.rng, locale, gender)
            self.state.people[key] = person
        return person

    def remember(self, person: _Person) -> None:
        self.used = person
        self.person_attrs = {"locale": person.locale, "gender": person.gender}

    def year(self, y: int) -> int:
        offset = self.state.year_offset or 0
        mapped = y + offset if y > 2050 else y
        if mapped < 1900:
            mapped = 1900 + (mapped % 30)
        return mapped

    def render_date(self, y: int | None, m: int, d: int | None) -> str:
        if y is not None and d is not None:
            try:
                date = dt.date(y, m, d)
            except ValueError:
                date = dt.date(y, m, 28)
            style = self.date_style
            if style == 0:
                return f"{date.month}/{date.day}/{date.year}"
            if style == 1:
                return date.isoformat()
            if style == 2:
                return f"{date.month:02d}/{date.day:02d}/{date.year}"
            return f"{_MONTHS[date.month - 1][:3]} {date.day}, {date.year}"
        if d is not None:
            return f"{m}/{d}" if self.date_style != 3 else f"{_MONTHS[m - 1][:3]} {d}"
        return f"{_MONTHS[m - 1]} {y}" if y is not None else _MONTHS[m - 1]


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    make: Callable[[_FillCtx], list[Piece]]
    memo: bool = True


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))


def _fmt(rng: random.Random, fmt: str) -> str:
    from fairdeid.locales import fill_format

    return fill_format(fmt, rng)


# --- names


def _patient_name(part: str) -> Callable[[_FillCtx], list[Piece]]:
    def make(c: _FillCtx) -> list[Piece]:
        role = c.name_role("PATIENT")
        person = c.state.person if role == "PATIENT" else c.other_person()
        c.remember(person)
        return [(_name_part(person, part), role)]

    return make


def _other_name(part: str, default_role: str) -> Callable[[_FillCtx], list[Piece]]:
    def make(c: _FillCtx) -> list[Piece]:
        role = default_role if default_role == "DOCTOR" else c.name_role(default_role)
        person = c.other_person()
        c.remember(person)
        return [(_name_part(person, part), role)]

    return make


def _name_part(person: _Person, part: str) -> str:
    if part == "first":
        return person.first
    if part == "last":
        return person.last
    if part == "initials":
        return f"{person.first[:1]}.{person.last[:1]}."
    if part == "initial":
        return person.first[:1]
    return f"{person.first} {person.last}"


# --- dates


_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_MD = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")
_MDY = re.compile(r"^\s*(\d{1,2})[-/](\d{1,2})[-/](\d{4})\s*$")
_Y = re.compile(r"^\s*(\d{4})\s*$")
_YM = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _ymd(c: _FillCtx) -> list[Piece]:
    m = _YMD.match(c.inner) or _MDY.match(c.inner)
    assert m is not None
    if _YMD.match(c.inner):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        mo, d, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= mo <= 12:
        mo = c.rng.randint(1, 12)
    return [(c.render_date(c.year(y), mo, max(1, min(d, 31))), "DATE")]


def _md(c: _FillCtx) -> list[Piece]:
    m = _MD.match(c.inner)
    assert m is not None
    mo, d = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12:
        mo = c.rng.randint(1, 12)
    return [(c.render_date(None, mo, max(1, min(d, 28 if mo == 2 else 30))), "DATE")]


def _ym(c: _FillCtx) -> list[Piece]:
    m = _YM.match(c.inner)
    assert m is not None
    mo = int(m.group(2))
    return [(c.render_date(c.year(int(m.group(1))), mo if 1 <= mo <= 12 else 1, None), "DATE")]


def _year_only(c: _FillCtx) -> list[Piece]:
    m = _Y.match(c.inner)
    assert m is not None
    return [(str(c.year(int(m.group(1)))), "DATE")]


def _random_date(c: _FillCtx) -> dt.date:
    base = 2005 + c.rng.randrange(18)
    return dt.date(base, c.rng.randint(1, 12), c.rng.randint(1, 28))


def _date_family(kind: str) -> Callable[[_FillCtx], list[Piece]]:
    def make(c: _FillCtx) -> list[Piece]:
        d = _random_date(c)
        if kind == "month":
            return [(_MONTHS[d.month - 1], "DATE")]
        if kind == "md":
            return [(f"{d.month}/{d.day}", "DATE")]
        if kind == "mdy":
            return [(c.render_date(d.year, d.month, d.day), "DATE")]
        if kind == "dm":
            return [(f"{d.day} {_MONTHS[d.month - 1]}", "DATE")]
        if kind == "my":
            return [(f"{_MONTHS[d.month - 1]} {d.year}", "DATE")]
        if kind == "year4":
            return [(str(d.year), "DATE")]
        if kind == "year2":
            return [(f"'{d.year % 100:02d}", "DATE")]
        if kind == "range":
            end = d + dt.timedelta(days=c.rng.randint(1, 14))
            return [(f"{d.month}/{d.day}", "DATE"), ("-", None), (f"{end.month}/{end.day}", "DATE")]
        if kind == "holiday":
            return [(c.rng.choice(_HOLIDAYS), "DATE")]
        return [(c.render_date(d.year, d.month, d.day), "DATE")]

    return make


# --- places, contacts, ids


def _place(kind: str, label: str) -> Callable[[_FillCtx], list[Piece]]:
    def make(c: _FillCtx) -> list[Piece]:
        return [(c.pool.place(kind, c.rng), label)]

    return make


def _street(c: _FillCtx) -> list[Piece]:
    return [(f"{c.rng.randint(1, 999)} {c.pool.place('streets', c.rng)}", "STREET")]


def _apartment(c: _FillCtx) -> list[Piece]:
    return [
        (
            c.rng.choice(("Apt ", "Apt. ", "Unit ", "#"))
            + f"{c.rng.randint(1, 40)}{c.rng.choice('ABCD ')}".strip(),
            "STREET",
        )
    ]


def _state_zip(c: _FillCtx) -> list[Piece]:
    return [(c.pool.place("states", c.rng), "STATE"), (" ", None), (c.pool.zip_code(c.rng), "ZIP")]


def _country(c: _FillCtx) -> list[Piece]:
    code = c.rng.choice(c.owner.locales)
    return [(c.owner.pools[code].country, "COUNTRY")]


def _org(kind: str) -> Callable[[_FillCtx], list[Piece]]:
    def make(c: _FillCtx) -> list[Piece]:
        if kind == "college":
            kind_word = c.rng.choice(("College", "University", "State University"))
            return [(f"{c.pool.place('cities', c.rng)} {kind_word}", "ORGANIZATION")]
        return [(f"{c.rng.choice(_ORG_HEADS)} {c.rng.choice(_ORG_TAILS)}", "ORGANIZATION")]

    return make


def _phone(c: _FillCtx) -> list[Piece]:
    return [(c.pool.phone(c.rng), "PHONE")]


def _pager(c: _FillCtx) -> list[Piece]:
    return [(_digits(c.rng, 5), "PHONE")]


def _email(c: _FillCtx) -> list[Piece]:
    p = c.other_person()
    user = re.sub(r"[^a-z]", "", (p.first[:1] + p.last).lower()) or "user"
    domain = c.rng.choice(("gmail.com", "yahoo.com", "hotmail.com", "partners.org"))
    return [(f"{user}{c.rng.randint(1, 99)}@{domain}", "EMAIL")]


def _url(c: _FillCtx) -> list[Piece]:
    return [
        (
            f"www.{c.rng.choice(_ORG_HEADS).lower()}{c.rng.choice(('health', 'med', 'care'))}.org",
            "URL",
        )
    ]


def _ip(c: _FillCtx) -> list[Piece]:
    r = c.rng
    return [(f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}", "IPADDR")]


def _id(label: str, fmt: str) -> Callable[[_FillCtx], list[Piece]]:
    def make(c: _FillCtx) -> list[Piece]:
        return [(_fmt(c.rng, fmt), label)]

    return make


def _age90(c: _FillCtx) -> list[Piece]:
    return [(str(c.rng.randint(90, 101)), "AGE")]


def _dept(c: _FillCtx) -> list[Piece]:
    return [(c.rng.choice(_DEPARTMENTS), "DEPARTMENT")]


def _room(c: _FillCtx) -> list[Piece]:
    return [(f"{c.rng.randint(1, 12)}{c.rng.randint(0, 9)}{c.rng.randint(0, 9)}", "ROOM")]


def _full_doctor(c: _FillCtx) -> list[Piece]:
    p = c.other_person()
    c.remember(p)
    return [(f"{p.first} {p.last}", "DOCTOR")]


def _title(c: _FillCtx) -> list[Piece]:
    return [(c.rng.choice(("Dr.", "Mr.", "Ms.")), None)]


_I = re.IGNORECASE

#: Ordered: the first matching rule fills the placeholder. Patterns see the placeholder's inner
#: text; more specific families come before the generic ones they would otherwise fall into.
RULES: tuple[_Rule, ...] = (
    # dates written as numbers
    _Rule("date:ymd", re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$"), _ymd),
    _Rule("date:mdy", re.compile(r"^\s*\d{1,2}[-/]\d{1,2}[-/]\d{4}\s*$"), _ymd),
    _Rule("date:md", re.compile(r"^\s*\d{1,2}-\d{1,2}\s*$"), _md),
    _Rule("date:ym", re.compile(r"^\s*\d{4}-\d{1,2}\s*$"), _ym),
    _Rule("date:year", re.compile(r"^\s*\d{4}\s*$"), _year_only),
    # dates written as families
    _Rule("Month (only)", re.compile(r"^Month \(only\)", _I), _date_family("month")),
    _Rule("Month/Day/Year", re.compile(r"^Month/Day/Year", _I), _date_family("mdy")),
    _Rule("Month/Day", re.compile(r"^Month/Day", _I), _date_family("md")),
    _Rule("Month/Year", re.compile(r"^Month/Year|^Month Year", _I), _date_family("my")),
    _Rule("Day Month Year", re.compile(r"^Day Month Year", _I), _date_family("mdy")),
    _Rule("Day Month", re.compile(r"^Day Month|^Month Day", _I), _date_family("dm")),
    _Rule(
        "Year (4 digits)",
        re.compile(r"^Year \(4 digits\)|^Year\b(?!.*2 digits)", _I),
        _date_family("year4"),
    ),
    _Rule("Year (2 digits)", re.compile(r"^Year \(2 digits\)", _I), _date_family("year2")),
    _Rule("Date range", re.compile(r"^Date [Rr]ange", _I), _date_family("range")),
    _Rule("Date", re.compile(r"^Date\b", _I), _date_family("mdy")),
    _Rule("Holiday", re.compile(r"^Holiday", _I), _date_family("holiday")),
    # names
    _Rule(
        "Known firstname", re.compile(r"^Known (?:patient )?firstname", _I), _patient_name("first")
    ),
    _Rule("Known lastname", re.compile(r"^Known (?:patient )?lastname", _I), _patient_name("last")),
    _Rule(
        "Doctor First Name", re.compile(r"^Doctor First Name", _I), _other_name("first", "DOCTOR")
    ),
    _Rule("Doctor Last Name", re.compile(r"^Doctor Last Name", _I), _other_name("last", "DOCTOR")),
    _Rule(
        "Attending Info", re.compile(r"^(?:Attending|Dictator|CC Contact) Info", _I), _full_doctor
    ),
    _Rule(
        "Name (MD/STitle)",
        re.compile(r"^Name\d* \(MD\)|\(STitle\)|\(Titles\)", _I),
        _other_name("last", "DOCTOR"),
    ),
    _Rule("Name Prefix", re.compile(r"^Name Prefix", _I), _title, memo=False),
    _Rule(
        "Initials",
        re.compile(r"^(?:Initials?|Name Initial)\b", _I),
        _other_name("initials", "PATIENT"),
    ),
    _Rule(
        "First Name",
        re.compile(r"^(?:Female |Male )?First Name\d*\b", _I),
        _other_name("first", "PATIENT"),
    ),
    _Rule("Last Name", re.compile(r"^Last Name\d*\b", _I), _other_name("last", "PATIENT")),
    _Rule("Name", re.compile(r"^Name\d*\b", _I), _other_name("last", "PATIENT")),
    # locations
    _Rule(
        "Hospital Unit Name", re.compile(r"^(?:Hospital )?(?:Unit|Ward) ?Name|^Wardname", _I), _dept
    ),
    _Rule("Hospital Unit Number", re.compile(r"^Hospital Unit Number|^Room", _I), _room),
    _Rule("Hospital", re.compile(r"^Hospital\d*\b", _I), _place("hospitals", "HOSPITAL")),
    _Rule("Street Address", re.compile(r"^Street Address", _I), _street),
    _Rule("Apartment Address", re.compile(r"^Apartment Address", _I), _apartment),
    _Rule("State/Zipcode", re.compile(r"^State/Zip", _I), _state_zip),
    _Rule("State", re.compile(r"^State\b", _I), _place("states", "STATE")),
    _Rule("Zipcode", re.compile(r"^Zip", _I), lambda c: [(c.pool.zip_code(c.rng), "ZIP")]),
    _Rule("Country", re.compile(r"^Country", _I), _country),
    _Rule(
        "Location", re.compile(r"^(?:Location|Town|City|County)\b", _I), _place("cities", "CITY")
    ),
    _Rule("Company", re.compile(r"^Company", _I), _org("company")),
    _Rule("College", re.compile(r"^(?:College|University)", _I), _org("college")),
    # contacts
    _Rule("Telephone/Fax", re.compile(r"^Telephone|^Phone|^Fax", _I), _phone),
    _Rule("Pager number", re.compile(r"^Pager", _I), _pager),
    _Rule("E-mail address", re.compile(r"^E-?mail", _I), _email),
    _Rule("URL", re.compile(r"^URL", _I), _url),
    _Rule("IP address", re.compile(r"^IP ", _I), _ip),
    # identifiers
    _Rule("Social Security Number", re.compile(r"^Social Security", _I), _id("SSN", "%##-##-####")),
    _Rule(
        "Medical Record Number",
        re.compile(r"^Medical Record Number|^MRN", _I),
        _id("MEDICALRECORD", "%######"),
    ),
    _Rule("Unit Number", re.compile(r"^Unit Number", _I), _id("MEDICALRECORD", "%######")),
    _Rule("Serial Number", re.compile(r"^Serial Number", _I), _id("DEVICE", "??%#####")),
    _Rule("Provider Number", re.compile(r"^Provider Number|^MD Number", _I), _id("IDNUM", "%####")),
    _Rule("Job Number", re.compile(r"^Job Number", _I), _id("IDNUM", "%####")),
    _Rule("Clip Number", re.compile(r"^Clip Number", _I), _id("IDNUM", "%####")),
    _Rule("Numeric Identifier", re.compile(r"^Numeric Identifier", _I), _id("IDNUM", "%####")),
    _Rule("Account Number", re.compile(r"^Account", _I), _id("ACCOUNT", "%#########")),
    _Rule(
        "Insurance Number",
        re.compile(r"^(?:Insurance|Health Plan)", _I),
        _id("HEALTHPLAN", "???#########"),
    ),
    _Rule("License Number", re.compile(r"^License", _I), _id("LICENSE", "??#######")),
    # ages
    _Rule("Age over 90", re.compile(r"^Age over 90", _I), _age90),
)


def _match_rule(inner: str) -> _Rule | None:
    text = inner.strip()
    for rule in RULES:
        if rule.pattern.search(text):
            return rule
    return None


# --------------------------------------------------------------------------------------------
# NOTEEVENTS reader
# --------------------------------------------------------------------------------------------


def _parse_chartdate(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def iter_mimic(
    path: str | Path,
    *,
    unknown: Unknown = "error",
    seed: int = 0,
    locales: Sequence[str] | None = None,
    filler: MimicFiller | None = None,
) -> Iterator[Document | RecordError]:
    """Read a NOTEEVENTS-like CSV (ROW_ID, SUBJECT_ID, HADM_ID, CHARTDATE, CATEGORY,
    DESCRIPTION, TEXT) and yield filled, annotated documents (id ``mimic-<ROW_ID>``).

    Pass your own ``filler`` to read its ``unknown``/``filled`` counts afterwards.
    """
    path = Path(path)
    filler = filler or MimicFiller(seed=seed, locales=locales, unknown=unknown)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {f.upper(): f for f in reader.fieldnames or []}
        if "TEXT" not in fields:
            raise FairdeidError(f"{path.name}: no TEXT column; is this NOTEEVENTS?")
        for n, row in enumerate(reader, start=2):
            get = lambda key, row=row: (row.get(fields.get(key, key)) or "").strip()  # noqa: E731
            row_id = get("ROW_ID") or str(n - 1)
            doc_id = f"mimic-{row_id}"
            subject = get("SUBJECT_ID")
            chart = _parse_chartdate(get("CHARTDATE"))
            meta: dict[str, Any] = {"row_id": row_id}
            if subject:
                meta["patient_id"] = subject
            for key in ("HADM_ID", "CATEGORY", "DESCRIPTION"):
                if get(key):
                    meta[key.lower()] = get(key)
            try:
                doc = filler.fill(
                    row.get(fields["TEXT"]) or "",
                    doc_id=doc_id,
                    subject=subject,
                    chart_date=chart,
                    meta=meta,
                )
            except RecordError as exc:
                yield RecordError(f"{path.name}:{n} ({doc_id})", exc.reason)
                continue
            if chart is not None:
                state = filler._patients.get(subject or doc_id)
                offset = state.year_offset if state and state.year_offset is not None else 0
                try:
                    shifted = chart.replace(year=chart.year + offset)
                except ValueError:
                    shifted = chart.replace(year=chart.year + offset, day=28)
                doc = Document(
                    doc.id, doc.text, dict(doc.meta, chartdate=shifted.isoformat()), doc.spans
                )
            yield doc
