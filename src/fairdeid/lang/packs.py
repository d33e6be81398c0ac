"""Find and read language packs (``lang/packs/<code>/pack.toml``).

A pack's pipeline config names its data files relative to its own folder, so that the folder can
be copied, reviewed or replaced as one unit; ``load_pack`` turns those names into absolute paths
before the config reaches ``Pipeline.from_config``.

A pack's rule files may also *extend* the packaged word lists instead of replacing them (the
rule engine replaces a ``[names]``/``[context]``/``[places]``/``[professions]`` list that a
later file sets, so a pack that only adds words would otherwise carry a copy of the English list
that goes stale when that list grows)::

    [extend.names]
    titles = ["Herrn", "Dr. med"]     # added to the packaged [names] titles
    [remove.names]
    titles = ["M"]                    # taken out of it ("M. Crohn" is Morbus, not Monsieur)

The rule engine applies them (``fairdeid.detect.rules.list_edits``) against the packaged lists
and any earlier file of the pack; ``load_pack`` checks them when the pack loads, so that a bad
edit names its file before any note is read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fairdeid.detect.rules.list_edits import EDIT_KEYS, LIST_TABLES
from fairdeid.errors import ConfigError

PACKS_DIR = Path(__file__).parent / "packs"
#: detector keys whose values are file names (a string, a list, or a table of lists)
_PATH_KEYS = ("patterns", "extra_patterns", "extra_dictionaries", "model")
__all__ = ["EDIT_KEYS", "LIST_TABLES", "LanguagePack", "available_languages", "load_pack"]


@dataclass(frozen=True)
class LanguagePack:
    """One language's metadata and the pipeline config for its notes."""

    language: str
    name: str
    native_name: str
    locales: tuple[str, ...]
    folder: Path
    config: Mapping[str, Any] = field(repr=False)


def available_languages(root: Path = PACKS_DIR) -> tuple[str, ...]:
    """Codes of the packs installed under ``root``, sorted."""
    return tuple(sorted(p.parent.name for p in root.glob("*/pack.toml")))


def load_pack(language: str, root: Path = PACKS_DIR) -> LanguagePack:
    """The pack for ``language``; a ``ConfigError`` names the languages there are."""
    path = root / language / "pack.toml"
    if not path.is_file():
        raise ConfigError(
            f"no language pack {language!r}; installed: {', '.join(available_languages(root))}")
    try:
        table = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"language pack {language!r}: pack.toml is not valid TOML ({exc})") \
            from None
    meta = table.pop("pack", {})
    if meta.get("language") != language:
        raise ConfigError(f"language pack {language!r}: [pack] language must be {language!r}")
    for detector in table.get("detectors", {}).values():
        for key in _PATH_KEYS:
            if key in detector:
                detector[key] = _resolve(detector[key], path.parent)
    rules = table.get("detectors", {}).get("rules")
    if isinstance(rules, dict) and rules.get("extra_patterns"):
        _check_list_edits(rules)
    return LanguagePack(
        language=language,
        name=str(meta.get("name", language)),
        native_name=str(meta.get("native_name", meta.get("name", language))),
        locales=tuple(meta.get("locales", ())),
        folder=path.parent,
        config=table,
    )


def _resolve(value: Any, folder: Path) -> Any:
    if isinstance(value, str):
        if value.startswith("builtin:") or Path(value).is_absolute():
            return value
        return str(folder / value)
    if isinstance(value, list):
        return [_resolve(v, folder) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, folder) for k, v in value.items()}
    return value


def _check_list_edits(rules: Mapping[str, Any]) -> None:
    """Merge the pack's rule files once, so that a bad ``[extend.*]``/``[remove.*]`` table is a
    ``ConfigError`` naming the file when the pack loads, not when the first note arrives."""
    from fairdeid.detect.rules.compiler import load_pattern_tables

    extra = rules["extra_patterns"]
    load_pattern_tables(rules.get("patterns"), [extra] if isinstance(extra, str) else extra)
