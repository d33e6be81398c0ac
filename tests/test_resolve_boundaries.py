"""``[resolve] boundaries``: a union of overlapping spans is cut where a boundary detector ends
one entity and starts the next, so a greedy rule no longer glues two entities into one span,
and no letter or digit any detector flagged is left in the text."""

from __future__ import annotations

import pytest

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import ResolveConfig, Resolver, entity_cuts, merge_overlaps

TEXT = "Servicio de Urología Hospital Doctor Peset Avda. Gaspar Aguilar, 90 - 46017 Valencia"


def _at(piece: str, label: str, source: str, score: float = 0.9) -> Span:
    start = TEXT.index(piece)
    return Span(start, start + len(piece), label, source, score)


GREEDY = _at("Hospital Doctor Peset Avda. Gaspar Aguilar, 90", "HOSPITAL", "rules:inst", 0.85)
HOSPITAL = _at("Hospital Doctor Peset", "LOCATION", "crf:m", 0.95)
STREET = _at("Avda. Gaspar Aguilar, 90", "LOCATION", "crf:m", 0.95)
STREET_RULE = _at("Avda. Gaspar Aguilar, 90", "STREET", "rules:street", 0.9)


def _texts(spans: list[Span]) -> list[str]:
    return [TEXT[s.start : s.end] for s in spans]


def _alnum_covered(spans: list[Span]) -> set[int]:
    return {i for s in spans for i in range(s.start, s.end) if TEXT[i].isalnum()}


def test_without_boundaries_the_union_is_one_span() -> None:
    merged = merge_overlaps([GREEDY, HOSPITAL, STREET])
    assert _texts(merged) == ["Hospital Doctor Peset Avda. Gaspar Aguilar, 90"]


def test_boundary_detector_cuts_the_union_between_two_entities() -> None:
    spans = [GREEDY, HOSPITAL, STREET, STREET_RULE]
    merged = merge_overlaps(spans, text=TEXT, boundaries=frozenset({"crf"}))
    assert _texts(merged) == ["Hospital Doctor Peset", "Avda. Gaspar Aguilar, 90"]
    assert [s.label for s in merged] == ["HOSPITAL", "STREET"]  # fine labels still refine
    # privacy: every letter and digit any detector flagged is still covered
    assert _alnum_covered(merged) == _alnum_covered(spans)
    assert merged == merge_overlaps(list(reversed(spans)), text=TEXT,
                                    boundaries=frozenset({"crf"}))


def test_only_the_named_detectors_cut() -> None:
    merged = merge_overlaps([GREEDY, HOSPITAL, STREET], text=TEXT,
                            boundaries=frozenset({"rules"}))
    assert len(merged) == 1


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("Ana Ruiz, Avda. Sol", True),  # ", " between the entities
        ("Ana Ruiz y Avda. Sol", False),  # a word between: not separators only
        ("Ana Ruiz  ,  Avda. Sol", False),  # more than three separators
        ("Ana Ruiz1 Avda. Sol", False),  # a digit in the gap
    ],
)
def test_cuts_need_one_to_three_separators(text: str, cut: bool) -> None:
    first_end = text.index("Ruiz") + 4
    second = text.index("Avda")
    group = [Span(0, len(text), "NAME", "rules:x"), Span(0, first_end, "NAME", "crf:m"),
             Span(second, len(text), "LOCATION", "crf:m")]
    found = entity_cuts(text, group, frozenset({"crf"}))
    assert bool(found) is cut
    if cut:
        assert found == [first_end, second]


def test_resolver_applies_the_configured_boundaries() -> None:
    doc = Document("d", TEXT)
    plain = Resolver(ResolveConfig()).resolve(doc, [GREEDY, HOSPITAL, STREET])
    cut = Resolver(ResolveConfig(boundaries=["crf"])).resolve(doc, [GREEDY, HOSPITAL, STREET])
    assert len(plain) == 1
    assert _texts(cut) == ["Hospital Doctor Peset", "Avda. Gaspar Aguilar, 90"]


def test_boundaries_config_is_checked() -> None:
    with pytest.raises(ConfigError, match="boundaries"):
        Pipeline.from_config({"pipeline": {"detectors": ["rules"]},
                              "resolve": {"boundaries": "crf"}})
    with pytest.raises(ConfigError, match="boundaries"):
        Pipeline.from_config({"pipeline": {"detectors": ["rules"]},
                              "resolve": {"boundaries": ["crff"]}})
    pipe = Pipeline.from_config({"pipeline": {"detectors": ["rules"]},
                                 "resolve": {"boundaries": ["rules"]}})
    assert pipe.resolver.config.boundaries == ["rules"]


# -- a boundary entry naming some of a detector's rules by their source prefix ----------------

#: the model joins institution and street itself; a street rule anchored on the house number
#: ends where the corpus does
JOINED = _at("Hospital Doctor Peset Avda. Gaspar Aguilar, 90", "LOCATION", "crf:m", 0.9)
INSTITUTION = _at("Hospital Doctor Peset", "HOSPITAL", "rules:location.inst", 0.85)
ANCHORED_STREET = _at("Avda. Gaspar Aguilar, 90", "STREET", "rules:location.street_num", 0.9)


def test_a_source_prefix_cuts_with_those_rules_only() -> None:
    spans = [JOINED, INSTITUTION, ANCHORED_STREET]
    named = frozenset({"crf", "rules:location.inst", "rules:location.street"})
    by_prefix = merge_overlaps(spans, text=TEXT, boundaries=named)
    assert _texts(by_prefix) == ["Hospital Doctor Peset", "Avda. Gaspar Aguilar, 90"]
    assert _alnum_covered(by_prefix) == _alnum_covered(spans)
    # the model alone, or one end only from a named rule, leaves the union whole
    for names in ({"crf"}, {"crf", "rules:location.street"}, {"crf", "rules:location.zip"}):
        assert len(merge_overlaps(spans, text=TEXT, boundaries=frozenset(names))) == 1


def test_a_source_prefix_in_boundaries_is_checked() -> None:
    pipe = Pipeline.from_config({"pipeline": {"detectors": ["rules"]},
                                 "resolve": {"boundaries": ["rules:location.es_street"]}})
    assert pipe.resolver.config.boundaries == ["rules:location.es_street"]
    for bad in ("crff:location", "rules:"):
        with pytest.raises(ConfigError, match="boundaries"):
            Pipeline.from_config({"pipeline": {"detectors": ["rules"]},
                                  "resolve": {"boundaries": [bad]}})
