"""Ages (AGE): 90 and over become "90+", younger ages move by the patient's small offset.

Why "90+": HIPAA Safe Harbor aggregates ages over 89, and a number would look exact when it is
not. Younger ages move by ±1–3 years, capped at 89, never landing on the original.
"""

from __future__ import annotations

import random
import re

from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import keep_shape

_AGE_NUMBER = re.compile(r"\d+")


def _age(original: str, rng: random.Random, offset: int | None) -> str:
    m = _AGE_NUMBER.search(original)
    if m is None:
        return keep_shape(original, rng)
    value = int(m.group(0))
    if value >= 90:
        new = "90+"
    else:
        delta = offset if offset is not None else rng.choice([-3, -2, -1, 1, 2, 3])
        shifted = min(89, max(0, value + delta))
        if shifted == value:
            shifted = value - 1 if value > 0 else value + 1
        new = str(shifted)
    return original[: m.start()] + new + original[m.end():]


def _spoken_value(original: str, language: str) -> int:
    """The age ``original`` writes in words (``detect/rules/spoken.py``), or -1."""
    from fairdeid.detect.rules.spoken import finder_for

    finder = finder_for(language)
    value = finder.number(original) if finder is not None else None
    return -1 if value is None else value


class Ages:
    """AGE: ``ctx.age_offset`` is the patient's offset (drawn from ``rng`` when None)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        if _AGE_NUMBER.search(original) is None and _spoken_value(original, ctx.language) >= 90:
            return "90+"  # "ninety-three", "vierundneunzig": the rules propose only 90 and over
        return _age(original, rng, ctx.age_offset)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return str(rng.randrange(1, 90))
