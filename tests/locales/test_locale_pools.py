"""Locale pools: every pool is its own (no silent en_US fallback), both genders, Latin romanised."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from fairdeid.locales import (
    LOCALE_CODES,
    LocalePool,
    Name,
    UnknownLocaleError,
    fill_format,
    get_pool,
    infer_gender,
)
from fairdeid.locales.translit import romanise

REQUIRED = ("en_US", "en_GB", "en_IN", "en_AU", "en_CA", "en_NG", "zh_CN", "hi_IN", "bn_BD",
            "es_ES", "es_MX", "fr_FR")
NON_LATIN = ("zh_CN", "hi_IN", "bn_BD")


def _is_latin(text: str) -> bool:
    return all(c.isascii() or unicodedata.name(c, "").startswith("LATIN")
               or unicodedata.category(c)[0] in "PZ" for c in text)


def _first_names(pool: LocalePool) -> set[str]:
    return {n.romanised for g in ("female", "male") for n in pool.first_names[g]}


def test_required_locales_present() -> None:
    assert set(REQUIRED) <= set(LOCALE_CODES)


@pytest.mark.parametrize("code", REQUIRED)
def test_pool_shape(code: str) -> None:
    pool = get_pool(code)
    assert pool.code == code
    for gender in ("female", "male"):
        assert len(pool.first_names[gender]) >= 15
        assert all(isinstance(n, Name) for n in pool.first_names[gender])
    assert len(pool.surnames) >= 15
    for attr in ("cities", "streets", "hospitals", "states", "phone_formats", "id_formats",
                 "zip_formats"):
        assert getattr(pool, attr), attr
    assert pool.country


@pytest.mark.parametrize("code", [c for c in REQUIRED if c != "en_US"])
def test_first_names_are_not_en_us_fallback(code: str) -> None:
    """Faker silently falls back to en_US names for some locales; that must fail here."""
    us = _first_names(get_pool("en_US"))
    mine = _first_names(get_pool(code))
    assert mine != us
    jaccard = len(mine & us) / len(mine | us)
    assert jaccard < 0.5, f"{code} first names overlap en_US's (Jaccard {jaccard:.2f})"


def test_overlap_check_would_catch_a_fallback() -> None:
    us = _first_names(get_pool("en_US"))
    fake = set(us) | {"Extra"}
    assert len(fake & us) / len(fake | us) >= 0.5


@pytest.mark.parametrize("code", NON_LATIN)
def test_romanised_forms_are_latin_and_native_is_not(code: str) -> None:
    pool = get_pool(code)
    names = [n for g in ("female", "male") for n in pool.first_names[g]] + list(pool.surnames)
    assert all(_is_latin(n.romanised) and n.romanised for n in names)
    assert sum(not _is_latin(n.native) for n in names) / len(names) > 0.95
    for attr in ("cities", "streets", "hospitals", "states"):
        assert all(_is_latin(x) for x in getattr(pool, attr)), attr
        assert len(pool.native_places[attr]) == len(getattr(pool, attr))


def test_full_name_order_by_script() -> None:
    pool = get_pool("zh_CN")
    native = pool.full_name(random.Random(1), "male", script="native")
    roman = pool.full_name(random.Random(1), "male", script="romanised")
    assert " " not in native and re.fullmatch(r"[\u4e00-\u9fff]+", native)
    given, family = roman.split(" ")
    # Same draws, so the native string is family + given of the same two names.
    assert any(native.startswith(s.native) for s in pool.surnames if s.romanised == family)
    assert pool.full_name(random.Random(1), "male") == roman  # deterministic


def test_first_name_respects_gender() -> None:
    pool = get_pool("en_GB")
    rng = random.Random(0)
    female = {n.romanised for n in pool.first_names["female"]}
    assert all(pool.first_name(rng, "female") in female for _ in range(50))


def test_unknown_locale_is_clear_error() -> None:
    with pytest.raises(UnknownLocaleError, match="xx_XX"):
        get_pool("xx_XX")


def test_bad_script_rejected() -> None:
    with pytest.raises(ValueError):
        get_pool("en_US").first_name(random.Random(0), script="cyrillic")


def test_infer_gender() -> None:
    assert infer_gender("Mary") == "female"
    assert infer_gender("JOHN") == "male"
    assert infer_gender("Wei") == "male"
    assert infer_gender("Priya Sharma") == "female"
    assert infer_gender("Qwxzt") is None
    assert infer_gender("") is None


def test_fill_format() -> None:
    out = fill_format("+44 20 #### ???? %", random.Random(0))
    assert re.fullmatch(r"\+44 20 \d{4} [A-Z]{4} [1-9]", out)


def test_pool_is_cached() -> None:
    assert get_pool("fr_FR") is get_pool("fr_FR")


@pytest.mark.parametrize(
    ("native", "roman"),
    [("राहुल", "Rahul"), ("अमनदीप", "Amandeep"), ("आदित्य", "Aditya"), ("शर्मा", "Sharma"),
     ("पूजा", "Puja"), ("अगरवाल", "Agarwal"), ("द्विवेदी", "Dwivedi"), ("देवी", "Devi"),
     ("पार्वती", "Parvati"),
     ("আকাশ", "Akash"), ("তন্ময়", "Tanmay"), ("সরকার", "Sarkar"),
     ("রাজশাহী", "Rajshahi")],
)
def test_romanise(native: str, roman: str) -> None:
    assert romanise(native) == roman


def test_infer_gender_hyphenated() -> None:
    assert infer_gender("Mary-Jane") == "female"


# -- first names under the right gender ------------------------------------------------------

NAMES_BY_COUNTRY = (
    __import__("pathlib").Path(__file__).resolve().parents[3]
    / "shared" / "data" / "names-by-country" / "common-forenames-by-country.csv"
)
COUNTRY_OF = {"en_US": "US", "en_GB": "GB", "en_IN": "IN", "en_AU": "AU", "en_CA": "CA",
              "en_NG": "NG", "zh_CN": "CN", "hi_IN": "IN", "bn_BD": "BD", "es_ES": "ES",
              "es_MX": "MX", "fr_FR": "FR"}


def _corrections() -> dict[str, dict[str, str | None]]:
    import json
    from importlib import resources

    path = resources.files("fairdeid.locales").joinpath("data", "gender_corrections.json")
    data = json.loads(path.read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _genders_of(pool: LocalePool, native: str) -> set[str]:
    return {g for g in ("female", "male") for n in pool.first_names[g] if n.native == native}


@pytest.mark.parametrize(
    ("code", "native", "gender"),
    [("zh_CN", "红霞", "female"), ("hi_IN", "गोपीनाथ", "male"), ("hi_IN", "क्षितिज", "male"),
     ("hi_IN", "अरुणा", "female")],
)
def test_fixed_first_names_have_their_gender(code: str, native: str, gender: str) -> None:
    """红霞 (Hongxia) is a woman's name; Gopinath and Kshitij are men's; Aruna is a woman's."""
    pool = get_pool(code)
    assert _genders_of(pool, native) == {gender}
    romanised = next(n.romanised for n in pool.first_names[gender] if n.native == native)
    assert infer_gender(romanised) == gender and infer_gender(native) == gender


