"""Choose a CRF's feature set and c1/c2 by k-fold cross-validation on MEDDOCAN **train**.

Why: the MEDDOCAN dev split is the measurement of the shipped pipeline; a setting read off it
would make that number a tuned one. The train split's folds answer the question instead: each
setting is trained on k-1 folds and scored on the one left out (the CRF alone, strict and
binary-token, coarse labels, sex/family/other spans left out as in ``train_pack_crfs.py``), and
the setting with the best mean strict F1 is the one to train the shipped model with.

    python scripts/crf_cv.py --features v1 v2 --grid 0.05,0.05 0.1,0.01 --folds 3
    python scripts/crf_cv.py --features v2 --grid 0.05,0.05 --json build/crf-cv.json

Output names settings, folds and scores only, never note text.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from fairdeid.corpora.meddocan import iter_meddocan
from fairdeid.detect.crf import FEATURE_SETS, CRFDetector
from fairdeid.document import Document
from fairdeid.errors import RecordError
from fairdeid.evaluate.metrics import summarise
from fairdeid.train.crf_train import CRFTrainConfig, train_crf

MEDDOCAN_TRAIN = Path("/work/shared/data/meddocan/brat/train")
#: labels that are not identifiers here (as in train_pack_crfs.MEDDOCAN_DROP)
DROP = frozenset({"OTHER"})


def load(path: Path) -> list[Document]:
    docs = []
    for item in iter_meddocan(path):
        if isinstance(item, RecordError):
            raise SystemExit(f"MEDDOCAN {item.record}: {item.reason}")
        docs.append(replace(item, spans=tuple(s for s in item.spans if s.label not in DROP)))
    return sorted(docs, key=lambda d: d.id)


def folds(docs: Sequence[Document], k: int, seed: int) -> list[list[Document]]:
    """``k`` folds of about equal size, the same for every setting (shuffled by ``seed``)."""
    order = list(docs)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def run_fold(train: list[Document], test: list[Document], features: str, c1: float, c2: float,
             args: argparse.Namespace, fold: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="crf-cv-"))
    keep = (args.keep / f"{features}-{c1:g}-{c2:g}-fold{fold}") if args.keep else None
    try:
        cfg = CRFTrainConfig(out=work / "m", c1=c1, c2=c2, max_iterations=args.max_iterations,
                             features=features,
                             gazetteers=args.gazetteers if features != "v1" else None)
        t0 = time.process_time()
        summary = train_crf(cfg, train)
        cpu = time.process_time() - t0
        det = CRFDetector.load(work / "m")
        pred = [d.with_spans(tuple(spans)) for d, spans in
                zip(test, det.detect_batch([d.with_spans(()) for d in test]), strict=True)]
        out = summarise(test, pred, n_boot=0).to_json()
        return {"strict_f1": out["strict"]["f1"], "strict_p": out["strict"]["precision"],
                "strict_r": out["strict"]["recall"], "token_r": out["binary_token"]["recall"],
                "token_p": out["binary_token"]["precision"], "train_words":
                summary["train_words"], "cpu_seconds": round(cpu, 1)}
    finally:
        if keep is not None and (work / "m").is_dir():
            # the fold's model, to read the pipeline's errors on the notes it never saw
            shutil.rmtree(keep, ignore_errors=True)
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / "m", keep)
        shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=MEDDOCAN_TRAIN)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--features", nargs="+", default=["v1", "v2"], choices=FEATURE_SETS)
    parser.add_argument("--gazetteers", default="es", help="pack word lists for v2 ('' none)")
    parser.add_argument("--grid", nargs="+", default=["0.05,0.05"], metavar="C1,C2")
    parser.add_argument("--max-iterations", type=int, default=150)
    parser.add_argument("--only-fold", type=int, help="run one fold only (a quick look)")
    parser.add_argument("--json", type=Path, help="append one JSON line per setting here")
    parser.add_argument("--keep", type=Path, help="keep each fold's model here "
                        "(<features>-<c1>-<c2>-fold<i>): the pipeline's errors on the fold "
                        "left out are then read with a model that never saw those notes")
    args = parser.parse_args(argv)
    args.gazetteers = args.gazetteers or None

    parts = folds(load(args.train), args.folds, args.seed)
    print(f"{'features':<9}{'c1':>6}{'c2':>6}{'fold':>5}{'strict F1':>10}{'P':>7}{'R':>7}"
          f"{'tok R':>7}{'tok P':>7}{'cpu s':>8}", flush=True)
    for features in args.features:
        for pair in args.grid:
            c1, c2 = (float(x) for x in pair.split(","))
            rows = []
            for i, test in enumerate(parts):
                if args.only_fold is not None and i != args.only_fold:
                    continue
                train = [d for j, part in enumerate(parts) if j != i for d in part]
                row = run_fold(train, test, features, c1, c2, args, i)
                rows.append(row)
                print(f"{features:<9}{c1:>6g}{c2:>6g}{i:>5}{row['strict_f1']:>10.4f}"
                      f"{row['strict_p']:>7.3f}{row['strict_r']:>7.3f}{row['token_r']:>7.3f}"
                      f"{row['token_p']:>7.3f}{row['cpu_seconds']:>8.0f}", flush=True)
            mean = sum(r["strict_f1"] for r in rows) / len(rows)
            print(f"{features:<9}{c1:>6g}{c2:>6g} mean strict F1 {mean:.4f}", flush=True)
            if args.json:
                args.json.parent.mkdir(parents=True, exist_ok=True)
                with args.json.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"features": features, "c1": c1, "c2": c2,
                                        "folds": rows, "mean_strict_f1": mean}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
