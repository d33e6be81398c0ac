"""The resolve step's fast paths give the same spans as the plain algorithm.

``Resolver.resolve`` skips the blank-line cuts for a note without a blank line and remembers
per label whether a coarse label needs refining; ``merge_overlaps`` builds merged spans
directly. The reference below is the step as it was written before (every span through
``split_at_blank_lines``, before and after merging), checked on random notes with and without
blank lines, under presets that keep and that refine labels.
"""

from __future__ import annotations

import random

import pytest

from fairdeid.document import Document, Span
from fairdeid.edge_separators import trim_edge_separators
from fairdeid.resolve import ResolveConfig, Resolver, merge_overlaps, split_at_blank_lines

_LABELS = ("NAME", "PATIENT", "DOCTOR", "LOCATION", "CITY", "STATE", "ZIP", "DATE", "AGE")
_SOURCES = ("rules:a", "rules:b", "transformer:m", "llm:x")


def _reference(resolver: Resolver, doc: Document, proposals: list[Span]) -> list[Span]:
    text = doc.text
    scored = [piece for span in proposals for piece in split_at_blank_lines(text, span)]
    kept = [s for s in resolver._refined(text, scored) if not resolver._dropped(text, s)]
    merged = trim_edge_separators(text, merge_overlaps(kept))
    return [piece for span in merged for piece in split_at_blank_lines(text, span)]


def _case(rng: random.Random) -> tuple[Document, list[Span]]:
    # "ab" words, spaces, line breaks: a blank line in about half of the notes
    alphabet = "ab ab 12 \n" if rng.random() < 0.6 else "ab ab 12 "
    text = "".join(rng.choice(alphabet) for _ in range(80))
    spans = []
    for _ in range(rng.randint(0, 12)):
        start = rng.randrange(0, len(text) - 1)
        end = rng.randint(start + 1, min(len(text), start + 20))
        spans.append(
            Span(start, end, rng.choice(_LABELS), rng.choice(_SOURCES), rng.choice((0.5, 0.9)))
        )
    return Document("r", text), spans


@pytest.mark.parametrize("preset", ["safe_harbor", "limited_data_set"])
def test_resolve_matches_the_plain_algorithm(preset: str) -> None:
    resolver = Resolver(ResolveConfig(preset=preset))
    rng = random.Random(14)
    with_blank = 0
    for _ in range(600):
        doc, proposals = _case(rng)
        with_blank += "\n\n" in doc.text.replace(" ", "")
        got = resolver.resolve(doc, proposals)
        want = _reference(resolver, doc, proposals)
        assert [s.to_dict() for s in got] == [s.to_dict() for s in want]
    assert 100 < with_blank < 500  # both paths were exercised


def test_merged_span_keeps_winner_fields_and_lists_the_others() -> None:
    a = Span(0, 8, "CITY", "rules:city", 0.7, {"text": "Boston"})
    b = Span(3, 9, "LOCATION", "transformer:m", 0.9)
    (merged,) = merge_overlaps([a, b])
    assert merged.to_dict() == {
        "start": 0,
        "end": 9,
        "label": "CITY",
        "source": "rules:city",
        "score": 0.7,
        "text": "Boston",
        "also": ["transformer:m"],
    }
