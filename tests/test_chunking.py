"""Long documents reach detectors as overlapping, line-aligned windows (bounded work per call)."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from fairdeid import Document, Pipeline
from fairdeid.chunking import ChunkPolicy, detect_windowed, split_windows
from fairdeid.detect import Detector, build_detector
from fairdeid.document import Span
from fairdeid.errors import ConfigError, RecordError

SMALL = ChunkPolicy(max_chars=400, overlap=60)


def _toy() -> Detector:
    """The regex ``toy`` detector of tests/conftest.py, from the registry."""
    return build_detector("toy")


def _note(seed: int, lines: bool) -> str:
    """Filler with doctors, dates and phones; one long line when ``lines`` is false."""
    rng = random.Random(seed)
    words = ["patient", "seen", "today", "stable", "plan", "follow", "up", "no", "change"]
    parts: list[str] = []
    for i in range(900):
        roll = rng.random()
        if roll < 0.06:
            parts.append(f"Dr. {rng.choice(['Anna', 'Ravi', 'Mei'])} {rng.choice(['Lee', 'Rao'])}")
        elif roll < 0.09:
            parts.append(f"2021-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
        elif roll < 0.11:
            parts.append("555-123-4567")
        else:
            parts.append(rng.choice(words))
        if lines and i % 4 == 3:  # lines shorter than the overlap
            parts.append("\n\n" if rng.random() < 0.3 else "\n")
    return " ".join(parts)


@pytest.mark.parametrize("lines", [True, False])
def test_windows_cover_the_text_overlap_and_cut_only_at_whitespace(lines: bool) -> None:
    text = _note(1, lines)
    windows = split_windows(text, SMALL)
    assert len(windows) > 5
    assert windows[0].start == 0 and windows[-1].end == len(text)
    for a, b in zip(windows, windows[1:], strict=False):
        assert a.end - a.start <= SMALL.max_chars
        assert SMALL.overlap <= a.end - b.start <= 2 * SMALL.overlap  # overlap, and progress
        assert text[a.end - 1].isspace()  # a window ends after whitespace: never mid-word
        assert text[b.start - 1].isspace()  # and starts after whitespace
        if lines:
            assert text[b.start - 1] == "\n"  # line-aligned where the text has lines


def test_text_without_whitespace_is_still_covered() -> None:
    text = "x" * 2000
    windows = split_windows(text, SMALL)
    assert windows[0].start == 0 and windows[-1].end == len(text)
    assert all(w.end - w.start <= SMALL.max_chars for w in windows)
    assert all(a.end - b.start >= SMALL.overlap for a, b in zip(windows, windows[1:], strict=False))


def test_short_text_is_one_window_and_zero_disables_splitting() -> None:
    assert len(split_windows("short", SMALL)) == 1
    assert len(split_windows("x " * 10_000, ChunkPolicy(max_chars=0))) == 1


def _straddling_note() -> str:
    """One long line whose first window must end inside "Dr. Anna Lee" (cut after "Anna ")."""
    hi = SMALL.max_chars
    head = "x" * (hi - 13) + " Dr. Anna Lee"  # the last space before ``hi`` is inside the name
    return head + " seen 2021-03-04" + " stable" * 200


@pytest.mark.parametrize("text", [_note(2, True), _note(2, False), _straddling_note()])
def test_windowed_spans_equal_unchunked_spans(text: str) -> None:
    doc = Document("long", text)
    whole = Pipeline({"toy": _toy()}, chunking=ChunkPolicy(max_chars=0))
    windowed = Pipeline({"toy": _toy()}, chunking=SMALL)
    assert len(split_windows(text, SMALL)) > 2
    proposed = set(windowed.propose([doc])[0].spans)
    assert proposed >= set(whole.propose([doc])[0].spans)  # union of windows: nothing lost
    assert windowed.detect(doc).spans == whole.detect(doc).spans  # and resolve: identical


def test_a_span_across_a_window_border_is_found_whole() -> None:
    text = _straddling_note()
    first = split_windows(text, SMALL)[0]
    name = text.index("Anna Lee")
    assert name < first.end < name + len("Anna Lee")  # the border cuts the name
    spans = Pipeline({"toy": _toy()}, chunking=SMALL).detect(Document("n", text)).spans
    # "Dr. Anna Lee": the title before the name goes inside its span ([resolve] name_titles)
    assert text[name - 4 : name] == "Dr. "
    assert Span(name - 4, name + 8, "DOCTOR", "toy:doctor", 0.9) in spans


class _Recorder:
    """Records what each call saw; finds the toy spans. ``handles_long_documents`` optional."""

    name = "rec"

    def __init__(self, long_ok: bool = False) -> None:
        self.handles_long_documents = long_ok
        self.calls: list[list[tuple[str, int, dict[str, object]]]] = []

    def detect(self, doc: Document) -> list[Span]:
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        self.calls.append([(d.id, len(d.text), dict(d.meta)) for d in docs])
        return _toy().detect_batch(docs)


def test_each_call_is_bounded_and_windows_carry_ids_and_meta() -> None:
    detector = _Recorder()
    pipe = Pipeline({"rec": detector}, chunking=SMALL)
    long_doc = Document("n1", _note(3, True), {"patient_id": "p9"})
    pipe.detect_batch([Document("s1", "Dr. Kim"), long_doc, Document("s2", "2020-01-01")])
    first, *rest = detector.calls
    assert [c[0] for c in first] == ["s1", "s2"]  # short documents still batched together
    assert rest and all(sum(c[1] for c in call) <= 4 * SMALL.max_chars for call in rest)
    ids = [c[0] for call in rest for c in call]
    assert ids == [f"n1#w{i}" for i in range(1, len(ids) + 1)]
    assert all(c[2] == {"patient_id": "p9"} for call in rest for c in call)


def test_detectors_that_handle_long_documents_get_them_whole() -> None:
    detector = _Recorder(long_ok=True)
    text = _note(4, True)
    Pipeline({"rec": detector}, chunking=SMALL).detect(Document("n1", text))
    assert detector.calls == [[("n1", len(text), {})]]


class _FailsOnWindow:
    """Fails on any text containing "FAIL", like a server that chokes on one part of a note."""

    name = "flakywin"

    def detect(self, doc: Document) -> list[Span]:
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return self.detect_batch_with_errors(docs)[0]

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        errors = [RecordError(d.id, "server error 500") for d in docs if "FAIL" in d.text]
        return [[] for _ in docs], errors


def test_a_failed_window_fails_its_document_by_the_documents_id() -> None:
    text = _note(5, True)
    text = text[:1000] + " FAIL " + text[1000:]
    pipe = Pipeline({"flakywin": _FailsOnWindow()}, chunking=SMALL)
    good, bad = pipe.detect_batch([Document("ok", _note(6, True)), Document("n1", text)])
    assert good.ok
    (reason,) = bad.errors
    assert reason.startswith("flakywin: server error 500 (in ")
    assert "windows of this document" in reason and "FAIL" not in reason.replace("flakywin", "")


def test_chunk_policy_rejects_settings_that_cannot_work() -> None:
    with pytest.raises(ConfigError, match="at least 4 x chunk_overlap_chars"):
        ChunkPolicy(max_chars=1000, overlap=400)
    with pytest.raises(ConfigError, match="chunk_overlap_chars must be > 0"):
        ChunkPolicy(max_chars=1000, overlap=0)
    with pytest.raises(ConfigError, match="max_chunk_chars must be a whole number"):
        ChunkPolicy(max_chars=-1)


def test_pipeline_reads_the_policy_from_config() -> None:
    pipe = Pipeline.from_config(
        {"pipeline": {"detectors": ["toy"], "max_chunk_chars": 8000, "chunk_overlap_chars": 500}}
    )
    assert pipe.chunking == ChunkPolicy(max_chars=8000, overlap=500)
    assert Pipeline.from_config({"pipeline": {"detectors": ["toy"]}}).chunking == ChunkPolicy()


def test_a_pipeline_rebuilt_from_parts_and_config_keeps_its_policy() -> None:
    """The service builds per-mode pipelines from ``base.config``: the policy must come along."""
    base = Pipeline.from_config(
        {"pipeline": {"detectors": ["toy"], "max_chunk_chars": 8000, "chunk_overlap_chars": 500}}
    )
    rebuilt = Pipeline(base.detectors, base.resolver, base.replacer, base.config)
    assert rebuilt.chunking == base.chunking == ChunkPolicy(max_chars=8000, overlap=500)


def test_the_rules_get_whole_notes_so_names_propagate_across_the_pipelines_windows() -> None:
    """A name found with a title at the top of a long note is removed at its bottom too."""
    from fairdeid.pipeline import Pipeline

    pipeline = Pipeline.from_config(
        {"pipeline": {"detectors": ["rules"], "max_chunk_chars": 8000, "chunk_overlap_chars": 500}}
    )
    filler = "Vitals stable overnight. Plan unchanged.\n" * 600
    text = "Seen by Dr. Wei Zhang today.\n" + filler + "ZHANG signed the note.\n"
    out = pipeline.deidentify(text).text
    assert "Zhang" not in out and "ZHANG" not in out


# -- invisible characters: detectors see the text a reader sees ------------------------------


@pytest.mark.parametrize(
    "hidden", ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff", "\u200e", "\u202e"]
)
def test_an_invisible_character_inside_phi_does_not_hide_it(hidden: str) -> None:
    """"Jo<ZWSP>hn" reads as "John": a detector must get the chance to see it whole."""
    h = hidden
    text = f"Seen by Dr. Jo{h}hn Sm{h}ith on 2021-0{h}3-14, call 617-555-{h}1234."
    doc = Document("d1", text)
    [spans], errors = detect_windowed(_toy(), [doc], SMALL)
    assert not errors
    found = {(text[s.start : s.end], s.label) for s in spans}
    assert found == {
        (f"Jo{hidden}hn Sm{hidden}ith", "DOCTOR"),
        (f"2021-0{hidden}3-14", "DATE"),
        (f"617-555-{hidden}1234", "PHONE"),
    }


def test_invisible_characters_in_a_long_note_map_back_through_the_windows() -> None:
    text = _note(3, True).replace("Dr. Anna", "Dr. An\u200bna")
    assert "\u200b" in text
    [spans], _ = detect_windowed(_toy(), [Document("d", text)], SMALL)
    plain = text.replace("\u200b", "")
    [expected], _ = detect_windowed(_toy(), [Document("d", plain)], SMALL)
    assert sorted(text[s.start : s.end].replace("\u200b", "") for s in spans) == sorted(
        plain[s.start : s.end] for s in expected
    )
    assert all(text[s.start] != "\u200b" and text[s.end - 1] != "\u200b" for s in spans)


def test_a_note_without_invisible_characters_is_passed_unchanged() -> None:
    seen: list[Document] = []

    class _Keep:
        name = "keep"

        def detect(self, doc: Document) -> list[Span]:
            return []

        def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
            seen.extend(docs)
            return [[] for _ in docs]

    doc = Document("d", "Dr. Anna Lee")
    detect_windowed(_Keep(), [doc], SMALL)  # type: ignore[arg-type]
    assert seen == [doc] and seen[0] is doc


def test_the_pipeline_removes_a_name_split_by_a_zero_width_joiner() -> None:
    pipeline = Pipeline.from_config(detectors=["toy"], mode="tag", language="en")
    out = pipeline.deidentify("Seen by Dr. Smi\u200dth Jones today.").text
    assert out == "Seen by [NAME] today."  # the title goes with the name (name_titles default)
