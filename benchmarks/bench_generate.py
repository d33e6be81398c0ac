"""How fast is the synthetic note generator? Target: 10,000 notes in under a minute.

    python benchmarks/bench_generate.py [-n 10000] [--seed 0] [--out /tmp/synth.jsonl]

Reports notes/s, spans, words and MB of JSONL, for generation alone and with JSONL writing.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="JSONL path (default: a temporary file)")
    args = parser.parse_args()

    from fairdeid.corpora.jsonl import write_jsonl
    from fairdeid.corpora.synth import NoteGenerator

    start = time.perf_counter()
    gen = NoteGenerator(args.seed)
    setup = time.perf_counter() - start

    start = time.perf_counter()
    docs = list(gen.generate(args.n))
    gen_s = time.perf_counter() - start

    out = args.out or os.path.join(tempfile.mkdtemp(), "synth.jsonl")
    start = time.perf_counter()
    write_jsonl(docs, out)
    write_s = time.perf_counter() - start

    labels = Counter(s.label for d in docs for s in d.spans)
    words = sum(len(d.text.split()) for d in docs)
    result = {
        "notes": args.n,
        "setup_s": round(setup, 3),
        "generate_s": round(gen_s, 3),
        "notes_per_s": round(args.n / gen_s, 1),
        "write_jsonl_s": round(write_s, 3),
        "total_s": round(setup + gen_s + write_s, 3),
        "spans": sum(labels.values()),
        "labels": len(labels),
        "words": words,
        "words_per_note": round(words / args.n, 1),
        "jsonl_mb": round(os.path.getsize(out) / 1e6, 2),
        "patients": len({d.meta["patient_id"] for d in docs}),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
