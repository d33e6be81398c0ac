"""Generation profiles: which note types are drawn and how much mess is added afterwards.

Why named profiles: training data (``default``) and evaluation sets that must be harder than
real notes (``stress``) come from the same writers; a profile name in a command line or a
benchmark says exactly which settings made a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from fairdeid.corpora.synth.noise import STRESS_RATES
from fairdeid.corpora.synth.notes import EXTRA_WRITERS, WRITERS


@dataclass(frozen=True, slots=True)
class Profile:
    """Note types drawn (in this order: part of the output for a seed) and noise rates."""

    name: str
    note_types: tuple[str, ...]
    noise: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    help: str = ""


PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        "default": Profile(
            "default", tuple(WRITERS), help="the 11 classic note types, clean layout (training)"
        ),
        "stress": Profile(
            "stress",
            (*WRITERS, *EXTRA_WRITERS),
            MappingProxyType(dict(STRESS_RATES)),
            help="all 15 note types and every mess transform at a high rate (evaluation)",
        ),
    }
)


def get_profile(name: str) -> Profile:
    """The profile called ``name``; ValueError naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}") from None
