from __future__ import annotations

import csv
import re
from pathlib import Path

from fairdeid.corpora.mimic import PLACEHOLDER, iter_mimic
from fairdeid.document import Document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "corpora"
NOTES = FIXTURES / "mimic_notes.csv"


def _docs(path: Path = NOTES, **kw: object) -> list[Document]:
    items = list(iter_mimic(path, **kw))  # type: ignore[arg-type]
    assert all(isinstance(i, Document) for i in items), items
    return items  # type: ignore[return-value]


def test_fixture_notes_filled_exactly_and_consistently() -> None:
    docs = _docs()
    assert [d.id for d in docs] == ["mimic-101", "mimic-102", "mimic-103"]
    raw = list(csv.DictReader(NOTES.open(encoding="utf-8", newline="")))
    for doc, row in zip(docs, raw, strict=True):
        assert "[**" not in doc.text
        assert doc.meta["patient_id"] == row["SUBJECT_ID"]
        n_placeholders = len(PLACEHOLDER.findall(row["TEXT"]))
        # one span per placeholder, except date ranges and state/zip (two each)
        assert len(doc.spans) >= n_placeholders
        # the text outside spans is the note's own text, unchanged
        outside = re.sub(r"\[\*\*.*?\*\*\]", "\x00", row["TEXT"]).split("\x00")
        for piece in outside:
            assert piece in doc.text
        for a, b in zip(doc.spans, doc.spans[1:], strict=False):
            assert a.end <= b.start
    first, second = docs[0], docs[1]
    name_1 = {first.span_text(s) for s in first.spans if s.attrs.get("mimic") == "Known lastname"}
    name_2 = {second.span_text(s) for s in second.spans if s.attrs.get("mimic") == "Known lastname"}
    assert len(name_1) == 1 and name_1 == name_2  # same patient, same surrogate in both notes
    doctor = [s for s in first.spans if s.label == "DOCTOR"]
    assert doctor and all(s.attrs.get("locale") and s.attrs.get("gender") for s in doctor)
    # "Dr. [**First Name8**] [**Last Name**]" -> both parts DOCTOR (context + adjacency)
    i = first.text.index("seen by Dr. ") + len("seen by Dr. ")
    after_dr = [s for s in first.spans if s.start >= i][:2]
    assert [s.label for s in after_dr] == ["DOCTOR", "DOCTOR"]
    assert after_dr[0].attrs["locale"] == after_dr[1].attrs["locale"]


def test_years_are_mapped_into_a_plausible_range_and_intervals_survive() -> None:
    docs = _docs()
    dates = [d.span_text(s) for d in docs for s in d.spans if s.label == "DATE"]
    years = [int(y) for text in dates for y in re.findall(r"\b(\d{4})\b", text)]
    assert years and all(1900 <= y <= 2030 for y in years)
    assert all(2005 <= int(d.meta["chartdate"][:4]) <= 2022 for d in docs)
    # 2151-7-10 and 2151-7-12 stay two days apart
    assert docs[0].meta["chartdate"].endswith("-07-12")


def test_deterministic_for_a_seed_and_different_across_seeds() -> None:
    a = [(d.text, d.spans) for d in _docs(seed=5)]
    b = [(d.text, d.spans) for d in _docs(seed=5)]
    c = [(d.text, d.spans) for d in _docs(seed=6)]
    assert a == b and a != c
