"""Recall vs training-set size, US-only vs multicultural augmentation, per locale.

The question: with few annotated notes whose names are all American (the usual situation of a
hospital starting out), how much NAME recall do patients from other locales lose, and how much
does re-drawing the identifiers from other locale pools during training (the BERT-MultiCulture-DEID
recipe) win back?

Protocol (seeded, no dev set is touched):

* training notes: ``fairdeid.corpora.synth`` notes generated with the en_US pool only;
* conditions: ``us_only`` (as generated), ``multicultural`` (identifiers re-drawn from a random
  locale per copy, excluding the ``--holdout`` locales), and for the transformer
  ``mc_nocase`` (multicultural without the case-feature token types);
* evaluation: separate en_US notes localized into every locale (romanised, plus native script for
  zh_CN / hi_IN / bn_BD); NAME recall = share of gold NAME spans fully covered, per locale.
  Held-out locales (never used in augmentation) show generalisation beyond the pools.

Writes ``results.json``, ``report.md`` and ``limited_data.png`` to ``--out``.

    python benchmarks/limited_data.py --kind crf --out build/limited-crf
    python benchmarks/limited_data.py --kind transformer --quick --out build/limited-tf
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fairdeid.corpora.multicultural import localize_documents
from fairdeid.corpora.synth import generate_notes
from fairdeid.document import Document
from fairdeid.locales import LOCALE_CODES
from fairdeid.train.scoring import score

NATIVE = ("zh_CN", "hi_IN", "bn_BD")


def eval_sets(n: int, seed: int) -> dict[str, list[Document]]:
    base = list(generate_notes(n, seed=seed, locales=["en_US"]))
    sets = {"en_US": base}
    for code in LOCALE_CODES:
        if code != "en_US":
            sets[code] = localize_documents(base, code, seed=seed)
    for code in NATIVE:
        sets[f"{code}:native"] = localize_documents(base, code, script="native", seed=seed)
    return sets


def _train(
    kind: str,
    condition: str,
    docs: Sequence[Document],
    locales: list[str],
    args: argparse.Namespace,
    workdir: Path,
) -> Any:
    aug = locales if condition != "us_only" else []
    if kind == "crf":
        from fairdeid.detect.crf import CRFDetector
        from fairdeid.train.crf_train import CRFTrainConfig, train_crf

        out = workdir / f"crf-{condition}-{len(docs)}"
        train_crf(CRFTrainConfig(out=out, seed=args.seed, epochs=2, augment_locales=aug), docs)
        return CRFDetector.load(out)
    from fairdeid.detect.transformer import TransformerDetector
    from fairdeid.train.finetune import TrainConfig, default_base, train_transformer

    out = workdir / f"tf-{condition}-{len(docs)}"
    steps = args.max_steps if args.max_steps else None
    cfg = TrainConfig(
        out=out,
        base=Path(args.base) if args.base else default_base(),
        epochs=args.epochs,
        max_steps=steps,
        max_length=args.max_length,
        stride=32,
        seed=args.seed,
        augment_locales=aug,
        case_features=condition != "mc_nocase",
        threads=args.threads,
        lr=args.lr,
    )
    train_transformer(cfg, docs, None, progress=False)
    return TransformerDetector.load(out, backend="torch", threads=args.threads, batch_size=32)


def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = [int(s) for s in args.sizes.split(",")]
    holdout = [h for h in args.holdout.split(",") if h]
    aug_locales = [c for c in LOCALE_CODES if c not in holdout]
    conditions = ["us_only", "multicultural"] + (
        ["mc_nocase"] if args.kind == "transformer" and args.case_ablation else []
    )
    pool = list(generate_notes(max(sizes), seed=args.seed, locales=["en_US"]))
    evals = eval_sets(args.eval_n, args.seed + 1000)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            docs = pool[:size]
            for condition in conditions:
                t0 = time.perf_counter()
                det = _train(args.kind, condition, docs, aug_locales, args, Path(tmp))
                train_s = time.perf_counter() - t0
                for locale, gold in evals.items():
                    preds = det.detect_batch(gold)
                    sc = score(gold, preds)
                    rows.append(
                        {
                            "size": size,
                            "condition": condition,
                            "locale": locale,
                            "name_recall": round(sc.label_recall("NAME"), 4),
                            "binary_token_recall": round(sc.recall, 4),
                            "binary_token_precision": round(sc.precision, 4),
                            "train_s": round(train_s, 1),
                            "heldout": locale.split(":")[0] in holdout,
                        }
                    )
                done = [r for r in rows if r["size"] == size and r["condition"] == condition]
                worst = min(done, key=lambda r: r["name_recall"])
                print(
                    f"size={size} {condition}: en_US NAME recall "
                    f"{done[0]['name_recall']:.3f}, worst {worst['locale']} "
                    f"{worst['name_recall']:.3f} ({train_s:.0f}s)",
                    file=sys.stderr,
                    flush=True,
                )
    return {
        "kind": args.kind,
        "sizes": sizes,
        "conditions": conditions,
        "holdout": holdout,
        "eval_notes_per_locale": args.eval_n,
        "seed": args.seed,
        "rows": rows,
        "quick": args.quick,
    }


def summarise(result: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for size in result["sizes"]:
        for cond in result["conditions"]:
            rs = [r for r in result["rows"] if r["size"] == size and r["condition"] == cond]
            if not rs:
                continue
            us = next(r for r in rs if r["locale"] == "en_US")
            worst = min(rs, key=lambda r: r["name_recall"])
            out.append(
                {
                    "size": size,
                    "condition": cond,
                    "en_US": us["name_recall"],
                    "mean": round(statistics.mean(r["name_recall"] for r in rs), 4),
                    "worst": worst["name_recall"],
                    "worst_locale": worst["locale"],
                    "gap_pts": round(100 * (us["name_recall"] - worst["name_recall"]), 1),
                    "bt_recall_mean": round(
                        statistics.mean(r["binary_token_recall"] for r in rs), 4
                    ),
                }
            )
    return out


def write_report(result: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    summary = summarise(result)
    lines = [
        f"# Limited data: {result['kind']}, US-only vs multicultural",
        "",
        "Training notes: synthetic, en_US identifiers only. "
        f"Eval: {result['eval_notes_per_locale']} en_US notes localized into each locale. "
        "Held-out locales (never used for augmentation):"
        f" {', '.join(result['holdout']) or 'none'}."
        + (" **Quick (reduced) run.**" if result["quick"] else ""),
        "",
        "| notes | condition | NAME recall en_US | mean over locales | worst locale | gap (pts) "
        "| binary-token recall (mean) |",
        "|---:|---|---:|---:|---|---:|---:|",
    ]
    for s in summary:
        lines.append(
            f"| {s['size']} | {s['condition']} | {s['en_US']:.3f} | {s['mean']:.3f} | "
            f"{s['worst_locale']} {s['worst']:.3f} | {s['gap_pts']:.1f} | "
            f"{s['bt_recall_mean']:.3f} |"
        )
    locales = sorted({r["locale"] for r in result["rows"]}, key=lambda x: (x != "en_US", x))
    lines += ["", "NAME recall per locale (largest size):", ""]
    size = max(result["sizes"])
    lines.append("| locale | " + " | ".join(result["conditions"]) + " |")
    lines.append("|---|" + "---:|" * len(result["conditions"]))
    for loc in locales:
        cells = []
        for cond in result["conditions"]:
            r = next(
                (
                    r
                    for r in result["rows"]
                    if r["size"] == size and r["condition"] == cond and r["locale"] == loc
                ),
                None,
            )
            cells.append("" if r is None else f"{r['name_recall']:.3f}")
        mark = " (held out)" if loc.split(":")[0] in result["holdout"] else ""
        lines.append(f"| {loc}{mark} | " + " | ".join(cells) + " |")
    (out / "report.md").write_text("\n".join(lines) + "\n", "utf-8")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for cond in result["conditions"]:
        rs = [s for s in summary if s["condition"] == cond]
        xs = [s["size"] for s in rs]
        (line,) = ax.plot(xs, [s["en_US"] for s in rs], marker="o", label=f"{cond}: en_US")
        ax.plot(
            xs,
            [s["worst"] for s in rs],
            marker="x",
            linestyle="--",
            color=line.get_color(),
            label=f"{cond}: worst locale",
        )
    ax.set_xscale("log")
    ax.set_xlabel("training notes")
    ax.set_ylabel("NAME recall")
    ax.set_title(f"{result['kind']}: NAME recall vs training size")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "limited_data.png", dpi=120)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kind", choices=["crf", "transformer"], default="crf")
    p.add_argument("--sizes", default="100,250,500,1000")
    p.add_argument("--out", type=Path, default=Path("build/limited-data"))
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--eval-n", type=int, default=100)
    p.add_argument("--holdout", default="en_NG,bn_BD")
    p.add_argument("--quick", action="store_true", help="Reduced run: fewer sizes and eval notes.")
    p.add_argument("--base", default=None)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--max-steps", type=int, default=0)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--case-ablation", action="store_true", help="Add mc_nocase (transformer).")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = (
            ",".join(args.sizes.split(",")[:2]) if args.sizes != "100,250,500,1000" else "100,250"
        )
        args.eval_n = min(args.eval_n, 40)
    result = run(args)
    write_report(result, args.out)
    print(json.dumps(summarise(result)))


if __name__ == "__main__":
    main()
