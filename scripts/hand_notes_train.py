"""Hand-written English gold notes as model training data (issue 14, the student's version 3).

    python scripts/hand_notes_train.py benchmarks/data/en_train/en_w1.markup ... \
        --original 2 --localized 4 --seed 14170 -o build/distill-en/hand.jsonl \
        [--dev-last 2 --dev-out build/distill-en/hand-dev.jsonl]

Why a script: the hand-written sets follow the i2b2 / ASQ-PHI convention (titles INSIDE name
spans, "[[DOCTOR:Dr. Sarah Okafor]]"), the models' training data puts them outside
(``fairdeid generate --name-titles keep``; the pipeline's title step adds the title back). Each
note's name spans lose their leading titles (``fairdeid.detect.titles.exclude_titles``, the
packaged English rules' title lists), then the note is written ``--original`` times as written
and ``--localized`` times with every gold identifier re-drawn from a random locale's pool
(``fairdeid.corpora.multicultural.localize_document``, as ``fairdeid train --augment-locales``
does per epoch): the writer's own identifiers (real hospital and town names, their ID shapes)
are kept, and the contexts are also seen with other cultures' names. Repetition upweights a few
dozen notes against thousands of synthetic ones. ``--dev-last N`` keeps each file's last N notes
out of the training copies and writes them once, unchanged but for the titles, as a dev set.
Deterministic in ``--seed``. No note text is printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
from pathlib import Path

from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.corpora.markup import iter_markup
from fairdeid.corpora.multicultural import localize_document
from fairdeid.detect.titles import TitleWords, exclude_titles
from fairdeid.document import Document
from fairdeid.locales import LOCALE_CODES

#: locales whose pools have a native script; a share of their copies use it (as the augmenter)
_NATIVE = frozenset({"zh_CN", "hi_IN", "bn_BD"})


def without_titles(doc: Document, words: TitleWords) -> Document:
    """``doc`` with the titles at the start of its name spans cut off."""
    spans = exclude_titles(doc.text, sorted(doc.spans, key=lambda s: (s.start, s.end)), words)
    return dataclasses.replace(doc, spans=tuple(spans))


def copies(doc: Document, original: int, localized: int, rng: random.Random) -> list[Document]:
    """``original`` unchanged copies and ``localized`` re-drawn ones, each with its own id."""
    out = [dataclasses.replace(doc, id=f"{doc.id}#o{i}") for i in range(original)]
    for i in range(localized):
        locale = rng.choice(LOCALE_CODES)
        script = "native" if locale in _NATIVE and rng.random() < 0.3 else "romanised"
        variant = localize_document(doc, locale, gender="keep", script=script,
                                    seed=rng.randrange(2**31))
        out.append(dataclasses.replace(variant, id=f"{doc.id}#{locale}{i}"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("markup", nargs="+", type=Path)
    ap.add_argument("-o", "--out", type=Path, required=True)
    ap.add_argument("--original", type=int, default=2)
    ap.add_argument("--localized", type=int, default=4)
    ap.add_argument("--seed", type=int, default=14170)
    ap.add_argument("--dev-last", type=int, default=0)
    ap.add_argument("--dev-out", type=Path)
    args = ap.parse_args(argv)
    if args.dev_last and args.dev_out is None:
        ap.error("--dev-last needs --dev-out")
    words = TitleWords.from_rules_table(None)
    rng = random.Random(args.seed)
    train: list[Document] = []
    dev: list[Document] = []
    cut = 0
    for path in args.markup:
        docs = [d for d in iter_markup(path) if isinstance(d, Document)]
        trimmed = [without_titles(d, words) for d in docs]
        cut += sum(a.start != b.start for d, t in zip(docs, trimmed, strict=True)
                   for a, b in zip(sorted(d.spans, key=lambda s: (s.start, s.end)), t.spans,
                                   strict=True))
        keep = len(trimmed) - args.dev_last if args.dev_last else len(trimmed)
        dev += trimmed[keep:]
        for doc in trimmed[:keep]:
            train += copies(doc, args.original, args.localized, rng)
    write_jsonl(train, args.out)
    if args.dev_out is not None:
        write_jsonl(dev, args.dev_out)
    print(f"{len(train)} training copies, {len(dev)} dev notes, {cut} name spans lost a title")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
