"""What ``llm_hybrid`` sends: trigger words, context windows, the encoder's uncertainty.

Each test builds a hybrid over a scripted trusted detector (fixed spans and, for the encoder,
fixed word probabilities) and a scripted LLM server on 127.0.0.1 (tests/detect/llm_server.py),
then checks what reached the server and where the model's strings landed in the note.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from fairdeid.detect import build_detector
from fairdeid.detect.llm import HybridConfig, HybridLLMDetector, LLMConfig, LLMDetector
from fairdeid.detect.llm.selection import Selector, WordScorer
from fairdeid.detect.tokens import words_of
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, RecordError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_server import ScriptedServer, oracle, user_text  # noqa: E402

#: An ASQ-PHI-like question whose identifiers the trusted detector found, all of them.
QUESTION = (
    "What is the latest treatment protocol for a 34-year-old female diagnosed with MS like "
    "Anna S., previously treated at Methodist Hospital on April 12, 2023?"
)
QUESTION_PHI = ("Anna S.", "Methodist Hospital", "April 12, 2023")


class Found:
    """A trusted detector that finds fixed strings (every occurrence) with a fixed score."""

    name = "found"

    def __init__(self, strings: Sequence[str], score: float = 0.95) -> None:
        self.strings = strings
        self.score = score
        self.calls = 0

    def detect(self, doc: Document) -> list[Span]:
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        self.calls += 1
        return [_spans(d.text, self.strings, self.score, "found") for d in docs]


class Encoder(Found):
    """A scripted encoder: fixed strings as spans, and ``P(PHI)`` per word (default ``low``)."""

    name = "encoder"

    def __init__(
        self, strings: Sequence[str], probs: Mapping[str, float], low: float = 0.001
    ) -> None:
        super().__init__(strings)
        self.probs = probs
        self.low = low
        self.scored_calls = 0

    def detect_batch_with_word_scores(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[list[tuple[int, int, float]]]]:
        self.scored_calls += 1
        scores = [
            [(w.start, w.end, self.probs.get(w.text, self.low)) for w in words_of(d.text)]
            for d in docs
        ]
        return [_spans(d.text, self.strings, 0.95, "encoder") for d in docs], scores


def _spans(text: str, strings: Sequence[str], score: float, source: str) -> list[Span]:
    out = []
    for s in strings:
        at = text.find(s)
        while at >= 0:
            out.append(Span(at, at + len(s), "NAME", source, score))
            at = text.find(s, at + 1)
    return out


def hybrid(server: ScriptedServer, trusted: Any, **settings: Any) -> HybridLLMDetector:
    llm = LLMDetector(
        LLMConfig(model="m", base_url=server.base_url, timeout=2.0, retries=0, chunk_size=2000)
    )
    return HybridLLMDetector(llm, {"t": trusted}, HybridConfig(**settings))


def sent(server: ScriptedServer) -> list[str]:
    """The text of each request (what follows the default template's ``Text:`` line)."""
    return [user_text(b).split("Text:\n", 1)[1] for b in server.requests]


def triggers(det: HybridLLMDetector, text: str, trusted: Any) -> list[tuple[str, str]]:
    doc = Document("d", text)
    if isinstance(trusted, WordScorer):
        (spans,), (scores,) = trusted.detect_batch_with_word_scores([doc])
    else:
        (spans,), scores = trusted.detect_batch([doc]), None
    return [
        (text[t.start : t.end], t.reason) for t in det.selector.find_triggers(text, spans, scores)
    ]


# -- which words trigger ---------------------------------------------------------------------


def test_a_question_whose_identifiers_were_all_found_is_not_sent(server: ScriptedServer) -> None:
    """Regression: a sentence-initial "What" sent the whole question (90% of ASQ-PHI went to
    the model). Built through the registry, trusting an ordinary detector (no encoder)."""
    from fairdeid.detect import register_detector

    register_detector("found_question", lambda config: Found(QUESTION_PHI))
    det = build_detector(
        "llm_hybrid",
        {"model": "m", "base_url": server.base_url, "retries": 0, "trust": ["found_question"]},
    )
    spans = det.detect(Document("q", QUESTION))
    assert server.requests == []
    assert {QUESTION[s.start : s.end] for s in spans} == set(QUESTION_PHI)


def test_sentence_initial_common_word_is_not_a_trigger_but_a_name_is(
    server: ScriptedServer,
) -> None:
    text = "What dose for Kowalski? Guidelines say little. Treatment by Nowak."
    det = hybrid(server, Found(()))
    # No encoder: "What" and "Treatment" are sentence-initial dictionary words; "Guidelines"
    # is sentence-initial but not in the dictionary, so without an encoder's word it still goes.
    assert triggers(det, text, Found(())) == [
        ("Kowalski", "capitalised"),
        ("Guidelines", "capitalised"),
        ("Nowak", "capitalised"),
    ]
    # An encoder sure they are not PHI clears the sentence-initial words, not the names it is
    # unsure of.
    encoder = Encoder((), {"Kowalski": 0.4, "Nowak": 0.2})
    assert triggers(hybrid(server, encoder), text, encoder) == [
        ("Kowalski", "unsure"),
        ("Nowak", "unsure"),
    ]


def test_encoder_sure_common_word_mid_sentence_is_not_sent_unknown_word_is(
    server: ScriptedServer,
) -> None:
    text = "She asked about Current guidelines from Okonkwo for her."
    assert triggers(hybrid(server, Found(())), text, Found(())) == [
        ("Current", "capitalised"),  # no encoder: a capitalised word mid-sentence is suspect
        ("Okonkwo", "capitalised"),
    ]
    encoder = Encoder((), {})
    # Sure and a dictionary word: ordinary. Sure but not a dictionary word: still sent.
    assert triggers(hybrid(server, encoder), text, encoder) == [("Okonkwo", "capitalised")]


def test_name_the_encoder_is_unsure_of_is_sent_even_in_lower_case(server: ScriptedServer) -> None:
    server.responder = oracle({"rose": "PATIENT"})
    text = "Lungs clear. She came in with rose from the shelter today. Afebrile, eating well."
    det = hybrid(server, Encoder((), {"rose": 0.3}), context_words=2)
    spans = det.detect(Document("d", text))
    assert sent(server) == ["in with rose from the"]
    assert [(text[s.start : s.end], s.label) for s in spans] == [("rose", "PATIENT")]


def test_caseless_trigger_is_kept_when_the_encoder_is_sure(server: ScriptedServer) -> None:
    text = "BP stable.\n患者张伟今天复诊。\nPlan: continue."
    encoder = Encoder((), {})  # P(PHI) = 0.001 for every word, Chinese included
    det = hybrid(server, encoder)
    assert triggers(det, text, encoder) == [("患者张伟今天复诊", "caseless")]
    det.detect(Document("d", text))
    assert sent(server) == ["患者张伟今天复诊"]
    without = hybrid(server, encoder, triggers=["capitalised", "low_score", "unsure"])
    assert triggers(without, text, encoder) == []


def test_low_score_span_triggers_and_covers_nothing(server: ScriptedServer) -> None:
    text = "Seen at Mercy by the team."
    det = hybrid(server, Found(("Mercy",), score=0.3))
    assert triggers(det, text, Found(("Mercy",), score=0.3)) == [
        ("Mercy", "low_score"),
        ("Mercy", "capitalised"),
    ]


def test_a_lone_dotted_initial_is_a_trigger(server: ScriptedServer) -> None:
    text = "She was referred by Dr. J. for follow-up."
    assert triggers(hybrid(server, Found(())), text, Found(())) == [("J", "capitalised")]


# -- windows ---------------------------------------------------------------------------------


def test_context_window_is_k_words_each_side_within_the_sentence() -> None:
    text = "First sentence ends here. one two three four Kowalski five six seven eight. Next one."
    selector = Selector(context_words=3)
    chosen = selector.select(text, [])
    assert [text[s:e] for s, e in chosen.windows] == ["two three four Kowalski five six seven"]
    assert (chosen.units, chosen.units_hit) == (3, 1)


def test_close_triggers_merge_and_windows_never_cut_a_span_or_a_name() -> None:
    text = "we saw the man and Nowak and then Kowalski in the unit with Dr. Anna Maria Lopez today"
    spans = [Span(text.index("unit with"), text.index("unit with") + 9, "NAME", "t", 0.2)]
    chosen = Selector(context_words=1).select(text, spans)
    assert [text[s:e] for s, e in chosen.windows] == [
        "and Nowak and then Kowalski in the unit with Dr. Anna Maria Lopez today"
    ]
    # The low-scoring span "unit with" is a trigger, its window grows over the whole name run.
    chosen = Selector(context_words=1, triggers=("low_score",)).select(text, spans)
    assert [text[s:e] for s, e in chosen.windows] == ["the unit with Dr. Anna Maria Lopez"]


def test_a_window_grows_to_hold_a_trusted_span_that_crosses_its_edge() -> None:
    text = "one two three Kowalski four five 10 Downing Street six seven"
    start = text.index("five 10")
    spans = [Span(start, start + len("five 10 Downing Street"), "LOCATION", "t", 0.9)]
    chosen = Selector(context_words=2).select(text, spans)
    assert [text[s:e] for s, e in chosen.windows] == [
        "two three Kowalski four five 10 Downing Street"
    ]


def test_sentence_and_line_windows_still_available(server: ScriptedServer) -> None:
    text = "Vitals fine. Lives with Anna Kowalski in a flat near the river and a park."
    chosen = Selector(window="sentence").select(text, [])
    assert [text[s:e] for s, e in chosen.windows] == [
        "Lives with Anna Kowalski in a flat near the river and a park."
    ]
    with pytest.raises(ConfigError):
        Selector(window="paragraph")
    with pytest.raises(ConfigError):
        build_detector("llm_hybrid", {"model": "m", "trust": [], "context_words": -1})


# -- offsets of the model's spans ------------------------------------------------------------


def test_llm_spans_from_context_windows_map_back_exactly(server: ScriptedServer) -> None:
    server.responder = oracle({"Kowalski": "PATIENT", "Nowak": "DOCTOR", "Zielona Gora": "CITY"})
    text = (
        "Patient is stable and eating well, walks daily, sleeps through the night, and her "
        "daughter Kowalski visits on most weekends with the grandchildren from the coast.\n"
        "BP 120/80, HR 72, afebrile, lungs clear, abdomen soft and non-tender to palpation.\n"
        "Plan agreed with Nowak, who will see her again in Zielona Gora after the holidays.\n"
        "KOWALSKI, daughter, to be called if anything changes overnight."
    )
    det = hybrid(server, Found(()), context_words=2)
    spans = det.detect(Document("d", text))
    requests = sent(server)
    assert len(requests) == 1  # the three windows packed in one request, one per line
    assert requests[0].split("\n") == [
        "her daughter Kowalski visits on",
        "agreed with Nowak, who will",
        "again in Zielona Gora after the",
    ]
    got = sorted((s.start, s.end, s.label) for s in spans)
    want = sorted(
        [
            (text.index("Kowalski"), text.index("Kowalski") + 8, "PATIENT"),
            (text.index("KOWALSKI"), text.index("KOWALSKI") + 8, "PATIENT"),  # propagated
            (text.index("Nowak"), text.index("Nowak") + 5, "DOCTOR"),
            (text.index("Zielona Gora"), text.index("Zielona Gora") + 12, "CITY"),
        ]
    )
    assert got == want
    assert 0 < det.stats.chars_sent < 0.25 * det.stats.chars_seen


# -- the encoder hook ------------------------------------------------------------------------


def test_hybrid_asks_a_scoring_detector_once(server: ScriptedServer) -> None:
    encoder = Encoder(("Anna",), {})
    hybrid(server, encoder).detect_batch([Document("a", "Anna is well."), Document("b", "Ok.")])
    assert (encoder.scored_calls, encoder.calls) == (1, 0)


def test_transformer_word_scores_match_its_spans() -> None:
    det = build_detector("transformer", {"model": "builtin:minilm-mc-deid"})
    assert isinstance(det, WordScorer)
    docs = [
        Document("a", "Mr. Jonathan Whitfield was seen in Boston on 4 May 2021."),
        Document("b", ""),
    ]
    spans, scores = det.detect_batch_with_word_scores(docs)
    assert spans == det.detect_batch(docs)
    assert [(s, e) for s, e, _ in scores[0]] == [(w.start, w.end) for w in words_of(docs[0].text)]
    assert scores[1] == []
    by_word = {docs[0].text[s:e]: p for s, e, p in scores[0]}
    assert all(0.0 <= p <= 1.0 for p in by_word.values())
    assert by_word["Whitfield"] > 0.5 > by_word["seen"]


def test_a_sentence_initial_compound_of_common_words_is_ordinary(server: ScriptedServer) -> None:
    text = "Follow-up in two weeks. Follow-up with Kowalski-Nowak."
    assert triggers(hybrid(server, Found(())), text, Found(())) == [
        ("Kowalski-Nowak", "capitalised")
    ]


class FallibleEncoder(Encoder):
    """A scoring detector that can also fail per document: its failures must win."""

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        return [[] for _ in docs], [RecordError(docs[0].id, "encoder down")]


def test_a_fallible_scoring_detector_keeps_its_failures(server: ScriptedServer) -> None:
    det = hybrid(server, FallibleEncoder((), {}))
    _, errors = det.detect_batch_with_errors([Document("a", "Anna is well."), Document("b", "Ok.")])
    assert [(e.record, e.reason) for e in errors] == [("a", "t: encoder down")]
