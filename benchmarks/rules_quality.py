"""Binary token-level recall/precision of the default (rules-only) pipeline on an annotated file.

Tokens are words and punctuation (regex ``\\w+|[^\\w\\s]``); a token is PHI if it overlaps a span.
Recall is the privacy number (what was missed stays in the text), precision the cost.

    python benchmarks/rules_quality.py ../shared/data/asq-phi/dev.jsonl
    python benchmarks/rules_quality.py --presidio \
        ../shared/data/presidio-synth/synth_dataset_v2.json
    python benchmarks/rules_quality.py FILE --show 20     # print missed / spurious tokens

``--show`` prints note text; use it only on public synthetic data, never on real notes.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.document import Document, Span
from fairdeid.pipeline import Pipeline

_TOKEN = re.compile(r"\w+|[^\w\s]")
# Presidio-research entity types that are not PHI in our taxonomy (kept as text)
_PRESIDIO_SKIP = {"NRP", "TITLE"}


def read_presidio(path: Path) -> list[Document]:
    docs = []
    for i, rec in enumerate(json.loads(path.read_text("utf-8"))):
        spans = [
            Span(s["start_position"], s["end_position"], "OTHER")
            for s in rec["spans"]
            if s["entity_type"] not in _PRESIDIO_SKIP and s["end_position"] > s["start_position"]
        ]
        docs.append(Document(id=f"presidio-{i}", text=rec["full_text"], spans=tuple(spans)))
    return docs


def token_flags(text: str, spans: tuple[Span, ...] | list[Span]) -> list[tuple[int, int, bool]]:
    covered = bytearray(len(text) + 1)
    for s in spans:
        covered[s.start : s.end] = b"\x01" * (s.end - s.start)
    return [(m.start(), m.end(), any(covered[m.start() : m.end()])) for m in _TOKEN.finditer(text)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--presidio", action="store_true", help="presidio-research JSON input")
    parser.add_argument("--show", type=int, default=0, help="print N missed and N spurious tokens")
    args = parser.parse_args()
    gold = read_presidio(args.path) if args.presidio else read_jsonl(args.path)
    pipeline = Pipeline.from_config(None, detectors=["rules"])
    predicted = pipeline.detect_batch([d.with_spans(()) for d in gold])
    tp = fp = fn = 0
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        for (s, e, is_gold), (_, _, is_pred) in zip(
            token_flags(g.text, g.spans), token_flags(g.text, p.spans), strict=True
        ):
            if is_gold and is_pred:
                tp += 1
            elif is_gold:
                fn += 1
                missed[g.text[max(0, s - 25) : e + 10].replace("\n", " ")] += 1
            elif is_pred:
                fp += 1
                src = next((x.source for x in p.spans if x.start < e and s < x.end), "?")
                spurious[
                    f"{g.text[s:e]!r} <{src}> " + g.text[max(0, s - 25) : e + 10].replace("\n", " ")
                ] += 1
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    print(f"documents={len(gold)} tokens_phi={tp + fn} tp={tp} fp={fp} fn={fn}")
    print(f"binary_token recall={recall:.4f} precision={precision:.4f} f1={f1:.4f}")
    if args.show:
        print("\n# missed (token in context)")
        for item, n in missed.most_common(args.show):
            print(f"{n:4d}  {item}")
        print("\n# spurious")
        for item, n in spurious.most_common(args.show):
            print(f"{n:4d}  {item}")


if __name__ == "__main__":
    main()
