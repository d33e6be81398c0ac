"""The mess transforms (``corpora/synth/noise``): gold offsets stay exact under every transform."""

from __future__ import annotations

import random
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.corpora.synth import ALL_NOTE_TYPES, NoteGenerator
from fairdeid.corpora.synth.noise import (
    STRESS_RATES,
    TRANSFORMS,
    Edit,
    EditError,
    add_noise,
    apply_edits,
)
from fairdeid.corpora.synth.noise.names import NAMES
from fairdeid.corpora.synth.noise.wrap import WRAP
from fairdeid.document import Document, Span


@cache
def _notes() -> tuple[Document, ...]:
    """Clean notes of every type (default and stress types), with each span's text recorded."""
    return tuple(NoteGenerator(5, with_text=True, note_types=ALL_NOTE_TYPES).generate(45))


def _assert_spans_sound(doc: Document) -> None:
    previous = 0
    for span in doc.spans:
        assert 0 <= span.start < span.end <= len(doc.text)
        assert span.start >= previous, "spans overlap"
        previous = span.end
        assert doc.span_text(span) == span.attrs["text"]


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(list(TRANSFORMS)),
    seed=st.integers(0, 10_000),
    rate=st.floats(0.05, 1.0),
    index=st.integers(0, 44),
)
def test_every_transform_keeps_each_gold_span_on_its_value(
    name: str, seed: int, rate: float, index: int
) -> None:
    transform = TRANSFORMS[name]
    doc = _notes()[index]
    if name == "ocr":
        rate /= 5  # OCR's rate is per character
    noisy = add_noise(doc, {name: rate}, seed)
    assert len(noisy.spans) == len(doc.spans)
    _assert_spans_sound(noisy)
    for old, new in zip(doc.spans, noisy.spans, strict=True):
        assert old.label == new.label
        assert transform.keeps(doc.span_text(old), noisy.span_text(new)), (
            name,
            doc.span_text(old),
            noisy.span_text(new),
        )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), index=st.integers(0, 44))
def test_all_transforms_compose(seed: int, index: int) -> None:
    doc = _notes()[index]
    noisy = add_noise(doc, STRESS_RATES, seed)
    assert len(noisy.spans) == len(doc.spans)
    _assert_spans_sound(noisy)
    assert noisy.meta["noise"] == list(TRANSFORMS)


def test_transforms_change_the_notes_and_are_deterministic() -> None:
    for name in TRANSFORMS:
        rate = 0.05 if name == "ocr" else 0.9
        changed = [add_noise(d, {name: rate}, 1).text != d.text for d in _notes()]
        assert sum(changed) >= 5, name
        assert add_noise(_notes()[0], {name: rate}, 1) == add_noise(_notes()[0], {name: rate}, 1)
    texts = {add_noise(_notes()[3], STRESS_RATES, s).text for s in range(5)}
    assert len(texts) == 5


def test_unknown_transform_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown noise transforms"):
        add_noise(_notes()[0], {"glitter": 1.0})


def _doc(text: str, *spans: tuple[int, int]) -> Document:
    return Document(
        "d", text, spans=tuple(Span(a, b, "PATIENT", attrs={"text": text[a:b]}) for a, b in spans)
    )


def test_insertions_at_a_span_boundary_stay_outside_it() -> None:
    doc = _doc("Seen by Anderson today", (8, 16))
    out = apply_edits(doc, [Edit(8, 8, "<"), Edit(16, 16, ">"), Edit(10, 10, "-\n")])
    assert out.text == "Seen by <An-\nderson> today"
    assert out.span_text(out.spans[0]) == "An-\nderson"


def test_an_edit_that_cuts_a_span_or_overlaps_another_is_refused() -> None:
    doc = _doc("Seen by Anderson today", (8, 16))
    with pytest.raises(EditError, match="cuts span"):
        apply_edits(doc, [Edit(5, 10, "x")])
    with pytest.raises(EditError, match="overlaps"):
        apply_edits(doc, [Edit(0, 4, "x"), Edit(2, 6, "y")])
    with pytest.raises(EditError, match="emptied"):
        apply_edits(doc, [Edit(8, 16, "")])


def test_hyphenation_splits_a_name_and_the_span_covers_both_parts() -> None:
    text = "Patient was seen in clinic today together with Mrs Alexandrovna who drove"
    start = text.index("Alexandrovna")
    doc = _doc(text, (start, start + len("Alexandrovna")))
    split = None
    for seed in range(200):
        edits = WRAP.edits(doc, random.Random(seed), 1.0)
        out = apply_edits(doc, edits)
        value = out.span_text(out.spans[0])
        if "-\n" in value:
            split = value
            break
    assert split is not None
    head, tail = split.split("-\n")
    assert head and tail and head + tail == "Alexandrovna"


def test_name_forms_keep_the_same_person() -> None:
    doc = _doc("Pt: Wei Zhang. Ref: Okafor, Chinedu.", (4, 13), (20, 35))
    forms: set[str] = set()
    for seed in range(60):
        out = apply_edits(doc, NAMES.edits(doc, random.Random(seed), 1.0))
        forms.update(out.span_text(s) for s in out.spans)
        for old, new in zip(doc.spans, out.spans, strict=True):
            assert NAMES.keeps(doc.span_text(old), out.span_text(new))
    assert {"ZHANG, Wei", "W. Zhang", "Wei ZHANG", "Chinedu OKAFOR", "C. Okafor"} <= forms
    assert not NAMES.keeps("Wei Zhang", "Li Zhang")
