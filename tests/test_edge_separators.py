"""Separators at the free edges of learned detectors' spans (``fairdeid.edge_separators``).

The cases are invented; the shapes are the English model's on the fifth blind set: a comma
after a name before the next field, a dash after a month in a subject line.
"""

from __future__ import annotations

from fairdeid.document import Document, Span
from fairdeid.edge_separators import trim_edge_separators
from fairdeid.resolve import Resolver

MODEL = "transformer:minilm-mc-deid"


def _span(text: str, piece: str, label: str, source: str = MODEL) -> Span:
    start = text.index(piece)
    return Span(start, start + len(piece), label, source, 0.9)


def _texts(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_comma_after_a_name_before_another_entity_is_left_out() -> None:
    text = "Copies: Dr Lena Ruiz, Elm St Clinic, Ashby"
    spans = [_span(text, "Dr Lena Ruiz,", "DOCTOR"), _span(text, "Elm St Clinic", "HOSPITAL")]
    assert _texts(text, trim_edge_separators(text, spans)) == ["Dr Lena Ruiz", "Elm St Clinic"]


def test_dash_after_a_month_and_a_lone_separator_go() -> None:
    text = "Subject: clinic Nov - call / today"
    spans = [_span(text, "Nov -", "DATE"), _span(text, "/", "DATE")]
    assert _texts(text, trim_edge_separators(text, spans)) == ["Nov"]


def test_a_separator_joining_two_pieces_of_one_label_stays() -> None:
    text = "Sent: Friday, March 6, 2026"
    spans = [_span(text, "Friday,", "DATE"), _span(text, "March 6, 2026", "DATE")]
    assert _texts(text, trim_edge_separators(text, spans)) == ["Friday,", "March 6, 2026"]


def test_a_separator_touched_by_a_digit_stays_and_rules_are_untouched() -> None:
    text = "Plan 317/0228419 seen by Ana Ruiz, MD"
    spans = [_span(text, "317/", "HEALTHPLAN"),
             _span(text, "Ana Ruiz,", "DOCTOR", "rules:name.signature")]
    assert _texts(text, trim_edge_separators(text, spans)) == ["317/", "Ana Ruiz,"]


def test_resolve_trims_english_notes_only() -> None:
    text = "Copies: Dr Lena Ruiz, Elm St Clinic"
    spans = [_span(text, "Dr Lena Ruiz,", "DOCTOR")]
    doc = Document(id="t", text=text)
    assert _texts(text, Resolver().resolve(doc, spans)) == ["Dr Lena Ruiz"]
    assert _texts(text, Resolver(language="fr").resolve(doc, spans)) == ["Dr Lena Ruiz,"]
