"""Line-aware BIO decoding and the blank-line guard of resolve.

The word-level models never see line breaks, so ``I-`` tags used to run on over them: in
``examples/notes/referral_letter.txt`` a phone number swallowed the date on the next paragraph.
The decoder now cuts spans at line breaks, and resolve cuts any proposal at blank lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairdeid.corpora.synth import generate_notes
from fairdeid.detect.tokens import line_breaks, spans_from_tags, words_of
from fairdeid.document import Document, Span
from fairdeid.resolve import Resolver, split_at_blank_lines

REPO = Path(__file__).resolve().parents[2]


def _decode(text: str, tags: list[str], scores: list[float] | None = None, **kw: object):  # type: ignore[no-untyped-def]
    words = words_of(text)
    assert len(words) == len(tags), [w.text for w in words]
    spans = spans_from_tags(words, tags, scores, source="m:x", text=text, **kw)  # type: ignore[arg-type]
    return [(text[s.start : s.end], s.label, round(s.score, 3)) for s in spans]


def test_line_breaks_counts_crlf_once() -> None:
    assert line_breaks(" ") == 0
    assert line_breaks("\n") == 1
    assert line_breaks("\r\n") == 1
    assert line_breaks("\r\n\r\n") == 2
    assert line_breaks("\n \t\n") == 2
    assert line_breaks("\u2028") == 1


def test_i_tag_after_blank_line_starts_its_own_span_with_its_own_score() -> None:
    text = "Tel: 5550 1234\n\n12 April 2024"
    tags = ["O", "O", "B-CONTACT", "I-CONTACT", "I-CONTACT", "B-DATE", "I-DATE"]
    scores = [1.0, 1.0, 0.99, 0.98, 0.6, 0.9, 0.95]
    assert _decode(text, tags, scores) == [
        ("5550 1234", "CONTACT", 0.98),
        ("12", "CONTACT", 0.6),
        ("April 2024", "DATE", 0.9),
    ]


@pytest.mark.parametrize("gap", ["\n\n", "\r\n\r\n", "\n  \n", "\n\t\n\n"])
def test_blank_line_always_ends_a_span(gap: str) -> None:
    text = f"22 Harbour Street{gap}Sydney"
    tags = ["B-LOCATION", "I-LOCATION", "I-LOCATION", "I-LOCATION"]
    everything = frozenset({"LOCATION"})
    assert [s for s, _, _ in _decode(text, tags, multiline=everything)] == [
        "22 Harbour Street",
        "Sydney",
    ]


def test_single_line_break_ends_a_span_unless_the_label_spans_lines() -> None:
    text = "Dear Dr. Sarah\nWhitfield, 22 Harbour Street\nSydney"
    tags = ["O", "O", "O", "B-NAME", "I-NAME", "O"]
    tags += ["B-LOCATION", "I-LOCATION", "I-LOCATION", "I-LOCATION"]
    assert [s for s, _, _ in _decode(text, tags)] == [
        "Sarah",
        "Whitfield",
        "22 Harbour Street",
        "Sydney",
    ]
    spanning = _decode(text, tags, multiline=frozenset({"LOCATION"}))
    assert [s for s, _, _ in spanning] == ["Sarah", "Whitfield", "22 Harbour Street\nSydney"]


def test_o_after_a_break_starts_nothing_and_b_after_a_break_starts_a_span() -> None:
    text = "Mehta\nseen today\nMehta"
    assert _decode(text, ["B-NAME", "O", "O", "I-NAME"]) == [
        ("Mehta", "NAME", 1.0),
        ("Mehta", "NAME", 1.0),
    ]
    assert _decode(text, ["B-NAME", "I-NAME", "O", "B-NAME"])[0][0] == "Mehta"


def test_same_line_runs_are_unchanged() -> None:
    text = "Dr. Wei  Zhang\t Li on 3 Jan"
    tags = ["O", "O", "B-NAME", "I-NAME", "I-NAME", "O", "B-DATE", "I-DATE"]
    assert _decode(text, tags) == [("Wei  Zhang\t Li", "NAME", 1.0), ("3 Jan", "DATE", 1.0)]


def test_without_text_the_decoder_cannot_see_breaks() -> None:
    text = "5550 1234\n\n12"
    words = words_of(text)
    spans = spans_from_tags(words, ["B-CONTACT", "I-CONTACT", "I-CONTACT"], source="m:x")
    assert [(s.start, s.end) for s in spans] == [(0, len(text))]


def test_crf_detector_cuts_at_line_breaks() -> None:
    from fairdeid.detect.crf import CRFDetector

    class Tagger:
        """Stands in for pycrfsuite: every word I-CONTACT with marginal 0.9."""

        def tag(self, feats: list[dict[str, object]]) -> list[str]:
            return ["I-CONTACT"] * len(feats)

        def marginal(self, tag: str, i: int) -> float:
            return 0.9

    text = "5550 1234\n\n12 April"
    spans = CRFDetector(Tagger(), "fake").detect(Document("d", text))
    assert [text[s.start : s.end] for s in spans] == ["5550 1234", "12 April"]


# -- resolve guard -------------------------------------------------------------------------------


def test_split_at_blank_lines_trims_and_drops_whitespace_pieces() -> None:
    text = "+61 2 5550 1234\n\n12 April 2024\r\n \r\n\n\nDear Dr.\n\n"
    whole = Span(0, len(text), "PHONE", "llm:m", 0.7)
    pieces = split_at_blank_lines(text, whole)
    assert [text[p.start : p.end] for p in pieces] == [
        "+61 2 5550 1234",
        "12 April 2024",
        "Dear Dr.",
    ]
    assert all(p.label == "PHONE" and p.source == "llm:m" and p.score == 0.7 for p in pieces)
    single = Span(0, 21, "PHONE")
    assert split_at_blank_lines("5550 1234\n12 April 24", single) == [single]


def test_resolver_cuts_merged_spans_at_blank_lines() -> None:
    text = "Tel: +61 2 5550 1234\n\n12 April 2024\n\nDear Dr. Sarah Whitfield,"
    phone = text.index("+61")
    date = text.index("12 April")
    name = text.index("Sarah")
    proposals = [
        Span(phone, date + 2, "CONTACT", "llm:m", 0.9),  # runs over the blank line
        Span(date, date + 13, "DATE", "rules:date", 0.95),
        Span(name, len(text) - 1, "DOCTOR", "rules:name", 0.95),
    ]
    out = Resolver().resolve(Document("d", text), proposals)
    assert [(text[s.start : s.end], s.label) for s in out] == [
        ("+61 2 5550 1234", "CONTACT"),
        ("12 April 2024", "DATE"),
        ("Sarah Whitfield", "DOCTOR"),
    ]


def test_resolver_output_never_bridges_a_blank_line_even_from_a_union() -> None:
    # Neither span holds a blank line, but their union would.
    text = "Mehta\n   \nSmith"
    spans = [Span(0, 8, "NAME", "a:x"), Span(7, len(text), "NAME", "b:y")]
    out = Resolver().resolve(Document("d", text), spans)
    assert [text[s.start : s.end] for s in out] == ["Mehta", "Smith"]


# -- default pipeline ----------------------------------------------------------------------------


def _bundled_examples() -> list[Document]:
    docs = [
        Document(p.stem, p.read_text("utf-8"))
        for p in sorted((REPO / "examples" / "notes").glob("*.txt"))
    ]
    with (REPO / "examples" / "notes.jsonl").open(encoding="utf-8") as fh:
        docs += [Document(str(i), json.loads(line)["text"]) for i, line in enumerate(fh)]
    return docs


def _crossings(docs: list[Document]) -> list[tuple[str, int]]:
    from fairdeid.pipeline import Pipeline

    pipeline = Pipeline.from_config()
    bad = []
    for detection in pipeline.detect_batch(docs):
        doc = detection.document
        assert detection.ok
        for span in doc.spans:
            if split_at_blank_lines(doc.text, span) != [span]:
                bad.append((doc.id, span.start))  # locators only, never the text
    return bad


def test_default_pipeline_spans_never_cross_a_blank_line_in_the_examples() -> None:
    pytest.importorskip("onnxruntime")
    docs = _bundled_examples()
    assert len(docs) >= 3
    assert _crossings(docs) == []


def test_referral_letter_keeps_date_and_salutation_apart_from_the_phone() -> None:
    pytest.importorskip("onnxruntime")
    from fairdeid.pipeline import Pipeline

    text = (REPO / "examples" / "notes" / "referral_letter.txt").read_text("utf-8")
    spans = Pipeline.from_config().detect(text).document.spans
    phone = next(s for s in spans if text[s.start : s.end].startswith("+61"))
    assert text[phone.start : phone.end] == "+61 2 5550 1234"
    date = text.index("12 April 2024")
    assert any(s.start <= date and s.end >= date + 13 and s.label == "DATE" for s in spans)


@pytest.mark.slow
def test_default_pipeline_spans_never_cross_a_blank_line_in_300_generated_notes() -> None:
    pytest.importorskip("onnxruntime")
    docs = [d.with_spans(()) for d in generate_notes(300, seed=4242)]
    assert _crossings(docs) == []
