"""Label → generator: which surrogate generator serves each PHI label.

Why a table rather than a chain of ifs: one place to read (and test) which labels have a
generator of their own, and the corpora can invent values of any type through the same
generators (``generator_for(label).fresh(rng, ctx)``). A label without an entry falls back to its
coarse group's generator, then to ``KeepShape``: a replacer must never leave PHI in place because
a label was unexpected.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from types import MappingProxyType

from fairdeid.locales import get_pool
from fairdeid.replace.surrogates.age import Ages
from fairdeid.replace.surrogates.contact import Emails, IpAddresses, Phones, Urls, Usernames
from fairdeid.replace.surrogates.context import SurrogateContext, SurrogateGenerator
from fairdeid.replace.surrogates.dates import Dates
from fairdeid.replace.surrogates.ids import Identifiers
from fairdeid.replace.surrogates.location import (
    Countries,
    Departments,
    Organizations,
    Places,
    Rooms,
    States,
    Streets,
    Zips,
)
from fairdeid.replace.surrogates.names import Names
from fairdeid.replace.surrogates.profession import Professions
from fairdeid.replace.surrogates.shape import KeepShape, split_edges
from fairdeid.taxonomy import coarse

_NAMES = Names()
_PHONES = Phones()
_CITIES = Places("cities")
#: The fallback for OTHER, CONTACT details without a format of their own and unknown labels.
KEEP_SHAPE: SurrogateGenerator = KeepShape()

#: Generators by (fine or coarse) label.
BY_LABEL: Mapping[str, SurrogateGenerator] = MappingProxyType({
    "PATIENT": _NAMES, "DOCTOR": _NAMES, "NAME": _NAMES,
    "USERNAME": Usernames(),
    "PHONE": _PHONES, "FAX": _PHONES, "EMAIL": Emails(), "URL": Urls(), "IPADDR": IpAddresses(),
    "SSN": Identifiers(national=True),
    "ZIP": Zips(), "STREET": Streets(),
    "CITY": _CITIES, "LOCATION_OTHER": _CITIES, "LOCATION": _CITIES,
    "STATE": States(), "COUNTRY": Countries(), "HOSPITAL": Places("hospitals"),
    "ORGANIZATION": Organizations(), "DEPARTMENT": Departments(), "ROOM": Rooms(),
})
#: Generators by coarse group, for labels without an entry of their own.
BY_GROUP: Mapping[str, SurrogateGenerator] = MappingProxyType({
    "DATE": Dates(), "AGE": Ages(), "ID": Identifiers(), "PROFESSION": Professions(),
})


def coarse_label(label: str) -> str:
    """Coarse label, with anything outside the taxonomy treated as OTHER (never an error here:
    a replacer must not leave PHI in place because a label was unexpected)."""
    try:
        return coarse(label)
    except ValueError:
        return "OTHER"


def generator_for(label: str) -> SurrogateGenerator:
    """The generator for ``label``: its own, else its coarse group's, else ``KEEP_SHAPE``."""
    own = BY_LABEL.get(label)
    if own is not None:
        return own
    return BY_GROUP.get(coarse_label(label), KEEP_SHAPE)


def make_surrogate(
    label: str,
    original: str,
    rng: random.Random,
    *,
    locale: str = "en_US",
    gender: str | None = None,
    script: str = "romanised",
    shape: str = "keep",
    date_shift: int | None = None,
    date_order: str = "MDY",
) -> str:
    """A surrogate for ``original`` of type ``label`` drawn from ``rng``.

    ``shape="keep"`` keeps the original's layout for phones and IDs; ``"locale"`` draws them
    from the locale's formats. Dates move by ``date_shift`` days (random when None); unparseable
    dates get a same-shape surrogate. Punctuation around the value (``split_edges``) is kept.
    Stateless: consistency is the caller's (or ``SurrogateEngine``'s) business.
    """
    get_pool(locale)  # fail early on an unknown locale
    lead, core, trail = split_edges(original)
    if not core:
        return original
    ctx = SurrogateContext(locale=locale, script=script, shape=shape, gender=gender,
                           date_shift=date_shift, date_order=date_order)
    return lead + generator_for(label).like(core, rng, ctx) + trail
