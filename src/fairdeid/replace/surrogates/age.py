"""Ages (AGE): 90 and over become "90+", younger ages move by the patient's small offset.

Why "90+": HIPAA Safe Harbor aggregates ages over 89, and a number would look exact when it is
not. Younger ages move by ±1–3 years, capped at 89, never landing on the original. An age in
words is read like resolve reads it (``fairdeid.age_values``) and its number words give way to
the new number in digits ("noventa y dos años" -> "90+ años", "sixty-three-year-old" ->
"61-year-old"): the words would say the old value, and a surrogate need not mimic them.
"""

from __future__ import annotations

import random

from fairdeid.age_values import read_age
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import keep_shape


def _age(original: str, rng: random.Random, offset: int | None, language: str) -> str:
    found = read_age(original, language)
    if found is None:
        return keep_shape(original, rng)
    value = found.value
    if value >= 90:
        new = "90+"
    else:
        delta = offset if offset is not None else rng.choice([-3, -2, -1, 1, 2, 3])
        shifted = min(89, max(0, value + delta))
        if shifted == value:
            shifted = value - 1 if value > 0 else value + 1
        new = str(shifted)
    return original[: found.start] + new + original[found.end:]


class Ages:
    """AGE: ``ctx.age_offset`` is the patient's offset (drawn from ``rng`` when None)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _age(original, rng, ctx.age_offset, ctx.language)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return str(rng.randrange(1, 90))
