"""Professions (PROFESSION): another common job, in the original's case style."""

from __future__ import annotations

import random

from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import match_case

_PROFESSIONS = ["teacher", "accountant", "electrician", "nurse", "engineer", "chef", "plumber",
                "librarian", "carpenter", "pharmacist", "mechanic", "architect", "farmer",
                "lawyer", "journalist", "bus driver", "software developer", "cashier",
                "police officer", "firefighter", "social worker", "painter", "tailor",
                "dentist", "baker", "security guard", "receptionist", "translator", "welder",
                "shop owner", "bank clerk", "taxi driver", "photographer", "musician"]


def _profession(original: str, rng: random.Random) -> str:
    choice = rng.choice(_PROFESSIONS)
    if original[:1].isupper():
        choice = choice[:1].upper() + choice[1:]
    return match_case(original, choice)


class Professions:
    """PROFESSION."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _profession(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return rng.choice(_PROFESSIONS)
