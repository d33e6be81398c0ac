"""Issue 14, seventh speed pass: what the shortcuts keep exactly as before.

- pattern rules read their parts from a plan made once per rule (``RuleDetector._plans``);
- a name text's propagation parts are kept between documents (``Propagator``'s ``memo``);
- ``NameFinder._unglue`` asks its regex only when the name ends with a breaker.
"""

from __future__ import annotations

from fairdeid.corpora.synth import NoteGenerator
from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.propagation import NameParts, NameSource, Propagator

_TEXT = (
    "Dr. José Ñúñez saw JOSE NUNEZ and jose's chart; Li, LI, li, Wei Li, wei li, "
    "Anne-Marie Smith and SMITH, Smith's wife; del Carmen, María del Carmen.\n"
)


def _occurrences(prop: Propagator) -> list[tuple[int, int, str]]:
    return [(o.start, o.end, o.label) for o in prop.scan(_TEXT)]


def _names(label: str) -> list[NameSource]:
    return [
        NameSource(text, label)
        for text in ("José Ñúñez", "Li", "Anne-Marie Smith", "Wei Li", "María del Carmen")
    ]


def test_propagation_memo_gives_what_a_fresh_propagator_gives() -> None:
    common = frozenset({"li", "del"})
    memo: dict[str, NameParts] = {}
    for label in ("PATIENT", "DOCTOR", "PATIENT"):  # the memo is filled, then replayed
        fresh = Propagator(_names(label), is_stop=lambda tok: False, common=common)
        kept = Propagator(_names(label), is_stop=lambda tok: False, common=common, memo=memo)
        assert _occurrences(kept) == _occurrences(fresh)
        assert {o[2] for o in _occurrences(kept)} == {label}  # the label is not memoised
        assert kept.singles == fresh.singles
        assert kept.exact == fresh.exact
        assert kept.fulls == fresh.fulls
    assert set(memo) == {n.text for n in _names("PATIENT")}


def test_first_source_of_a_token_sets_its_label_with_the_memo() -> None:
    """Two names share "Smith": the first listed labels it, as without the memo."""
    memo: dict[str, NameParts] = {}
    names = [NameSource("John Smith", "DOCTOR"), NameSource("Smith", "PATIENT")]
    for _ in range(2):
        prop = Propagator(names, is_stop=lambda tok: False, common=frozenset(), memo=memo)
        assert prop.singles["smith"].label == "DOCTOR"


def test_detector_spans_repeat_over_batches() -> None:
    """The memo and the plans carry nothing from one note to the next: the same notes give
    the same spans whether detected first, again, or one by one."""
    detector = RuleDetector.from_config({})
    notes = list(NoteGenerator(11, None).generate(40))
    first = detector.detect_batch(notes)
    again = detector.detect_batch(list(reversed(notes)))[::-1]
    alone = [RuleDetector.from_config({}).detect(note) for note in notes]
    assert first == again == alone
    assert any(s.source == "rules:name.propagated" for spans in first for s in spans)


def test_unglue_cuts_only_a_breaker_glued_to_the_name() -> None:
    finder = RuleDetector.from_config({}).names
    assert "Phone" in finder._glued_words
    text = "Dr. Ignacio Sarra DominguezPhone: 555"
    start, end = text.index("Ignacio"), text.index(":")
    assert finder._unglue(text, start, end) == text.index("Phone")
    for plain in ("Dr. Ignacio Sarra Dominguez said", "Dr. Ignacio PHONE said"):
        end = plain.index(" said")
        assert finder._unglue(plain, 4, end) == end
    # a breaker alone is not glued to anything: a lower-case letter must come before it
    alone = "Dr. Ignacio Phone"
    assert finder._unglue(alone, 4, len(alone)) == len(alone)
