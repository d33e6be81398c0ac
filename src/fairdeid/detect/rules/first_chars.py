"""Regexes that skip, in C, the positions where no match can start.

Why: ``re`` searches a note by trying a match at every position, unless the compiled pattern
starts with a literal or a character class, in which case its search first skips characters
that cannot start a match (a tight loop, several times cheaper than a failed match attempt).
Python only sees that start when the pattern's first item is the class itself: ``\\d{5}``,
``\\(?\\d{2,5}``, ``(?<![\\w.])19\\d\\d|20\\d\\d`` and most date, phone and identifier rules
start with a repeat, an optional item or a look-around, so ``re`` tries every position of every
note for them.

``with_first_chars`` compiles such a pattern again with the set of its possible first
characters written into the compiled program's header, exactly where Python puts the class of a
pattern that starts with one. The header is only a hint for the search loop: the program that
decides a match is Python's own, unchanged, so every match, group and span is the same. The
set must hold every character a match can start with; ``first_chars`` computes it from
Python's parse of the pattern and gives up (the pattern stays as compiled) on anything it does
not know, on case-insensitive patterns and on patterns that can match the empty string.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import logging
import re
from re import _compiler as sre_compile  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

log = logging.getLogger(__name__)

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


def with_first_chars(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex``, compiled again with its first-character set in the search header when Python
    wrote none (see the module's docstring); ``regex`` itself when it has a literal prefix or a
    class already, when the set is unknown, or when this Python's ``re`` internals differ."""
    if not isinstance(regex.pattern, str):
        return regex
    items = first_chars(regex.pattern, regex.flags)
    if items is None:
        return regex
    try:
        return _recompiled(regex, items)
    except Exception as exc:  # noqa: BLE001 - any surprise of re's internals: keep Python's
        log.debug("first_chars: kept as compiled (%s)", type(exc).__name__)
        return regex


def _recompiled(regex: re.Pattern[str], items: list[tuple[Any, Any]]) -> re.Pattern[str]:
    parsed = sre_parse.parse(regex.pattern, regex.flags)
    flags = parsed.state.flags | regex.flags
    code = sre_compile._code(parsed, flags)
    if code[0] != sre.INFO:
        return regex
    mask, low, high = code[2], code[3], code[4]
    if mask & (sre.SRE_INFO_PREFIX | sre.SRE_INFO_CHARSET) or low == 0:
        return regex  # Python found a better start itself, or the match can be empty
    charset, cased = sre_compile._optimize_charset(items)
    if cased:
        return regex
    head = [sre.INFO, 0, mask | sre.SRE_INFO_CHARSET, low, high]
    sre_compile._compile_charset(charset, flags, head)
    head[1] = len(head) - 1
    body = code[1 + code[1] :]
    groupindex = parsed.state.groupdict
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    compiled = _sre.compile(
        regex.pattern,
        flags,
        head + body,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )
    if compiled.groupindex != regex.groupindex or compiled.groups != regex.groups:
        return regex
    return compiled  # type: ignore[no-any-return]


__all__ = ["first_chars", "with_first_chars"]
