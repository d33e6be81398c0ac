"""The pattern compiler: the rule detector's data (TOML rules, word lists) into compiled rules.

Everything a deployment or a language may change lives in ``fairdeid/detect/rules/data/`` and
in the detector's config table, not in code: patterns, context words, titles and header words,
place words, post-processing steps and the dictionaries. This module reads that data and
compiles it once, at construction time, so detection only runs compiled regexes.
"""

from __future__ import annotations

import importlib
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from fairdeid.detect.rules.list_edits import apply_list_edits
from fairdeid.detect.rules.post import POST_STEPS, PostStep
from fairdeid.detect.rules.regex_speed import faster_regex
from fairdeid.detect.rules.validators import VALIDATORS, Validator
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import is_label

_DATA_PACKAGE = "fairdeid.detect.rules"
_DATA_DIR = "data"
_MACRO = re.compile(r"\{\{(\w+)\}\}")
_FLAGS = {"i": re.IGNORECASE, "x": re.VERBOSE, "m": re.MULTILINE, "s": re.DOTALL}


def data_text(name: str) -> str:
    """The text of a packaged data file in ``detect/rules/data``."""
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
    return faster_regex(re.compile(rf"(?<![\w]){'(?:' + body + ')'}(?![\w])"))


def literal_alternation(words: Iterable[str]) -> str:
    """A regex body for any of ``words``, longest first, written as a trie.

    Why a trie: Python's ``re`` tries every branch of ``a|b|c`` at each position of a note,
    while a trie ("grand(?:daughter|son)") follows one branch per character, which halves the
    scan of the naming cues. It matches as the longest-first alternation does: the words that
    match at one position are prefixes of one another, and the trie's greedy optional tails try
    the longer ones first and back off to the shorter when what follows does not match.
    """
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        if not word:
            continue
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(root)


def _trie_regex(node: dict[str, dict[str, Any]]) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in node.items() if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


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
    #: the pattern runs on the lower-cased text without IGNORECASE (see ``lower_pattern``)
    on_lower: bool = False
    #: must match right after the anchor, on the original text (case-sensitive continuation)
    then: re.Pattern[str] | None = None
    #: must match right before the anchor, on the original text (left extension), looked
    #: for within ``before_window`` characters
    before: re.Pattern[str] | None = None
    before_window: int = 64
    #: how far back of the anchor a left extension can start: ``before_window``, or less when
    #: ``before`` cannot match that many characters (it must end at the anchor, so a search
    #: from there finds the same match while ``re`` tries fewer starts)
    before_reach: int = 64
    #: skip the rule for a document whose lower-cased text contains none of these
    requires: tuple[str, ...] = ()
    #: the pattern's leading ``\\b`` or look-behind, checked at the match start in Python
    lead: re.Pattern[str] | None = None
    #: post steps (``post.py``), run in order on the span after every other check
    post: tuple[PostStep, ...] = ()

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]


def is_disabled(name: str, disabled: frozenset[str]) -> bool:
    """A rule ``a.b`` is off when ``a`` or ``a.b`` is listed."""
    return name in disabled or name.split(".", 1)[0] in disabled


def load_pattern_tables(
    paths: Sequence[str | Path] | None, extra: Sequence[str | Path]
) -> dict[str, Any]:
    """Merge the base pattern TOML (packaged unless ``paths``) with extra files.

    A later file's list replaces an earlier one; its ``[extend.*]``/``[remove.*]`` tables edit
    the lists merged so far instead (``list_edits``).
    """
    tables: list[tuple[str, dict[str, Any]]] = []
    if paths:
        for p in paths:
            tables.append((str(p), _read_toml(p)))
    else:
        tables.append(("patterns.toml", tomllib.loads(data_text("patterns.toml"))))
    tables.extend((str(p), _read_toml(p)) for p in extra)
    merged: dict[str, Any] = {
        "macros": {},
        "context": {},
        "rule": [],
        "names": {},
        "professions": {},
        "places": {},
        "spoken": {},  # numbers in words (rules/spoken.py): a later file's key replaces it
    }
    for name, table in tables:
        for key in ("macros", "context", "names", "professions", "places", "spoken"):
            merged[key].update(table.get(key, {}))
        for key, lists in apply_list_edits(name, table, merged).items():
            merged[key].update(lists)
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
        on_lower = bool(flags & re.IGNORECASE)
        try:
            pattern = expand(str(raw["pattern"]))
            if on_lower:
                # Python's re loses its literal-prefix scan under IGNORECASE (5-20x slower on
                # keyword alternations); matching a lower-cased pattern on lower-cased text is
                # equivalent because lower-casing keeps offsets (dictionary.lower_same_length)
                pattern, flags = lower_pattern(pattern), flags & ~re.IGNORECASE
            lead_text, pattern = split_lead(pattern)
            # the searched regexes skip, in C, the characters no match starts with
            regex = faster_regex(re.compile(pattern, flags))
            lead = re.compile(lead_text, flags) if lead_text else None
            then = re.compile(expand(str(raw["then"]))) if "then" in raw else None
            before = (
                faster_regex(re.compile(f"(?:{expand(str(raw['before']))})\\Z"))
                if "before" in raw
                else None
            )
        except (KeyError, re.error) as exc:
            raise ConfigError(f"rule {name!r}: bad or missing pattern ({exc})") from None
        validator = None
        if "validate" in raw:
            validator = find_validator(str(raw["validate"]))
            if validator is None:
                raise ConfigError(f"rule {name!r}: unknown validator {raw['validate']!r}")
        context_label: tuple[re.Pattern[str], str] | None = None
        if "context_label" in raw:
            key, new_label = raw["context_label"]
            label_ctx = ctx(name, key)
            if label_ctx is not None:
                context_label = (label_ctx, str(new_label))
        post = _post_steps(name, raw.get("post", ()), set(regex.groupindex))
        group_labels = dict(raw.get("group_labels", {}))
        for g, lab in group_labels.items():
            groups = set(regex.groupindex) | set(before.groupindex if before else ())
            if not is_label(lab) or g not in groups:
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
                on_lower=on_lower,
                then=then,
                before=before,
                requires=tuple(str(r).lower() for r in raw.get("requires", ())),
                lead=lead,
                before_window=int(raw.get("before_window", 64)),
                before_reach=_reach(before, int(raw.get("before_window", 64))),
                post=post,
            )
        )
    return rules