def test_every_gender_correction_is_in_the_pools() -> None:
    for code, table in _corrections().items():
        pool = get_pool(code)
        for native, gender in table.items():
            assert _genders_of(pool, native) == (set() if gender is None else {gender}), native
    # सवितृ was listed as male with the romanised form "Savitri", a woman's name.
    assert infer_gender("Savitri") == "female"


@pytest.mark.skipif(not NAMES_BY_COUNTRY.is_file(), reason="names-by-country data not present")
def test_no_pool_name_contradicts_names_by_country_for_its_country() -> None:
    import csv

    listed: dict[tuple[str, str], set[str]] = {}
    with NAMES_BY_COUNTRY.open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            gender = {"F": "female", "M": "male"}.get(row["Gender"])
            if gender is None:
                continue
            for form in (row["Localized Name"], row["Romanized Name"]):
                listed.setdefault((row["Country"], form.strip().casefold()), set()).add(gender)
    wrong = []
    for code in LOCALE_CODES:
        pool = get_pool(code)
        for gender in ("female", "male"):
            for name in pool.first_names[gender]:
                for form in {name.native, name.romanised}:
                    known = listed.get((COUNTRY_OF[code], form.casefold()))
                    if known and gender not in known:
                        wrong.append((code, gender, form))
    assert not wrong
