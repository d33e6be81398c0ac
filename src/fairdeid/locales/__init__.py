"""Locale pools: names by gender (native script + romanised), places, phone and ID shapes.

This package is data and lookups only (the pools here, region names in ``regions``, the
romanisation of names in ``translit``). Using the pools is done elsewhere: surrogates in
``fairdeid.replace.surrogates``, rewriting an annotated corpus with another locale's
identifiers in ``fairdeid.corpora.multicultural``.

Why precomputed data files instead of calling Faker at run time: several Faker locales silently
fall back to US names (en_AU, en_CA) or give native script only (zh_CN, hi_IN, bn_BD), which would
quietly ruin a fairness experiment. ``scripts/build_locale_pools.py`` builds, checks and freezes
each pool into ``locales/data/<code>.json`` once; run time only reads small JSON files, so results
do not drift with the Faker version installed. Provenance is in ``locales/data/SOURCES.md``.

Format strings (``phone_formats``, ``id_formats``, ``zip_formats``) use ``#`` for a digit, ``%``
for a non-zero digit, ``?`` for an upper-case ASCII letter; anything else is literal.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from fairdeid.errors import FairdeidError

__all__ = [
    "ALL_LOCALE_CODES",
    "AUDIT_LOCALE_CODES",
    "GENDERS",
    "LOCALE_CODES",
    "LocalePool",
    "Name",
    "UnknownLocaleError",
    "expand_locales",
    "fill_format",
    "get_pool",
    "infer_gender",
]

#: The locales whose people English-language notes are made of by default (the synthetic mix,
#: the fairness audit, the CRF's name lists, multicultural variants), in the order reports list
#: them. Kept as it was when the language pools came, so English results do not move.
LOCALE_CODES: tuple[str, ...] = (
    "en_US",
    "en_GB",
    "en_IN",
    "en_AU",
    "en_CA",
    "en_NG",
    "zh_CN",
    "hi_IN",
    "bn_BD",
    "es_ES",
    "es_MX",
    "fr_FR",
)
#: The pools of the language packs' countries that are not in ``LOCALE_CODES``.
LANGUAGE_LOCALE_CODES: tuple[str, ...] = ("de_DE", "nl_NL", "it_IT")
#: Pools for the fairness audit only: names in Latin letters outside ASCII (Turkish "Ş", "Ğ",
#: dotted and dotless "İ", "ı"; Polish "Ł", "Ż", "ó"), which no model was trained on; not in
#: ``LOCALE_CODES``, so training data, the CRF's name lists and the synthetic mix do not move.
AUDIT_LOCALE_CODES: tuple[str, ...] = ("tr_TR", "pl_PL")
#: Every locale with a pool.
ALL_LOCALE_CODES: tuple[str, ...] = LOCALE_CODES + LANGUAGE_LOCALE_CODES + AUDIT_LOCALE_CODES
GENDERS: tuple[str, ...] = ("female", "male")
SCRIPTS: tuple[str, ...] = ("romanised", "native")


class UnknownLocaleError(FairdeidError, ValueError):
    """A locale code has no pool."""


def expand_locales(codes: str) -> list[str]:
    """Comma-separated locale codes from a command line, ``all`` standing for every pool
    (``ALL_LOCALE_CODES``), in order and without repeats."""
    out: list[str] = []
    for code in (c.strip() for c in codes.split(",")):
        out.extend(ALL_LOCALE_CODES if code == "all" else [code] if code else [])
    return list(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class Name:
    """One name in its own script and in Latin letters (the same string for Latin scripts)."""

    native: str
    romanised: str

    def in_script(self, script: str) -> str:
        return self.native if script == "native" else self.romanised


@dataclass(frozen=True)
class LocalePool:
    """Everything a locale contributes to surrogates and to the multicultural variants.

    ``cities``/``streets``/``hospitals``/``states`` are in Latin script (clinical notes in English
    mention "Chengdu", not "成都"); ``native_places`` holds the same lists in native script for the
    non-Latin locales, index-aligned, under the keys ``cities``, ``streets``, ``hospitals`` and
    ``states``. ``family_name_first`` says how the locale orders names in its *native* script
    (Chinese: 张伟); romanised full names always use given-name-first order ("Wei Zhang"), the way
    English-language notes write them.
    """

    code: str
    first_names: Mapping[str, tuple[Name, ...]]
    surnames: tuple[Name, ...]
    cities: tuple[str, ...]
    streets: tuple[str, ...]
    hospitals: tuple[str, ...]
    states: tuple[str, ...]
    country: str
    phone_formats: tuple[str, ...]
    id_formats: tuple[str, ...]
    zip_formats: tuple[str, ...]
    family_name_first: bool = False
    native_places: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    country_native: str = ""

    # -- names ------------------------------------------------------------------------------

    def _first_name_obj(self, rng: random.Random, gender: str | None) -> Name:
        if gender not in GENDERS:
            gender = rng.choice(GENDERS)
        return rng.choice(self.first_names[gender])

    def first_name(
        self, rng: random.Random, gender: str | None = None, script: str = "romanised"
    ) -> str:
        """A first name of ``gender`` (``None``: either, drawn from ``rng``)."""
        _check_script(script)
        return self._first_name_obj(rng, gender).in_script(script)

    def surname(self, rng: random.Random, script: str = "romanised") -> str:
        _check_script(script)
        return rng.choice(self.surnames).in_script(script)

    def full_name(
        self, rng: random.Random, gender: str | None = None, script: str = "romanised"
    ) -> str:
        """Given name and surname in the order the locale writes them in ``script``."""
        _check_script(script)
        given = self._first_name_obj(rng, gender).in_script(script)
        family = rng.choice(self.surnames).in_script(script)
        if script == "native" and self.family_name_first:
            return family + given
        return f"{given} {family}"

    # -- places and numbers -----------------------------------------------------------------

    def place(self, kind: str, rng: random.Random, script: str = "romanised") -> str:
        """A city, street, hospital or state (``kind`` is the plural attribute name)."""
        _check_script(script)
        latin: tuple[str, ...] = getattr(self, kind)
        index = rng.randrange(len(latin))
        native = self.native_places.get(kind)
        if script == "native" and native:
            return native[index]
        return latin[index]

    def phone(self, rng: random.Random) -> str:
        return fill_format(rng.choice(self.phone_formats), rng)

    def id_number(self, rng: random.Random) -> str:
        return fill_format(rng.choice(self.id_formats), rng)

    def zip_code(self, rng: random.Random) -> str:
        return fill_format(rng.choice(self.zip_formats), rng)

    def counts(self) -> dict[str, int]:
        """Sizes of each list, for ``fairdeid locales`` and the build checks."""
        return {
            "female": len(self.first_names["female"]),
            "male": len(self.first_names["male"]),
            "surnames": len(self.surnames),
            "cities": len(self.cities),
            "streets": len(self.streets),
            "hospitals": len(self.hospitals),
            "states": len(self.states),
            "phone_formats": len(self.phone_formats),
            "id_formats": len(self.id_formats),
            "zip_formats": len(self.zip_formats),
        }


def _check_script(script: str) -> None:
    if script not in SCRIPTS:
        raise ValueError(f"script must be one of {SCRIPTS}, got {script!r}")


def fill_format(fmt: str, rng: random.Random) -> str:
    """Expand ``#`` (digit), ``%`` (non-zero digit) and ``?`` (A-Z) in ``fmt``."""
    out = []
    for ch in fmt:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "%":
            out.append(str(rng.randrange(1, 10)))
        elif ch == "?":
            out.append(chr(ord("A") + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


# -- loading -------------------------------------------------------------------------------


def _names(raw: list[Any]) -> tuple[Name, ...]:
    # Data files store a plain string when both scripts agree, else [native, romanised].
    return tuple(Name(r, r) if isinstance(r, str) else Name(r[0], r[1]) for r in raw)


def _read(code: str) -> dict[str, Any]:
    path = resources.files("fairdeid.locales").joinpath("data", f"{code}.json")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@cache
def get_pool(code: str) -> LocalePool:
    """The pool for ``code`` (``en_US``, ``zh_CN`` ...); loaded once per process."""
    if code not in ALL_LOCALE_CODES:
        raise UnknownLocaleError(f"unknown locale {code!r}; known: {', '.join(ALL_LOCALE_CODES)}")
    data = _read(code)
    return LocalePool(
        code=code,
        first_names={g: _names(data["first_names"][g]) for g in GENDERS},
        surnames=_names(data["surnames"]),
        cities=tuple(data["cities"]),
        streets=tuple(data["streets"]),
        hospitals=tuple(data["hospitals"]),
        states=tuple(data["states"]),
        country=data["country"],
        phone_formats=tuple(data["phone_formats"]),
        id_formats=tuple(data["id_formats"]),
        zip_formats=tuple(data["zip_formats"]),
        family_name_first=bool(data.get("family_name_first", False)),
        native_places={k: tuple(v) for k, v in data.get("native_places", {}).items()},
        country_native=data.get("country_native", data["country"]),
    )


def _fold(name: str) -> str:
    """Case- and accent-insensitive key: "José" and "JOSE" look up the same entry."""
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _gender_index() -> dict[str, str | None]:
    """Folded first name → gender, None when pools disagree.

    The language pools only add names the ``LOCALE_CODES`` pools do not list, so a name's
    gender as English notes knew it never changes.
    """
    index = _index_of(LOCALE_CODES)
    for key, gender in _index_of(LANGUAGE_LOCALE_CODES).items():
        index.setdefault(key, gender)
    return index


def _index_of(codes: tuple[str, ...]) -> dict[str, str | None]:
    seen: dict[str, set[str]] = {}
    for code in codes:
        pool = get_pool(code)
        for gender in GENDERS:
            for name in pool.first_names[gender]:
                for form in {name.native, name.romanised}:
                    seen.setdefault(_fold(form), set()).add(gender)
    return {k: (next(iter(v)) if len(v) == 1 else None) for k, v in seen.items()}


def infer_gender(first_name: str) -> str | None:
    """``"female"``/``"male"`` when every pool that lists ``first_name`` agrees, else ``None``.

    Only the first token counts ("Mary Ann" → Mary), since callers pass what precedes a surname.
    """
    token = first_name.strip().split()
    if not token:
        return None
    key = _fold(token[0].strip(".,"))
    index = _gender_index()
    if key not in index and "-" in key:
        key = key.split("-", 1)[0]  # "Mary-Jane" → Mary
    return index.get(key)
