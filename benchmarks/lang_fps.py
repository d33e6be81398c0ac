"""List what a language pack tags that is not PHI: each false-positive span with its source.

Precision work starts from the false positives, grouped by the detector and rule that made them
(``Span.source``: "transformer:minilm-mc-deid", "rules:location.city", "crf:crf-fr-mw"). For each
predicted span with characters outside every gold span this prints the note id, FULL (no gold
character in it) or PART (it runs past a gold span), the false-positive character count, label,
source, score, the span's text and its context, then the false-positive characters per source.

    python benchmarks/lang_fps.py benchmarks/data/lang/fr_heldout3.markup
    python benchmarks/lang_fps.py benchmarks/data/lang/train/nl_w1.markup --by-source

Unlike ``lang_devsets.py`` this prints note text, so it refuses the sets whose false positives
must stay unread: blind sets (``_blind`` in the name) and the held-out training writers
(``_w7``, ``_w8``); score those with ``lang_devsets.py``. ``--allow-blind`` reads blind sets that
are dev sets now (they are named in the CHANGELOG once measured).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from lang_devsets import read_devset  # noqa: E402

from fairdeid.document import Document  # noqa: E402

#: sets whose false positives must stay unread (held out)
HELD_OUT = re.compile(r"_(w7|w8)$")
BLIND = re.compile(r"_blind")


@dataclass(frozen=True)
class FalsePositive:
    """One predicted span with characters outside the gold."""

    note: str
    start: int
    end: int
    label: str
    source: str
    score: float
    #: non-space characters of the span that no gold span covers
    chars: int
    #: True when no gold character is in the span at all
    full: bool


def false_positives(gold: Document, pred: Document) -> list[FalsePositive]:
    """The spans of ``pred`` with non-space characters outside every gold span of ``gold``."""
    inside = bytearray(len(gold.text))
    for span in gold.spans:
        inside[span.start : span.end] = b"\x01" * (span.end - span.start)
    out = []
    for span in sorted(pred.spans, key=lambda s: (s.start, s.end)):
        chars = [i for i in range(span.start, span.end) if not gold.text[i].isspace()]
        outside = [i for i in chars if not inside[i]]
        if outside:
            out.append(FalsePositive(gold.id, span.start, span.end, span.label, span.source,
                                     span.score, len(outside), len(outside) == len(chars)))
    return out


def readable(path: Path, allow_blind: bool) -> bool:
    """Whether this set's false positives may be read (not held out, not blind unless allowed)."""
    stem = path.stem
    return not HELD_OUT.search(stem) and (allow_blind or not BLIND.search(stem))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="markup files")
    parser.add_argument("--by-source", action="store_true",
                        help="only the false-positive characters per source")
    parser.add_argument("--allow-blind", action="store_true",
                        help="read blind sets that are dev sets now (never _blind8, _w7, _w8)")
    args = parser.parse_args(argv)
    refused = [p for p in args.paths if not readable(p, args.allow_blind) or "_blind8" in p.stem]
    if refused:
        print("held-out or blind sets, not read: " + ", ".join(p.name for p in refused),
              file=sys.stderr)
        return 2

    from fairdeid.evaluate import predict
    from fairdeid.lang.packs import load_pack
    from fairdeid.pipeline import Pipeline

    per_source: Counter[str] = Counter()
    for path in args.paths:
        dev = read_devset(path)
        pipeline = Pipeline.from_config(load_pack(dev.language).config, mode="tag")
        pred, _ = predict(pipeline, dev.notes)
        for gold, found in zip(dev.notes, pred, strict=True):
            for fp in false_positives(gold, found):
                per_source[fp.source] += fp.chars
                if args.by_source:
                    continue
                text = gold.text
                context = (text[max(0, fp.start - 40) : fp.start] + "[[" + text[fp.start : fp.end]
                           + "]]" + text[fp.end : fp.end + 40])
                print(f"{fp.note}\t{'FULL' if fp.full else 'PART'}\t{fp.chars}\t{fp.label}\t"
                      f"{fp.source}\t{fp.score:.2f}\t{text[fp.start : fp.end]!r}\t{context!r}")
    for source, chars in per_source.most_common():
        print(f"{chars:>6}  {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
