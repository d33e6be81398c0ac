"""Places and organisations: STREET, CITY, STATE, COUNTRY, ZIP, HOSPITAL, ORGANIZATION,
DEPARTMENT, ROOM, LOCATION_OTHER (and the coarse LOCATION).

Drawn from the scope's locale pool; house numbers, apartment numbers and rooms keep their shape,
generic words ("Room", "Bed") stay, upper-case state codes stay codes.
"""

from __future__ import annotations

import random
import re

from fairdeid.locales import LOCALE_CODES, LocalePool, get_pool
from fairdeid.locales.regions import state_codes
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import fold, keep_shape, match_case, to_ascii

_DEPARTMENTS = ["Cardiology", "Oncology", "Neurology", "Nephrology", "Orthopedics", "Radiology",
                "Emergency Department", "Internal Medicine", "Pediatrics", "Dermatology",
                "Gastroenterology", "Pulmonology", "Endocrinology", "Rheumatology", "Urology",
                "Obstetrics", "Psychiatry", "Surgical ICU", "Medical ICU", "Hematology"]
_ORG_PATTERNS = ["{surname} & Sons", "{city} Logistics", "{surname} Holdings", "{city} Council",
                 "{surname} Consulting", "{city} Textiles", "{city} Water Board",
                 "{surname} Engineering", "{city} School District", "{surname} Foods"]


#: Words that introduce an apartment, suite or floor in an address line.
UNIT_DESIGNATORS = ("apt", "apartment", "unit", "suite", "ste", "flat", "fl", "floor", "rm",
                    "room", "#")
_UNIT_TAIL = re.compile(
    r"(,\s*|\s+)((?:" + "|".join(re.escape(w) for w in UNIT_DESIGNATORS if w != "#")
    + r")\b\.?|#)(\s*)([0-9A-Za-z][0-9A-Za-z-]*)\s*$",
    re.IGNORECASE,
)


def _street(original: str, locale: str, rng: random.Random, script: str) -> str:
    """A street of the locale; the house number and the unit number keep their shape, and the
    unit designator stays the word it was ("Apt 3B" → "Apt 7U", never "Yiz 7U")."""
    pool = get_pool(locale)
    street = pool.place("streets", rng, script)
    m = re.match(r"^\s*(\d+[A-Za-z]?)\s*,?\s+", original)
    number = keep_shape(m.group(1), rng) + " " if m else ""
    unit = _UNIT_TAIL.search(original)
    tail = ""
    if unit and unit.start() > (m.end() if m else 0):
        sep, designator, gap, value = unit.groups()
        tail = ("," if "," in sep else "") + " " + designator + gap + keep_shape(value, rng)
    return match_case(original, number + street + tail)


def _is_code(state: str) -> bool:
    return state.isupper() and len(state) <= 3


def _state(original: str, locale: str, rng: random.Random, script: str) -> str:
    """A code stays a real code of the locale's country (a region's name where the country
    has no codes we trust); a name becomes another region name of that country."""
    stripped = original.strip()
    pool = get_pool(locale)
    if _is_code(stripped):
        codes = state_codes(locale)
        if codes:
            return rng.choice(codes)
        return _state_at(pool, rng.choice(_region_names(pool)), script)
    return match_case(original, _state_at(pool, rng.choice(_region_names(pool)), script))


def _region_names(pool: LocalePool) -> list[int]:
    """Indices of the pool's regions written as names (pools mix in a few codes)."""
    return [i for i, s in enumerate(pool.states) if not _is_code(s)] or list(
        range(len(pool.states)))


def _state_at(pool: LocalePool, index: int, script: str) -> str:
    native = pool.native_places.get("states")
    return native[index] if script == "native" and native else pool.states[index]


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


_ROOM_WORDS = {"room", "rm", "bed", "ward", "floor", "fl", "unit", "suite", "ste", "apt",
               "apartment", "flat", "bay", "wing", "level", "building", "bldg", "tower", "pod",
               "north", "south", "east", "west", "icu", "ccu", "nicu", "picu", "or", "er", "ed"}
_WORD_OR_NUMBER = re.compile(r"[^\W\d_]+|\d+")


def _room(original: str, locale: str, rng: random.Random) -> str:
    """Numbers and letters change, generic words ("Room", "Bed") stay, names become other
    names (a ward named after a donor identifies the hospital)."""
    pool = get_pool(locale)

    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.casefold() in _ROOM_WORDS:
            return token  # "Rm", "Apt", "OR" are words of the vocabulary, not identifiers
        if token.isdigit() or len(token) <= 2:
            return keep_shape(token, rng)
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


#: Postcode shapes a country uses beyond the ones its pool generates (kept when seen).
_MORE_POSTCODE_SHAPES: dict[str, tuple[str, ...]] = {
    "United Kingdom": ("?## #??", "?#? #??", "??#? #??"),
}


def postcode_shapes(pool: LocalePool) -> tuple[str, ...]:
    """The postcode shapes of ``pool``'s country: the ones it generates and the ones kept."""
    return pool.zip_formats + _MORE_POSTCODE_SHAPES.get(pool.country, ())


def fits_format(value: str, fmt: str) -> bool:
    """Whether ``value`` could have been made from ``fmt`` (``#``/``%`` digit, ``?`` letter)."""
    if len(value) != len(fmt):
        return False
    for ch, f in zip(value, fmt, strict=True):
        if f in "#%":
            if not ch.isdigit():
                return False
        elif f == "?":
            if not (ch.isascii() and ch.isalpha()):
                return False
        elif ch != f:
            return False
    return True


class Zips:
    """ZIP: same shape when that shape is a postcode of the locale's country, else one of the
    country's formats (always with ``shape="locale"``)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        pool = get_pool(ctx.locale)
        shapes = postcode_shapes(pool)
        if ctx.shape == "locale" or not any(fits_format(original, f) for f in shapes):
            # A US ZIP for a patient of another country would put the address in two countries.
            return pool.zip_code(rng)
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
