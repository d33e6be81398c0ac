"""A one-pass prefilter that tells which pattern rules may match a note.

Why: most of the ~110 pattern rules find nothing in a given note (Spanish DNI, IBAN, VIN,
plates, ...), yet Python's ``re`` walks the whole note once per rule to learn that. With
`hyperscan <https://pypi.org/project/hyperscan/>`_ installed (the optional ``fast`` extra), all
rules are compiled into one automaton that reads the note once and reports which rules *may*
match; the detector then runs ``re`` only for those, so spans stay exactly those of ``re``.
Without hyperscan every rule runs, as before.

The automaton's patterns are *supersets* of the rules' patterns, written from Python's own
parse of each pattern, so a rule is never skipped when ``re`` would have matched:

* assertions (``\\b``, ``^``, look-arounds) are dropped, which can only widen a pattern;
* a back-reference becomes its group's pattern again, an atomic group or possessive repeat a
  plain one;
* the automaton reads the note as ASCII with every other character replaced by one ``?``;
  a character class (``[...]``, ``\\d``, ``\\w``, ``\\s``, ``.``) becomes the ASCII characters
  Python's own tests accept, plus ``?``, and a non-ASCII literal becomes ``?``, so the Unicode
  tables of the two engines never have to agree;
* without case (``(?i:...)``), a letter also stands for its other case.

A rule can also have extra *conditions*, each a superset pattern of its own that must match
too: a look-ahead ``(?=X)`` in the pattern's top-level sequence (groups without a repeat count
as top level) says that X matches where the pattern's part before it ends, so that part
followed by X must occur in the note ("an identifier cue, then a word with a digit", "a colon,
then capitalised words"). Dropping the look-ahead lets such rules through on most notes.

A rule's *lead* (the leading ``\\b`` or one-character look-behind that the detector checks in
Python at each match start, see ``compiler.split_lead``) is part of every condition when it
can be written as what must come before the match: ``(?<![\\w@.-])`` as "the note's start or a
character outside the class" (any non-ASCII one included), ``\\b`` the same when every
character a match can start with is an ASCII word character (or the opposite when none is).
Without it, "example.com" of every e-mail address let the domain rule through.

A rule whose pattern cannot be translated (a construct the translation does not know, a
pattern hyperscan refuses) simply always runs; a condition that cannot be translated is left
out (one condition fewer can only let more notes through).

The compiled databases are kept on disk between processes (``prefilter_cache.py``), keyed by
the rules and this file's source.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from pathlib import Path
from re import _casefix  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, NamedTuple, overload

from fairdeid.detect.rules import prefilter_cache

log = logging.getLogger(__name__)

#: the automaton reads ``text.encode("ascii", "replace")``: every non-ASCII character becomes
#: one "?", which every class and every non-ASCII literal of a superset pattern accepts
_PLACEHOLDER_CODE = ord("?")
#: non-ASCII characters ``re`` takes as an ASCII letter without case: "ſ" and "ı" (its extra
#: cases) and the Kelvin sign (lower-cases to "k")
_EXTRA_CASES: dict[int, tuple[int, ...]] = {
    **{k: v for k, v in _casefix._EXTRA_CASES.items() if k < 0x80},
    ord("k"): (0x212A,),
}
_PLACEHOLDER = "\\x3f"
#: patterns per hyperscan database: 48 compiled faster than 12 and scans a note in 0.6x the
#: CPU (English rules, 200,000 words: 11 databases 0.18 CPU-s, 4 databases 0.11; German
#: 0.60 -> 0.22); one database for all compiles slower again
_PER_DATABASE = 48
#: a left extension or continuation longer than this (translated) stays out of the conditions:
#: the long word lists and capitalised-name shapes of the name rules cost hyperscan a tenth of
#: a CPU second each to compile, more than they save on a million words
_PART_CHARS = 1000
#: a pattern longer than this (translated) is a condition by its leading part (``leading_part``):
#: hyperscan refused three rules' whole patterns (so they ran on every note), and the occupation
#: rules' word lists (~10,000 characters each) took 7 of the 10 CPU-seconds of the compile
_MAIN_CHARS = 4000
#: a start condition (``start_condition``) is kept to this many characters
_START_CHARS = 1000
#: the first (or last) letters of a long word list (``_cut_pattern``) are kept to this many
#: characters (translated), and at most this many letters of each word: 4 letters leave out
#: as many notes as 8 and scan faster (English, 300,000 words: 25.0 -> 20.0 rules per note,
#: the scans 0.01-0.06 CPU-s slower, the pattern rules 0.12 faster)
_CUT_ROOM = 3000
_CUT_CHARS = (4, 3)
#: an item translated to at most this many characters goes into a cut whole
_CUT_WHOLE = 64
#: a cut of more alternatives than this is left out (its trie would be too large)
_CUT_ALTERNATIVES = 2000

_hs: Any
try:  # the optional fast path: ``pip install fairdeid[fast]``
    import hyperscan as _hs
except ImportError:  # pragma: no cover - exercised where hyperscan is absent
    _hs = None


class RuleKey(NamedTuple):
    """A rule as the prefilter sees it (the parts of ``compiler.PatternRule`` that say where it
    can match)."""

    name: str
    regex: re.Pattern[str]
    #: the pattern runs on the lower-cased text
    on_lower: bool
    #: checked at each match start (``PatternRule.lead``)
    lead: re.Pattern[str] | None = None
    #: must end where the match starts, on the original text (``PatternRule.before``)
    before: re.Pattern[str] | None = None
    #: must match where the match ends, on the original text (``PatternRule.then``)
    then: re.Pattern[str] | None = None

    def cache_key(self) -> tuple[Any, ...]:
        return (self.name, self.on_lower,
                *((p.pattern, p.flags) if p is not None else None
                  for p in (self.regex, self.lead, self.before, self.then)))


class Untranslatable(ValueError):
    """A regex construct the superset translation does not handle (the rule always runs)."""


def superset_pattern(pattern: str, flags: int = 0) -> str:
    """A hyperscan pattern (PCRE syntax, all ASCII, over the placeholder-encoded text) that
    matches wherever ``re.compile(pattern, flags)`` could match, and possibly elsewhere."""
    known = re.VERBOSE | re.MULTILINE | re.DOTALL | re.UNICODE | re.IGNORECASE
    if flags & ~known:
        raise Untranslatable("flags")
    tree = sre_parse.parse(pattern, flags)
    groups = _group_trees(tree)
    return _emit(tree, bool(flags & re.DOTALL), groups, caseless=bool(flags & re.IGNORECASE))


def lookahead_conditions(pattern: str, flags: int = 0) -> list[str]:
    """Superset patterns that must each match wherever ``re.compile(pattern, flags)`` matches:
    for every positive look-ahead of the top-level sequence, the part before it followed by the
    look-ahead's own pattern (the part's match ends where the look-ahead holds)."""
    known = re.VERBOSE | re.MULTILINE | re.DOTALL | re.UNICODE | re.IGNORECASE
    if flags & ~known:
        return []
    tree = sre_parse.parse(pattern, flags)
    groups = _group_trees(tree)
    dotall, caseless = bool(flags & re.DOTALL), bool(flags & re.IGNORECASE)
    items = _top_level(tree)
    out: list[str] = []
    for k, (op, av) in enumerate(items):
        if op is sre.ASSERT and av[0] == 1:
            try:
                before = _emit(items[:k], dotall, groups, caseless=caseless)
                ahead = _emit(av[1], dotall, groups, 1, caseless)
            except (Untranslatable, RecursionError):
                continue
            out.append(f"{before}(?:{ahead})")
    return out


def start_condition(pattern: str, flags: int = 0) -> str | None:
    """A superset pattern of what ends where a match starts, followed by the match: the
    pattern's leading look-behinds and line starts, which the superset drops, read as text
    before it ("(?<=[.;:][ \t])retired" as "[.;:][ \t]retired"). None when the pattern starts
    with neither (the condition would be the superset itself) or cannot be translated.

    Why: a rule such as "retired at a clause start" let every note with "retired" through,
    and ``re`` then tried it at every character of those notes."""
    known = re.VERBOSE | re.MULTILINE | re.DOTALL | re.UNICODE | re.IGNORECASE
    if flags & ~known:
        return None
    try:
        tree = sre_parse.parse(pattern, flags)
        groups = _group_trees(tree)
        items = _top_level(tree)
        if not items:
            return None
        emit = partial(_emit, dotall=bool(flags & re.DOTALL), groups=groups,
                       caseless=bool(flags & re.IGNORECASE))
        condition = _before_start([items[0]], emit, bool(flags & re.MULTILINE))
        if condition is None or len(condition) > _START_CHARS:
            return None
        # then as much of the rest as stays short: the main condition checks all of it
        for k in range(1, len(items)):
            longer = condition + emit([items[k]])
            if len(longer) > _START_CHARS:
                # a long word list ("^[ \t]*(?P<phi>{{DEPT_NAME}})"): its words' first letters
                condition += _cut_pattern(items[k:], flags, groups, from_end=False)
                break
            condition = longer
    except (Untranslatable, re.error, RecursionError):
        return None
    return condition


def _before_start(seq: list[tuple[Any, Any]], emit: Callable[[Any], str],
                  multiline: bool) -> str | None:
    """``seq`` translated with its leading zero-width test as the text it needs before
    (None when it has none): a look-behind as its own pattern, a line start as the text's
    start or a newline; into groups and alternatives, each alternative on its own."""
    if not seq:
        return None
    op, av = seq[0]
    rest = seq[1:]
    if op is sre.ASSERT and av[0] == -1:
        return "(?:" + emit(av[1]) + ")" + emit(rest)
    if op is sre.AT and av in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
        start = "(?:^|\\x0a)" if multiline and av is sre.AT_BEGINNING else "^"
        return start + emit(rest)
    if op is sre.SUBPATTERN and not av[1] and not av[2]:
        return _before_start([*av[3], *rest], emit, multiline)
    if op is sre.BRANCH:
        alts = [_before_start(list(alt), emit, multiline) for alt in av[1]]
        if all(alt is None for alt in alts):
            return None
        body = "|".join(
            alt if alt is not None else emit(list(orig))
            for alt, orig in zip(alts, av[1], strict=True)
        )
        return "(?:" + body + ")" + emit(rest)
    return None


def _cut_pattern(seq: list[tuple[Any, Any]], flags: int, groups: dict[int, Any], *,
                 from_end: bool) -> str:
    """A superset pattern of the first (``from_end``: last) letters of every match of ``seq``,
    as many per word as fit in ``_CUT_ROOM`` characters ("" when not even the fewest do).

    Why: a long word list (the department names, 1,900 characters, 20,000 translated) kept a
    rule's condition short of it, so every note with a line start, a "service:" or a "clinic"
    let the rule through and ``re`` read the note trying each word; the words' first four
    letters ("card", "onco") or, before a match, their last ones already leave most out."""
    dotall, caseless = bool(flags & re.DOTALL), bool(flags & re.IGNORECASE)
    for chars in _CUT_CHARS:
        alternatives = _cut(seq, chars, dotall, groups, caseless, from_end, 0)
        if alternatives is None or not all(alternatives):
            return ""  # too many, or a match that may have no letter there
        pattern = _trie(sorted(set(alternatives)))
        if len(pattern) <= _CUT_ROOM:
            return pattern
    return ""


def _cut(seq: list[tuple[Any, Any]], chars: int, dotall: bool, groups: dict[int, Any],
         caseless: bool, from_end: bool, depth: int) -> list[tuple[str, ...]] | None:
    """Every leading (``from_end``: trailing) part of up to ``chars`` one-character items
    that a match of ``seq`` starts (ends) with, each a tuple of translated pieces in text
    order. Short items go in whole (not counted); the walk stops at the first longer group,
    alternative or repeat, which gives its own parts (one per alternative; a repeat that may
    match nothing also the parts of what comes after it); zero-width items are passed over
    (that only widens the set), so a match of ``seq`` always starts (ends) with one of the
    parts. None: too many."""
    walk = list(reversed(seq)) if from_end else list(seq)
    return _cut_walk(walk, chars, dotall, groups, caseless, from_end, depth)


def _cut_walk(walk: list[tuple[Any, Any]], chars: int, dotall: bool, groups: dict[int, Any],
              caseless: bool, from_end: bool, depth: int) -> list[tuple[str, ...]] | None:
    """``_cut`` over items in the order it reads them (backwards when ``from_end``)."""
    if depth > 20:
        raise Untranslatable("nesting")

    def join(head: tuple[str, ...], tail: tuple[str, ...]) -> tuple[str, ...]:
        return tail + head if from_end else head + tail

    parts: list[tuple[str, ...]] = [()]
    for index, (op, av) in enumerate(walk):
        if chars <= 0:
            break
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        whole = _emit([(op, av)], dotall, groups, depth + 1, caseless)
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN) or len(whole) <= _CUT_WHOLE:
            # one character, or a short item ("[ \t]*", "\n?") in whole: the walk goes on
            if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
                chars -= 1
            parts = [join(p, (whole,)) for p in parts]
            continue
        inner: list[tuple[str, ...]] | None
        if op is sre.BRANCH:
            inner = []
            for alt in av[1]:
                found = _cut(list(alt), chars, dotall, groups, caseless, from_end, depth + 1)
                if found is None:
                    return None
                inner.extend(found)
        elif op is sre.SUBPATTERN:
            add, remove = av[1], av[2]
            known = re.VERBOSE | re.DOTALL | re.MULTILINE | re.IGNORECASE
            if add & ~known or remove & ~known:
                break
            all_dots = (dotall or bool(add & re.DOTALL)) and not remove & re.DOTALL
            no_case = (caseless or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            inner = _cut(list(av[3]), chars, all_dots, groups, no_case, from_end, depth + 1)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            inner = _cut(list(av[2]), chars, dotall, groups, caseless, from_end, depth + 1)
            if av[0] == 0 and inner is not None:
                # it may match nothing: then the match goes on with what comes after it
                past = _cut_walk(walk[index + 1 :], chars, dotall, groups, caseless, from_end,
                                 depth + 1)
                inner = None if past is None else inner + past
        else:
            break  # a back-reference, unknown flags: what is beyond is free
        if inner is None or len(parts) * len(inner) > _CUT_ALTERNATIVES:
            return None
        parts = [join(p, i) for p in parts for i in inner]
        break
    return parts


def _trie(parts: list[tuple[str, ...]]) -> str:
    """One pattern of ``parts`` (sorted tuples of classes) with shared starts written once."""
    if not parts:
        return ""
    out: list[str] = []
    i = 0
    while i < len(parts):
        head = parts[i][0]
        j = i
        while j < len(parts) and parts[j][0] == head:
            j += 1
        rests = [p[1:] for p in parts[i:j]]
        if any(not r for r in rests):
            out.append(head)  # one part ends here: the longer ones are covered by it
        else:
            out.append(head + _trie(rests))
        i = j
    return out[0] if len(out) == 1 else "(?:" + "|".join(out) + ")"


def _top_level(tree: Any) -> list[tuple[Any, Any]]:
    """The pattern as one sequence: groups without repeat or flags are spliced in, as their
    items match one after the other like the rest."""
    out: list[tuple[Any, Any]] = []
    for op, av in tree:
        if op is sre.SUBPATTERN and not av[1] and not av[2]:
            out.extend(_top_level(av[3]))
        else:
            out.append((op, av))
    return out


def _group_trees(tree: Any) -> dict[int, Any]:
    """Each capturing group's sub-tree, so a back-reference can be spelled as its group."""
    found: dict[int, Any] = {}

    def walk(node: Any) -> None:
        for op, av in node:
            if op is sre.SUBPATTERN:
                if av[0] is not None:
                    found[av[0]] = av[3]
                walk(av[3])
            elif op is sre.BRANCH:
                for alt in av[1]:
                    walk(alt)
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                walk(av[2])
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                walk(av[1])
            elif op is sre.ATOMIC_GROUP:
                walk(av)
            elif op is sre.GROUPREF_EXISTS:
                walk(av[1])
                if av[2] is not None:
                    walk(av[2])

    walk(tree)
    return found


