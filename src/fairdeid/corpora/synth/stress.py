"""The ``stress`` profile's vocabulary and template slots: 500+ professions in context, ages in
every shape, multi-part institution names of many countries, and hard negatives.

Why a module of its own: the default profile's output for a seed is pinned, so nothing it draws
may change. These slots are only used by the stress note types (``notes/operative``,
``notes/email``, ``notes/tables``) and read ``data/stress.toml``, which the default profile
never loads.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from fairdeid.corpora.synth.context import NoteContext

_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_PACKS = ("de", "fr", "es", "it", "nl")


def age_words(n: int) -> str:
    """``92`` → ``"ninety-two"`` (0-119), the way dictated ages are typed out."""
    if n >= 100:
        rest = n - 100
        return "one hundred" + (f" and {age_words(rest)}" if rest else "")
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


@dataclass(frozen=True, slots=True)
class StressVocab:
    professions: tuple[str, ...]
    profession_contexts: tuple[str, ...]
    age_shapes: tuple[str, ...]
    hard_negatives: tuple[str, ...]
    institutions: Mapping[str, tuple[str, ...]]
    pack_institutions: Mapping[str, tuple[str, ...]]
    pack_hospitals: Mapping[str, tuple[str, ...]]
    pack_cities: Mapping[str, tuple[str, ...]]


def _pack_list(code: str, name: str) -> tuple[str, ...]:
    text = resources.files("fairdeid.lang").joinpath("packs", code, name).read_text("utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def stress_vocab() -> StressVocab:
    """The stress word lists (loaded on first use, then shared)."""
    raw = resources.files("fairdeid.corpora.synth").joinpath("data", "stress.toml")
    data = tomllib.loads(raw.read_text("utf-8"))
    return StressVocab(
        professions=tuple(data["professions"]),
        profession_contexts=tuple(data["profession_contexts"]),
        age_shapes=tuple(data["age_shapes"]),
        hard_negatives=tuple(data["hard_negatives"]),
        institutions=MappingProxyType({k: tuple(v) for k, v in data["institutions"].items()}),
        pack_institutions=MappingProxyType(
            {k: tuple(v) for k, v in data["pack_institutions"].items()}
        ),
        pack_hospitals=MappingProxyType({c: _pack_list(c, "hospitals.txt") for c in _PACKS}),
        pack_cities=MappingProxyType({c: _pack_list(c, "cities.txt") for c in _PACKS}),
    )


# --------------------------------------------------------------------------------------------
# Slot handlers (registered in ``templates.SLOTS``, which also holds ``PROF_SENTENCE``: it
# renders a template, and this module must not import ``templates`` back)
# --------------------------------------------------------------------------------------------


def _age_any(ctx: NoteContext) -> None:
    """The patient's age in one of many shapes; only the number (or its words) is the span."""
    shape = ctx.rng.choice(stress_vocab().age_shapes)
    age = ctx.age
    value = age_words(age) if "{W}" in shape else str(age)
    sex = "F" if ctx.patient.person.gender == "female" else "M"
    before, _, after = shape.replace("{W}", "{N}").replace("{S}", sex).partition("{N}")
    ctx.raw(before)
    ctx.phi(value, "AGE")
    ctx.raw(after)


def _prof_any(ctx: NoteContext) -> None:
    ctx.phi(ctx.rng.choice(stress_vocab().professions), "PROFESSION")


def _institution(ctx: NoteContext) -> None:
    """A multi-part institution name: a locale's pattern with one of its cities, or a language
    pack's hospital (named, or a pattern with one of the pack's cities)."""
    rng, words = ctx.rng, stress_vocab()
    if rng.random() < 0.5:
        locale = ctx.any_locale()
        patterns = words.institutions.get(locale) or words.institutions["en_US"]
        name = rng.choice(patterns).replace("{CITY}", ctx.fresh("CITY", locale))
    else:
        code = rng.choice(_PACKS)
        if rng.random() < 0.5:
            name = rng.choice(words.pack_hospitals[code])
        else:
            city = rng.choice(words.pack_cities[code])
            name = rng.choice(words.pack_institutions[code]).replace("{CITY}", city)
    ctx.phi(name, "HOSPITAL")


def _hard_negative(ctx: NoteContext) -> None:
    ctx.raw(ctx.rng.choice(stress_vocab().hard_negatives))


STRESS_SLOTS: dict[str, Callable[[NoteContext], None]] = {
    "AGE_ANY": _age_any,
    "PROF_ANY": _prof_any,
    "INST": _institution,
    "NEG": _hard_negative,
}
