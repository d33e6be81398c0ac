"""Value makers: how each placeholder family's surrogate is made.

``MAKERS`` maps the ``fill`` names of ``data/placeholders.toml`` to factories; a factory takes
the rule's ``args`` and returns the function that fills one placeholder. A maker returns the
pieces it writes, each with its label (None for plain text between two spans).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from fairdeid.corpora.mimic.context import MONTHS, FillContext, MimicPerson, Piece
from fairdeid.corpora.synth.people import fresh_value as synth_fresh_value
from fairdeid.corpora.synth.vocab import vocab
from fairdeid.locales import fill_format
from fairdeid.replace.surrogates.shape import to_ascii

Maker = Callable[[FillContext], list[Piece]]


def fresh_value(label: str, locale: str, ctx: FillContext) -> str:
    """A new ``label`` value of ``locale`` from the surrogate generators."""
    return synth_fresh_value(label, locale, ctx.rng)


# --- names


def _name_part(person: MimicPerson, part: str) -> str:
    if part == "first":
        return person.first
    if part == "last":
        return person.last
    if part == "initials":
        return f"{person.first[:1]}.{person.last[:1]}."
    if part == "initial":
        return person.first[:1]
    return f"{person.first} {person.last}"


def patient_name(part: str) -> Maker:
    """The patient's own name (or a doctor's, when the context says so)."""

    def make(ctx: FillContext) -> list[Piece]:
        role = ctx.name_role("PATIENT")
        person = ctx.state.person if role == "PATIENT" else ctx.other_person()
        ctx.remember(person)
        return [(_name_part(person, part), role)]

    return make


def other_name(part: str, default_role: str) -> Maker:
    """Someone else's name: DOCTOR families always, ambiguous ones by context."""

    def make(ctx: FillContext) -> list[Piece]:
        role = default_role if default_role == "DOCTOR" else ctx.name_role(default_role)
        person = ctx.other_person()
        ctx.remember(person)
        return [(_name_part(person, part), role)]

    return make


def full_doctor() -> Maker:
    def make(ctx: FillContext) -> list[Piece]:
        person = ctx.other_person()
        ctx.remember(person)
        return [(f"{person.first} {person.last}", "DOCTOR")]

    return make


def title() -> Maker:
    return lambda ctx: [(ctx.rng.choice(("Dr.", "Mr.", "Ms.")), None)]


# --- dates


_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_MD = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")
_MDY = re.compile(r"^\s*(\d{1,2})[-/](\d{1,2})[-/](\d{4})\s*$")
_Y = re.compile(r"^\s*(\d{4})\s*$")
_YM = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _match(pattern: re.Pattern[str], ctx: FillContext) -> re.Match[str]:
    m = pattern.match(ctx.inner)
    assert m is not None  # the rule's pattern matched the same shape
    return m


def ymd() -> Maker:
    """A full numeric date (2151-7-10 or 7/10/2151), its year moved by the patient's offset."""

    def make(ctx: FillContext) -> list[Piece]:
        m = _YMD.match(ctx.inner)
        if m is not None:
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            m = _match(_MDY, ctx)
            month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not 1 <= month <= 12:
            month = ctx.rng.randint(1, 12)
        return [(ctx.render_date(ctx.year(year), month, max(1, min(day, 31))), "DATE")]

    return make


def md() -> Maker:
    def make(ctx: FillContext) -> list[Piece]:
        m = _match(_MD, ctx)
        month, day = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            month = ctx.rng.randint(1, 12)
        return [(ctx.render_date(None, month, max(1, min(day, 28 if month == 2 else 30))), "DATE")]

    return make


def ym() -> Maker:
    def make(ctx: FillContext) -> list[Piece]:
        m = _match(_YM, ctx)
        month = int(m.group(2))
        month = month if 1 <= month <= 12 else 1
        return [(ctx.render_date(ctx.year(int(m.group(1))), month, None), "DATE")]

    return make


def year() -> Maker:
    return lambda ctx: [(str(ctx.year(int(_match(_Y, ctx).group(1)))), "DATE")]


def _random_date(ctx: FillContext) -> dt.date:
    base = 2005 + ctx.rng.randrange(18)
    return dt.date(base, ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))


