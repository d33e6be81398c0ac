"""Turkish and Polish pools for the fairness audit: names with letters outside ASCII (Ş, Ğ,
İ, ı, Ł, Ż, ó ...), places with their region and postcode, reachable from generate and audit."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.locales import (
    ALL_LOCALE_CODES,
    AUDIT_LOCALE_CODES,
    LOCALE_CODES,
    expand_locales,
    get_pool,
)
from fairdeid.locales.places import places
from fairdeid.replace.surrogates.address import fresh_address

LETTERS = {"tr_TR": set("ŞşĞğİıÇçÖöÜü"), "pl_PL": set("ŁłŻżŹźÓóŚśĆćŃńĄąĘę")}


@pytest.mark.parametrize("code", ["tr_TR", "pl_PL"])
def test_pool_has_both_genders_and_native_letters(code: str) -> None:
    pool = get_pool(code)
    names = {g: {n.romanised for n in pool.first_names[g]} for g in ("female", "male")}
    assert len(names["female"]) >= 15 and len(names["male"]) >= 15
    assert not names["female"] & names["male"]
    everything = "".join(names["female"] | names["male"]) + "".join(
        n.romanised for n in pool.surnames
    )
    assert len(LETTERS[code] & set(everything)) >= 4


@pytest.mark.parametrize("code", ["tr_TR", "pl_PL"])
def test_every_city_has_a_region_and_a_postcode(code: str) -> None:
    rows = places(code)
    assert {r.city for r in rows} == set(get_pool(code).cities)
    assert all(r.region for r in rows)
    address = fresh_address(code, random.Random(3))
    assert address.city in get_pool(code).cities and address.postcode[:1].isdigit()


def test_the_audit_pools_leave_the_training_mix_alone() -> None:
    assert set(AUDIT_LOCALE_CODES) == {"tr_TR", "pl_PL"}
    assert not set(AUDIT_LOCALE_CODES) & set(LOCALE_CODES)
    assert set(AUDIT_LOCALE_CODES) <= set(ALL_LOCALE_CODES)


def test_all_expands_to_every_pool_once() -> None:
    assert expand_locales("all") == list(ALL_LOCALE_CODES)
    assert expand_locales("en_US, all,tr_TR") == list(ALL_LOCALE_CODES)
    assert expand_locales("tr_TR,pl_PL") == ["tr_TR", "pl_PL"]


def test_generate_writes_turkish_and_polish_patients(tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    result = CliRunner().invoke(
        app, ["generate", "-n", "12", "--seed", "31", "--locales", "tr_TR,pl_PL", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {r["meta"]["locale"] for r in rows} == {"tr_TR", "pl_PL"}
    names = "".join(
        r["text"][s["start"] : s["end"]]
        for r in rows
        for s in r["spans"]
        if s["label"] == "PATIENT"
    )
    assert (LETTERS["tr_TR"] | LETTERS["pl_PL"]) & set(names)


def test_generate_accepts_all(tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    result = CliRunner().invoke(
        app, ["generate", "-n", "40", "--seed", "31", "--locales", "all", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {"tr_TR", "pl_PL"} & {r["meta"]["locale"] for r in rows}
