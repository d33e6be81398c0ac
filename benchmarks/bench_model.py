"""Benchmark a transformer model directory: speed, memory, dev accuracy, locale/gender audit.

Everything the model card reports comes from this one script, so the numbers can be re-made:

* **speed**: warm words/s (whitespace words, DESIGN.md definition) of ``detect_batch`` over
  synthetic notes, model load seconds, and peak RSS -- each measured in a fresh subprocess so
  the RSS is the detector's alone (onnx backend never imports torch);
* **accuracy** on an annotated dev file (default: ASQ-PHI dev) for the model alone, the rules
  alone and rules + model through the real ``Pipeline`` (resolve step included);
* **audit**: NAME recall per locale (romanised and native script) and per gender on synthetic
  en_US notes localized to every locale.

    python benchmarks/bench_model.py --model builtin:minilm-mc-deid --out build/bench-model
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fairdeid.document import Document, Span

NATIVE = ("zh_CN", "hi_IN", "bn_BD")


def _speed_child(model: str, backend: str, n_notes: int, threads: int | None) -> None:
    """Runs in a subprocess: prints one JSON line with load time, words/s and peak RSS."""
    from fairdeid.corpora.synth import generate_notes
    from fairdeid.detect.transformer import TransformerDetector

    docs = list(generate_notes(n_notes, seed=4242))
    words = sum(len(d.text.split()) for d in docs)
    t0 = time.perf_counter()
    det = TransformerDetector.load(model, backend=backend, threads=threads, batch_size=16)
    load_s = time.perf_counter() - t0
    det.detect_batch(docs[:8])  # warm-up
    runs = []
    for _ in range(2):
        t1 = time.perf_counter()
        for i in range(0, len(docs), 32):
            det.detect_batch(docs[i : i + 32])
        runs.append(time.perf_counter() - t1)
    best = min(runs)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "backend": det.backend,
                "notes": len(docs),
                "words": words,
                "load_s": round(load_s, 2),
                "words_per_s": round(words / best, 1),
                "words_per_s_runs": [round(words / r, 1) for r in runs],
                "peak_rss_mb": round(rss_mb, 1),
                "torch_imported": "torch" in sys.modules,
            }
        )
    )


def speed(model: str, backend: str, n_notes: int, threads: int | None) -> dict[str, Any]:
    here = str(Path(__file__).parent)
    code = (
        f"import sys; sys.path.insert(0, {here!r}); import bench_model; "
        f"bench_model._speed_child({model!r}, {backend!r}, {n_notes:d}, {threads!r})"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def accuracy(model: str, dev: Path) -> dict[str, Any]:
    from fairdeid.corpora.jsonl import read_jsonl
    from fairdeid.pipeline import Pipeline
    from fairdeid.train.scoring import score

    gold = read_jsonl(dev)
    stripped = [Document(d.id, d.text, d.meta) for d in gold]
    config = {
        "pipeline": {"detectors": ["rules", "transformer"]},
        "detectors": {"transformer": {"model": model}},
        "resolve": {"preset": "safe_harbor"},
        "replace": {"mode": "tag"},
    }
    pipe = Pipeline.from_config(config)
    out: dict[str, Any] = {"dev": dev.name, "docs": len(gold)}
    for name, dets in (
        ("transformer", ["transformer"]),
        ("rules", ["rules"]),
        ("rules+transformer", ["rules", "transformer"]),
    ):
        pred = pipe.detect_batch(stripped, dets)
        sc = score(gold, [list(p.spans) for p in pred])
        no_age = [[s for s in p.spans if s.label != "AGE"] for p in pred]
        sc2 = score(gold, no_age)
        out[name] = {
            **sc.as_dict(),
            "binary_token_precision_without_AGE": round(sc2.precision, 4),
            "binary_token_recall_without_AGE": round(sc2.recall, 4),
        }
    return out


def audit(model: str, n: int, seed: int) -> dict[str, Any]:
    from fairdeid.corpora.multicultural import localize_documents
    from fairdeid.corpora.synth import generate_notes
    from fairdeid.detect.transformer import TransformerDetector
    from fairdeid.locales import LOCALE_CODES

    det = TransformerDetector.load(model, batch_size=16)
    base = list(generate_notes(n, seed=seed, locales=["en_US"]))
    sets: dict[str, list[Document]] = {}
    for code in LOCALE_CODES:
        sets[code] = base if code == "en_US" else localize_documents(base, code, seed=seed)
    for code in NATIVE:
        sets[f"{code}:native"] = localize_documents(base, code, script="native", seed=seed)
    by_locale: dict[str, float] = {}
    gender_hit: Counter[str] = Counter()
    gender_total: Counter[str] = Counter()
    for locale, docs in sets.items():
        preds = det.detect_batch(docs)
        hit = total = 0
        for doc, spans in zip(docs, preds, strict=True):
            covered = _covered(len(doc.text), spans)
            for s in doc.spans:
                if s.label not in ("PATIENT", "DOCTOR", "USERNAME", "NAME"):
                    continue
                ok = all(covered[s.start : s.end])
                hit += ok
                total += 1
                g = str(s.attrs.get("gender", "unknown"))
                gender_hit[g] += ok
                gender_total[g] += 1
        by_locale[locale] = round(hit / total, 4) if total else float("nan")
    us = by_locale["en_US"]
    worst = min(by_locale, key=lambda k: by_locale[k])
    return {
        "notes_per_locale": n,
        "name_recall_by_locale": by_locale,
        "name_recall_by_gender": {
            g: round(gender_hit[g] / gender_total[g], 4) for g in sorted(gender_total)
        },
        "worst_locale": worst,
        "worst_gap_pts": round(100 * (us - by_locale[worst]), 2),
        "mean": round(statistics.mean(by_locale.values()), 4),
    }


def _covered(n: int, spans: Sequence[Span]) -> list[bool]:
    mask = [False] * n
    for s in spans:
        for i in range(s.start, min(s.end, n)):
            mask[i] = True
    return mask


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="builtin:minilm-mc-deid")
    p.add_argument("--dev", type=Path, default=Path("/work/shared/data/asq-phi/dev.jsonl"))
    p.add_argument("--out", type=Path, default=Path("build/bench-model"))
    p.add_argument("--notes", type=int, default=150, help="Synthetic notes for the speed run.")
    p.add_argument("--audit-notes", type=int, default=60)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--skip", default="", help="Comma list of parts to skip: speed,accuracy,audit")
    args = p.parse_args(argv)
    skip = set(args.skip.split(","))
    result: dict[str, Any] = {"model": args.model}
    if "speed" not in skip:
        result["speed_onnx"] = speed(args.model, "onnx", args.notes, args.threads)
        print(json.dumps(result["speed_onnx"]), file=sys.stderr, flush=True)
    if "accuracy" not in skip and args.dev.is_file():
        result["accuracy"] = accuracy(args.model, args.dev)
        print(json.dumps(result["accuracy"]), file=sys.stderr, flush=True)
    if "audit" not in skip:
        result["audit"] = audit(args.model, args.audit_notes, seed=31)
        print(json.dumps(result["audit"]), file=sys.stderr, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_model.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
