"""`--report` masks every gold string, two-letter ones included (an initial, a state code, the
surname "Wu"), as whole words."""

from __future__ import annotations

from fairdeid.document import Document, Span
from fairdeid.evaluate.missed import PhiMasker, worst_missed


def test_two_letter_gold_strings_are_masked_as_words() -> None:
    masker = PhiMasker(["Wu", "MA", "J"])
    masked = masker.mask("Dr. Wu saw J. Roe in Boston, MA; wu said Wuhan and mama.")
    assert "Wu " not in masked and "wu " not in masked and ", MA" not in masked
    assert "J." not in masked
    assert "Wuhan" in masked and "mama" in masked  # inside a word a short string is no hit


def test_report_context_hides_an_unannotated_two_letter_surname() -> None:
    text = "Seen by Dr. Wu today. Plan per Wu: rest. Patient Kai Mo at home."
    gold = Document(
        "d1",
        text,
        spans=(Span(12, 14, "DOCTOR"), Span(50, 56, "PATIENT")),
    )
    missed = worst_missed([gold], [gold.with_spans(())])
    contexts = " ".join(m.context for m in missed)
    assert " Wu" not in contexts and "Wu:" not in contexts, contexts
