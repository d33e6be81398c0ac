"""Limited-data curve from the shipped model on a text format it has never seen (issue 16 item 6).

The question: a site has a few hundred annotated records of *its own* format. How far does
fine-tuning the shipped ``builtin:minilm-mc-deid`` on 50 / 100 / 250 / 500 of them get, compared
with a CRF trained on the same records, and with the shipped model as it is?

Format: Presidio-research's ``synth_dataset_v2.json`` (microsoft/presidio-research, MIT; 1,500
English records from 209 templates). Why this one:

* the synthetic generator never produces it: short one-line requests, chat and web sentences
  and multi-line postal addresses instead of clinical notes, with identifier types the notes
  rarely have (credit cards, IBANs, IPs, domains);
* it annotates differently (a ``STREET_ADDRESS`` runs from the house number to the country over
  line breaks; titles and nationalities are identifiers: OTHER), which is what a site's own
  annotation guideline does to a model trained elsewhere;
* it is English, so the curve measures a change of format and guideline, not of language
  (MEDDOCAN is Spanish); it is large enough for 500 training records plus a held-out set
  (ASQ-PHI has 351 records and is the project's dev set); MIMIC notes are not available here.

Protocol (seeded): records are grouped by ``template_id`` and whole templates are held out until
the evaluation set has ``--eval-n`` records, so no evaluation record shares a template with a
training record (a random split would reward memorising templates); the held-out set is the
same for every seed (``--split-seed``). Each of ``--seeds`` shuffles the remaining records once;
its training sets are nested prefixes of that shuffle. Each size trains (a) the shipped model
(``--init builtin:minilm-mc-deid``: torch weights rebuilt from its int8 graph) for ``--epochs``
epochs and (b) a CRF (coarse labels, default settings) on the same records. Scores: binary-token
precision / recall / F1 and strict F1 (``fairdeid.train.scoring``), coarse labels; mean and
range over the seeds.

Writes ``results.json`` (every run, the curve, the shipped model as it is) and
``limited_data_format.png`` to ``--out``.

    python benchmarks/limited_data_format.py --out build/limited-format \
        --seeds 13,14,15 --epochs 5 --max-length 64 --stride 16 --threads 1
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fairdeid.corpora.presidio import iter_presidio
from fairdeid.document import Document
from fairdeid.errors import RecordError
from fairdeid.train.scoring import score

DEFAULT_DATA = Path("../shared/data/presidio-synth/synth_dataset_v2.json")
SHIPPED = "builtin:minilm-mc-deid"
METRICS = ("binary_token_precision", "binary_token_recall", "binary_token_f1", "strict_f1")


def load(path: Path) -> tuple[list[Document], list[str]]:
    """Documents, and the locators of records that could not be read (kept in the results)."""
    docs: list[Document] = []
    errors: list[str] = []
    for item in iter_presidio(path):
        if isinstance(item, RecordError):
            errors.append(f"{item.record}: {item.reason}")
        else:
            docs.append(item)
    return docs, errors


def split_by_template(
    docs: Sequence[Document], eval_n: int, seed: int
) -> tuple[list[Document], list[Document]]:
    """(train pool, held-out): whole templates go to held-out until it has ``eval_n`` records."""
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        groups[str(doc.meta.get("template_id", doc.id))].append(doc)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    held: list[Document] = []
    pool: list[Document] = []
    for key in keys:
        (held if len(held) < eval_n else pool).extend(groups[key])
    return pool, held


def training_draw(pool: Sequence[Document], seed: int) -> list[Document]:
    """One shuffle of the pool: the training sets of a seed are its nested prefixes."""
    draw = list(pool)
    random.Random(seed).shuffle(draw)
    return draw


def scores(gold: Sequence[Document], detector: Any) -> dict[str, float]:
    return score(gold, detector.detect_batch(list(gold))).as_dict()


def train_transformer_on(
    docs: Sequence[Document], out: Path, args: argparse.Namespace, seed: int
) -> dict[str, Any]:
    from fairdeid.train.finetune import TrainConfig, resolve_init, train_transformer

    init = resolve_init(SHIPPED)
    cfg = TrainConfig(
        out=out, base=init, init=init, name=out.name, epochs=args.epochs,
        batch_size=args.batch_size, max_length=args.max_length, stride=args.stride,
        seed=seed, threads=args.threads,
    )
    return train_transformer(cfg, docs, progress=False)


def train_crf_on(docs: Sequence[Document], out: Path, seed: int) -> dict[str, Any]:
    from fairdeid.train.crf_train import CRFTrainConfig, train_crf

    return train_crf(CRFTrainConfig(out=out, seed=seed, name=out.name), docs)


def run_size(
    n: int, seed: int, draw: Sequence[Document], held: Sequence[Document], work: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    from fairdeid.detect.crf import CRFDetector
    from fairdeid.detect.transformer import TransformerDetector

    docs = list(draw[:n])
    row: dict[str, Any] = {
        "n": n, "seed": seed, "train_words": sum(len(d.text.split()) for d in docs)
    }
    cpu = time.process_time()
    tf_dir, crf_dir = work / f"tf-{n}-{seed}", work / f"crf-{n}-{seed}"
    summary = train_transformer_on(docs, tf_dir, args, seed)
    tf = TransformerDetector.load(tf_dir, backend="torch", threads=args.threads)
    row["transformer"] = {
        **scores(held, tf),
        "steps": summary["steps"],
        "train_seconds": summary["train_seconds"],
        "cpu_seconds": round(time.process_time() - cpu, 1),
    }
    cpu = time.process_time()
    crf_summary = train_crf_on(docs, crf_dir, seed)
    row["crf"] = {
        **scores(held, CRFDetector.load(crf_dir)),
        "train_seconds": crf_summary["train_seconds"],
        "cpu_seconds": round(time.process_time() - cpu, 1),
    }
    return row


def aggregate(runs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per size and system: mean, min and max of each metric over the seeds."""
    out = []
    for n in sorted({r["n"] for r in runs}):
        rows = [r for r in runs if r["n"] == n]
        entry: dict[str, Any] = {"n": n, "seeds": [r["seed"] for r in rows]}
        for system in ("transformer", "crf"):
            entry[system] = {
                m: {
                    "mean": round(statistics.fmean(r[system][m] for r in rows), 4),
                    "min": min(r[system][m] for r in rows),
                    "max": max(r[system][m] for r in rows),
                }
                for m in METRICS
            }
        out.append(entry)
    return out


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    rows = results["curve"]
    ns = [r["n"] for r in rows]
    panels = ("binary_token_recall", "binary_token_f1", "strict_f1")
    fig, axes = plt.subplots(1, len(panels), figsize=(13, 4), sharex=True)
    for ax, metric in zip(axes, panels, strict=True):
        for system, style, label in (("transformer", "o-", "shipped model, fine-tuned"),
                                     ("crf", "s--", "CRF, same records")):
            mean = [r[system][metric]["mean"] for r in rows]
            low = [r[system][metric]["mean"] - r[system][metric]["min"] for r in rows]
            high = [r[system][metric]["max"] - r[system][metric]["mean"] for r in rows]
            ax.errorbar(ns, mean, yerr=[low, high], fmt=style, capsize=3, label=label)
        ax.axhline(results["shipped_zero_shot"][metric], color="grey", linestyle=":",
                   label="shipped model as is")
        ax.set_xscale("log")
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("training records")
        ax.set_title(metric.replace("_", " "))
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="lower right", fontsize=8)
    seeds = len(rows[0]["seeds"]) if rows else 0
    fig.suptitle(f"Unseen format: {results['data']} (held-out templates, "
                 f"{results['eval_records']} records); mean and range over {seeds} seeds",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def print_table(results: dict[str, Any]) -> None:
    """The curve as a table: mean over the seeds, [min, max] beside it."""
    width = 22
    print(f"{'records':>7}  {'system':<12}  " + "  ".join(f"{m:>{width}}" for m in METRICS))
    print(f"{'0':>7}  {'shipped':<12}  " + "  ".join(
        f"{results['shipped_zero_shot'][m]:>{width}.4f}" for m in METRICS))
    for row in results["curve"]:
        for system in ("transformer", "crf"):
            cells = [row[system][m] for m in METRICS]
            print(f"{row['n']:>7}  {system:<12}  " + "  ".join(
                f"{c['mean']:.4f} [{c['min']:.3f},{c['max']:.3f}]".rjust(width) for c in cells))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sizes", default="50,100,250,500")
    parser.add_argument("--eval-n", type=int, default=300)
    parser.add_argument("--epochs", type=float, default=5.0)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--stride", type=int, default=32)
    parser.add_argument("--split-seed", type=int, default=13,
                        help="Which templates are held out (fixed across --seeds).")
    parser.add_argument("--seeds", default="13",
                        help="Comma-separated: each draws its own training records and seeds "
                             "its own training run.")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    from fairdeid.detect.transformer import TransformerDetector

    docs, errors = load(args.data)
    seeds = [int(s) for s in args.seeds.split(",")]
    pool, held = split_by_template(docs, args.eval_n, args.split_seed)
    if len(pool) < max(sizes):
        print(f"only {len(pool)} training records for size {max(sizes)}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {
        "data": args.data.name,
        "records": len(docs) + len(errors),
        "unreadable_records": errors,
        "eval_records": len(held),
        "eval_templates": len({d.meta.get("template_id") for d in held}),
        "pool_records": len(pool),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "command": " ".join(
            ["python", "benchmarks/limited_data_format.py", *(argv or sys.argv[1:])]
        ),
    }
    cpu = time.process_time()
    results["shipped_zero_shot"] = scores(held, TransformerDetector.load(SHIPPED, backend="onnx"))
    results["shipped_zero_shot"]["cpu_seconds"] = round(time.process_time() - cpu, 1)
    print(f"shipped model as is: {results['shipped_zero_shot']}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    results["runs"] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            draw = training_draw(pool, seed)
            for n in sizes:
                row = run_size(n, seed, draw, held, Path(tmp), args)
                results["runs"].append(row)
                print(f"n={n} seed={seed}: transformer {row['transformer']}\n"
                      f"       crf {row['crf']}", file=sys.stderr)
                results["curve"] = aggregate(results["runs"])
                (args.out / "results.json").write_text(
                    json.dumps(results, indent=2) + "\n", "utf-8"
                )
    plot(results, args.out / "limited_data_format.png")
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