def date(kind: str) -> Maker:
    """A date of the family's shape (``kind``), drawn in 2005-2022."""

    def make(ctx: FillContext) -> list[Piece]:
        day = _random_date(ctx)
        month_name = MONTHS[day.month - 1]
        if kind == "month":
            return [(month_name, "DATE")]
        if kind == "md":
            return [(f"{day.month}/{day.day}", "DATE")]
        if kind == "dm":
            return [(f"{day.day} {month_name}", "DATE")]
        if kind == "my":
            return [(f"{month_name} {day.year}", "DATE")]
        if kind == "year4":
            return [(str(day.year), "DATE")]
        if kind == "year2":
            return [(f"'{day.year % 100:02d}", "DATE")]
        if kind == "range":
            end = day + dt.timedelta(days=ctx.rng.randint(1, 14))
            return [
                (f"{day.month}/{day.day}", "DATE"),
                ("-", None),
                (f"{end.month}/{end.day}", "DATE"),
            ]
        if kind == "holiday":
            return [(ctx.rng.choice(vocab().holidays), "DATE")]
        return [(ctx.render_date(day.year, day.month, day.day), "DATE")]

    return make


# --- places, contacts, ids


def fresh(label: str) -> Maker:
    """A new value of ``label`` in the patient's locale, from the surrogate generators."""
    return lambda ctx: [(fresh_value(label, ctx.locale, ctx), label)]


def apartment() -> Maker:
    def make(ctx: FillContext) -> list[Piece]:
        rng = ctx.rng
        prefix = rng.choice(("Apt ", "Apt. ", "Unit ", "#"))
        return [(prefix + f"{rng.randint(1, 40)}{rng.choice('ABCD ')}".strip(), "STREET")]

    return make


def state_zip() -> Maker:
    def make(ctx: FillContext) -> list[Piece]:
        state = fresh_value("STATE", ctx.locale, ctx)
        return [(state, "STATE"), (" ", None), (fresh_value("ZIP", ctx.locale, ctx), "ZIP")]

    return make


def country() -> Maker:
    """The country of any locale of the run (not only the patient's)."""

    def make(ctx: FillContext) -> list[Piece]:
        locale = ctx.rng.choice(ctx.source.locales)
        return [(fresh_value("COUNTRY", locale, ctx), "COUNTRY")]

    return make


def college() -> Maker:
    def make(ctx: FillContext) -> list[Piece]:
        kind = ctx.rng.choice(("College", "University", "State University"))
        return [(f"{fresh_value('CITY', ctx.locale, ctx)} {kind}", "ORGANIZATION")]

    return make


def pager() -> Maker:
    return lambda ctx: [(fill_format("%####", ctx.rng), "PHONE")]


def email() -> Maker:
    """An address of the person the note names there (the same one wherever it recurs)."""

    def make(ctx: FillContext) -> list[Piece]:
        person = ctx.other_person()
        # Folded, not filtered: "Núñez" gives "nunez", never "nez".
        user = re.sub(r"[^a-z]", "", to_ascii(person.first[:1] + person.last).lower()) or "user"
        domain = ctx.rng.choice(("gmail.com", "yahoo.com", "hotmail.com", "partners.org"))
        return [(f"{user}{ctx.rng.randint(1, 99)}@{domain}", "EMAIL")]

    return make


def identifier(label: str, pattern: str) -> Maker:
    """An ID of the family's usual shape (a ``fill_format`` pattern)."""
    return lambda ctx: [(fill_format(pattern, ctx.rng), label)]


def age_over_90() -> Maker:
    return lambda ctx: [(str(ctx.rng.randint(90, 101)), "AGE")]


def unit() -> Maker:
    """A unit or ward a patient is admitted to or moved between ("MICU"): the synthetic notes'
    list, so both corpora draw from one."""
    return lambda ctx: [(ctx.rng.choice(vocab().inpatient_units), "DEPARTMENT")]


def room() -> Maker:
    def make(ctx: FillContext) -> list[Piece]:
        rng = ctx.rng
        return [(f"{rng.randint(1, 12)}{rng.randint(0, 9)}{rng.randint(0, 9)}", "ROOM")]

    return make


#: ``fill`` name in the placeholder table -> factory taking the rule's ``args``.
MAKERS: dict[str, Callable[..., Maker]] = {
    "patient_name": patient_name,
    "other_name": other_name,
    "full_doctor": full_doctor,
    "title": title,
    "ymd": ymd,
    "md": md,
    "ym": ym,
    "year": year,
    "date": date,
    "fresh": fresh,
    "apartment": apartment,
    "state_zip": state_zip,
    "country": country,
    "college": college,
    "pager": pager,
    "email": email,
    "id": identifier,
    "age_over_90": age_over_90,
    "unit": unit,
    "room": room,
}
