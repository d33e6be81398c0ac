from __future__ import annotations

import random

import pytest

from fairdeid.corpora.mimic import MimicFiller, match_rule
from fairdeid.corpora.mimic.context import FillContext, MimicPerson
from fairdeid.corpora.mimic.values import email
from fairdeid.corpora.synth.vocab import vocab
from fairdeid.replace.surrogates import SurrogateContext, generator_for


def _context(filler: MimicFiller, inner: str, subject: str = "s1") -> FillContext:
    state = filler._patient(subject, "", 2151)
    return FillContext(filler, state, random.Random(0), inner, inner, 0, len(inner), 0)


def test_email_user_folds_accented_letters_instead_of_dropping_them() -> None:
    filler = MimicFiller(seed=1, locales=["es_MX"])
    ctx = _context(filler, "E-mail address 12")
    ctx.state.people["E-mail address 12"] = MimicPerson("Zoë", "Núñez", "female", "es_MX")
    [(address, label)] = email()(ctx)
    assert label == "EMAIL"
    assert address.startswith("znunez"), address  # was "znez": ú and ñ were deleted


@pytest.mark.parametrize(
    ("inner", "label"),
    [
        ("Hospital1 18", "HOSPITAL"),
        ("Location (un) 123", "CITY"),
        ("State 12", "STATE"),
        ("Telephone/Fax (1) 5678", "PHONE"),
        ("Street Address(2) 45", "STREET"),
        ("Company 3", "ORGANIZATION"),
        ("URL 1", "URL"),
        ("IP address 3", "IPADDR"),
    ],
)
def test_plain_values_come_from_the_surrogate_generators(inner: str, label: str) -> None:
    """One source of fake values: the filler draws exactly what the surrogate generator of the
    label invents for the patient's locale from the same randomness."""
    filler = MimicFiller(seed=4, locales=["en_IN"])
    rule = match_rule(inner)
    assert rule is not None
    ctx = _context(filler, inner)
    [(value, got_label)] = rule.make(ctx)
    expected_rng = _context(filler, inner).rng
    expected = generator_for(label).fresh(expected_rng, SurrogateContext(locale="en_IN"))
    assert (value, got_label) == (expected, label)


def test_units_and_holidays_share_the_synthetic_notes_lists() -> None:
    filler = MimicFiller(seed=2)
    doc = filler.fill(
        "On [**Holiday 5**] moved to [**Wardname 3**] then [**Hospital Unit Name 1**].",
        doc_id="t",
        subject="s9",
    )
    by_label = {}
    for span in doc.spans:
        by_label.setdefault(span.label, []).append(doc.span_text(span))
    assert set(by_label["DATE"]) <= set(vocab().holidays)
    assert set(by_label["DEPARTMENT"]) <= set(vocab().inpatient_units)
