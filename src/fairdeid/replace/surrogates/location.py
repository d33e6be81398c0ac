"""Places and organisations: STREET, CITY, STATE, COUNTRY, ZIP, HOSPITAL, ORGANIZATION,
DEPARTMENT, ROOM, LOCATION_OTHER (and the coarse LOCATION).

Drawn from the scope's locale pool; house numbers, apartment numbers and rooms keep their shape,
generic words ("Room", "Bed") stay, upper-case state codes stay codes.
"""

from __future__ import annotations

import random
import re

from fairdeid.locales import LOCALE_CODES, get_pool
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import fold, keep_shape, match_case, to_ascii

_DEPARTMENTS = ["Cardiology", "Oncology", "Neurology", "Nephrology", "Orthopedics", "Radiology",
                "Emergency Department", "Internal Medicine", "Pediatrics", "Dermatology",
                "Gastroenterology", "Pulmonology", "Endocrinology", "Rheumatology", "Urology",
                "Obstetrics", "Psychiatry", "Surgical ICU", "Medical ICU", "Hematology"]
_ORG_PATTERNS = ["{surname} & Sons", "{city} Logistics", "{surname} Holdings", "{city} Council",
                 "{surname} Consulting", "{city} Textiles", "{city} Water Board",
                 "{surname} Engineering", "{city} School District", "{surname} Foods"]
_US_STATE_CODES = ["AL", "AZ", "CA", "CO", "CT", "FL", "GA", "IA", "IL", "IN", "KS", "KY", "MA",
                   "MD", "ME", "MI", "MN", "MO", "NC", "NE", "NJ", "NM", "NV", "NY", "OH", "OK",
                   "OR", "PA", "SC", "TN", "TX", "UT", "VA", "WA", "WI"]


def _street(original: str, locale: str, rng: random.Random, script: str) -> str:
    pool = get_pool(locale)
    street = pool.place("streets", rng, script)
    m = re.match(r"^\s*(\d+[A-Za-z]?)\s*,?\s+", original)
    number = keep_shape(m.group(1), rng) + " " if m else ""
    tail_m = re.search(r",\s*((?:apt|apartment|unit|suite|ste|flat|#)\.?\s*\S+)\s*$", original,
                       re.IGNORECASE)
    tail = ", " + keep_shape(tail_m.group(1), rng) if tail_m else ""
    return match_case(original, number + street + tail)


def _state(original: str, locale: str, rng: random.Random, script: str) -> str:
    stripped = original.strip()
    pool = get_pool(locale)
    if stripped.isupper() and len(stripped) <= 3:
        codes = [s for s in pool.states if s.isupper() and len(s) <= 3]
        if not codes and locale == "en_US":
            codes = _US_STATE_CODES
        if codes:
            return rng.choice(codes)
        return keep_shape(original, rng)
    return match_case(original, pool.place("states", rng, script))


def _country(original: str, locale: str, rng: random.Random, script: str) -> str:
    pool = get_pool(locale)
    name = pool.country_native if script == "native" else pool.country
    if fold(name) == fold(original):
        others = [get_pool(c).country for c in LOCALE_CODES if fold(get_pool(c).country)
                  != fold(original)]
        name = rng.choice(sorted(set(others)))
    return match_case(original, name)


def _organization(original: str, locale: str, rng: random.Random, script: str) -> str:
    pool = get_pool(locale)
    pattern = rng.choice(_ORG_PATTERNS)
    return match_case(original, pattern.format(surname=pool.surname(rng),
                                                city=pool.place("cities", rng)))


_ROOM_WORDS = {"room", "rm", "bed", "ward", "floor", "unit", "suite", "bay", "wing", "level",
               "building", "bldg", "tower", "pod", "north", "south", "east", "west", "icu",
               "ccu", "nicu", "picu", "or", "er", "ed"}
_WORD_OR_NUMBER = re.compile(r"[^\W\d_]+|\d+")


def _room(original: str, locale: str, rng: random.Random) -> str:
    """Numbers and letters change, generic words ("Room", "Bed") stay, names become other
    names (a ward named after a donor identifies the hospital)."""
    pool = get_pool(locale)

    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.isdigit() or len(token) <= 2:
            return keep_shape(token, rng)
        if token.casefold() in _ROOM_WORDS:
            return token
        return match_case(token, to_ascii(pool.surname(rng)) or "North")

    out = _WORD_OR_NUMBER.sub(swap, original)
    if out == original:
        # Only generic words ("Ward"): swap them for other generic words rather than echo.
        generic = sorted(w.title() for w in _ROOM_WORDS if len(w) > 3)
        out = _WORD_OR_NUMBER.sub(lambda m: match_case(m.group(0), rng.choice(
            [g for g in generic if g.casefold() != m.group(0).casefold()])), original)
    return out


def _department(original: str, locale: str, rng: random.Random) -> str:
    if any(c.isdigit() for c in original):
        return _room(original, locale, rng)
    return match_case(original, rng.choice(_DEPARTMENTS))


class Streets:
    """STREET."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _street(original, ctx.locale, rng, ctx.script)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        street = get_pool(ctx.locale).place("streets", rng, ctx.script)
        return f"{rng.randrange(1, 2000)} {street}"


class Places:
    """CITY, LOCATION_OTHER, LOCATION (a city), HOSPITAL: a name from the pool's ``kind`` list,
    in the original's case style."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return match_case(original, get_pool(ctx.locale).place(self.kind, rng, ctx.script))

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return get_pool(ctx.locale).place(self.kind, rng, ctx.script)


class States:
    """STATE: codes stay codes; ``shape="locale"`` draws from the locale's states."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        if ctx.shape == "locale":
            state = get_pool(ctx.locale).place("states", rng, ctx.script)
            return state if len(original.strip()) <= 3 else match_case(original, state)
        return _state(original, ctx.locale, rng, ctx.script)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return get_pool(ctx.locale).place("states", rng, ctx.script)


class Countries:
    """COUNTRY: the locale's country, or another one when that is the original."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _country(original, ctx.locale, rng, ctx.script)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        pool = get_pool(ctx.locale)
        return pool.country_native if ctx.script == "native" and pool.country_native \
            else pool.country


class Zips:
    """ZIP: same shape, or the locale's postcode format with ``shape="locale"``."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        if ctx.shape == "locale":
            return get_pool(ctx.locale).zip_code(rng)
        return keep_shape(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return get_pool(ctx.locale).zip_code(rng)


class Organizations:
    """ORGANIZATION."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _organization(original, ctx.locale, rng, ctx.script)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return _organization("Acme", ctx.locale, rng, ctx.script)


class Departments:
    """DEPARTMENT (a numbered one is treated like a room)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _department(original, ctx.locale, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return rng.choice(_DEPARTMENTS)


class Rooms:
    """ROOM."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _room(original, ctx.locale, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return f"Room {rng.randrange(100, 1000)}"
