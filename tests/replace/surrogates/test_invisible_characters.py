"""Surrogates for PHI that hides an invisible character: the same as for the visible text."""

from __future__ import annotations

from fairdeid.document import Document, Span
from fairdeid.replace.surrogates import SurrogateReplacer

KEY = "k3y-for-tests-only-6f1d0c4b9a8e7d2c5b3a1f0e9d8c7b6a5"
CLEAN = "Patient John Smith seen 03/14/2021. Call 617-555-1234."


def _spans(text: str) -> list[Span]:
    """NAME, DATE and PHONE spans located by their visible words."""
    out = []
    for label, first, last in (("PATIENT", "J", "h "), ("DATE", "03", "21."),
                               ("PHONE", "617", "34.")):
        start = text.index(first)
        end = text.index(last, start) + len(last) - 1
        out.append(Span(start, end, label, "test", 1.0))
    return out


def test_a_hidden_character_gets_the_surrogate_of_the_visible_text() -> None:
    replacer = SurrogateReplacer(key=KEY, key_env=None)
    clean = replacer.replace(Document("a", CLEAN, {"patient_id": "P1"}), _spans(CLEAN)).text
    for hidden in ("\u200b", "\u00ad", "\u200d", "\u2060"):
        text = CLEAN.replace("John", f"Jo{hidden}hn").replace("03/14", f"03/1{hidden}4")
        text = text.replace("555-1234", f"555-{hidden}1234")
        doc = Document("b", text, {"patient_id": "P1"})
        out = replacer.replace(doc, _spans(text))
        assert out.text == clean, hidden
        assert hidden not in out.text
        assert out.originals[0] == f"Jo{hidden}hn Smith"  # reviewers see what was there
