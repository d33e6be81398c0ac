"""The label → generator registry: every label is served, every generator can invent values."""

from __future__ import annotations

import random
import re

import pytest

from fairdeid.locales import LOCALE_CODES
from fairdeid.replace.surrogates import SurrogateContext, generator_for, make_surrogate
from fairdeid.replace.surrogates.age import Ages
from fairdeid.replace.surrogates.contact import Phones, Usernames
from fairdeid.replace.surrogates.dates import Dates
from fairdeid.replace.surrogates.ids import Identifiers
from fairdeid.replace.surrogates.location import Places, Zips
from fairdeid.replace.surrogates.names import Names
from fairdeid.replace.surrogates.profession import Professions
from fairdeid.replace.surrogates.registry import KEEP_SHAPE
from fairdeid.taxonomy import ALL_LABELS, fine_labels_of


@pytest.mark.parametrize(
    ("label", "kind"),
    [("PATIENT", Names), ("DOCTOR", Names), ("NAME", Names), ("USERNAME", Usernames),
     ("DATE", Dates), ("AGE", Ages), ("PHONE", Phones), ("FAX", Phones), ("ZIP", Zips),
     ("CITY", Places), ("LOCATION", Places), ("HOSPITAL", Places), ("PROFESSION", Professions),
     ("SSN", Identifiers), ("MEDICALRECORD", Identifiers), ("ID", Identifiers)],
)
def test_labels_map_to_their_generator(label: str, kind: type) -> None:
    assert isinstance(generator_for(label), kind)


@pytest.mark.parametrize("label", ["OTHER", "CONTACT", "NOT_A_LABEL"])
def test_everything_else_keeps_its_shape(label: str) -> None:
    assert generator_for(label) is KEEP_SHAPE


def test_every_id_label_is_an_identifier() -> None:
    for label in fine_labels_of("ID"):
        assert isinstance(generator_for(label), Identifiers), label


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize("script", ["romanised", "native"])
def test_every_label_can_invent_a_value(locale: str, script: str) -> None:
    ctx = SurrogateContext(locale=locale, script=script)
    for label in sorted(ALL_LABELS):
        gen = generator_for(label)
        value = gen.fresh(random.Random(7), ctx)
        assert isinstance(value, str) and value.strip(), label
        assert gen.fresh(random.Random(7), ctx) == value  # all randomness comes from rng


def test_fresh_values_look_like_their_type() -> None:
    ctx = SurrogateContext()
    rng = random.Random(1)
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", generator_for("DATE").fresh(rng, ctx))
    dmy = SurrogateContext(date_order="DMY")
    day, month, _ = generator_for("DATE").fresh(random.Random(3), dmy).split("/")
    assert 1 <= int(month) <= 12 and 1 <= int(day) <= 31
    assert 1 <= int(generator_for("AGE").fresh(rng, ctx)) <= 89
    assert "@" in generator_for("EMAIL").fresh(rng, ctx)
    assert re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", generator_for("IPADDR").fresh(rng, ctx))
    assert len(generator_for("PATIENT").fresh(rng, SurrogateContext(gender="female")).split()) == 2


def test_like_is_what_make_surrogate_uses() -> None:
    ctx = SurrogateContext(locale="fr_FR", date_shift=10)
    for label, original in [("CITY", "Boston"), ("DATE", "03/04/2021"), ("PATIENT", "Jean Dupont"),
                            ("MEDICALRECORD", "AB-1234")]:
        expected = generator_for(label).like(original, random.Random(5), ctx)
        assert make_surrogate(label, original, random.Random(5), locale="fr_FR",
                              date_shift=10) == expected
