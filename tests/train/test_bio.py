"""BIO tagging of words and its windowed encoding for the encoder."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from fairdeid.detect.tokens import bio_labels, spans_from_tags, word_tags, words_of
from fairdeid.document import Document, Span

TEXT = "Seen by Dr. Wei Zhang's team on 03/04/2021."


def _doc() -> Document:
    s = TEXT.index("Wei")
    d = TEXT.index("03/")
    return Document("d", TEXT, spans=(Span(s, s + 9, "DOCTOR"), Span(d, d + 10, "DATE")))


def test_word_tags_and_back() -> None:
    doc = _doc()
    words = words_of(doc.text)
    tags = word_tags(words, doc.spans)
    tagged = [(w.text, t) for w, t in zip(words, tags, strict=True) if t != "O"]
    assert tagged[:2] == [("Wei", "B-NAME"), ("Zhang", "I-NAME")]
    assert [t for _, t in tagged[2:]] == ["B-DATE"] + ["I-DATE"] * 4
    spans = spans_from_tags(words, tags, source="x")
    assert [(s.start, s.end, s.label) for s in spans] == [
        (doc.spans[0].start, doc.spans[0].end, "NAME"),
        (doc.spans[1].start, doc.spans[1].end, "DATE"),
    ]


def test_partial_word_annotation_tags_whole_word() -> None:
    text = "Zhangs chart"
    words = words_of(text)
    assert word_tags(words, [Span(0, 5, "PATIENT")]) == ["B-NAME", "O"]


def test_lenient_decoding_and_adjacent_entities() -> None:
    words = words_of("a Wei Zhang Anna Lee b")
    tags = ["O", "I-NAME", "I-NAME", "B-NAME", "I-NAME", "O"]
    spans = spans_from_tags(words, tags, [1, 0.9, 0.8, 0.7, 0.6, 1], source="x")
    assert [(s.start, s.end) for s in spans] == [(2, 11), (12, 20)]
    assert spans[0].score == pytest.approx(0.8)


def test_encode_document_windows(tmp_path: Path) -> None:
    pytest.importorskip("tokenizers")
    pytest.importorskip("transformers")
    from fairdeid.detect.transformer import load_tokenizer
    from fairdeid.train.bio import IGNORE, encode_document, length_bucketed_batches
    from fairdeid.train.tiny import make_tiny_base

    tok = load_tokenizer(make_tiny_base(tmp_path / "b", [TEXT] * 3, max_position=64))
    label2id = {t: i for i, t in enumerate(bio_labels())}
    doc = _doc()
    (single,) = encode_document(doc, tok, label2id, max_length=64, stride=8)
    assert single.n_words == len(words_of(TEXT))
    assert single.labels[0] == IGNORE and single.labels[-1] == IGNORE
    long_doc = Document("l", (TEXT + " ") * 10, spans=())
    windows = encode_document(long_doc, tok, label2id, max_length=16, stride=4)
    assert len(windows) > 1 and all(len(w.ids) <= 16 for w in windows)
    batches = length_bucketed_batches(windows, 3, random.Random(0))
    assert sorted(len(b) for b in batches)[-1] <= 3 and sum(map(len, batches)) == len(windows)
