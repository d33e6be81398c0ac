"""Rule regexes compiled for a faster search, with exactly Python's matches.

Two things make ``re`` slow on the rules' patterns, and both are fixed here on Python's own
parse of a pattern, which is then compiled by Python's own compiler:

* **No start to skip to.** ``re`` searches a note by trying a match at every position, unless
  the compiled pattern starts with a literal or a character class: then its search first
  skips, in a tight C loop, the characters no match can start with. Python only sees that
  start when the pattern's first item is the class itself; ``\\d{5}``, ``\\(?\\d{2,5}``,
  ``(?<![\\w.])19\\d\\d`` and most date, phone and identifier rules start with a repeat, an
  optional item or a look-around, so ``re`` tried every position of every note for them.
  ``first_chars`` computes the set of characters a match can start with, and the compiled
  program's header gets it, exactly where Python puts the class of a pattern that starts with
  one. The header is only a hint for the search loop; the program that decides a match is
  unchanged.
* **Long alternations tried one by one.** At each position ``re`` tries the alternatives of
  ``(?:Harbour|Summit|Brook|Street|St|...)`` in turn (a cheap first-letter test each, but a
  hundred of them). ``factor_branches`` groups the alternatives that start with the same
  letter under it: ``S(?:ummit|treet|t)|Harbour|Brook``. At any position only alternatives
  starting with that position's letter can match, and they keep their order, so ``re`` tries
  the same alternatives in the same order (backtracking included) and finds the same match.
  Only alternatives that start with a plain letter are moved, never past one that starts
  otherwise, and nothing is moved under a case-insensitive flag (where "s" and "S" would be
  two groups that can both match).

Anything these functions do not know (a construct, another Python's ``re`` internals) leaves
the regex as Python compiled it; the pattern text, flags and groups stay the same either way.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import logging
import re
import sys
from re import _compiler as sre_compile  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

log = logging.getLogger(__name__)

#: Python versions whose ``re`` internals (``_sre.compile``'s arguments, the INFO header) this
#: module was checked against (2026-11-30: the 1,158 regexes of the English rules and the five
#: packs, 888 of them recompiled, matched as Python compiles them over 104 notes, on 3.11.7,
#: 3.12.1 and 3.13.0); any other keeps every regex as Python compiled it, so a new
#: Python can never change a match, only lose the speed-up until it is checked and added here.
CHECKED_PYTHONS = frozenset({(3, 11), (3, 12), (3, 13)})

#: a first-character set with more items than this is no cheaper to test than a match attempt
_MAX_ITEMS = 64


class _Unknown(Exception):
    """A construct whose first characters ``first_chars`` does not compute."""


def first_chars(pattern: str, flags: int = 0) -> list[tuple[Any, Any]] | None:
    """The class items (``re``'s parsed form) of every character a match of ``pattern`` can
    start with; None when unknown, when the pattern ignores case or can match the empty
    string."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    return _first_items(parsed, flags)


def _first_items(parsed: Any, flags: int) -> list[tuple[Any, Any]] | None:
    """``first_chars`` of a pattern ``re`` has already parsed (unfactored)."""
    if (parsed.state.flags | flags) & (re.IGNORECASE | re.LOCALE):
        return None
    items: list[tuple[Any, Any]] = []
    try:
        nullable = _first(list(parsed), items, 0)
    except (_Unknown, RecursionError):
        return None
    if nullable or not items or len(items) > _MAX_ITEMS:
        return None
    return items


def _first(seq: list[tuple[Any, Any]], items: list[tuple[Any, Any]], depth: int) -> bool:
    """Add the first-character items of the sequence ``seq`` to ``items``; whether the whole
    sequence can match the empty string."""
    if depth > 50:
        raise _Unknown("too deep")
    for op, av in seq:
        if op is sre.LITERAL:
            items.append((sre.LITERAL, av))
            return False
        if op is sre.IN:
            if any(item_op is sre.NEGATE for item_op, _ in av):
                raise _Unknown("negated class")
            items.extend(av)
            return False
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero-width: the next item still starts the match
        if op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & (re.IGNORECASE | re.LOCALE):
                raise _Unknown("case-insensitive group")
            if not _first(list(sub), items, depth + 1):
                return False
            continue
        if op is sre.ATOMIC_GROUP:
            if not _first(list(av), items, depth + 1):
                return False
            continue
        if op is sre.BRANCH:
            nullable = False
            for alternative in av[1]:
                nullable = _first(list(alternative), items, depth + 1) or nullable
            if not nullable:
                return False
            continue
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if not _first(list(sub), items, depth + 1) and low > 0:
                return False
            continue
        raise _Unknown(str(op))  # ANY, NOT_LITERAL, back-references, conditionals
    return True


def faster_regex(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` compiled again with its alternations factored and its first-character set in
    the search header (see the module's docstring); ``regex`` itself when neither applies or
    when this Python's ``re`` internals differ."""
    if not isinstance(regex.pattern, str) or sys.version_info[:2] not in CHECKED_PYTHONS:
        return regex
    try:
        return _recompiled(regex)
    except Exception as exc:  # noqa: BLE001 - any surprise of re's internals: keep Python's
        log.debug("regex_speed: kept as compiled (%s)", type(exc).__name__)
        return regex


def _recompiled(regex: re.Pattern[str]) -> re.Pattern[str]:
    parsed = sre_parse.parse(regex.pattern, regex.flags)
    flags = parsed.state.flags | regex.flags
    # read before factoring, which rewrites ``parsed`` in place: one parse serves both
    items = _first_items(parsed, regex.flags)
    factored = False
    if not flags & (re.IGNORECASE | re.LOCALE):
        factored = factor_branches(parsed)
    code = sre_compile._code(parsed, flags)
    if code[0] != sre.INFO:
        return regex
    mask, low, high = code[2], code[3], code[4]
    hinted = False
    if not mask & (sre.SRE_INFO_PREFIX | sre.SRE_INFO_CHARSET) and low > 0 and items is not None:
        charset, cased = sre_compile._optimize_charset(items)
        if not cased:
            head = [sre.INFO, 0, mask | sre.SRE_INFO_CHARSET, low, high]
            sre_compile._compile_charset(charset, flags, head)
            head[1] = len(head) - 1
            code = head + code[1 + code[1] :]
            hinted = True
    if not factored and not hinted:
        return regex
    groupindex = parsed.state.groupdict
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    compiled = _sre.compile(
        regex.pattern, flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)
    )
    if compiled.groupindex != regex.groupindex or compiled.groups != regex.groups:
        return regex
    return compiled  # type: ignore[no-any-return]


def factor_branches(parsed: Any) -> bool:
    """Group, in place, the alternatives of every alternation of ``parsed`` (a case-sensitive
    pattern's parse) under their common first letter; whether anything changed."""
    return _factor_seq(parsed.data, parsed.state, 0)


def _factor_seq(data: list[tuple[Any, Any]], state: Any, depth: int) -> bool:
    if depth > 50:
        return False
    changed = False
    for index, (op, av) in enumerate(data):
        if op is sre.BRANCH:
            alternatives = av[1]
            for alternative in alternatives:
                changed = _factor_seq(alternative.data, state, depth + 1) or changed
            grouped = _factor_alternatives(alternatives, state, depth)
            if grouped is not None:
                data[index] = (sre.BRANCH, (av[0], grouped))
                changed = True
        elif op is sre.SUBPATTERN:
            if not av[1] & (re.IGNORECASE | re.LOCALE):
                changed = _factor_seq(av[3].data, state, depth + 1) or changed
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            changed = _factor_seq(av[2].data, state, depth + 1) or changed
        elif op is sre.ATOMIC_GROUP:
            changed = _factor_seq(av.data, state, depth + 1) or changed
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            changed = _factor_seq(av[1].data, state, depth + 1) or changed
    return changed


def _factor_alternatives(alternatives: list[Any], state: Any, depth: int) -> list[Any] | None:
    """The alternatives with each run of literal-led ones grouped by their first letter (in
    order of first appearance, each group's members in their order); None when no two
    alternatives of a run share a first letter."""
    out: list[Any] = []
    changed = False
    i = 0
    while i < len(alternatives):
        if not _literal_led(alternatives[i]):
            out.append(alternatives[i])
            i += 1
            continue
        j = i
        groups: dict[int, list[Any]] = {}
        while j < len(alternatives) and _literal_led(alternatives[j]):
            groups.setdefault(alternatives[j].data[0][1], []).append(alternatives[j])
            j += 1
        for code, members in groups.items():
            if len(members) == 1:
                out.append(members[0])
                continue
            changed = True
            rests = [sre_parse.SubPattern(state, list(m.data[1:])) for m in members]
            rests = _factor_alternatives(rests, state, depth + 1) or rests
            out.append(
                sre_parse.SubPattern(state, [(sre.LITERAL, code), (sre.BRANCH, (None, rests))])
            )
        i = j
    return out if changed else None


def _literal_led(alternative: Any) -> bool:
    return bool(alternative.data) and alternative.data[0][0] is sre.LITERAL


__all__ = ["factor_branches", "faster_regex", "first_chars"]
