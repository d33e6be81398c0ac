"""The rules prefilter's compiled databases are cached on disk (detect/rules/prefilter_cache.py):
a later process reads them instead of compiling, and nothing but a private, intact file of the
same rules and code is ever read."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from fairdeid.detect.rules import prefilter as pf
from fairdeid.detect.rules import prefilter_cache

pytest.importorskip("hyperscan")

RULES = [
    pf.RuleKey("r.phone", re.compile(r"\d{3}-\d{4}"), False),
    pf.RuleKey("r.iban", re.compile(r"IBAN"), False),
    pf.RuleKey("r.word", re.compile(r"admitted\s+to"), True, re.compile(r"\b")),
]
TEXTS = ["call 555-0100", "IBAN DE89", "Admitted to Mercy", "nothing here", ""]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(prefilter_cache.ENV_SWITCH, raising=False)
    return tmp_path / "fairdeid" / "prefilter"


def _answers(built: pf.RulePrefilter) -> list[Any]:
    return [built.candidates(t, t.lower()) for t in TEXTS]


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the compiles from here on."""
    calls: list[int] = []
    real = pf._compile_all

    def counted(rules: Any) -> Any:
        calls.append(1)
        return real(rules)

    monkeypatch.setattr(pf, "_compile_all", counted)
    return calls


def test_a_second_build_reads_the_databases_instead_of_compiling(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pf.RulePrefilter(RULES)
    files = list(cache.glob("*.hsdb"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o777 == 0o700
    calls = _compiles(monkeypatch)
    second = pf.RulePrefilter(RULES)
    assert calls == []
    assert _answers(second) == _answers(first)
    assert _answers(first)[:3] == [
        frozenset({"r.phone"}), frozenset({"r.iban"}), frozenset({"r.word"})
    ]


def test_other_rules_get_their_own_file(cache: Path) -> None:
    pf.RulePrefilter(RULES)
    pf.RulePrefilter([*RULES[:2], pf.RuleKey("r.word", re.compile(r"admitted\s+at"), True)])
    assert len(list(cache.glob("*.hsdb"))) == 2


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty"])
def test_a_damaged_file_is_compiled_again_and_rewritten(
    cache: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    expected = _answers(pf.RulePrefilter(RULES))
    (path,) = cache.glob("*.hsdb")
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) - 10]
    elif damage == "garbage":
        data = bytearray(b"not a cache file")
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    calls = _compiles(monkeypatch)
    assert _answers(pf.RulePrefilter(RULES)) == expected
    assert calls == [1]
    calls.clear()
    assert _answers(pf.RulePrefilter(RULES)) == expected  # the rewritten file is good
    assert calls == []


def test_a_file_others_may_write_is_not_read(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pf.RulePrefilter(RULES)
    (path,) = cache.glob("*.hsdb")
    path.chmod(0o666)
    calls = _compiles(monkeypatch)
    pf.RulePrefilter(RULES)
    assert calls == [1]


def test_a_folder_others_may_write_is_neither_read_nor_written(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pf.RulePrefilter(RULES)
    cache.chmod(0o777)
    calls = _compiles(monkeypatch)
    pf.RulePrefilter(RULES)
    assert calls == [1]
    for path in cache.glob("*.hsdb"):
        path.unlink()
    pf.RulePrefilter(RULES)
    assert list(cache.glob("*.hsdb")) == []


def test_a_symbolic_link_is_not_followed(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pf.RulePrefilter(RULES)
    (path,) = cache.glob("*.hsdb")
    elsewhere = tmp_path / "elsewhere.hsdb"
    elsewhere.write_bytes(path.read_bytes())
    elsewhere.chmod(0o600)
    path.unlink()
    path.symlink_to(elsewhere)
    calls = _compiles(monkeypatch)
    pf.RulePrefilter(RULES)
    assert calls == [1]


def test_switched_off_nothing_is_written(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(prefilter_cache.ENV_SWITCH, "off")
    pf.RulePrefilter(RULES)
    assert not cache.exists()


def test_an_unwritable_cache_only_costs_a_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the folder would be
    monkeypatch.delenv(prefilter_cache.ENV_SWITCH, raising=False)
    assert _answers(pf.RulePrefilter(RULES))[0] == frozenset({"r.phone"})


def test_the_key_covers_patterns_flags_parts_and_the_translation_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = pf._cache_key(RULES)
    assert base is not None and base == pf._cache_key(list(RULES))
    variants = [
        [RULES[0]._replace(regex=re.compile(r"\d{3}-\d{5}")), *RULES[1:]],
        [RULES[0]._replace(regex=re.compile(r"\d{3}-\d{4}", re.I)), *RULES[1:]],
        [RULES[0]._replace(on_lower=True), *RULES[1:]],
        [RULES[0]._replace(then=re.compile("x")), *RULES[1:]],
        [RULES[0]._replace(name="r.other"), *RULES[1:]],
        RULES[:2],
    ]
    keys = {pf._cache_key(v) for v in variants}
    assert base not in keys and len(keys) == len(variants)
    monkeypatch.setattr(pf, "__file__", os.devnull)  # other translation code, other key
    assert pf._cache_key(RULES) not in {base, None}


def test_a_cached_automaton_is_used_from_the_first_note(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the cache costs milliseconds, so the lazy prefilter does not wait for a million
    characters of plain ``re`` when an earlier process left the automaton."""
    monkeypatch.setattr(pf, "_BUILT", {})
    rules = [*RULES, pf.RuleKey("r.lazy", re.compile("lazy"), False)]
    cold = pf.LazyPrefilter(rules, after_chars=10**9)
    assert cold.candidates("call 555-0100", "call 555-0100") is None  # nothing cached
    pf.RulePrefilter(rules)  # an earlier process compiled and stored it
    monkeypatch.setattr(pf, "_BUILT", {})
    calls = _compiles(monkeypatch)
    warm = pf.LazyPrefilter(rules, after_chars=10**9)
    assert warm.candidates("call 555-0100", "call 555-0100") == frozenset({"r.phone"})
    assert calls == []


def test_the_cache_keeps_the_most_recently_used_files(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prefilter_cache, "MAX_FILES", 3)
    sets = [[pf.RuleKey(f"r.{i}", re.compile(f"word{i}"), False)] for i in range(5)]
    pf.RulePrefilter(sets[0])
    first = next(cache.glob("*.hsdb"))
    os.utime(first, (1, 1))  # long unused
    for rules in sets[1:3]:
        pf.RulePrefilter(rules)
    pf.RulePrefilter.from_cache(sets[0])  # used again: now the most recent
    assert first.exists()
    for rules in sets[3:]:
        pf.RulePrefilter(rules)
    assert len(list(cache.glob("*.hsdb"))) == 3
    assert first.exists()  # recently read, kept
    calls = _compiles(monkeypatch)
    pf.RulePrefilter(sets[4])  # the newest is there
    assert calls == []
