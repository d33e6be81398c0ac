"""What every surrogate generator receives besides the original and the randomness."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SurrogateContext:
    """The settings a generator needs, fixed for one span.

    ``shape="keep"`` keeps the original's layout (surrogate mode); ``"locale"`` draws phones,
    national IDs, postcodes and states from the locale's formats (multicultural variants).
    ``date_shift`` (days) and ``age_offset`` (years) are the patient's; None draws them from the
    generator's ``rng``. ``gender`` is for names ("female", "male" or None: drawn).
    ``language`` is the language the notes are written in (a date keeps it: "3. März" stays
    German); ``locale`` is where the patient's name comes from, which in English notes is often
    elsewhere.
    """

    locale: str = "en_US"
    script: str = "romanised"
    shape: str = "keep"
    gender: str | None = None
    date_shift: int | None = None
    date_order: str = "MDY"
    age_offset: int | None = None
    language: str = "en"


class SurrogateGenerator(Protocol):
    """One PHI type's surrogates.

    ``like`` replaces an original, keeping whatever of its shape carries meaning; ``fresh``
    invents a value with no original (synthetic notes). Both take all randomness from ``rng``, so
    the caller decides what is reproducible (a keyed ``random.Random`` per original in the
    engine, a seeded one in the corpora).
    """

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str: ...

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str: ...
