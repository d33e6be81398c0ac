"""Packs extend the packaged rule word lists instead of copying them (issue 12, item 3).

``tests/lang/data/effective_lists.json`` holds every pack's effective ``[names]``, ``[context]``,
``[places]`` and ``[professions]`` lists (as sorted sets) from before packs could extend lists,
when each pack carried copies. A list may grow (a word added to a pack or to the packaged
English list reaches every pack); a word that disappears is a change to make on purpose, and
then the snapshot is rewritten with ``_effective_lists`` below.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.compiler import data_text, load_pattern_tables
from fairdeid.document import Document
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import LIST_TABLES, available_languages, load_pack

SNAPSHOT = Path(__file__).parent / "data" / "effective_lists.json"
PACKAGED = tomllib.loads(data_text("patterns.toml"))


def _effective_lists(rules: dict[str, Any]) -> dict[str, list[str]]:
    tables = load_pattern_tables(rules.get("patterns"), rules.get("extra_patterns", ()))
    return {
        f"{table}.{key}": sorted(set(words))
        for table in LIST_TABLES
        for key, words in tables[table].items()
        if isinstance(words, list)
    }


@pytest.mark.parametrize("code", available_languages())
def test_every_packs_effective_lists_only_grew(code: str) -> None:
    before = json.loads(SNAPSHOT.read_text("utf-8"))[code]
    now = _effective_lists(load_pack(code).config["detectors"]["rules"])
    assert set(before) <= set(now)
    lost = {key: sorted(set(words) - set(now[key])) for key, words in before.items()}
    assert {key: words for key, words in lost.items() if words} == {}


@pytest.mark.parametrize("code", available_languages())
def test_no_pack_copies_a_packaged_list(code: str) -> None:
    """A list a pack sets in full must not hold the whole packaged list: that is a copy that
    goes stale, and ``[extend.<table>]`` says the same thing without it."""
    folder = load_pack(code).folder
    copies = []
    for path in sorted(folder.glob("*.toml")):
        table = tomllib.loads(path.read_text("utf-8"))
        for name in LIST_TABLES:
            for key, words in table.get(name, {}).items():
                packaged = PACKAGED.get(name, {}).get(key)
                if isinstance(packaged, list) and isinstance(words, list) \
                        and set(packaged) <= set(words):
                    copies.append(f"{path.name} [{name}] {key}")
    assert copies == []


def _pack(root: Path, patterns: str) -> Path:
    """A pack ``xx`` under ``root`` whose one rule file is ``patterns``."""
    folder = root / "xx"
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text(
        '[pack]\nlanguage = "xx"\n[detectors.rules]\nextra_patterns = ["patterns.toml"]\n',
        encoding="utf-8")
    (folder / "patterns.toml").write_text(patterns, encoding="utf-8")
    return folder


def test_a_pack_extends_and_trims_a_packaged_list(tmp_path: Path) -> None:
    _pack(tmp_path, '[extend.names]\ntitles = ["Zunftmeister", "Dr"]\n'
                    '[remove.names]\ntitles = ["Mx"]\n'
                    '[extend.context]\nphone = ["fernsprecher"]\n')
    rules = load_pack("xx", tmp_path).config["detectors"]["rules"]
    lists = _effective_lists(rules)
    titles = set(PACKAGED["names"]["titles"])
    assert set(lists["names.titles"]) == (titles | {"Zunftmeister"}) - {"Mx"}
    assert set(lists["context.phone"]) == set(PACKAGED["context"]["phone"]) | {"fernsprecher"}
    # the detector sees the extended list: the new title makes a name
    detector = RuleDetector.from_config(rules)
    text = "Befund für Zunftmeister Quirinus Wendehals, ambulant."
    spans = detector.detect(Document(text=text, id="n1"))
    assert any(text[s.start:s.end] == "Quirinus Wendehals" for s in spans)


def test_edits_apply_in_file_order(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    second = tmp_path / "b.toml"
    first.write_text('[extend.names]\nparticles = ["zum"]\n', encoding="utf-8")
    second.write_text('[names]\nparticles = ["von"]\n', encoding="utf-8")
    packaged = PACKAGED["names"]["particles"]
    assert load_pattern_tables(None, [first])["names"]["particles"] == [*packaged, "zum"]
    # a later file's plain list still replaces the extended one, as before
    assert load_pattern_tables(None, [first, second])["names"]["particles"] == ["von"]
    # an edit builds on the list an earlier file set
    third = tmp_path / "c.toml"
    third.write_text('[extend.names]\nparticles = ["zur"]\n', encoding="utf-8")
    assert load_pattern_tables(None, [second, third])["names"]["particles"] == ["von", "zur"]


def test_a_users_own_rule_file_can_extend_a_list(tmp_path: Path) -> None:
    """Regression: edits were applied only through ``load_pack``; a user's own
    ``extra_patterns`` file with ``[extend.names]`` was silently ignored."""
    mine = tmp_path / "mine.toml"
    mine.write_text('[extend.names]\ntitles = ["Zunftmeister"]\n', encoding="utf-8")
    detector = RuleDetector.from_config({"extra_patterns": [str(mine)]})
    text = "Befund für Zunftmeister Quirinus Wendehals, ambulant."
    spans = detector.detect(Document(text=text, id="n1"))
    assert any(text[s.start:s.end] == "Quirinus Wendehals" for s in spans)


def test_a_bad_edit_in_a_users_rule_file_is_refused(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('[extend.names]\ntitels = ["Dr"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mine.toml: \[extend.names\] titels"):
        RuleDetector.from_config({"extra_patterns": [str(mine)]})


@pytest.mark.parametrize(("text", "message"), [
    ('[extend.rules]\nx = ["a"]\n', r"unknown table \[extend.rules\]"),
    ('[extend.macros]\nMONTH = ["a"]\n', r"unknown table \[extend.macros\]"),
    ('[extend.names]\ntitels = ["Dr"]\n', r"no list \[names\] titels to edit"),
    ('[extend.names]\ntitles = "Dr"\n', "must be a list of strings"),
    ('[extend.names]\ntitles = [1]\n', "must be a list of strings"),
    ('[names]\ntitles = ["Dr"]\n[extend.names]\ntitles = ["Frau"]\n', "also sets"),
    ('[remove.names]\ntitles = ["Zunftmeister"]\n', "cannot remove"),
    ('extend = ["names"]\n', r"\[extend\] must hold tables"),
])
def test_a_bad_edit_is_a_clear_error_naming_file_and_list(
    tmp_path: Path, text: str, message: str
) -> None:
    _pack(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_pack("xx", tmp_path)
    assert "patterns.toml" in str(info.value)
