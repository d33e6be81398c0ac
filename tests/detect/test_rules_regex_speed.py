"""Rule regexes compiled for speed (``regex_speed``): faster, never different."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.dictionary import lower_same_length
from fairdeid.detect.rules.regex_speed import factor_branches, faster_regex, first_chars


def _chars(pattern: str) -> set[str] | None:
    """The first characters ``first_chars`` allows, as a set of one-character strings (ASCII
    and a few non-ASCII probes), None when it gives up."""
    items = first_chars(pattern)
    if items is None:
        return None
    sample = [chr(c) for c in range(32, 127)] + ["é", "٣", "\n"]
    allowed = set()
    for ch in sample:
        if any(_item_accepts(op, av, ch) for op, av in items):
            allowed.add(ch)
    return allowed


def _item_accepts(op: object, av: Any, ch: str) -> bool:
    from re import _constants as sre  # type: ignore[attr-defined]

    if op is sre.LITERAL:
        return ord(ch) == av
    if op is sre.RANGE:
        lo, hi = av
        return bool(lo <= ord(ch) <= hi)
    if op is sre.CATEGORY:
        return {
            sre.CATEGORY_DIGIT: ch.isdecimal(),
            sre.CATEGORY_SPACE: ch.isspace(),
            sre.CATEGORY_WORD: ch.isalnum() or ch == "_",
        }.get(av, True)
    return True


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\d{5}(?:-\d{4})?", set("0123456789") | {"٣"}),
        (r"\(?\d{2,5}", set("0123456789(") | {"٣"}),
        (r"(?<![\w.])(?:19|20)\d\d", {"1", "2"}),
        (r"(?:a|b?)c", {"a", "b", "c"}),
        (r"\b(?=x)[xy]z", {"x", "y"}),
    ],
)
def test_first_chars_are_every_possible_start(pattern: str, expected: set[str]) -> None:
    assert _chars(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"a?",  # can match the empty string
        r"(?i)abc",  # case-insensitive: the search's class would be case-sensitive
        r".x",  # any character
        r"[^a]x",  # a negated class
        r"(a)\1",  # starts with a literal: Python scans for it already
    ],
)
def test_unknown_or_useless_starts_get_no_hint(pattern: str) -> None:
    regex = re.compile(pattern)
    assert faster_regex(regex) is regex  # and no alternation to factor either


def test_a_pattern_python_already_scans_fast_is_kept() -> None:
    regex = re.compile(r"mrn\s*:\s*\d+")  # a literal prefix
    assert faster_regex(regex) is regex
    regex = re.compile(r"[A-Z]\d+")  # a class first
    assert faster_regex(regex) is regex


def test_recompiled_pattern_reads_as_the_original() -> None:
    regex = re.compile(r"(?P<phi>\d{5}(?:-(?P<plus>\d{4}))?)(?![\w-])")
    fast = faster_regex(regex)
    assert fast is not regex  # the hint was added
    assert fast.pattern == regex.pattern
    assert fast.flags == regex.flags
    assert fast.groupindex == regex.groupindex
    assert fast.groups == regex.groups
    text = "ZIP 02115-1234, 99 Main St, 12345 and x12345 and 123456"
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in regex.finditer(text)]
    assert [m.groupdict() for m in fast.finditer(text)] == [
        m.groupdict() for m in regex.finditer(text)
    ]


def _notes(n: int) -> list[str]:
    """Generated notes plus noise: digits, punctuation and non-ASCII around PHI shapes."""
    from fairdeid.corpora.synth import generate_notes

    rng = random.Random(7)
    noise = "0123456789 ()-./:,;#\n\tABCxyzéÉ٣٤\u00a0'’"
    notes = [doc.text for doc in generate_notes(n, seed=3)]
    for _ in range(n):
        notes.append("".join(rng.choice(noise) for _ in range(400)))
    return notes


def test_every_rule_matches_as_before_on_generated_notes() -> None:
    """Each compiled rule (anchor and left extension) finds exactly what the same pattern
    compiled by Python finds: spans and groups, on the text the rule reads."""
    detector = RuleDetector.from_config({})
    notes = _notes(60)
    lowers = [lower_same_length(t) for t in notes]
    hinted = 0
    for rule in detector.rules:
        pairs = [(rule.regex, rule.on_lower)]
        if rule.before is not None:
            pairs.append((rule.before, False))
        for regex, on_lower in pairs:
            plain = re.compile(regex.pattern, regex.flags)
            hinted += faster_regex(plain) is not plain
            for text in lowers if on_lower else notes:
                got = [(m.span(), m.groups()) for m in regex.finditer(text)]
                want = [(m.span(), m.groups()) for m in plain.finditer(text)]
                assert got == want, rule.name
    assert hinted > 0  # the hint is in use for some rules at least


def _dump(pattern: str) -> str:
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    parsed = sre_parse.parse(pattern)
    factor_branches(parsed)
    return repr(parsed.data)


def test_alternatives_are_grouped_by_first_letter_in_order() -> None:
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    # "Street|Summit|St" under "S" in their order, "Harbour" alone, before and after
    assert _dump(r"(?:Harbour|Street|Summit|St|Hill)\b") == repr(
        sre_parse.parse(r"(?:H(?:arbour|ill)|S(?:t(?:reet|)|ummit))\b").data
    )


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        # order decides which alternative wins: "St" before "Street" stops at "St"
        (r"(?:St|Street|Sq)", ["Street", "Sq St Stx", "Main Street"]),
        (r"(?:Street|St)(?P<dot>\.)?", ["St. Street. Stre"]),
        # an alternative not led by a letter is a barrier: "s" of "[sS]un" must come before
        # the later "s" alternatives, as written
        (r"(?:sat|[sS]un|sun\w|s)", ["sunny sat s sun", "Sun sunset"]),
        # backtracking into the next alternative when what follows fails
        (r"(?:ab|a|abc)c", ["abc", "ac", "abcc"]),
        (r"(?P<x>ab|a)(?P=x)", ["abab", "aa", "aba"]),
        (r"(?:in|inn|i)(?=n)", ["inn", "innn"]),
    ],
)
def test_factored_alternations_match_as_written(pattern: str, texts: list[str]) -> None:
    plain = re.compile(pattern)
    fast = faster_regex(plain)
    for text in texts:
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)
        ]


def test_case_insensitive_alternations_are_left_alone() -> None:
    regex = re.compile(r"(?:Street|st|Sq)\b", re.IGNORECASE)
    assert faster_regex(regex) is regex
    scoped = re.compile(r"(?i:Street|st|Sq)\b")
    assert faster_regex(scoped) is scoped


def _patterns() -> st.SearchStrategy[str]:
    """Small regexes of the constructs the recompilation touches: literals, classes, optional
    and repeated items, alternations (literal-led or not), groups, look-arounds."""
    atoms = st.sampled_from(["a", "b", "S", "t", "1", r"\d", "[ab]", "[St]", r"\b", "(?<!a)"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        seqs = st.lists(inner, min_size=1, max_size=3).map("".join)
        return st.one_of(
            seqs,
            st.lists(seqs, min_size=2, max_size=5).map(lambda alts: "(?:" + "|".join(alts) + ")"),
            st.lists(seqs, min_size=2, max_size=4).map(lambda alts: "(" + "|".join(alts) + ")"),
            st.tuples(seqs, st.sampled_from(["?", "*", "+", "{1,2}", "??"])).map(
                lambda p: "(?:" + p[0] + ")" + p[1]
            ),
            seqs.map(lambda p: "(?=" + p + ")"),
        )

    return st.recursive(atoms, extend, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(pattern=_patterns(), texts=st.lists(st.text("abSt1 x", max_size=30), max_size=4))
def test_recompiled_patterns_match_as_python_compiles_them(pattern: str, texts: list[str]) -> None:
    plain = re.compile(pattern)
    fast = faster_regex(plain)
    for text in [*texts, "Sta1 abS tSbt", "aSt b1Sa"]:
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)
        ], pattern


def test_an_unchecked_python_keeps_every_regex_as_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    import fairdeid.detect.rules.regex_speed as regex_speed

    regex = re.compile(r"\d{5}(?:Street|St|Summit)")
    assert regex_speed.faster_regex(regex) is not regex
    monkeypatch.setattr(regex_speed, "CHECKED_PYTHONS", frozenset({(2, 7)}))
    assert regex_speed.faster_regex(regex) is regex
