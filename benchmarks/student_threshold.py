"""Sweep a learned detector's threshold on hand-written gold sets against a reference pipeline.

Why: the 3-layer student (``configs/fast.toml``) got its threshold from synthetic notes, and its
word scores sit lower on hand-written notes (the student's MODEL_CARD.md, "Version 3 on
hand-written notes"). ``calibrate_threshold.py`` generates synthetic dev notes and resolves
with the resolver alone; this script reads any gold sets (markup, JSONL, the layout-stress
file), finishes every span exactly as ``fairdeid evaluate`` does (learned-span trim, resolve,
name propagation, titles: ``Pipeline.resolve_proposals``) and scores the reference pipeline
(default: the packaged default) beside the candidate at every threshold.

Each pipeline's detectors run **once** per note (``Pipeline.propose``); each threshold then only
re-runs the finishing steps and the metric core, so a sweep costs one detection pass per config.
Notes the language router sends to a pack are finished by that pack's pipeline, whose
thresholds are its own (``pack_config`` does not pass them on), as in ``fairdeid evaluate``.

Rule (stated before any curve was read, issue 14): pool the **tuning** sets' counts; the chosen
threshold is the **highest** one on the grid whose pooled binary-token recall is at least the
reference pipeline's pooled recall minus ``--tolerance`` (0.1 points). When no threshold
reaches that, the script says so and names the threshold of highest pooled recall (the highest
of ties) for the record; the held-out sets are then read at the chosen threshold only.

    python benchmarks/student_threshold.py -c configs/fast.toml \\
        --tune benchmarks/data/en_train/en_w1.markup ... \\
        --held-out benchmarks/data/en_blind5.markup \\
        --json build/student-thr.json

Set names: a path (markup, JSONL, brat folder: ``fairdeid.corpora.formats``), ``stress`` (the
layout-stress file scored against its Safe Harbor gold, as ``layout_stress.py``) or
``synth:SEED`` (300 generated notes of that seed, as ``fairdeid generate -n 300``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from fairdeid.document import Document
from fairdeid.evaluate import metrics
from fairdeid.evaluate.runner import load_documents
from fairdeid.pipeline import Pipeline, Proposal
from fairdeid.resolve import Resolver
from fairdeid.taxonomy import COARSE_LABELS

#: Notes per ``propose`` call (as ``fairdeid evaluate``).
CHUNK = 32


@dataclasses.dataclass
class GoldSet:
    """One named gold set: the documents detectors see and the gold they are scored against."""

    name: str
    docs: list[Document]
    gold: list[Document]


def load_set(spec: str) -> GoldSet:
    """``stress``, ``synth:SEED`` or a gold path (see the module docstring)."""
    if spec == "stress":
        sys.path.insert(0, str(Path(__file__).parent))
        import layout_stress as ls

        from fairdeid.corpora.jsonl import read_jsonl

        docs = list(read_jsonl(ls.DATA))
        return GoldSet("layout stress (Safe Harbor gold)", docs, ls.safe_harbor_gold(docs))
    if spec.startswith("synth:"):
        from fairdeid.corpora.synth import generate_notes

        seed = int(spec.split(":", 1)[1])
        docs = list(generate_notes(300, seed=seed))
        return GoldSet(f"synthetic seed {seed}", docs, docs)
    docs, skipped = load_documents(spec)
    if skipped:
        raise SystemExit(f"{spec}: {len(skipped)} records could not be read")
    return GoldSet(Path(spec).stem, docs, docs)


def propose(pipeline: Pipeline, docs: Sequence[Document]) -> list[Proposal]:
    """Every detector's raw spans per note, gold spans stripped first; fails on detector errors."""
    bare = [d.with_spans(()) for d in docs]
    out: list[Proposal] = []
    for i in range(0, len(bare), CHUNK):
        out.extend(pipeline.propose(bare[i : i + CHUNK]))
    failed = [p for p in out if p.errors]
    if failed:
        raise SystemExit(f"a detector failed on {len(failed)} notes; no scores")
    return out


def with_threshold(pipeline: Pipeline, detector: str, threshold: float | None) -> Pipeline:
    """The same pipeline (detectors, config, routing) resolving with ``threshold`` for
    ``detector`` (``None``: its own)."""
    if threshold is None:
        return pipeline
    base = pipeline.resolver.config
    config = dataclasses.replace(base, thresholds={**dict(base.thresholds), detector: threshold})
    return Pipeline(
        pipeline.detectors, Resolver(config, language=pipeline.resolver.language),
        pipeline.replacer, pipeline.config, pipeline.chunking,
        language=pipeline.language, router=pipeline.router,
    )


