"""benchmarks/student_threshold.py: detect once, then score every threshold as evaluate would."""

from __future__ import annotations

import dataclasses

import pytest

from _scripts import ROOT, load_script


def _module():  # type: ignore[no-untyped-def]
    return load_script("benchmarks/student_threshold.py")


def test_one_detection_pass_gives_what_the_pipeline_at_each_threshold_gives() -> None:
    """The sweep's whole claim: proposals kept once and finished at threshold t are the spans
    of the fast pipeline built with t (learned-span trim, resolve, name propagation and titles
    included), on hand-written notes; a resolver-only sweep would not match it."""
    pytest.importorskip("onnxruntime")
    from fairdeid.pipeline import Pipeline

    st = _module()
    config = ROOT / "configs" / "fast.toml"
    gold = st.load_set(str(ROOT / "benchmarks" / "data" / "en_blind1.markup"))
    docs = gold.docs[:4]
    pipeline = Pipeline.from_config(config, mode="tag")
    proposals = st.propose(pipeline, docs)
    bare = [d.with_spans(()) for d in docs]
    differs = False
    for t in (0.30, 0.44, 0.60):
        built = Pipeline.from_config(
            config, mode="tag", overrides={"resolve": {"thresholds": {"transformer": t}}})
        expected = [d.spans for d in built.detect_batch(bare)]
        got = [d.spans for d in st.finish(st.with_threshold(pipeline, "transformer", t),
                                          docs, proposals)]
        assert got == expected, t
        resolver_only = [
            tuple(st.with_threshold(pipeline, "transformer", t).resolver.resolve(d, list(p.spans)))
            for d, p in zip(bare, proposals, strict=True)
        ]
        differs |= resolver_only != expected
    assert differs  # the finishing steps matter on these notes
    own = st.finish(pipeline, docs, proposals)
    assert [d.spans for d in own] == [d.spans for d in pipeline.detect_batch(bare)]


def test_the_rule_takes_the_highest_threshold_reaching_the_target_else_the_best() -> None:
    st = _module()
    curve = {0.3: 0.962, 0.4: 0.961, 0.44: 0.9593, 0.5: 0.953}
    assert st.choose(curve, 0.9592) == (0.44, True)
    assert st.choose(curve, 0.9615) == (0.3, True)
    assert st.choose(curve, 0.97) == (0.3, False)  # not reached: the best recall's, reported


def test_scores_count_missed_tokens_by_label() -> None:
    """The gap table's numbers: gold tokens of each label no predicted span covers."""
    from fairdeid.document import Document, Span
    from fairdeid.evaluate import metrics

    st = _module()
    text = "Seen by Wei Zhang in Leeds on 03/04/2021."
    gold = Document("d", text, spans=(
        Span(8, 17, "NAME"), Span(21, 26, "LOCATION"), Span(30, 40, "DATE")))
    pred = dataclasses.replace(gold, spans=(Span(8, 11, "NAME"), Span(30, 40, "DATE")))
    out = st.scores(metrics.count_matrix([gold], [pred]).sum(axis=0))
    assert out["by_label"]["NAME"]["missed_tokens"] == 1
    assert out["by_label"]["LOCATION"]["missed_tokens"] == 1
    assert out["by_label"]["DATE"]["missed_tokens"] == 0
    assert out["missed_tokens"] == 2
