"""Hand-written English markup → training JSONL in the models' gold convention.

Why: the shipped English models (``builtin:minilm-mc-deid`` and its 3-layer student) were
trained on the generator's notes, whose gold follows two conventions the hand-written English
sets (``benchmarks/data/en_blind*.markup``, ``benchmarks/data/en_train/*.markup``) do not:

* titles stand OUTSIDE name spans (``fairdeid generate --name-titles keep``): the model tags
  "Smith", the pipeline's title step (``detect/titles.py``) adds "Dr." in front. The hand-written
  sets put titles inside ("[[DOCTOR:Dr. Lisa Marchetti]]"); trained on them as written, the
  model would learn to tag "Dr" and the two data sources would disagree on every title.
  Titles are trimmed here with the rule detector's own title lists (``exclude_titles``).
* every age is AGE (resolve keeps only ages of 90 and over under Safe Harbor, by value). The
  hand-written sets mark only ages of 90 and over, so a "47-year-old" there would teach the model
  that an age is not one. Ages the rule detector finds that the gold leaves unmarked are added
  here as AGE spans over their number (the generator's gold marks the number: "47").
  ``--ages-as-written`` leaves the gold's ages alone (the student's version 3 data).

Nothing else is changed (years alone and unnamed services, which the generator also marks, stay
unmarked: they are rare, and adding them would invent gold). A file named ``*_blind4*`` or
``*_blind5*`` (the held-out writers, scored once at the end) is refused.

Copies upweight a few dozen notes against thousands of synthetic ones: each note is written
``--weight`` times as written (``--original`` is the same option) and ``--localized`` times
with every gold identifier re-drawn from a random locale's pool
(``fairdeid.corpora.multicultural.localize_document``, as ``fairdeid train --augment-locales``
does per epoch): the writer's own identifiers are kept in the first copies, and the contexts are
also seen with other cultures' names. Deterministic in ``--seed``. ``--dev-last N`` keeps each
file's last N notes out of the copies and writes them once, converted, to ``--dev-out``.
Output names counts only, never note text.

    python scripts/handwritten_en_data.py --weight 6 -o build/en-ft/hand.jsonl \\
        benchmarks/data/en_train/en_w1.markup benchmarks/data/en_blind1.markup
    python scripts/handwritten_en_data.py --ages-as-written --original 2 --localized 4 \\
        --seed 14170 --dev-last 2 --dev-out build/distill-en/hand-dev.jsonl \\
        -o build/distill-en/hand.jsonl benchmarks/data/en_train/en_w1.markup
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.corpora.markup import iter_markup
from fairdeid.corpora.multicultural import localize_document
from fairdeid.detect.titles import TitleWords, exclude_titles
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError
from fairdeid.locales import LOCALE_CODES

#: the held-out writers' sets: never trained on, never used for a choice
HELD_OUT = ("_blind4", "_blind5")
#: the number of an age phrase ("47" of "47-year-old", "55" of "55yo")
AGE_NUMBER = re.compile(r"\d+")
#: locales whose pools have a native script; a share of their copies use it (as the augmenter)
_NATIVE = frozenset({"zh_CN", "hi_IN", "bn_BD"})


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
    library's ``exclude_titles``)."""
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


def to_model_convention(docs: Sequence[Document], *, add_ages: bool = True,
                        ) -> tuple[list[Document], dict[str, int]]:
    """``docs`` in the models' convention (titles outside names; every age AGE unless
    ``add_ages`` is off), with counts of the changes."""
    words = TitleWords.from_rules_table(None)
    proposals: list[Sequence[Span]] = [()] * len(docs)
    if add_ages:
        from fairdeid.pipeline import Pipeline

        pipeline = Pipeline.from_config(None, mode="tag", detectors=["rules"])
        proposals = [p.spans for p in pipeline.propose(list(docs))]
    out: list[Document] = []
    counts = {"notes": len(docs), "titles_trimmed": 0, "ages_added": 0}
    for doc, prop in zip(docs, proposals, strict=True):
        trimmed = trim_titles(doc, words)
        counts["titles_trimmed"] += sum(
            a.start != b.start for a, b in zip(sorted(doc.spans, key=lambda s: (s.start, s.end)),
                                               trimmed.spans, strict=True))
        ages = age_spans(trimmed, prop)
        counts["ages_added"] += len(ages)
        spans = tuple(sorted((*trimmed.spans, *ages), key=lambda s: (s.start, s.end)))
        out.append(replace(trimmed, spans=spans))
    return out, counts


def copies(doc: Document, weight: int, localized: int, rng: random.Random) -> list[Document]:
    """``weight`` copies as written and ``localized`` re-drawn ones, each with its own id (a
    note written once keeps its id)."""
    out = [replace(doc, id=f"{doc.id}#{i}") if weight + localized > 1 else doc
           for i in range(weight)]
    for i in range(localized):
        locale = rng.choice(LOCALE_CODES)
        script = "native" if locale in _NATIVE and rng.random() < 0.3 else "romanised"
        variant = localize_document(doc, locale, gender="keep", script=script,
                                    seed=rng.randrange(2**31))
        out.append(replace(variant, id=f"{doc.id}#{locale}{i}"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("markup", nargs="+", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--weight", "--original", type=int, default=1,
                        help="copies of each note as written")
    parser.add_argument("--localized", type=int, default=0,
                        help="copies of each note with identifiers re-drawn from a locale")
    parser.add_argument("--seed", type=int, default=14170, help="for the re-drawn copies")
    parser.add_argument("--ages-as-written", action="store_true",
                        help="do not add the ages the gold leaves unmarked")
    parser.add_argument("--dev-last", type=int, default=0,
                        help="each file's last N notes go to --dev-out, once, not to --out")
    parser.add_argument("--dev-out", type=Path)
    args = parser.parse_args(argv)
    if args.dev_last and args.dev_out is None:
        parser.error("--dev-last needs --dev-out")
    files = [read_notes([path]) for path in args.markup]
    docs, counts = to_model_convention([d for notes in files for d in notes],
                                       add_ages=not args.ages_as_written)
    rng = random.Random(args.seed)
    train: list[Document] = []
    dev: list[Document] = []
    start = 0
    for notes in files:
        converted, start = docs[start:start + len(notes)], start + len(notes)
        keep = len(converted) - args.dev_last
        dev += converted[keep:]
        for doc in converted[:keep]:
            train += copies(doc, args.weight, args.localized, rng)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(train, args.out)
    if args.dev_out is not None:
        args.dev_out.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(dev, args.dev_out)
    print(json.dumps({**counts, "weight": args.weight, "localized": args.localized,
                      "documents": len(train), "dev_notes": len(dev),
                      "sets": [p.name for p in args.markup]}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