def finish(
    pipeline: Pipeline, docs: Sequence[Document], proposals: Sequence[Proposal]
) -> list[Document]:
    """Final spans per note, each by the pipeline of the language that proposed them."""
    out = []
    for doc, proposal in zip(docs, proposals, strict=True):
        target = pipeline
        if proposal.language != pipeline.language and pipeline.router is not None:
            target = pipeline.router.pipeline(proposal.language, pipeline.replacer.mode)
        bare = doc.with_spans(())
        out.append(bare.with_spans(target.resolve_proposals(bare, proposal.spans)))
    return out


def scores(totals: np.ndarray) -> dict[str, Any]:
    """Binary-token recall / precision and, per label, partial span recall and covered token
    recall (the ``fairdeid evaluate --json`` figures), from summed count rows."""
    token = metrics.prf(totals, "token")
    by_label: dict[str, dict[str, float | None]] = {}
    for label in COARSE_LABELS:
        support = int(totals[metrics.COL[f"{label}.span.gold"]])
        if not support:
            continue
        gold_tokens = int(totals[metrics.COL[f"{label}.token.gold"]])
        by_label[label] = {
            "support": support,
            "partial_recall": _num(metrics.prf(totals, "partial", label)["recall"]),
            "token_recall": _num(metrics.covered_recall(totals, label)),
            "tokens": gold_tokens,
            "missed_tokens": gold_tokens - int(totals[metrics.COL[f"{label}.token.covered"]]),
        }
    return {
        "recall": float(token["recall"]),
        "precision": float(token["precision"]),
        "missed_tokens": int(totals[metrics.COL["token.fn"]]),
        "false_positive_tokens": int(totals[metrics.COL["token.fp"]]),
        "by_label": by_label,
    }


def _num(value: object) -> float | None:
    number = float(np.asarray(value))
    return None if np.isnan(number) else round(number, 4)


def choose(rows: dict[float, float], target: float) -> tuple[float, bool]:
    """The highest threshold whose recall is ``>= target``; else the best recall's (highest of
    ties). Returns the threshold and whether the target was reached."""
    reached = [t for t, r in rows.items() if r >= target]
    if reached:
        return max(reached), True
    best = max(rows.values())
    return max(t for t, r in rows.items() if r == best), False