def _reach(before: re.Pattern[str] | None, window: int) -> int:
    """``PatternRule.before_reach``: the window, or the longest match ``before`` can make."""
    if before is None:
        return window
    longest = sre_parse.parse(before.pattern, before.flags).getwidth()[1]
    return max(0, min(window, longest))


def find_validator(name: str) -> Validator | None:
    """A packaged validator by name, or ``"package.module:function"`` for one that lives with
    the data that uses it (a language pack's identifier checks, a site's own rules).

    Only modules inside the ``fairdeid`` package or already imported are looked up, so a pattern
    file cannot make the detector import arbitrary code.
    """
    if ":" not in name:
        return VALIDATORS.get(name)
    module_name, _, attr = name.partition(":")
    if not (module_name == "fairdeid" or module_name.startswith("fairdeid.")
            or module_name in sys.modules):
        return None
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    found = getattr(module, attr, None)
    return found if callable(found) else None


def _post_steps(rule: str, names: Any, groups: set[str]) -> tuple[PostStep, ...]:
    """The rule's ``post`` steps: one name or a list, each known, with the groups it reads."""
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"rule {rule!r}: post must be a step name or a list of them")
    steps: list[PostStep] = []
    for step_name in names:
        if step_name not in POST_STEPS:
            raise ConfigError(
                f"rule {rule!r}: unknown post step {step_name!r}; known: {sorted(POST_STEPS)}"
            )
        step, needs = POST_STEPS[step_name]
        missing = needs - groups
        if missing:
            raise ConfigError(
                f"rule {rule!r}: post step {step_name!r} needs pattern groups {sorted(missing)}"
            )
        steps.append(step)
    return tuple(steps)


def split_lead(pattern: str) -> tuple[str, str]:
    """Split a leading ``\\b`` or look-behind off a pattern.

    Python's regex engine only scans fast (literal prefix or first-character set) when a
    pattern *starts* with a literal or a character class; a leading ``\\b`` or ``(?<!...)``
    makes it try a full match at every position, 10-20x slower. The detector checks the
    split-off assertion at the match start instead (look-behinds see text before ``pos``).
    Only a top-level assertion followed by more pattern is split.
    """
    if pattern.startswith("\\b") and len(pattern) > 2:
        return "\\b", pattern[2:]
    if pattern.startswith(("(?<!", "(?<=")):
        for i, ch, depth in _structure(pattern):
            if ch == ")" and depth == 0:
                rest = pattern[i + 1 :]
                if (
                    rest
                    and not rest.startswith(("|", ")", "*", "+", "?", "{"))
                    and "|" not in _top_level(rest)
                ):
                    return pattern[: i + 1], rest
                return "", pattern
    return "", pattern


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Walk a regex's structural characters: (index, char, group depth after it).

    Escaped characters and the insides of character classes are skipped, so parentheses and
    ``|`` seen here are real groups and alternations.
    """
    depth = 0
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1


def _top_level(pattern: str) -> str:
    """The characters of ``pattern`` outside groups and classes (to spot a top-level ``|``)."""
    return "".join(ch for _, ch, depth in _structure(pattern) if depth == 0 and ch not in "()")


def lower_pattern(pattern: str) -> str:
    """Lower-case a regex's literals and classes, leaving escapes (``\\S``, ``\\D``) alone."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "(" and pattern.startswith("(?P<", i):  # keep group names as written
            close = pattern.index(">", i)
            out.append(pattern[i : close + 1])
            i = close + 1
            continue
        if ch == "(" and pattern.startswith("(?P=", i):
            close = pattern.index(")", i)
            out.append(pattern[i : close + 1])
            i = close + 1
            continue
        out.append(ch.lower())
        i += 1
    return "".join(out)


def _macro(macros: Mapping[str, str], key: str) -> str:
    if key not in macros:
        raise ConfigError(f"unknown pattern macro {key!r}")
    return macros[key]
