"""Identifiers (the ID group: SSN, MEDICALRECORD, HEALTHPLAN, ACCOUNT, LICENSE, ...).

MRNs and account numbers follow the hospital's format, so they keep their shape (digits stay
digits, letters letters, separators in place); only national IDs have a cultural shape, drawn
from the locale with ``shape="locale"``.

A national number with a checksum (KVNR, Steuer-ID, NIR, BSN, codice fiscale, DNI/NIE, NSS,
NHS, SIN; see ``fairdeid.locales.national_ids``) is replaced by another *valid* one written the
same way ("1 85 05 78 006 084 91" → "2 91 11 42 231 517 08"), whatever label the detector gave
it: a de-identified note must still pass the format checks of the systems it goes into, and a
random digit swap would fail them one time in ten to ninety-seven.
"""

from __future__ import annotations

import random

from fairdeid.locales import get_pool
from fairdeid.locales.national_ids import NUMBERS, apply_layout, compact, identify
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import keep_shape


def national_like(original: str, rng: random.Random, ctx: SurrogateContext) -> str | None:
    """A valid number of the same kind and written shape as ``original``, or None when
    ``original`` is no valid national number. Numbers of the surrogate locale's country are
    tried first where one value passes two checks (a BSN and a SIN)."""
    country = ctx.locale.rpartition("_")[2]
    number = identify(original, [country] if country else [])
    if number is None:
        return None
    old = compact(original)
    value = number.make(rng)
    for _ in range(8):
        if value != old:
            break
        value = number.make(rng)
    return apply_layout(original, value)


def _kinds(value: str) -> str:
    return "".join("9" if c.isdigit() else "A" for c in value if c.isalnum())


def valid_in_format(value: str, rng: random.Random, locale: str) -> str:
    """``value`` (drawn from a locale's ID formats) made a valid national number of the
    locale's country when one has the same letters-and-digits pattern ("########?" in es_ES is
    a DNI, "# ## ## ## ### ### ##" in fr_FR a NIR); otherwise ``value`` unchanged."""
    country = locale.rpartition("_")[2].upper()
    pattern = _kinds(value)
    for number in NUMBERS.values():
        if number.country != country:
            continue
        for _ in range(8):
            made = number.make(rng)
            if _kinds(made) == pattern:
                return apply_layout(value, made)
    return value


class Identifiers:
    """Any ID label; ``national`` marks the one (SSN) that takes the locale's format."""

    def __init__(self, *, national: bool = False) -> None:
        self.national = national

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        if self.national and ctx.shape == "locale":
            return valid_in_format(get_pool(ctx.locale).id_number(rng), rng, ctx.locale)
        fake = national_like(original, rng, ctx)
        if fake is not None:
            return fake
        return keep_shape(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        if self.national:
            return valid_in_format(get_pool(ctx.locale).id_number(rng), rng, ctx.locale)
        return keep_shape("0000000", rng)
