"""Load the rule detector's data: pattern rules (TOML) and word lists (text files).

Everything a deployment may want to change lives in ``fairdeid/detect/rules_data/`` and in the
detector's config table, not in code: patterns, context words, titles and header words, and the
dictionaries. This module turns that data into compiled objects once, at construction time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fairdeid.detect.rules.validators import VALIDATORS, Validator
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import is_label

_DATA_PACKAGE = "fairdeid.detect"
_DATA_DIR = "rules_data"
_MACRO = re.compile(r"\{\{(\w+)\}\}")
_FLAGS = {"i": re.IGNORECASE, "x": re.VERBOSE, "m": re.MULTILINE, "s": re.DOTALL}


def data_text(name: str) -> str:
    """The text of a packaged data file in ``rules_data``."""
    return resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR, name).read_text("utf-8")


def read_words(text: str, *, split_lines_only: bool = True) -> list[str]:
    """Entries of a word list: one per line (phrases keep their spaces); ``#`` starts a comment."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.extend([line] if split_lines_only else line.split())
    return out


def load_word_file(path: str | Path, *, split_lines_only: bool = True) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"rule dictionary not found: {path}")
    return read_words(path.read_text("utf-8"), split_lines_only=split_lines_only)


def context_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """One compiled alternation of whole words/phrases (longest first), matched on lower text."""
    items = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    body = "|".join(re.escape(w) for w in items)
    return re.compile(rf"(?<![\w]){'(?:' + body + ')'}(?![\w])")


@dataclass(frozen=True, slots=True)
class PatternRule:
    """One compiled recogniser (see the key list at the top of patterns.toml)."""

    name: str
    label: str
    score: float
    regex: re.Pattern[str]
    validator: Validator | None = None
    context: re.Pattern[str] | None = None
    window: int = 40
    context_label: tuple[re.Pattern[str], str] | None = None
    negative_before: re.Pattern[str] | None = None
    negative_after: re.Pattern[str] | None = None
    trim: str = ""
    group_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]


def is_disabled(name: str, disabled: frozenset[str]) -> bool:
    """A rule ``a.b`` is off when ``a`` or ``a.b`` is listed."""
    return name in disabled or name.split(".", 1)[0] in disabled


def load_pattern_tables(paths: Sequence[str | Path] | None, extra: Sequence[str | Path]) -> dict[str, Any]:
    """Merge the base pattern TOML (packaged unless ``paths``) with extra files."""
    tables: list[dict[str, Any]] = []
    if paths:
        for p in paths:
            tables.append(_read_toml(p))
    else:
        tables.append(tomllib.loads(data_text("patterns.toml")))
    tables.extend(_read_toml(p) for p in extra)
    merged: dict[str, Any] = {"macros": {}, "context": {}, "rule": [], "names": {}, "professions": {}}
    for table in tables:
        merged["macros"].update(table.get("macros", {}))
        merged["context"].update(table.get("context", {}))
        merged["names"].update(table.get("names", {}))
        merged["professions"].update(table.get("professions", {}))
        by_name = {r["name"]: i for i, r in enumerate(merged["rule"])}
        for rule in table.get("rule", []):
            if rule.get("name") in by_name:  # a later file overrides a rule of the same name
                merged["rule"][by_name[rule["name"]]] = rule
            else:
                merged["rule"].append(rule)
    return merged


def _read_toml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"rule pattern file not found: {path}")
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"rule pattern file {path} is not valid TOML: {exc}") from None


def compile_rules(
    tables: Mapping[str, Any], disabled: frozenset[str], default_window: int = 40
) -> list[PatternRule]:
    macros: dict[str, str] = dict(tables.get("macros", {}))
    contexts: dict[str, re.Pattern[str] | None] = {
        k: context_regex(v) for k, v in tables.get("context", {}).items()
    }

    def expand(pattern: str, depth: int = 0) -> str:
        if depth > 5:
            raise ConfigError("rule macros nest too deeply")
        out = _MACRO.sub(lambda m: _macro(macros, m.group(1)), pattern)
        return expand(out, depth + 1) if _MACRO.search(out) else out

    def ctx(rule_name: str, key: str | None) -> re.Pattern[str] | None:
        if key is None:
            return None
        if key not in contexts:
            raise ConfigError(f"rule {rule_name!r}: unknown context list {key!r}")
        return contexts[key]

    rules: list[PatternRule] = []
    seen: set[str] = set()
    for raw in tables.get("rule", []):
        name = str(raw.get("name", ""))
        if not name or "." not in name:
            raise ConfigError(f"every rule needs a name 'group.rule' (got {name!r})")
        if name in seen:
            raise ConfigError(f"duplicate rule name {name!r}")
        seen.add(name)
        if is_disabled(name, disabled):
            continue
        label = str(raw.get("label", ""))
        if not is_label(label):
            raise ConfigError(f"rule {name!r}: unknown label {label!r}")
        flags = 0
        for f in str(raw.get("flags", "")):
            if f not in _FLAGS:
                raise ConfigError(f"rule {name!r}: unknown regex flag {f!r}")
            flags |= _FLAGS[f]
        try:
            regex = re.compile(expand(str(raw["pattern"])), flags)
        except (KeyError, re.error) as exc:
            raise ConfigError(f"rule {name!r}: bad or missing pattern ({exc})") from None
        validator = None
        if "validate" in raw:
            validator = VALIDATORS.get(str(raw["validate"]))
            if validator is None:
                raise ConfigError(f"rule {name!r}: unknown validator {raw['validate']!r}")
        context_label = None
        if "context_label" in raw:
            key, new_label = raw["context_label"]
            pattern = ctx(name, key)
            if pattern is not None:
                context_label = (pattern, str(new_label))
        group_labels = dict(raw.get("group_labels", {}))
        for g, lab in group_labels.items():
            if not is_label(lab) or g not in regex.groupindex:
                raise ConfigError(f"rule {name!r}: bad group_labels entry {g!r}={lab!r}")
        rules.append(
            PatternRule(
                name=name,
                label=label,
                score=float(raw.get("score", 0.8)),
                regex=regex,
                validator=validator,
                context=ctx(name, raw.get("context")),
                window=int(raw.get("window", default_window)),
                context_label=context_label,
                negative_before=ctx(name, raw.get("negative_before")),
                negative_after=ctx(name, raw.get("negative_after")),
                trim=str(raw.get("trim", "")),
                group_labels=group_labels,
            )
        )
    return rules


def _macro(macros: Mapping[str, str], key: str) -> str:
    if key not in macros:
        raise ConfigError(f"unknown pattern macro {key!r}")
    return macros[key]
