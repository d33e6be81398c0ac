from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import available_languages, load_pack


def test_every_pack_loads_with_paths_inside_its_folder() -> None:
    assert {"de", "fr", "nl", "it", "es"} <= set(available_languages())
    for code in available_languages():
        pack = load_pack(code)
        assert pack.language == code and pack.locales
        rules = pack.config["detectors"]["rules"]
        for name in rules["extra_patterns"]:
            # a pack's own files, or the lists generated from its [extend.*] tables
            assert Path(name).is_file()
            assert Path(name).parent == pack.folder or Path(name).name.startswith("lists-")
        RuleDetector.from_config(rules)  # every named file exists and compiles


def test_an_unknown_or_mislabelled_pack_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no language pack 'xx'; installed: de"):
        load_pack("xx")
    (tmp_path / "fi").mkdir()
    (tmp_path / "fi" / "pack.toml").write_text('[pack]\nlanguage = "sv"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be 'fi'"):
        load_pack("fi", tmp_path)
