"""The pools of the language packs' countries (de_DE, nl_NL, it_IT)."""

from __future__ import annotations

import random
import re

import pytest

from fairdeid.locales import (
    ALL_LOCALE_CODES,
    AUDIT_LOCALE_CODES,
    LANGUAGE_LOCALE_CODES,
    LOCALE_CODES,
    fill_format,
    get_pool,
    infer_gender,
)
from fairdeid.locales import _gender_index as gender_index
from fairdeid.locales import _index_of as index_of
from fairdeid.replace.surrogates.engine import SurrogateReplacer

KEY = "k7Qx2Lr9Vb4Nt8Zs1Wy6Hm3Jd5Fg0Pc-lang-synth-pool-tests"


@pytest.mark.parametrize("code", LANGUAGE_LOCALE_CODES)
def test_pool_loads_with_both_genders_and_places(code: str) -> None:
    pool = get_pool(code)
    counts = pool.counts()
    assert counts["female"] >= 100 and counts["male"] >= 100 and counts["surnames"] >= 300
    assert counts["cities"] >= 30 and counts["streets"] >= 50 and counts["hospitals"] >= 30
    assert not {n.romanised for n in pool.first_names["female"]} & {
        n.romanised for n in pool.first_names["male"]}


@pytest.mark.parametrize(("code", "names"), [
    ("de_DE", {"Mehmet", "Ahmet"}), ("nl_NL", {"Mohamed", "Mehmet"}), ("it_IT", {"Ion"})])
def test_pools_hold_names_of_immigrant_origins(code: str, names: set[str]) -> None:
    first = {n.romanised for g in ("female", "male") for n in get_pool(code).first_names[g]}
    assert names <= first


@pytest.mark.parametrize(("code", "pattern"), [
    ("de_DE", r"[A-Z]\d{9}|\d{2} \d{3} \d{3} \d{3}|\d{10}"),
    ("nl_NL", r"\d{9}|\d{4}\.\d{2}\.\d{3}|[1-9]\d{7}"),
    ("it_IT", r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]|80380\d{11}|\d{8}"),
])
def test_id_formats_have_the_national_shapes(code: str, pattern: str) -> None:
    pool = get_pool(code)
    rng = random.Random(3)
    for fmt in pool.id_formats:
        assert re.fullmatch(pattern, fill_format(fmt, rng)), fmt


def test_dutch_postcodes_are_four_digits_and_two_letters() -> None:
    rng = random.Random(5)
    for _ in range(20):
        assert re.fullmatch(r"[1-9]\d{3} ?[A-Z]{2}", get_pool("nl_NL").zip_code(rng))


def test_language_pools_never_change_a_gender_english_notes_knew() -> None:
    english = index_of(LOCALE_CODES)
    index = gender_index()
    assert all(index[name] == gender for name, gender in english.items())
    assert infer_gender("Jürgen") == "male"  # only in the German pool


def test_language_pools_are_not_in_the_english_mix() -> None:
    assert not set(LANGUAGE_LOCALE_CODES) & set(LOCALE_CODES)
    assert set(ALL_LOCALE_CODES) == (
        set(LOCALE_CODES) | set(LANGUAGE_LOCALE_CODES) | set(AUDIT_LOCALE_CODES)
    )


@pytest.mark.parametrize("code", LANGUAGE_LOCALE_CODES)
def test_surrogate_replacer_accepts_the_language_pools(code: str) -> None:
    replacer = SurrogateReplacer(locales=(code,), key=KEY, key_env=None)
    assert replacer.store.locales == (code,)
