"""Long notes: the rule detector works in line-aligned windows, and that changes no span.

No timing assertions here (the benchmark ``benchmarks/bench_rules.py --long-note-mb N`` measures
speed and memory); these tests check that windowing loses, adds and moves nothing, at window
borders included, and that name propagation still spans the whole note.
"""

from __future__ import annotations

import pytest

from fairdeid.corpora.synth import generate_notes
from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.windows import Window, windows
from fairdeid.document import Document, Span

_SMALL_CHUNK = 5_000


@pytest.fixture(scope="module")
def long_note() -> str:
    """~200 KB of generated notes, one after the other, as one document."""
    parts: list[str] = []
    size = 0
    for doc in generate_notes(400, seed=3):
        parts.append(doc.text)
        size += len(doc.text) + 1
        if size > 200_000:
            break
    return "\n".join(parts)


@pytest.fixture(scope="module")
def whole() -> RuleDetector:
    return RuleDetector.from_config({"chunk_chars": 10_000_000})


@pytest.fixture(scope="module")
def windowed() -> RuleDetector:
    return RuleDetector.from_config({"chunk_chars": _SMALL_CHUNK})


def _key(spans: list[Span]) -> list[tuple[int, int, str, str, float]]:
    return sorted((s.start, s.end, s.label, s.source, s.score) for s in spans)


def test_windowing_changes_no_span(
    long_note: str, whole: RuleDetector, windowed: RuleDetector
) -> None:
    assert len(windows(long_note, _SMALL_CHUNK, windowed.overlap)) > 30
    doc = Document(id="long", text=long_note)
    expected = _key(whole.detect(doc))
    got = _key(windowed.detect(doc))
    assert len(expected) > 1_000
    missing = sorted(set(expected) - set(got))[:5]
    extra = sorted(set(got) - set(expected))[:5]
    assert got == expected, f"missing {missing}, extra {extra}"


def test_names_propagate_across_windows(windowed: RuleDetector) -> None:
    filler = "Vitals stable overnight, no acute events, plan unchanged.\n" * 400
    text = "Patient: Arjun Okonkwo\n" + filler + "okonkwo tolerated diet.\n" + filler
    assert len(windows(text, _SMALL_CHUNK, windowed.overlap)) > 3
    spans = windowed.detect(Document(id="p", text=text))
    far = text.index("okonkwo tolerated")
    assert any(s.start == far and s.source == "rules:name.propagated" for s in spans)


def _check_partition(text: str, wins: list[Window], overlap: int) -> None:
    assert wins[0].keep_from == 0 and wins[-1].keep_to == len(text)
    for a, b in zip(wins, wins[1:], strict=False):
        assert a.keep_to == b.keep_from
    for w in wins:
        assert 0 <= w.start <= w.keep_from < w.keep_to <= w.end <= len(text)
        assert w.keep_from == 0 or w.keep_from - w.start >= overlap
        assert w.keep_to == len(text) or w.end - w.keep_to >= overlap


@pytest.mark.parametrize(
    "text",
    [
        "line of text\n" * 3_000,  # line breaks: cuts at line starts
        "word " * 8_000,  # one long line: cuts at word starts
        "x" * 40_000,  # no space at all: hard cuts
        "short note",
    ],
)
def test_windows_partition_the_text(text: str) -> None:
    overlap = 2_048
    wins = windows(text, _SMALL_CHUNK, overlap)
    _check_partition(text, wins, overlap)
    if "\n" in text:
        assert all(w.keep_from == 0 or text[w.keep_from - 1] == "\n" for w in wins)
        assert all(w.start == 0 or text[w.start - 1] == "\n" for w in wins)


def test_huge_single_line_is_still_detected(windowed: RuleDetector) -> None:
    text = "Seen by Dr. Wei Zhang on 03/04/2021. " * 1_000
    spans = windowed.detect(Document(id="l", text=text))
    dates = [s for s in spans if s.label == "DATE"]
    assert len(dates) == 1_000
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
