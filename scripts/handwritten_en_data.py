"""Hand-written English markup → training JSONL in the default encoder's gold convention.

Why: ``builtin:minilm-mc-deid`` was trained only on the generator's notes, whose gold follows
two conventions the hand-written English sets (``benchmarks/data/en_blind*.markup``,
``benchmarks/data/en_train/*.markup``) do not:

* titles stand OUTSIDE name spans (``fairdeid generate --name-titles keep``): the model tags
  "Smith", the pipeline's title step (``detect/titles.py``) adds "Dr." in front. The hand-written
  sets put titles inside ("[[DOCTOR:Dr. Lisa Marchetti]]"); trained on them as written, the
  model would learn to tag "Dr" and the two data sources would disagree on every title.
  Titles are trimmed here with the rule detector's own title lists (``exclude_titles``).
* every age is AGE (resolve keeps only ages of 90 and over under Safe Harbor, by value). The
  hand-written sets mark only ages of 90 and over, so a "47-year-old" there would teach the model
  that an age is not one. Ages the rule detector finds that the gold leaves unmarked are added
  here as AGE spans over their number (the generator's gold marks the number: "47").

Nothing else is changed (years alone and unnamed services, which the generator also marks, stay
unmarked: they are rare, and adding them would invent gold). A file named ``*_blind4*`` or
``*_blind5*`` (the held-out writers, scored once at the end) is refused. Each note is written
``--weight`` times (upweighting by repetition; the trainer's augmentation re-draws each copy's
identifiers from another locale pool). Output names counts only, never note text.

    python scripts/handwritten_en_data.py --weight 6 -o build/en-ft/hand.jsonl \\
        benchmarks/data/en_train/en_w1.markup benchmarks/data/en_blind1.markup
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.corpora.markup import iter_markup
from fairdeid.detect.titles import TitleWords, exclude_titles
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError

#: the held-out writers' sets: never trained on, never used for a choice
HELD_OUT = ("_blind4", "_blind5")
#: the number of an age phrase ("47" of "47-year-old", "55" of "55yo")
AGE_NUMBER = re.compile(r"\d+")


def read_notes(paths: Sequence[Path]) -> list[Document]:
    """The notes of ``paths`` (markup), refusing held-out sets and unreadable notes."""
    docs: list[Document] = []
    for path in paths:
        if any(tag in path.name for tag in HELD_OUT):
            raise SystemExit(f"{path.name} is a held-out set: never trained on")
        for item in iter_markup(path):
            if isinstance(item, RecordError):
                raise SystemExit(f"{item.locator}: {item.reason}")
            docs.append(item)
    return docs


def trim_titles(doc: Document, words: TitleWords) -> Document:
    """``doc`` with the personal titles at the start of its name spans left outside them (the
    library's ``exclude_titles``, which ``hand_notes_train.py`` uses too)."""
    spans = exclude_titles(doc.text, sorted(doc.spans, key=lambda s: (s.start, s.end)), words)
    return replace(doc, spans=tuple(spans))


def age_spans(doc: Document, proposals: Sequence[Span]) -> list[Span]:
    """AGE spans over the numbers of the rule detector's ages that no gold span touches."""
    out = []
    for prop in proposals:
        if prop.label != "AGE" or any(g.start < prop.end and prop.start < g.end
                                      for g in doc.spans):
            continue
        number = AGE_NUMBER.search(doc.text, prop.start, prop.end)
        if number is not None:
            out.append(Span(number.start(), number.end(), "AGE", source="gold"))
    return out


def to_model_convention(docs: Sequence[Document]) -> tuple[list[Document], dict[str, int]]:
    """``docs`` in the encoder's convention (titles outside names, every age AGE), with counts
    of the changes."""
    from fairdeid.pipeline import Pipeline

    pipeline = Pipeline.from_config(None, mode="tag", detectors=["rules"])
    words = TitleWords.from_config(pipeline.config)
    proposals = pipeline.propose(list(docs))
    out: list[Document] = []
    counts = {"notes": len(docs), "titles_trimmed": 0, "ages_added": 0}
    for doc, prop in zip(docs, proposals, strict=True):
        trimmed = trim_titles(doc, words)
        counts["titles_trimmed"] += sum(a.start != b.start
                                        for a, b in zip(doc.spans, trimmed.spans, strict=True))
        ages = age_spans(trimmed, prop.spans)
        counts["ages_added"] += len(ages)
        spans = tuple(sorted((*trimmed.spans, *ages), key=lambda s: (s.start, s.end)))
        out.append(replace(trimmed, spans=spans))
    return out, counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("markup", nargs="+", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--weight", type=int, default=1, help="copies of each note")
    args = parser.parse_args(argv)
    docs, counts = to_model_convention(read_notes(args.markup))
    copies = [replace(d, id=f"{d.id}#{i}") if args.weight > 1 else d
              for d in docs for i in range(args.weight)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(copies, args.out)
    print(json.dumps({**counts, "weight": args.weight, "documents": len(copies),
                      "sets": [p.name for p in args.markup]}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
