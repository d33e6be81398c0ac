"""The one place that says what a pipeline config may contain, checked when it is loaded.

Why: a typo in a hospital's policy file must fail when the pipeline is built, naming the section
and the key, not half-way through a night's batch. A config with ``deny = {"Sex: M" =
"MEDICALRECORDX"}`` used to load, then every record failed as "internal error"; ``[replace]
locale`` (for ``locales``) was silently ignored and surrogates came from the default locale.

What is checked here: sections and the keys of ``[pipeline]``, ``[resolve]`` and ``[replace]``;
every label named (deny targets, ``ignore_labels``); preset and mode names; deny patterns;
each ``[detectors.X]`` table's ``kind``; and, once the detectors exist, that every
``thresholds`` key names a detector of this pipeline. Each detector validates its own keys.
Messages quote config keys, labels and names, but never a ``deny`` pattern or an ``allow``
string: those lists can hold real names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from fairdeid.clock_times import CLOCK_TIMES
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import ALL_LABELS, COARSE_LABELS, PRESETS

SECTIONS = ("pipeline", "detectors", "resolve", "replace")

PIPELINE_KEYS = ("detectors", "max_chunk_chars", "chunk_overlap_chars", "language")

RESOLVE_KEYS = (
    "preset", "min_score", "thresholds", "detector_labels", "allow", "deny", "ignore_labels",
    "boundaries", "name_titles", "clock_times", "trim_learned",
    "machine_syntax", "trim_learned_below", "trim_learned_lower")
#: ``[resolve] name_titles``: "include" puts a title before a name inside its span (the
#: default), "keep" leaves spans as the detectors found them (``fairdeid.detect.titles``)
NAME_TITLE_MODES = ("include", "keep")

#: ``[replace]`` keys of every mode (one file may hold the settings of several modes, as the
#: packaged default does): see ``replace/__init__.py`` build_replacer, ``replace/tags.py`` and
#: ``SurrogateReplacer.from_config``.
REPLACE_KEYS = (
    "mode",
    # tag
    "fine_labels",
    "tag_template",
    # redact
    "mask_char",
    "keep_length",
    "mask",
    # surrogate
    "locales",
    "key",
    "key_env",
    "require_key",
    "date_shift_days",
    "date_order",
    "script",
    "mapping_file",
    "mapping_key_env",
)

REPLACE_MODES = ("tag", "redact", "surrogate")


def _fail_unknown(section: str, what: str, name: object, valid: Iterable[str]) -> ConfigError:
    valid = sorted(valid)
    close = difflib.get_close_matches(str(name), valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"[{section}] unknown {what} {name!r}{hint}; valid: {', '.join(valid)}")


def _check_keys(section: str, table: Mapping[str, Any], valid: Iterable[str]) -> None:
    valid = tuple(valid)
    for key in table:
        if key not in valid:
            raise _fail_unknown(section, "key", key, valid)


def _table(config: Mapping[str, Any], section: str) -> Mapping[str, Any]:
    table = config.get(section, {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"[{section}] must be a table, got {type(table).__name__}")
    return table


def check_label(section: str, key: str, label: object) -> None:
    """A label named in config must be in the taxonomy (fine or coarse)."""
    if not isinstance(label, str) or label not in ALL_LABELS:
        close = difflib.get_close_matches(str(label), sorted(ALL_LABELS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(
            f"[{section}] {key}: unknown label {label!r}{hint}; valid: the fine labels of "
            f"fairdeid.taxonomy or a group: {', '.join(COARSE_LABELS)}"
        )


def _string_list(section: str, key: str, value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ConfigError(f"[{section}] {key} must be a list of strings")
    items = list(value)
    if not all(isinstance(v, str) for v in items):
        raise ConfigError(f"[{section}] {key} must be a list of strings")
    return items


def validate_pipeline(table: Mapping[str, Any]) -> None:
    _check_keys("pipeline", table, PIPELINE_KEYS)
    if "detectors" in table:
        names = _string_list("pipeline", "detectors", table["detectors"])
        if not names:
            raise ConfigError("[pipeline] detectors must name at least one detector")
    if "language" in table:
        from fairdeid.lang.routing import check_language

        check_language(table["language"])


def validate_resolve(table: Mapping[str, Any]) -> None:
    """``[resolve]``: keys, preset, labels of ``deny`` and ``ignore_labels``, deny patterns."""
    _check_keys("resolve", table, RESOLVE_KEYS)
    preset = table.get("preset", "safe_harbor")
    if preset not in PRESETS:
        raise _fail_unknown("resolve", "preset", preset, PRESETS)
    if "min_score" in table and not _is_number(table["min_score"]):
        raise ConfigError("[resolve] min_score must be a number")
    thresholds = table.get("thresholds", {})
    if not isinstance(thresholds, Mapping):
        raise ConfigError("[resolve] thresholds must be a table: detector name = score")
    for name, score in thresholds.items():
        if not _is_number(score):
            raise ConfigError(f"[resolve] thresholds.{name} must be a number")
    detector_labels = table.get("detector_labels", {})
    if not isinstance(detector_labels, Mapping):
        raise ConfigError("[resolve] detector_labels must be a table: detector name = [labels]")
    for name, labels in detector_labels.items():
        for label in _string_list("resolve", f"detector_labels.{name}", labels):
            check_label("resolve", f"detector_labels.{name}", label)
    deny = table.get("deny", {})
    if not isinstance(deny, Mapping):
        raise ConfigError("[resolve] deny must be a table: 'regular expression' = LABEL")
    # Deny patterns may spell out real names (staff always to be removed): entries are named
    # by position, never quoted, since these messages end up in logs.
    for number, (pattern, label) in enumerate(deny.items(), start=1):
        where = f"deny entry {number} of {len(deny)}"
        check_label("resolve", where, label)
        try:
            re.compile(pattern)
        except re.error as exc:  # the message gives a position, not the pattern
            raise ConfigError(
                f"[resolve] {where} is not a valid regular expression: {exc}"
            ) from None
    _string_list("resolve", "allow", table.get("allow", []))
    for label in _string_list("resolve", "ignore_labels", table.get("ignore_labels", [])):
        check_label("resolve", "ignore_labels", label)
    _string_list("resolve", "boundaries", table.get("boundaries", []))
    if table.get("name_titles", NAME_TITLE_MODES[0]) not in NAME_TITLE_MODES:
        raise _fail_unknown("resolve", "name_titles", table["name_titles"], NAME_TITLE_MODES)
    if not isinstance(table.get("trim_learned", False), bool):
        raise ConfigError("[resolve] trim_learned must be true or false")
    if not isinstance(table.get("trim_learned_lower", False), bool):
        raise ConfigError("[resolve] trim_learned_lower must be true or false")
    if not isinstance(table.get("machine_syntax", False), bool):
        raise ConfigError("[resolve] machine_syntax must be true or false")
    below = table.get("trim_learned_below")
    if below is not None and (isinstance(below, bool) or not isinstance(below, int | float)
                              or not 0 < below <= 1):
        raise ConfigError("[resolve] trim_learned_below must be a score in (0, 1]")
    if "clock_times" in table and table["clock_times"] not in CLOCK_TIMES:
        raise _fail_unknown("resolve", "clock_times", table["clock_times"], CLOCK_TIMES)


def validate_replace(table: Mapping[str, Any], mode: str | None = None) -> None:
    """``[replace]`` keys and mode; the replacer validates the values of its own mode."""
    _check_keys("replace", table, REPLACE_KEYS)
    chosen = mode or table.get("mode", "tag")
    if chosen not in REPLACE_MODES:
        raise _fail_unknown("replace", "mode", chosen, REPLACE_MODES)


def validate_detector_tables(tables: object, available: Iterable[str]) -> None:
    """Each ``[detectors.X]`` is a table whose ``kind`` (default: X) is a known detector."""
    if not isinstance(tables, Mapping):
        raise ConfigError("[detectors] must hold one table per detector, e.g. [detectors.rules]")
    known = tuple(available)
    for name, table in tables.items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"[detectors.{name}] must be a table")
        kind = table.get("kind", name)
        if not isinstance(kind, str) or kind not in known:
            raise _fail_unknown(f"detectors.{name}", "detector kind", kind, known)


def validate_config(config: Mapping[str, Any], *, mode: str | None = None) -> None:
    """Everything that can be checked before any detector is built (cheap, no model loads)."""
    from fairdeid.detect.base import available_detectors

    unknown = sorted(set(config) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"unknown config sections: {unknown}; valid: {', '.join(SECTIONS)}")
    validate_pipeline(_table(config, "pipeline"))
    validate_detector_tables(config.get("detectors", {}), available_detectors())
    validate_resolve(_table(config, "resolve"))
    validate_replace(_table(config, "replace"), mode)


def validate_thresholds(table: Mapping[str, Any], detector_names: Iterable[str]) -> None:
    """``[resolve] thresholds`` and ``detector_labels`` keys and ``boundaries`` are detector
    names (a span's ``source`` prefix); a ``boundaries`` entry may also be a longer source
    prefix (``"rules:location.es_street"``) whose detector is known."""
    names = set(detector_names)
    for name in table.get("thresholds", {}) or {}:
        if name not in names:
            raise _fail_unknown("resolve", "detector in thresholds", name, names)
    for name in table.get("boundaries", []) or []:
        # "rules:location.es_street": some of a detector's rules, by their source prefix
        if name.split(":", 1)[0] not in names or name.endswith(":"):
            raise _fail_unknown("resolve", "detector in boundaries", name, names)
    for name in table.get("detector_labels", {}) or {}:
        if name not in names:
            raise _fail_unknown("resolve", "detector in detector_labels", name, names)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
