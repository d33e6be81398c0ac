"""Coherent addresses: the city, state and postcode of one address come from one place.

Why a step of its own: each surrogate generator replaces one span and knows nothing of its
neighbours, so "Houston, TX 77030" used to become a city of one state, another state and a
postcode of a third ("Tulsa, OR 10023"). Here the spans that make up one address are found, and
the state and postcode follow the city's surrogate, through the place table
(``fairdeid.locales.places``): the state is the surrogate city's region and the postcode starts
with that place's prefix, in the original's shape.

What counts as one address (``find_addresses``): CITY, STATE and ZIP spans that follow each
other with nothing between two of them but spaces, tabs, commas, brackets and at most one line
break ("Houston, TX 77030", "Houston TX 77030", "10115 Berlin", "Sevilla (41001)",
"Houston\\nTexas\\n77030" in an address block). Each of the three labels appears at most once;
a group needs a CITY and a STATE or a ZIP. Any other span or word between them ends the group. A
STATE or ZIP outside such a group is replaced by its own generator, as before.

Consistency: the city keeps its usual surrogate (keyed by the patient and the original city), so
the same address gets the same surrogate in every note of a patient; the state is a function of
that surrogate city, and the postcode's digits are keyed by the original postcode and the
surrogate city. A postcode written inside an address and the same postcode written alone may
therefore get different surrogates. Where the table has no row for the surrogate city, where
the city is kept as written, or where the row has no region (most British cities), the part falls
back to its own generator. A state code stays a code in surrogate mode; multicultural variants
(``shape="locale"``) write the region's name, as they do for a lone state.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fairdeid.document import Span
from fairdeid.locales import LocalePool, fill_format, get_pool
from fairdeid.locales.places import Place, places
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.location import fits_format, postcode_shapes
from fairdeid.replace.surrogates.shape import keep_shape, match_case

__all__ = [
    "ADDRESS_LABELS",
    "Address",
    "FreshAddress",
    "address_part",
    "find_addresses",
    "fresh_address",
    "hospital_city",
    "postcode_at",
]

#: The labels whose spans can form one address.
ADDRESS_LABELS = ("CITY", "STATE", "ZIP")
#: What may stand between two parts of one address.
_JOINER = re.compile(r"[ \t\r,()]*\n?[ \t\r,()]*")


@dataclass(frozen=True, slots=True)
class Address:
    """The spans of one address (``state`` or ``zip`` may be missing, never both)."""

    city: Span
    state: Span | None
    zip: Span | None


#: (start, end) of a STATE or ZIP span → the address it belongs to.
AddressIndex = Mapping[tuple[int, int], Address]


def find_addresses(text: str, spans: Sequence[Span]) -> dict[tuple[int, int], Address]:
    """The addresses among ``spans`` (non-overlapping), indexed by their STATE and ZIP spans."""
    runs: list[list[Span]] = []
    run: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        joins = (span.label in ADDRESS_LABELS and run
                 and span.label not in {s.label for s in run}
                 and _JOINER.fullmatch(text[run[-1].end : span.start]) is not None)
        if joins:
            run.append(span)
            continue
        runs.append(run)
        run = [span] if span.label in ADDRESS_LABELS else []
    runs.append(run)
    index: dict[tuple[int, int], Address] = {}
    for parts in runs:
        by_label = {s.label: s for s in parts}
        if "CITY" not in by_label or len(by_label) < 2:
            continue
        address = Address(by_label["CITY"], by_label.get("STATE"), by_label.get("ZIP"))
        for span in parts:
            if span.label != "CITY":
                index[(span.start, span.end)] = address
    return index


# -- postcodes ------------------------------------------------------------------------------


def _same_kind(ch: str, slot: str, is_format: bool = False) -> bool:
    """Whether ``ch`` (of a prefix) may stand where ``slot`` (of a postcode, or of a format
    when ``is_format``: there a character other than ``#%?`` is a literal) is."""
    if is_format and slot not in "#%?":
        return ch == slot
    if ch.isdigit():
        return slot.isdigit() or slot in "#%"
    return (slot.isascii() and slot.isalpha()) or slot == "?"


def _fits(prefix: str, template: str, is_format: bool = False) -> bool:
    """Whether ``template`` can start with ``prefix``; a letter prefix (a postcode area) must
    end where the template's letters do ("S" fits "S1 4DP", not "LS1 4AB")."""
    if len(template) <= len(prefix):
        return False
    if not all(_same_kind(c, s, is_format) for c, s in zip(prefix, template, strict=False)):
        return False
    after = template[len(prefix)]
    return not (prefix[-1].isalpha() and _same_kind("A", after))


def _fill(prefix: str, fmt: str, rng: random.Random) -> str:
    return prefix + fill_format(fmt[len(prefix):], rng)


def postcode_at(place: Place, pool: LocalePool, rng: random.Random, original: str = "",
                keep: bool = True) -> str:
    """A postcode of ``place``: the original's shape with the place's prefix when ``keep`` and
    the shape is one of the country's and fits the prefix; else one of the country's formats
    that fits it."""
    shapes = postcode_shapes(pool)
    prefix = rng.choice(place.postcode)
    if keep and original and _is_postcode(original, shapes) and _fits(prefix, original):
        return prefix + keep_shape(original[len(prefix):], rng)
    # The pool's own formats first: the kept extra shapes (London's "SW1A 1AA") are not
    # everyone's.
    fitting = [f for f in pool.zip_formats if _fits(prefix, f, is_format=True)] or [
        f for f in shapes if _fits(prefix, f, is_format=True)]
    if not fitting:
        return pool.zip_code(rng)  # the build checks that every prefix fits a format
    return _fill(prefix, rng.choice(fitting), rng)


def _is_postcode(value: str, shapes: Sequence[str]) -> bool:
    return any(fits_format(value.upper(), f) for f in shapes)


# -- one part of an address -----------------------------------------------------------------


def _is_code(state: str) -> bool:
    return state.isupper() and len(state) <= 3


def address_part(label: str, original: str, place: Place, rng: random.Random,
                 ctx: SurrogateContext) -> str | None:
    """The surrogate of ``original`` (a STATE or ZIP of an address) at ``place``; None when the
    place cannot say (no region): the caller then uses the label's own generator."""
    if label == "ZIP":
        return postcode_at(place, get_pool(ctx.locale), rng, original, keep=ctx.shape != "locale")
    if label != "STATE" or not place.region:
        return None
    code = _is_code(original.strip())
    if code and place.code and ctx.shape != "locale":
        return place.code  # a code stays a code (variants name the region, as ``States`` does)
    region = place.region_in(ctx.script)
    return region if code else match_case(original, region)


# -- synthetic addresses --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FreshAddress:
    """A city, its region and a postcode of it, for synthetic notes."""

    city: str
    state: str
    postcode: str
    place: Place


def fresh_address(locale: str, rng: random.Random, script: str = "romanised") -> FreshAddress:
    """An address of ``locale`` from one row of the place table (rows with a region only, so
    the state always matches the city)."""
    rows = [p for p in places(locale) if p.region] or list(places(locale))
    pool = get_pool(locale)
    place = rng.choice(rows)
    state = place.region_in(script) or pool.place("states", rng, script)
    return FreshAddress(place.city_in(script), state, postcode_at(place, pool, rng, keep=False),
                        place)


def hospital_city(hospital: str, locale: str, rng: random.Random,
                  script: str = "romanised") -> str:
    """The city a hospital's name places it in ("Akron General Hospital" → Akron), else a city
    of ``locale`` drawn from ``rng``: a note must not put "Akron General Hospital" in Tulsa."""
    folded = hospital.casefold()
    for place in places(locale):
        for name in (place.city, place.city_native):
            if name and re.search(r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", folded):
                return place.city_in(script)
    return get_pool(locale).place("cities", rng, script)
