"""Surrogates of name spans with a title inside ("Dr. Smith"): the title stays, the name is
replaced exactly as it would be with the title outside the span."""

from __future__ import annotations

from fairdeid.detect.titles import TITLE_ADDED, TITLE_CHARS
from fairdeid.document import Document, Span
from fairdeid.replace import build_replacer
from fairdeid.replace.store import SurrogateStore
from fairdeid.replace.surrogates import SurrogateEngine, SurrogateReplacer

KEY = "titles-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"
TEXT = "Dr. Smith saw Herr Hans Weber. Smith and Weber agreed; Mrs. Ada Lovel came."


def _replacer() -> SurrogateReplacer:
    rep = build_replacer({"mode": "surrogate", "locales": ["en_US"], "key": KEY})
    assert isinstance(rep, SurrogateReplacer)
    return rep


def _span(text: str, whole: str, title: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(whole, start + 1)
    attrs = {TITLE_CHARS: len(title), TITLE_ADDED: len(title)} if title else {}
    return Span(start, start + len(whole), label, "rules:name.title", 0.95, attrs)


def _doc(titled: bool) -> Document:
    """The note with the titles inside the spans (``titled``) or outside (as before)."""
    marks = [("Dr. Smith", "Dr. ", "DOCTOR"), ("Herr Hans Weber", "Herr ", "PATIENT"),
             ("Smith", "", "DOCTOR"), ("Weber", "", "PATIENT"), ("Mrs. Ada Lovel", "Mrs. ",
                                                                 "PATIENT")]
    spans = []
    for whole, title, label in marks:
        nth = 1 if whole in ("Smith", "Weber") else 0
        span = _span(TEXT, whole, title, label, nth)
        if not titled and title:
            span = Span(span.start + len(title), span.end, label, span.source, span.score)
        spans.append(span)
    return Document("t1", TEXT, {"patient_id": "p1"}, tuple(spans))


def test_the_title_stays_and_the_name_gets_the_surrogate_it_had_outside() -> None:
    inside = _replacer().replace(_doc(True), _doc(True).spans)
    outside = _replacer().replace(_doc(False), _doc(False).spans)
    # the same output text: title kept, name replaced as when the title stood outside the span
    assert inside.text == outside.text
    got = [inside.text[s.start : s.end] for s in inside.spans]
    assert got[0].startswith("Dr. ") and got[1].startswith("Herr ") and got[4].startswith("Mrs. ")
    # "Dr. Smith" and "Smith" are one person, "Herr Hans Weber" and "Weber" another
    assert got[0] == "Dr. " + got[2]
    assert got[1].endswith(" " + got[3])
    assert "Smith" not in inside.text and "Weber" not in inside.text and "Lovel" not in inside.text
    # "Herr" is not read as a given name (it was, before the title was known as one)
    assert len(got[1].split()) == 3


def test_a_forced_gender_swaps_a_contradicting_title() -> None:
    store = SurrogateStore(key=KEY.encode(), locales=("en_US",))
    engine = SurrogateEngine(store, locale="en_US", gender="male")
    doc = _doc(True)
    mrs = doc.spans[-1]
    result = engine.surrogate(doc, mrs, "doc:t1")
    assert result.text.startswith("Mr. ") and result.gender == "male"


def test_an_unusable_title_attribute_is_ignored() -> None:
    span = Span(0, 9, "DOCTOR", "rules:x", attrs={TITLE_CHARS: 99})
    doc = Document("t2", "Dr. Smith", {"patient_id": "p2"}, (span,))
    out = _replacer().replace(doc, doc.spans)
    assert "Smith" not in out.text