def _emit(tree: Any, dotall: bool, groups: dict[int, Any], depth: int = 0,
          caseless: bool = False) -> str:
    if depth > 20:
        raise Untranslatable("nesting")

    def inner(node: Any, all_dots: bool = dotall, no_case: bool = caseless) -> str:
        return _emit(node, all_dots, groups, depth + 1, no_case)

    out: list[str] = []
    for op, av in tree:
        if op is sre.LITERAL:
            out.append(_literal_class(av) if caseless else _char(av))
        elif op is sre.NOT_LITERAL:
            out.append(_not_literal_class(av))
        elif op is sre.ANY:
            out.append(_not_literal_class(-1) if dotall else _not_literal_class(10))
        elif op is sre.IN:
            out.append(_in_class(tuple(av), caseless))
        elif op is sre.BRANCH:
            out.append("(?:" + "|".join(inner(alt) for alt in av[1]) + ")")
        elif op is sre.SUBPATTERN:
            add, remove = av[1], av[2]
            known = re.VERBOSE | re.DOTALL | re.MULTILINE | re.IGNORECASE
            if add & ~known or remove & ~known:
                raise Untranslatable("inline flags")
            all_dots = (dotall or bool(add & re.DOTALL)) and not remove & re.DOTALL
            no_case = (caseless or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            out.append("(?:" + inner(av[3], all_dots, no_case) + ")")
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            lo, hi, item = av
            top = "" if hi is sre.MAXREPEAT else str(hi)
            count = f"{{{lo}}}" if top == str(lo) else f"{{{lo},{top}}}"
            out.append(f"(?:{inner(item)}){count}")
        elif op is sre.ATOMIC_GROUP:
            out.append("(?:" + inner(av) + ")")
        elif op is sre.GROUPREF:
            if av not in groups:
                raise Untranslatable("back-reference")
            out.append("(?:" + inner(groups[av]) + ")")
        elif op is sre.GROUPREF_EXISTS:
            no = inner(av[2]) if av[2] is not None else ""
            out.append(f"(?:{inner(av[1])}|{no})")
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # dropping a zero-width assertion only widens the pattern
        else:
            raise Untranslatable(str(op))
    return "".join(out)


def _char(code: int) -> str:
    """One character of the scanned bytes: ASCII as itself, the rest as the placeholder."""
    return f"\\x{code:02x}" if code < 0x80 else _PLACEHOLDER


def _class(test: Callable[[int], bool], caseless: bool = False) -> str:
    """The ASCII characters that pass ``test`` (in either case when ``caseless``), and the
    placeholder (any non-ASCII one: the Kelvin sign matches "k" without case)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x80):
        ch = chr(code)
        variants = (
            (code, ord(ch.lower()), ord(ch.upper()), *_EXTRA_CASES.get(ord(ch.lower()), ()))
            if caseless
            else (code,)
        )
        if code == _PLACEHOLDER_CODE or any(test(v) for v in variants):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "[" + "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges) + "]"


@lru_cache(maxsize=4096)
def _literal_class(code: int) -> str:
    """A literal without case (the continuations of lower-cased rules repeat the same few)."""
    return _class(partial(_is, code), True)


@lru_cache(maxsize=256)
def _not_literal_class(code: int) -> str:
    """Any character but ``code`` (``-1``: any character at all)."""
    return _class(partial(_is_not, code))


@lru_cache(maxsize=4096)
def _in_class(items: tuple[tuple[Any, Any], ...], caseless: bool) -> str:
    """``_class`` of a parsed ``[...]``, once per distinct class: the rules repeat the same few
    classes (``\\d``, letters with accents) hundreds of times, and each costs 128 tests."""
    return _class(_in_test(items), caseless)


_CATEGORY_TESTS: dict[Any, Callable[[str], bool]] = {
    # the definitions of Python's ``re`` for str patterns (_sre.c: UNICODE_DIGIT, ...)
    sre.CATEGORY_DIGIT: str.isdecimal,
    sre.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    sre.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    sre.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
}


def _is(x: int, code: int) -> bool:
    return code == x


def _is_not(x: int, code: int) -> bool:
    return code != x


def _between(lo: int, hi: int, code: int) -> bool:
    return lo <= code <= hi


def _in_category(test: Callable[[str], bool], code: int) -> bool:
    return test(chr(code))


def _in_test(items: Sequence[tuple[Any, Any]]) -> Callable[[int], bool]:
    """Membership in a parsed ``[...]`` class (or a bare ``\\d``/``\\w``/``\\s``)."""
    negate = False
    tests: list[Callable[[int], bool]] = []
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            tests.append(partial(_is, av))
        elif op is sre.RANGE:
            tests.append(partial(_between, av[0], av[1]))
        elif op is sre.CATEGORY and av in _CATEGORY_TESTS:
            tests.append(partial(_in_category, _CATEGORY_TESTS[av]))
        else:
            raise Untranslatable(f"class item {op}")

    def test(code: int) -> bool:
        return any(t(code) for t in tests) != negate

    return test


class RulePrefilter:
    """Which rules may match a text, from one hyperscan scan per source text.

    ``rules`` are (name, compiled regex, runs on the lower-cased text). Each rule has one or
    more conditions (its superset pattern, its look-ahead conditions), every one necessary; a
    rule is a candidate when all of its conditions in the automaton matched. A rule with none
    there (untranslatable, refused) is always a candidate.
    """

    def __init__(
        self, rules: Sequence[RuleKey], dbs: list[tuple[bool, Any, list[str]]] | None = None
    ) -> None:
        if _hs is None:
            raise RuntimeError("hyperscan is not installed")
        rules = [RuleKey(*rule) for rule in rules]
        if dbs is None:
            key = _cache_key(rules)
            dbs = _load_cached(key) if key is not None else None
            if dbs is None:
                dbs = _compile_all(rules)
                if key is not None:
                    prefilter_cache.store(
                        key, [(low, _hs.dumpb(db), names) for low, db, names in dbs]
                    )
        self._dbs: list[tuple[bool, Any, list[str]]] = dbs
        compiled = Counter(name for _, _, names in self._dbs for name in names)
        self.always: frozenset[str] = frozenset(rule.name for rule in rules) - set(compiled)
        #: rules with more than one condition: how many must match
        self._needs: dict[str, int] = {name: n for name, n in compiled.items() if n > 1}
        self._local = threading.local()

    @classmethod
    def from_cache(cls, rules: Sequence[RuleKey]) -> RulePrefilter | None:
        """The prefilter a previous process compiled for ``rules``, None when not cached."""
        if _hs is None:
            return None
        rules = [RuleKey(*rule) for rule in rules]
        key = _cache_key(rules)
        dbs = _load_cached(key) if key is not None else None
        return cls(rules, dbs) if dbs is not None else None

    def candidates(self, text: str, lower: str) -> frozenset[str] | None:
        """Names of the rules that may match (``None``: run every rule)."""
        data = {False: text.encode("ascii", "replace"), True: lower.encode("ascii", "replace")}
        found: set[str] = set(self.always)
        needs = self._needs
        partial: list[str] = []
        scratches = self._scratches()
        for (on_lower, db, names), scratch in zip(self._dbs, scratches, strict=True):
            hits: set[int] = set()
            db.scan(data[on_lower], match_event_handler=_on_match, context=hits, scratch=scratch)
            for i in hits:
                name = names[i]
                if name in needs:
                    partial.append(name)
                else:
                    found.add(name)
        if partial:
            found.update(name for name, n in Counter(partial).items() if n == needs[name])
        return frozenset(found)

    def _scratches(self) -> list[Any]:
        """This thread's scratch spaces, one per database (hyperscan's are not shareable)."""
        scratches: list[Any] | None = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = self._local.scratches = [_hs.Scratch(db) for _, db, _ in self._dbs]
        return scratches


def _compile_all(rules: Sequence[RuleKey]) -> list[tuple[bool, Any, list[str]]]:
    """Every rule's conditions in block-mode databases: (scans the lower-cased text, database,
    the rule name of each of its patterns)."""
    per_source: dict[bool, list[tuple[str, str]]] = {False: [], True: []}
    for rule in rules:
        per_source[rule.on_lower].extend((rule.name, p) for p in _conditions(rule))
    # a few databases: hyperscan's compile time grows faster than linearly with the number of
    # patterns, and each extra scan of a note costs microseconds
    dbs: list[tuple[bool, Any, list[str]]] = []
    for on_lower, entries in per_source.items():
        for i in range(0, len(entries), _PER_DATABASE):
            db, names, _refused = _compile(entries[i : i + _PER_DATABASE])
            if db is not None:
                dbs.append((on_lower, db, names))
    return dbs


def _cache_key(rules: Sequence[RuleKey]) -> str | None:
    """What the compiled databases are made of, hashed (None: the source cannot be read)."""
    try:
        source = Path(__file__).read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256()
    for part in (sys.version, str(getattr(_hs, "__version__", "")), source,
                 repr([rule.cache_key() for rule in rules])):
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def _load_cached(key: str) -> list[tuple[bool, Any, list[str]]] | None:
    """The databases a previous process compiled for ``key``, if they load and scan here."""
    stored = prefilter_cache.load(key)
    if stored is None:
        return None
    dbs = []
    try:
        for on_lower, blob, names in stored:
            db = _hs.loadb(blob, _hs.HS_MODE_BLOCK)
            db.scan(b"", match_event_handler=_on_match, context=set(), scratch=_hs.Scratch(db))
            dbs.append((on_lower, db, names))
    except _hs.error as exc:
        log.debug("prefilter cache: compiled again (%s)", type(exc).__name__)
        return None
    return dbs


def _conditions(rule: RuleKey) -> list[str]:
    """The superset patterns that must all match for ``rule`` to match (none: untranslatable).

    A left extension (``before``) comes before each condition, else the lead's prefix; a
    continuation (``then``) after the whole pattern (not after a leading part of it). Both are
    matched on the original text: on a lower-cased rule they are translated without case,
    which accepts the lower-cased text wherever the original matched.
    """
    regex = rule.regex
    whole = True
    try:
        main = [superset_pattern(regex.pattern, regex.flags)]
        if len(main[0]) > _MAIN_CHARS:
            main = [leading_part(regex.pattern, regex.flags, _MAIN_CHARS)]
            whole = False
    except (Untranslatable, re.error, RecursionError):
        main = []
    conditions = main + lookahead_conditions(regex.pattern, regex.flags)
    start = start_condition(regex.pattern, regex.flags)
    prefix = ""
    if rule.before is not None:
        prefix = _part(rule.before, rule.on_lower, from_end=True)
    elif rule.lead is not None:
        prefix = lead_prefix(rule.lead, regex)
    if main and whole and rule.then is not None:
        conditions[0] += _part(rule.then, rule.on_lower, from_end=False)
    # a look-ahead condition as long is left out: one condition fewer only lets more through
    out = [prefix + p for p in conditions if len(p) <= _MAIN_CHARS]
    # what precedes the match is its own condition: the left extension or lead ends where the
    # pattern's look-behinds do, so the two cannot be put one after the other
    return out if start is None else [*out, start]


def leading_part(pattern: str, flags: int, limit: int) -> str:
    """The superset pattern of the longest leading part of ``pattern``'s top-level sequence
    that translates to at most ``limit`` characters: whatever matches the pattern starts with
    a match of that part, so it is a superset too ("" when not even the first item fits)."""
    tree = sre_parse.parse(pattern, flags)
    groups = _group_trees(tree)
    items = _top_level(tree)
    dotall, caseless = bool(flags & re.DOTALL), bool(flags & re.IGNORECASE)
    best = ""
    for k in range(1, len(items) + 1):
        part = _emit(items[:k], dotall, groups, caseless=caseless)
        if len(part) > limit:
            break
        best = part
    return best


def _part(regex: re.Pattern[str], caseless: bool, *, from_end: bool) -> str:
    """A left extension or continuation as a group of the conditions ("" if untranslatable or
    longer than ``_PART_CHARS``)."""
    flags = regex.flags | (re.IGNORECASE if caseless else 0)
    try:
        part = superset_pattern(regex.pattern, flags)
        if len(part) > _PART_CHARS:
            # a long word list: the letters of its words next to the match (a left
            # extension's last letters, a continuation's first)
            tree = sre_parse.parse(regex.pattern, flags)
            part = _cut_pattern(_top_level(tree), flags, _group_trees(tree), from_end=from_end)
    except (Untranslatable, re.error, RecursionError):
        return ""
    return f"(?:{part})" if part and len(part) <= _CUT_ROOM else ""


def lead_prefix(lead: re.Pattern[str], regex: re.Pattern[str]) -> str:
    """What must come before a match of ``regex`` whose start passes ``lead``, as a superset
    pattern ("" when the lead cannot be written so: the conditions then go without it).

    ``(?<![C])`` holds at the note's start or after a character outside C; ``\\b`` is the same
    with C the word characters when a match must start with an ASCII word character, and the
    opposite (after a word character, never at the start) when it must start with an ASCII
    character that is not one. The placeholder stands for every non-ASCII character before.
    """
    if (lead.flags | regex.flags) & re.IGNORECASE:
        return ""
    tree = list(sre_parse.parse(lead.pattern, lead.flags))
    if len(tree) != 1:
        return ""
    op, av = tree[0]
    if op is sre.ASSERT_NOT and av[0] == -1:
        inside = _one_char_test(list(av[1]))
        if inside is None:
            return ""
        return f"(?:^|{_class(partial(_fails, inside))})"
    if op is sre.AT and av is sre.AT_BOUNDARY:
        first = _first_codes(list(sre_parse.parse(regex.pattern, regex.flags)))
        if not first or any(code >= 0x80 for code in first):
            return ""
        if all(_is_word(code) for code in first):
            return f"(?:^|{_class(partial(_fails, _is_word))})"
        if not any(_is_word(code) for code in first):
            return _class(_is_word)
    return ""


def _one_char_test(tree: list[tuple[Any, Any]]) -> Callable[[int], bool] | None:
    """Membership in a one-character pattern (a literal, ``[^x]``, a class), else None."""
    if len(tree) != 1:
        return None
    op, av = tree[0]
    if op is sre.LITERAL:
        return partial(_is, av)
    if op is sre.NOT_LITERAL:
        return partial(_is_not, av)
    if op is sre.IN:
        try:
            return _in_test(tuple(av))
        except Untranslatable:
            return None
    return None


def _fails(test: Callable[[int], bool], code: int) -> bool:
    return not test(code)


def _is_word(code: int) -> bool:
    ch = chr(code)
    return ch.isalnum() or ch == "_"


def _first_codes(tree: list[tuple[Any, Any]]) -> set[int] | None:
    """Every character a match of ``tree`` can start with, when it is a short known list."""
    if not tree:
        return None
    op, av = tree[0]
    if op is sre.LITERAL:
        return {av}
    if op is sre.IN:
        codes: set[int] = set()
        for item_op, item in av:
            if item_op is sre.LITERAL:
                codes.add(item)
            elif item_op is sre.RANGE and item[1] - item[0] < 0x80:
                codes.update(range(item[0], item[1] + 1))
            else:
                return None
        return codes
    if op is sre.BRANCH:
        out: set[int] = set()
        for alt in av[1]:
            found = _first_codes(list(alt))
            if found is None:
                return None
            out |= found
        return out
    if op is sre.SUBPATTERN and not av[1] and not av[2]:
        return _first_codes(list(av[3]))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _first_codes(list(av[2]))
    return None


def _on_match(rule_id: int, _start: int, _end: int, _flags: int, hits: set[int]) -> bool | None:
    hits.add(rule_id)
    return None


def _compile(entries: list[tuple[str, str]]) -> tuple[Any, list[str], list[str]]:
    """One block-mode database of ``entries``; patterns hyperscan refuses are left out."""
    refused: list[str] = []
    while entries:
        try:
            return _database(entries), [n for n, _ in entries], refused
        except _hs.error as exc:
            bad = _failing_index(exc, len(entries))
            if bad is None and len(entries) > 1:
                # the message names no pattern ("Pattern is too large."): try them one by one
                bad = next(i for i, entry in enumerate(entries) if not _compiles(entry))
            if bad is None:
                bad = 0
            log.debug("prefilter: rule %s left out (%s)", entries[bad][0], exc)
            refused.append(entries[bad][0])
            entries = entries[:bad] + entries[bad + 1 :]
    return None, [], refused


def _database(entries: list[tuple[str, str]]) -> Any:
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(
        expressions=[p.encode("ascii") for _, p in entries],
        ids=list(range(len(entries))),
        elements=len(entries),
        flags=_hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_ALLOWEMPTY,
    )
    return db


def _compiles(entry: tuple[str, str]) -> bool:
    try:
        _database([entry])
    except _hs.error:
        return False
    return True


def _failing_index(exc: Exception, n: int) -> int | None:
    """Hyperscan names the failing expression by index in its message ("...at index 3")."""
    found = re.search(r"index (\d+)", str(exc))
    if found is None:
        return None
    index = int(found.group(1))
    return index if 0 <= index < n else None


#: text a detector reads with plain ``re`` before it compiles its prefilter (~500 notes)
BUILD_AFTER_CHARS = 1_000_000
_BUILT: dict[tuple[tuple[Any, ...], ...], RulePrefilter] = {}
_BUILD_LOCK = threading.Lock()


class LazyPrefilter:
    """A detector's prefilter, compiled once the detector has read enough text to repay it.

    Why lazy: building the automaton takes most of a CPU second, more than ``re`` spends on a
    few hundred notes, and many detectors only ever see a handful (config checks, tests, one
    request); detectors with the same rules in one process share one automaton. An automaton
    an earlier process left in the disk cache costs milliseconds to read, so it is used from
    the first note. Spans are the same before and after the build, only the speed changes.
    """

    def __init__(
        self, rules: Sequence[RuleKey], enabled: bool = True, after_chars: int = BUILD_AFTER_CHARS
    ) -> None:
        self._rules = tuple(RuleKey(*rule) for rule in rules)
        self._key = tuple(rule.cache_key() for rule in self._rules)
        self.enabled = enabled and _hs is not None
        self._after_chars = after_chars
        self._seen = 0
        self._built: RulePrefilter | None = None
        self._looked_in_cache = False

    def build(self) -> bool:
        """Compile now (a long-running service or a benchmark's warm-up); whether it is on."""
        if self.enabled and self._built is None:
            self._built = _shared(self._key, self._rules)
        return self._built is not None

    def candidates(self, text: str, lower: str) -> frozenset[str] | None:
        """Names of the rules that may match ``text`` (``None``: run every rule)."""
        built = self._built
        if built is None:
            if not self.enabled:
                return None
            built = _BUILT.get(self._key)  # another detector with these rules built it
            if built is None and not self._looked_in_cache:
                self._looked_in_cache = True
                built = _shared(self._key, self._rules, cached_only=True)
            if built is None:
                self._seen += len(text)
                if self._seen < self._after_chars:
                    return None
                built = _shared(self._key, self._rules)
            self._built = built
        return built.candidates(text, lower)


@overload
def _shared(key: tuple[tuple[Any, ...], ...], rules: tuple[RuleKey, ...]) -> RulePrefilter: ...


@overload
def _shared(key: tuple[tuple[Any, ...], ...], rules: tuple[RuleKey, ...], *, cached_only: bool
            ) -> RulePrefilter | None: ...


def _shared(key: tuple[tuple[Any, ...], ...], rules: tuple[RuleKey, ...], *,
            cached_only: bool = False) -> RulePrefilter | None:
    """This process's prefilter for ``rules``, built (or, ``cached_only``, read from the disk
    cache) on first use."""
    with _BUILD_LOCK:
        built = _BUILT.get(key)
        if built is None:
            built = RulePrefilter.from_cache(rules) if cached_only else RulePrefilter(rules)
            if built is not None:
                _BUILT[key] = built
        return built
