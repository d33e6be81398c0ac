"""scripts/handwritten_en_data.py: hand-written English markup in the models' gold convention
(titles outside names, every age AGE), upweighted by copies, for fine-tuning the encoder and the
student on it.

The conversion matters because the hand-written sets put titles inside names and mark only ages
of 90 and over, while the generator's notes the model learned from do neither: trained on both
as written, the model would learn to tag "Dr" and to leave a "47-year-old" alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _scripts import ROOT, load_script
from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.corpora.markup import iter_markup
from fairdeid.detect.titles import TitleWords, is_name_label
from fairdeid.document import Document

SET = ROOT / "benchmarks" / "data" / "en_train" / "en_w1.markup"
NOTE = """Invented note for a test; no real person.

### en-t-01 lang=en type=letter
Dear [[DOCTOR:Dr. Helen Ashdown]], I saw [[PATIENT:Mr Callum Whitlock]], a 47-year-old joiner,
and his mother [[PATIENT:Mrs. Agnes Whitlock]] ([[AGE:93]]) on [[DATE:12 March 2025]].
"""


def test_titles_leave_names_and_unmarked_ages_become_age(tmp_path: Path) -> None:
    script = load_script("scripts/handwritten_en_data.py")
    path = tmp_path / "t.markup"
    path.write_text(NOTE, "utf-8")
    out = tmp_path / "t.jsonl"
    assert script.main([str(path), "-o", str(out), "--weight", "3"]) == 0
    docs = read_jsonl(out)
    assert [d.id for d in docs] == ["en-t-01#0", "en-t-01#1", "en-t-01#2"]
    doc = docs[0]
    got = [(s.label, doc.text[s.start:s.end]) for s in doc.spans]
    assert got == [("DOCTOR", "Helen Ashdown"), ("PATIENT", "Callum Whitlock"), ("AGE", "47"),
                   ("PATIENT", "Agnes Whitlock"), ("AGE", "93"), ("DATE", "12 March 2025")]


def test_real_training_set_keeps_no_title_inside_a_name() -> None:
    script = load_script("scripts/handwritten_en_data.py")
    path = ROOT / "benchmarks" / "data" / "en_blind3.markup"
    before = [d for d in iter_markup(path) if not hasattr(d, "reason")]
    after, counts = script.to_model_convention(before)
    words = TitleWords.from_rules_table(None)
    assert counts["titles_trimmed"] > 10 and counts["ages_added"] >= 1
    for doc in after:
        for span in doc.spans:
            if is_name_label(span.label):
                assert words.lead.match(doc.text, span.start, span.end) is None
    # only names are trimmed and only AGE spans are added: the rest of the gold is as written
    for old, new in zip(before, after, strict=True):
        assert old.text == new.text
        kept = {(s.end, s.label) for s in old.spans}
        assert kept == {(s.end, s.label) for s in new.spans if s.label != "AGE"} | {
            (s.end, s.label) for s in old.spans if s.label == "AGE"}


def test_held_out_sets_are_refused() -> None:
    script = load_script("scripts/handwritten_en_data.py")
    for name in ("en_blind4.markup", "en_blind5.markup"):
        with pytest.raises(SystemExit, match="held-out"):
            script.read_notes([ROOT / "benchmarks" / "data" / name])


def _copies(tmp_path: Path, seed: int) -> tuple[list[Document], list[Document]]:
    script = load_script("scripts/handwritten_en_data.py")
    out, dev = tmp_path / f"train{seed}.jsonl", tmp_path / f"dev{seed}.jsonl"
    assert script.main([str(SET), "--ages-as-written", "--original", "1", "--localized", "2",
                        "--seed", str(seed), "--dev-last", "2", "--dev-out", str(dev),
                        "-o", str(out)]) == 0
    return list(read_jsonl(out)), list(read_jsonl(dev))


def test_names_lose_their_titles_and_each_note_is_copied(tmp_path: Path) -> None:
    gold = [d for d in iter_markup(SET) if isinstance(d, Document)]
    words = TitleWords.from_rules_table(None)
    titled = [s for d in gold for s in d.spans
              if is_name_label(s.label) and words.lead.match(d.text, s.start, s.end)]
    assert titled  # the set writes "[[DOCTOR:Dr. ...]]": the cut below has work to do

    train, dev = _copies(tmp_path, 7)
    assert [d.id for d in dev] == [d.id for d in gold[-2:]]
    assert len(train) == 3 * (len(gold) - 2)
    # the writer's own notes (each note's first copy, and the dev notes) keep no leading
    # title; a re-drawn name may itself start with a title-like word ("M. Legendre")
    for doc in train[::3] + dev:
        assert not any(is_name_label(s.label) and words.lead.match(doc.text, s.start, s.end)
                       for s in doc.spans)
    # the unchanged copy: the writer's text and spans (no age added), only the titles'
    # characters left out
    first, original = train[0], gold[0]
    assert first.text == original.text and len(first.spans) == len(original.spans)
    cut = sum(len(original.text[a.start:a.end]) - len(first.text[b.start:b.end])
              for a, b in zip(original.spans, first.spans, strict=True))
    assert cut > 0 and all(b.end == a.end for a, b in zip(original.spans, first.spans,
                                                          strict=True))
    # the localized copies: the same note with other identifiers
    assert all(c.text != original.text for c in train[1:3])


def test_copies_are_deterministic_in_the_seed(tmp_path: Path) -> None:
    a, _ = _copies(tmp_path, 7)
    b, _ = _copies(tmp_path, 7)
    c, _ = _copies(tmp_path, 8)
    assert [d.text for d in a] == [d.text for d in b]
    assert [d.text for d in a] != [d.text for d in c]