def print_gap(result: dict[str, Any], per_set: dict[str, Any], thresholds: Sequence[float]) -> None:
    """What the candidate's recall gap is made of: gold tokens it misses beyond the
    reference's, by label, on the held-out sets (at the chosen threshold and at the grid's
    lowest, where the threshold no longer cuts anything the model proposed)."""
    held = [spec for spec, info in result["sets"].items() if info["kind"] == "held_out"]
    if not held:
        return
    print("\nmissed gold tokens, candidate - reference (by label; + = candidate misses more):")
    for spec in held:
        ref = per_set[spec]["reference"]
        for t in thresholds:
            cand = per_set[spec]["candidate"][str(t)]
            parts = [
                f"{label} {cand['by_label'][label]['missed_tokens'] - entry['missed_tokens']:+d}"
                f"/{entry['tokens']}"
                for label, entry in ref["by_label"].items()
            ]
            print(f"- {result['sets'][spec]['name']} at {t:.2f}: all "
                  f"{cand['missed_tokens'] - ref['missed_tokens']:+d} "
                  f"(reference misses {ref['missed_tokens']}); " + ", ".join(parts))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-c", "--config", type=Path, required=True, help="candidate pipeline TOML")
    ap.add_argument("--reference", type=Path, default=None,
                    help="reference pipeline TOML (default: the packaged one)")
    ap.add_argument("--detector", default="transformer", help="detector whose threshold to sweep")
    ap.add_argument("--tune", nargs="+", required=True, help="sets the rule pools")
    ap.add_argument("--held-out", nargs="*", default=[], help="sets read after the choice")
    ap.add_argument("--report", nargs="*", default=[], help="more sets, scored at every threshold")
    ap.add_argument("--tolerance", type=float, default=0.001, help="recall below the reference's")
    ap.add_argument("--grid", default="0.05:0.60:0.01", help="START:STOP:STEP, both ends included")
    ap.add_argument("--json", type=Path, default=None, help="write every number here")
    args = ap.parse_args(argv)

    start, stop, step = (float(x) for x in args.grid.split(":"))
    grid = [round(x, 4) for x in np.arange(start, stop + step / 2, step)]
    reference = Pipeline.from_config(args.reference, mode="tag")
    candidate = Pipeline.from_config(args.config, mode="tag")
    if args.detector not in candidate.detectors:
        ap.error(f"detector {args.detector!r} is not in {args.config}")
    own = candidate.resolver.config.thresholds.get(args.detector)

    kinds = {"tune": args.tune, "held_out": args.held_out, "report": args.report}
    result: dict[str, Any] = {"config": str(args.config), "reference": str(args.reference or
                              "default"), "own_threshold": own, "grid": grid, "sets": {}}
    # per set: reference count rows and the candidate's at each threshold
    ref_rows: dict[str, np.ndarray] = {}
    cand_rows: dict[str, dict[float, np.ndarray]] = {}
    for kind, specs in kinds.items():
        for spec in specs:
            t0 = time.process_time()
            gs = load_set(spec)
            ref_pred = finish(reference, gs.docs, propose(reference, gs.docs))
            ref_rows[spec] = metrics.count_matrix(gs.gold, ref_pred)
            proposals = propose(candidate, gs.docs)
            cand_rows[spec] = {
                t: metrics.count_matrix(
                    gs.gold, finish(with_threshold(candidate, args.detector, t), gs.docs,
                                    proposals))
                for t in grid
            }
            routed = sum(p.language != candidate.language for p in proposals)
            print(f"{gs.name}: {len(gs.docs)} notes ({routed} to a pack), "
                  f"{time.process_time() - t0:.0f} CPU-s", file=sys.stderr, flush=True)
            result["sets"][spec] = {"name": gs.name, "kind": kind, "notes": len(gs.docs),
                                    "routed_to_packs": routed}

    def pooled(specs: Sequence[str], t: float | None) -> np.ndarray:
        rows = [ref_rows[s] if t is None else cand_rows[s][t] for s in specs]
        return np.concatenate(rows).sum(axis=0)

    ref_tune = scores(pooled(args.tune, None))
    curve = {t: scores(pooled(args.tune, t)) for t in grid}
    target = ref_tune["recall"] - args.tolerance
    chosen, reached = choose({t: c["recall"] for t, c in curve.items()}, target)
    result.update(
        rule=f"highest threshold with pooled tuning recall >= reference - {args.tolerance}",
        reference_tune=ref_tune, tune_curve={str(t): c for t, c in curve.items()},
        target=target, chosen=chosen, target_reached=reached,
    )
    print(f"\ntuning sets pooled: reference R {ref_tune['recall']:.4f} P "
          f"{ref_tune['precision']:.4f}; target recall >= {target:.4f}")
    print("| threshold | pooled R | pooled P | R - ref (points) |")
    print("|---:|---:|---:|---:|")
    for t, c in curve.items():
        mark = " **chosen**" if t == chosen else (" (own)" if t == own else "")
        print(f"| {t:.2f}{mark} | {c['recall']:.4f} | {c['precision']:.4f} | "
              f"{100 * (c['recall'] - ref_tune['recall']):+.2f} |")
    print(f"\nchosen {args.detector} = {chosen:.2f} "
          f"({'target reached' if reached else 'TARGET NOT REACHED: best pooled recall'})")

    shown = [t for t in (own, chosen) if t is not None]
    print("\n| set | kind | reference R / P | " + " | ".join(
        f"candidate {t:.2f} R / P (ΔR, ΔP)" for t in shown) + " |")
    print("|---|---|---|" + "---|" * len(shown))
    per_set: dict[str, Any] = {}
    for spec, info in result["sets"].items():
        ref = scores(ref_rows[spec].sum(axis=0))
        at = {str(t): scores(cand_rows[spec][t].sum(axis=0)) for t in grid}
        per_set[spec] = {"reference": ref, "candidate": at}
        cells = []
        for t in shown:
            c = at[str(t)]
            cells.append(f"{c['recall']:.4f} / {c['precision']:.4f} "
                         f"({100 * (c['recall'] - ref['recall']):+.2f}, "
                         f"{100 * (c['precision'] - ref['precision']):+.2f})")
        print(f"| {info['name']} | {info['kind']} | {ref['recall']:.4f} / "
              f"{ref['precision']:.4f} | " + " | ".join(cells) + " |")
    result["per_set"] = per_set
    print_gap(result, per_set, [chosen, grid[0]])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
