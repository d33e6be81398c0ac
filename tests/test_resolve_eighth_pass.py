"""The resolve step's eighth-pass shortcuts (issue 14) decide exactly as the plain code.

``Resolver`` reads each span's detector name once per source string and filters in one loop
(``_passing``, ``_not_dropped``); ``merge_overlaps`` sorts with a C key and takes a group's
start from its first member; the blank-line search starts with a character class so that
``re`` skips to line breaks. Each is checked here against the code it replaced, on random
spans and texts, under configurations that exercise every filter (thresholds, per-detector
labels, allow list, never-PHI words of learned detectors, young ages).
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.clock_times import keep_clock_times
from fairdeid.document import Document, Span
from fairdeid.edge_separators import trim_edge_separators
from fairdeid.invisible import INVISIBLE
from fairdeid.resolve import (
    _BLANK_LINE,
    _BREAK,
    ResolveConfig,
    Resolver,
    _merge_group,
    _refine,
    _winner_key,
    merge_overlaps,
    split_at_blank_lines,
)
from fairdeid.taxonomy import coarse

#: the blank-line pattern as it was written before (the first break as an alternation)
_OLD_BLANK_LINE = re.compile(
    rf"{_BREAK}(?:(?:[^\S\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|{INVISIBLE.pattern})*{_BREAK})+"
)
_BLANKISH = "\r\n \t\u200b\ufeffa\x85\u2028\u2029\v\f\x1c\x1d"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_BLANKISH, max_size=14), st.data())
def test_blank_line_search_matches_the_alternation(text: str, data: st.DataObject) -> None:
    assert [m.span() for m in _BLANK_LINE.finditer(text)] == [
        m.span() for m in _OLD_BLANK_LINE.finditer(text)
    ]
    pos = data.draw(st.integers(0, len(text)))
    endpos = data.draw(st.integers(pos, len(text)))
    got = _BLANK_LINE.search(text, pos, endpos)
    want = _OLD_BLANK_LINE.search(text, pos, endpos)
    assert (got and got.span()) == (want and want.span())


def test_blank_line_pattern_starts_with_a_class() -> None:
    """What the speed rests on: ``re`` puts a leading class in its search header."""
    assert _BLANK_LINE.pattern.startswith("[")
    assert _BLANK_LINE.search("a\r\n \r\nb").span() == (1, 6)  # type: ignore[union-attr]


def _old_merge_group(group: list[Span]) -> Span:
    if len(group) == 1:
        return group[0]
    winner = min(group, key=lambda s: (-s.length, *_winner_key(s)[1:]))
    start = min(s.start for s in group)
    end = max(s.end for s in group)
    also = sorted({s.source for s in group if s.source != winner.source})
    attrs = dict(winner.attrs)
    if also:
        attrs["also"] = also
    return Span(start, end, _refine(winner.label, group), winner.source, winner.score, attrs)


def _old_merge_overlaps(spans: list[Span]) -> list[Span]:
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    groups: list[list[Span]] = []
    group_end = -1
    for span in ordered:
        if groups and span.start < group_end:
            groups[-1].append(span)
            group_end = max(group_end, span.end)
        else:
            groups.append([span])
            group_end = span.end
    return [_old_merge_group(group) for group in groups]


_LABELS = ("NAME", "PATIENT", "DOCTOR", "LOCATION", "CITY", "DATE", "AGE", "OTHER", "ID")
_SOURCES = ("rules:a", "rules:b", "transformer:m", "crf:x", "llm:y", "gold")


def _spans(rng: random.Random, length: int, n: int) -> list[Span]:
    out = []
    for _ in range(n):
        start = rng.randrange(0, length - 1)
        end = rng.randint(start + 1, min(length, start + 12))
        out.append(Span(start, end, rng.choice(_LABELS), rng.choice(_SOURCES),
                        rng.choice((0.3, 0.5, 0.9, 1.0)), {"k": rng.random()}))
    return out


def test_merge_overlaps_matches_the_code_it_replaced() -> None:
    rng = random.Random(8)
    for _ in range(800):
        spans = _spans(rng, 60, rng.randint(0, 15))
        got, want = merge_overlaps(spans), _old_merge_overlaps(spans)
        assert [(s.to_dict(), s.attrs) for s in got] == [(s.to_dict(), s.attrs) for s in want]


def test_merge_group_start_is_the_first_members_of_a_sorted_group() -> None:
    group = [Span(2, 10, "DATE", "rules:a"), Span(2, 4, "CITY", "rules:b"),
             Span(5, 12, "NAME", "crf:x")]
    merged = _merge_group(sorted(group, key=lambda s: (s.start, s.end)))
    assert (merged.start, merged.end, merged.label) == (2, 12, "DATE")


_CONFIGS = {
    "default": ResolveConfig(),
    "thresholds": ResolveConfig(min_score=0.4, thresholds={"transformer": 0.6, "llm": 0.95}),
    "labels": ResolveConfig(detector_labels={"transformer": ["NAME", "LOCATION"],
                                             "crf": ["DATE"]}),
    "allow": ResolveConfig(allow=["Mon", "ab cd"], ignore_labels=["ID"]),
    "limited": ResolveConfig(preset="limited_data_set", thresholds={"crf": 0.5}),
}


def _reference(resolver: Resolver, doc: Document, proposals: list[Span]) -> list[Span]:
    """``Resolver.resolve`` as written before the eighth pass (the filters span by span)."""
    config, text = resolver.config, doc.text
    cut = _BLANK_LINE.search(text) is not None
    scored = [
        piece
        for span in proposals
        if span.score >= config.thresholds.get(span.detector, config.min_score)
        and _label_allowed(resolver, span)
        for piece in (split_at_blank_lines(text, span) if cut else (span,))
    ]
    kept = [s for s in resolver._refined(text, scored) if not resolver._dropped(text, s)]
    if resolver.keep_clock_times:
        kept = keep_clock_times(text, kept)
    merged = trim_edge_separators(text, merge_overlaps(kept))
    if not cut:
        return merged
    return [piece for span in merged for piece in split_at_blank_lines(text, span)]


def _label_allowed(resolver: Resolver, span: Span) -> bool:
    allowed = resolver._detector_labels.get(span.detector)
    return allowed is None or span.label in allowed or coarse(span.label) in allowed


@pytest.mark.parametrize("name", sorted(_CONFIGS))
def test_resolve_filters_decide_as_before(name: str) -> None:
    resolver = Resolver(_CONFIGS[name])
    rng = random.Random(hash(name) % 1000)
    words = ["Mon", "Thu", "ab", "cd", "34", "95", "Email:", "\n", "\n\n", " ", "admitted"]
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(25))
        proposals = _spans(rng, len(text), rng.randint(0, 14))
        doc = Document("r", text)
        got = resolver.resolve(doc, proposals)
        want = _reference(resolver, doc, proposals)
        assert [s.to_dict() for s in got] == [s.to_dict() for s in want]


def test_not_dropped_matches_dropped_span_by_span() -> None:
    rng = random.Random(3)
    for config in _CONFIGS.values():
        resolver = Resolver(config)
        text = "Mon 34 years Email: admitted ab cd 95 Thu"
        spans = _spans(rng, len(text), 300)
        assert resolver._not_dropped(text, spans) == [
            s for s in spans if not resolver._dropped(text, s)
        ]
