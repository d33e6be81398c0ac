"""``[extend.<table>]`` and ``[remove.<table>]``: edit a word list an earlier rule file set.

A later rule file's ``[names] titles = [...]`` replaces the whole list, so a file that only
wants to add a few words had to copy the list, and the copy went stale when the packaged list
grew. An edit table says "these words more (or fewer)" against whatever the earlier files
merged to, and is checked strictly: a typo in a list name or a removal of a word the list does
not hold is an error, not a silent no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fairdeid.errors import ConfigError

#: rule tables whose lists a file may extend or trim (``[macros]`` holds strings, not lists)
LIST_TABLES = ("names", "context", "places", "professions")
#: the tables that edit lists rather than set them
EDIT_KEYS = ("extend", "remove")


def apply_list_edits(
    name: str, table: Mapping[str, Any], merged: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, list[str]]]:
    """The lists that ``table``'s edit tables produce, in full, against ``merged``.

    ``merged`` is what the files before ``table`` (and ``table``'s own plain lists) merged to;
    ``name`` names the file in errors.
    """
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
                current = result.get(tab, {}).get(key, merged.get(tab, {}).get(key))
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
