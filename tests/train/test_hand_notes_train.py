"""`scripts/hand_notes_train.py`: hand-written gold notes (titles inside names) as training data
in the models' convention (titles outside), upweighted by copies, on a real hand-written set."""

from __future__ import annotations

from pathlib import Path

from _scripts import ROOT, load_script
from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.corpora.markup import iter_markup
from fairdeid.detect.titles import TitleWords, is_name_label
from fairdeid.document import Document

SET = ROOT / "benchmarks" / "data" / "en_train" / "en_w1.markup"


def _run(tmp_path: Path, seed: int) -> tuple[list[Document], list[Document]]:
    script = load_script("scripts/hand_notes_train.py")
    out, dev = tmp_path / f"train{seed}.jsonl", tmp_path / f"dev{seed}.jsonl"
    assert script.main([str(SET), "--original", "1", "--localized", "2", "--seed", str(seed),
                        "--dev-last", "2", "--dev-out", str(dev), "-o", str(out)]) == 0
    return list(read_jsonl(out)), list(read_jsonl(dev))


def test_names_lose_their_titles_and_each_note_is_copied(tmp_path: Path) -> None:
    gold = [d for d in iter_markup(SET) if isinstance(d, Document)]
    words = TitleWords.from_rules_table(None)
    titled = [s for d in gold for s in d.spans
              if is_name_label(s.label) and words.lead.match(d.text, s.start, s.end)]
    assert titled  # the set writes "[[DOCTOR:Dr. ...]]": the cut below has work to do

    train, dev = _run(tmp_path, 7)
    assert [d.id for d in dev] == [d.id for d in gold[-2:]]
    assert len(train) == 3 * (len(gold) - 2)
    # the writer's own notes (each note's first copy, and the dev notes) keep no leading
    # title; a re-drawn name may itself start with a title-like word ("M. Legendre")
    for doc in train[::3] + dev:
        assert not any(is_name_label(s.label) and words.lead.match(doc.text, s.start, s.end)
                       for s in doc.spans)
    # the unchanged copy: the writer's text and spans, only the titles' characters left out
    first, original = train[0], gold[0]
    assert first.text == original.text and len(first.spans) == len(original.spans)
    cut = sum(len(original.text[a.start:a.end]) - len(first.text[b.start:b.end])
              for a, b in zip(original.spans, first.spans, strict=True))
    assert cut > 0 and all(b.end == a.end for a, b in zip(original.spans, first.spans,
                                                          strict=True))
    # the localized copies: the same note with other identifiers
    assert all(c.text != original.text for c in train[1:3])


def test_copies_are_deterministic_in_the_seed(tmp_path: Path) -> None:
    a, _ = _run(tmp_path, 7)
    b, _ = _run(tmp_path, 7)
    c, _ = _run(tmp_path, 8)
    assert [d.text for d in a] == [d.text for d in b]
    assert [d.text for d in a] != [d.text for d in c]
