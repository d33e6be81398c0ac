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

``load_pack`` resolves these against the packaged lists (and any earlier file of the pack) and
hands the rule detector one small generated file with the resulting lists, placed right after
the file that asked for them; see ``resolve_list_edits``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fairdeid.errors import ConfigError

PACKS_DIR = Path(__file__).parent / "packs"
#: detector keys whose values are file names (a string, a list, or a table of lists)
_PATH_KEYS = ("patterns", "extra_patterns", "extra_dictionaries", "model")
#: rule tables whose lists a pack may extend or trim (``[macros]`` holds strings, not lists)
LIST_TABLES = ("names", "context", "places", "professions")
#: the tables that edit lists rather than set them
EDIT_KEYS = ("extend", "remove")


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
        extra = rules["extra_patterns"]
        rules["extra_patterns"] = resolve_list_edits(
            rules.get("patterns"), [extra] if isinstance(extra, str) else extra)
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


def resolve_list_edits(
    patterns: Sequence[str] | None, extra: Sequence[str], cache: Path | None = None
) -> list[str]:
    """``extra`` with, after each file that has ``[extend.*]``/``[remove.*]`` tables, a generated
    file that sets the edited lists in full.

    The lists are edited against what the rule detector would have merged up to that file: the
    base pattern files (``patterns``, or the packaged ones) and the earlier files of ``extra``.
    A ``ConfigError`` names the file and the list for an edit of a table that holds no lists,
    of a list that does not exist, of a list the same file also sets, for a value that is not a
    list of strings, and for a removal of a word the list does not hold (a typo, or a packaged
    list that changed under the pack).
    """
    tables = [_read_rules(name) for name in extra]
    if not any(key in table for table in tables for key in EDIT_KEYS):
        return list(extra)
    merged: dict[str, dict[str, Any]] = {t: {} for t in LIST_TABLES}
    bases = [_read_rules(p) for p in patterns] if patterns else [_packaged_rules()]
    for base in bases:
        _update(merged, base)
    out: list[str] = []
    for name, table in zip(extra, tables, strict=True):
        _update(merged, table)
        out.append(name)
        edited = _apply_edits(name, table, merged)
        if edited:
            _update(merged, edited)
            out.append(str(_write_generated(edited, cache)))
    return out


@cache
def _packaged_rules() -> dict[str, Any]:
    """The packaged rule tables, read once: they do not change while the program runs (the
    edits build new lists and never change these)."""
    from fairdeid.detect.rules.compiler import data_text

    return tomllib.loads(data_text("patterns.toml"))


def _read_rules(path: str | Path) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"rule pattern file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"rule pattern file {path} is not valid TOML: {exc}") from None


def _update(merged: dict[str, dict[str, Any]], table: Mapping[str, Any]) -> None:
    """Merge the way the rule engine does: a later file's list replaces an earlier one."""
    for key in LIST_TABLES:
        merged[key].update(table.get(key, {}))


def _apply_edits(
    name: str, table: Mapping[str, Any], merged: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, list[str]]]:
    """The lists that ``table``'s ``[extend.*]``/``[remove.*]`` tables produce, in full."""
    result: dict[str, dict[str, list[str]]] = {}
    for edit in EDIT_KEYS:
        edits = table.get(edit, {})
        if not isinstance(edits, dict):
            raise ConfigError(f"{name}: [{edit}] must hold tables such as [{edit}.names]")
        for tab, lists in edits.items():
            if tab not in LIST_TABLES or not isinstance(lists, dict):
                raise ConfigError(
                    f"{name}: unknown table [{edit}.{tab}]; lists can be edited in "
                    + ", ".join(f"[{edit}.{t}]" for t in LIST_TABLES))
            for key, words in lists.items():
                where = f"{name}: [{edit}.{tab}] {key}"
                if key in table.get(tab, {}):
                    raise ConfigError(f"{where}: the file also sets [{tab}] {key}; set the "
                                      "whole list or edit it, not both")
                current = result.get(tab, {}).get(key, merged[tab].get(key))
                if not isinstance(current, list):
                    raise ConfigError(f"{where}: there is no list [{tab}] {key} to edit; "
                                      f"set [{tab}] {key} = [...] to create one")
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    raise ConfigError(f"{where}: must be a list of strings")
                result.setdefault(tab, {})[key] = _edited(where, edit, current, words)
    return result


def _edited(where: str, edit: str, current: list[str], words: list[str]) -> list[str]:
    if edit == "extend":
        have = set(current)
        return [*current, *(w for w in dict.fromkeys(words) if w not in have)]
    missing = [w for w in words if w not in current]
    if missing:
        raise ConfigError(f"{where}: cannot remove {missing!r}, the list does not hold them")
    drop = set(words)
    return [w for w in current if w not in drop]


def _write_generated(tables: Mapping[str, Mapping[str, list[str]]], cache: Path | None) -> Path:
    """A TOML file with ``tables``, named by its content so that every process that loads the
    same pack reuses one file; written under the user's cache folder (a private temporary
    folder when that is not writable), never into the installed pack."""
    lines = ["# generated by fairdeid.lang.packs from a pack's [extend.*]/[remove.*] tables"]
    for tab, lists in tables.items():
        lines.append(f"[{tab}]")
        # a JSON array of strings is a valid TOML array
        lines.extend(f"{key} = {json.dumps(words, ensure_ascii=False)}"
                     for key, words in lists.items())
    text = "\n".join(lines) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    for folder in _cache_folders(cache):
        path = folder / f"lists-{digest}.toml"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if path.is_file() and path.read_text("utf-8") == text:
                return path
            handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
            return path
        except OSError:
            continue
    raise ConfigError("cannot write the generated word lists of a language pack to "
                      "any cache folder; set XDG_CACHE_HOME to a writable folder")


def _cache_folders(cache: Path | None) -> Iterator[Path]:
    """The user's cache folder first; a new private temporary folder only if that fails."""
    if cache is not None:
        yield cache
        return
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    yield Path(home) / "fairdeid" / "packs"
    yield Path(tempfile.mkdtemp(prefix="fairdeid-packs-"))
