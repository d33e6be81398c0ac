"""Identifiers (the ID group: SSN, MEDICALRECORD, HEALTHPLAN, ACCOUNT, LICENSE, ...).

MRNs and account numbers follow the hospital's format, so they keep their shape (digits stay
digits, letters letters, separators in place); only national IDs have a cultural shape, drawn
from the locale with ``shape="locale"``.
"""

from __future__ import annotations

import random

from fairdeid.locales import get_pool
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import keep_shape


class Identifiers:
    """Any ID label; ``national`` marks the one (SSN) that takes the locale's format."""

    def __init__(self, *, national: bool = False) -> None:
        self.national = national

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        if self.national and ctx.shape == "locale":
            return get_pool(ctx.locale).id_number(rng)
        return keep_shape(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        if self.national:
            return get_pool(ctx.locale).id_number(rng)
        return keep_shape("0000000", rng)
