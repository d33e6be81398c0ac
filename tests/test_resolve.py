from __future__ import annotations

from fairdeid.document import Document, Span
from fairdeid.resolve import ResolveConfig, Resolver, merge_overlaps


def test_merge_unions_overlaps_and_picks_longest_label() -> None:
    spans = [
        Span(10, 20, "CITY", "rules:city", 0.6),
        Span(5, 15, "HOSPITAL", "transformer:m", 0.9),
        Span(30, 35, "DATE", "rules:date", 1.0),
    ]
    merged = merge_overlaps(spans)
    assert [(s.start, s.end, s.label) for s in merged] == [(5, 20, "HOSPITAL"), (30, 35, "DATE")]
    assert merged[0].attrs["also"] == ["rules:city"]


def test_merge_is_order_independent_and_breaks_ties_deterministically() -> None:
    a = Span(0, 5, "PATIENT", "x:a", 0.5)
    b = Span(0, 5, "DOCTOR", "y:b", 0.5)
    c = Span(0, 5, "DOCTOR", "a:c", 0.9)
    assert merge_overlaps([a, b, c]) == merge_overlaps([c, b, a])
    assert merge_overlaps([a, b, c])[0].source == "a:c"  # highest score wins at equal length
    assert merge_overlaps([a, b])[0].label == "PATIENT"  # taxonomy order breaks the last tie


def test_transitive_groups() -> None:
    merged = merge_overlaps([Span(0, 4, "NAME"), Span(3, 8, "NAME"), Span(7, 12, "NAME")])
    assert [(s.start, s.end) for s in merged] == [(0, 12)]


def test_adjacent_spans_stay_separate() -> None:
    assert len(merge_overlaps([Span(0, 4, "NAME"), Span(4, 8, "DATE")])) == 2


def test_resolver_thresholds_allow_deny_and_preset() -> None:
    doc = Document("d", "Cardiology clinic, Boston, 2020-01-02, ref X-99")
    resolver = Resolver(
        ResolveConfig(
            preset="limited_data_set",
            thresholds={"model": 0.5},
            allow=["cardiology clinic"],
            deny={r"X-\d+": "IDNUM"},
        )
    )
    proposals = [
        Span(0, 17, "DEPARTMENT", "rules:dept"),
        Span(19, 25, "CITY", "rules:city"),
        Span(27, 37, "DATE", "rules:date"),
        Span(19, 25, "PATIENT", "model:m", 0.3),
    ]
    out = resolver.resolve(doc, proposals)
    assert [(doc.text[s.start : s.end], s.label) for s in out] == [("X-99", "IDNUM")]


def test_safe_harbor_keeps_ages_under_90_but_strict_removes_them() -> None:
    doc = Document("d", "A 34-year-old and a 92 yo and a man in his nineties")
    spans = [Span(2, 13, "AGE"), Span(20, 25, "AGE"), Span(43, 51, "AGE")]
    kept = Resolver(ResolveConfig(preset="safe_harbor")).resolve(doc, spans)
    assert [doc.text[s.start : s.end] for s in kept] == ["92 yo", "nineties"]
    assert len(Resolver(ResolveConfig(preset="strict")).resolve(doc, spans)) == 3


def test_coarse_winner_takes_fine_label_of_same_category() -> None:
    merged = merge_overlaps(
        [Span(0, 9, "NAME", "transformer:m", 0.98), Span(0, 9, "DOCTOR", "rules:title", 0.9)]
    )
    assert merged[0].label == "DOCTOR" and merged[0].source == "transformer:m"
    other = merge_overlaps([Span(0, 9, "NAME", "t:m", 0.98), Span(0, 9, "CITY", "r:c", 0.9)])
    assert other[0].label == "NAME"
