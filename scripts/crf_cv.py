"""Choose a CRF's feature set and c1/c2 by k-fold cross-validation on MEDDOCAN **train**.

Why: the MEDDOCAN dev split is the measurement of the shipped pipeline; a setting read off it
would make that number a tuned one. The train split's folds answer the question instead: each
setting is trained on k-1 folds and scored on the one left out (the CRF alone, strict and
binary-token, coarse labels, sex/family/other spans left out as in ``train_pack_crfs.py``), and
the setting with the best mean strict F1 is the one to train the shipped model with.

    python scripts/crf_cv.py --features v1 v2 --grid 0.05,0.05 0.1,0.01 --folds 3
    python scripts/crf_cv.py --features v2 --grid 0.05,0.05 --json build/crf-cv.json
    python scripts/crf_cv.py --features v1 --only-fold 0 --pipeline-errors

``--pipeline-errors`` also scores the whole Spanish pack (its rules, resolve and the fold's model
in place of the shipped one) on the fold left out, against the gold its policy removes (as
``fairdeid evaluate --scope preset``), and counts its errors by class: how the rule work of a
round finds its largest classes on train without ever reading dev.

Output names settings, folds, scores and error counts only, never note text.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from fairdeid.corpora.meddocan import iter_meddocan
from fairdeid.detect.crf import FEATURE_SETS, CRFDetector
from fairdeid.document import Document
from fairdeid.errors import RecordError
from fairdeid.evaluate.metrics import summarise
from fairdeid.evaluate.scope import scope_to_policy
from fairdeid.taxonomy import coarse
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


def load_full(path: Path, ids: set[str]) -> list[Document]:
    """The notes ``ids`` with every gold span (sex and relatives too: the policy decides)."""
    docs = [d for d in iter_meddocan(path) if isinstance(d, Document) and d.id in ids]
    return sorted(docs, key=lambda d: d.id)


def folds(docs: Sequence[Document], k: int, seed: int) -> list[list[Document]]:
    """``k`` folds of about equal size, the same for every setting (shuffled by ``seed``)."""
    order = list(docs)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


#: one error: (coarse label, class, "FN" or "FP")
ErrorKey = tuple[str, str, str]


def _class(span: tuple[int, int, str], others: list[tuple[int, int, str]],
           own: list[tuple[int, int, str]], side: str) -> str:
    """The class of ``span`` (a gold span for an FN, a prediction for an FP) that has no exact
    match among ``others``, the other side's spans; ``own`` are its own side's."""
    overlapping = [o for o in others if o[0] < span[1] and span[0] < o[1]]
    same = [o for o in overlapping if o[2] == span[2]]
    if not overlapping:
        return "missed" if side == "FN" else "spurious"
    if not same:
        return "other-label"
    pred, gold, golds = (same[0], span, own) if side == "FN" else (span, same[0], others)
    if sum(1 for g in golds if pred[0] <= g[0] and g[1] <= pred[1]) >= 2:
        return "joined"
    if pred[0] <= gold[0] and gold[1] <= pred[1]:
        return "pred-longer"
    if gold[0] <= pred[0] and pred[1] <= gold[1]:
        return "pred-shorter"
    return "shifted"


def error_classes(gold: Document, pred: Document) -> Counter[ErrorKey]:
    """Strict errors of one note by coarse label and class.

    A gold span without an exact same-label prediction is an FN, a prediction without an exact
    gold span an FP. Classes: "missed" / "spurious" (nothing overlaps it), "other-label", "joined"
    (one prediction over two or more gold spans), "pred-longer" / "pred-shorter" (the
    prediction contains, or lies inside, its gold span) and "shifted". Why by class: a rule
    round fixes classes, not notes, and the counts say which class is largest without showing
    any note's text.
    """
    g = [(s.start, s.end, coarse(s.label)) for s in gold.spans]
    p = [(s.start, s.end, coarse(s.label)) for s in pred.spans]
    out: Counter[ErrorKey] = Counter()
    gold_set, pred_set = set(g), set(p)
    for span in g:
        if span not in pred_set:
            out[(span[2], _class(span, p, g, "FN"), "FN")] += 1
    for span in p:
        if span not in gold_set:
            out[(span[2], _class(span, g, p, "FP"), "FP")] += 1
    return out


def pipeline_errors(
    test: list[Document], model: Path
) -> tuple[float | None, Counter[ErrorKey]]:
    """The Spanish pack with ``model`` as its CRF on ``test`` (gold with every label, sex and
    relatives included): strict F1 against the gold its policy removes, and the errors by
    class."""
    from fairdeid.lang.routing import pack_config
    from fairdeid.pipeline import Pipeline, load_config

    config = pack_config("es", load_config(None))
    config["detectors"]["crf"] = {**config["detectors"]["crf"], "model": str(model.resolve())}
    pipeline = Pipeline.from_config(config)
    found = [det.document for det in pipeline.detect_batch([d.with_spans(()) for d in test])]
    gold, pred, _ = scope_to_policy(test, found, [pipeline.resolver] * len(test))
    counts: Counter[ErrorKey] = Counter()
    for g, p in zip(gold, pred, strict=True):
        counts.update(error_classes(g, p))
    f1 = summarise(gold, pred, n_boot=0).to_json()["strict"]["f1"]
    return (None if f1 is None else float(f1)), counts


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
        row = {"strict_f1": out["strict"]["f1"], "strict_p": out["strict"]["precision"],
               "strict_r": out["strict"]["recall"], "token_r": out["binary_token"]["recall"],
               "token_p": out["binary_token"]["precision"], "train_words":
               summary["train_words"], "cpu_seconds": round(cpu, 1)}
        if args.pipeline_errors:
            f1, counts = pipeline_errors(load_full(args.train, {d.id for d in test}), work / "m")
            row["pipeline_strict_f1"] = f1
            row["pipeline_errors"] = {"|".join(k): n for k, n in counts.most_common()}
        return row
    finally:
        if keep is not None and (work / "m").is_dir():
            # the fold's model, to read the pipeline's errors on the notes it never saw
            shutil.rmtree(keep, ignore_errors=True)
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / "m", keep)
        shutil.rmtree(work, ignore_errors=True)


def fmt(value: float | None, width: int, digits: int) -> str:
    """A score right-aligned in ``width``; "-" where there was nothing to measure (a model that
    found nothing has no precision), which the metrics give as ``None``."""
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


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
    parser.add_argument("--pipeline-errors", action="store_true",
                        help="also score the Spanish pack with the fold's model on the fold left "
                        "out (--scope preset) and count its errors by class")
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
                print(f"{features:<9}{c1:>6g}{c2:>6g}{i:>5}{fmt(row['strict_f1'], 10, 4)}"
                      f"{fmt(row['strict_p'], 7, 3)}{fmt(row['strict_r'], 7, 3)}"
                      f"{fmt(row['token_r'], 7, 3)}{fmt(row['token_p'], 7, 3)}"
                      f"{row['cpu_seconds']:>8.0f}", flush=True)
                if args.pipeline_errors:
                    print(f"  es pack on fold {i} (--scope preset): strict F1 "
                          f"{fmt(row['pipeline_strict_f1'], 0, 4)}", flush=True)
                    for key, n in row["pipeline_errors"].items():
                        label, kind, side = key.split("|")
                        print(f"  {n:>5} {label:<11}{kind:<19}{side}", flush=True)
            mean = sum(r["strict_f1"] or 0.0 for r in rows) / len(rows)
            print(f"{features:<9}{c1:>6g}{c2:>6g} mean strict F1 {mean:.4f}", flush=True)
            if args.json:
                args.json.parent.mkdir(parents=True, exist_ok=True)
                with args.json.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"features": features, "c1": c1, "c2": c2,
                                        "folds": rows, "mean_strict_f1": mean}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
