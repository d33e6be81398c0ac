"""MIMIC placeholders: how to find them, name their family and pick the rule that fills them.

The rule table is data (``data/placeholders.toml``): an ordered list of families, each with the
pattern that recognises it and the maker (``values.MAKERS``) that fills it. The first match wins.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fairdeid.corpora.mimic.values import MAKERS, Maker

PLACEHOLDER = re.compile(r"\[\*\*(.*?)\*\*\]")
_TRAILING_NUM = re.compile(r"\s+\d+$")
_NUMERIC = re.compile(r"^[\s\d/-]+$")


def family_of(inner: str) -> str:
    """The placeholder family: its text without the trailing record number.

    MIMIC writes "<family> <number>", leaving a trailing space when the number is empty
    ("Age over 90 "), so a trailing space means the digits belong to the family. Placeholders
    made only of digits and separators are dates: their family is "date" (the digits are data).
    """
    if _NUMERIC.match(inner):
        return "date"
    if inner.endswith(" "):
        return inner.strip() or "empty"
    return _TRAILING_NUM.sub("", inner.strip()) or "empty"


@dataclass(frozen=True)
class Rule:
    """A family: ``pattern`` recognises it, ``make`` (``fill`` with ``args``) fills it."""

    name: str
    pattern: re.Pattern[str]
    make: Maker
    memo: bool = True
    fill: str = ""
    args: tuple[str, ...] = ()


def _rule(entry: dict[str, Any]) -> Rule:
    fill, args = entry["fill"], tuple(entry.get("args", ()))
    return Rule(
        name=entry["name"],
        pattern=re.compile(entry["pattern"], re.IGNORECASE),
        make=MAKERS[fill](*args),
        memo=entry.get("memo", True),
        fill=fill,
        args=args,
    )


def load_rules() -> tuple[Rule, ...]:
    """The ordered rule table from ``data/placeholders.toml``."""
    path = resources.files("fairdeid.corpora.mimic").joinpath("data", "placeholders.toml")
    table = tomllib.loads(path.read_text("utf-8"))
    return tuple(_rule(entry) for entry in table["rule"])


#: Ordered: the first matching rule fills the placeholder.
RULES: tuple[Rule, ...] = load_rules()


def match_rule(inner: str) -> Rule | None:
    """The rule for a placeholder's inner text, or None for an unknown family."""
    text = inner.strip()
    for rule in RULES:
        if rule.pattern.search(text):
            return rule
    return None
