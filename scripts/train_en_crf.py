"""Train an English CRF on the generator's notes and many writers' hand-written notes, then score
the default pipeline with and without it on hand-written sets it did not train on (issues 12, 16).

Why: the language packs' many-writers CRFs raised unseen writers' notes 6-14 points beside their
rules (docs/language-packs.md, "Models"); English runs rules + an encoder trained on the
generator's notes only. This script asks the same question for English, with the same protocol
(``scripts/train_pack_crfs.py``, whose markup reader and scoring it reuses): train on synthetic
notes plus hand-written sets (each note repeated ``--markup-weight`` times), score held-out sets
by other writers with the default pipeline (rules + encoder), the CRF alone, and the default
pipeline + CRF at several CRF thresholds (character and binary-token recall/precision).

    python scripts/train_en_crf.py --markup benchmarks/data/en_train/en_w1.markup \\
        benchmarks/data/en_train/en_w2.markup benchmarks/data/en_blind1.markup \\
        --eval benchmarks/data/en_blind2.markup benchmarks/data/en_blind3.markup \\
        --json build/en-crf/fold1.json

The guard rails of issue 12 measure "the default pipeline"; ``--bench`` runs such a script with
the CRF beside it, and ``--speed`` times the CRF alone on the same corpora:

    python scripts/train_en_crf.py --model build/en-crf/fold1/crf-en-mw --threshold 0.6 \\
        --bench benchmarks/layout_stress.py
    python scripts/train_en_crf.py --model build/en-crf/fold1/crf-en-mw --speed

Measured so far (docs/training.md, "English: a CRF trained on many writers' notes"): +1.1-1.4
points of held-out recall, but the guard rails fail (ASQ-PHI and layout-stress precision, CPU),
so no English many-writers CRF ships.

A file is never both trained on and scored on, and ``en_blind4`` (another writer's set, measured
once at the end by the maintainer) is neither trained on nor scored: the script refuses it.

The generator's gold follows its own conventions where the hand-written English sets (and the
default pipeline's safe_harbor policy) follow i2b2-2014 / ASQ-PHI: it marks every age, years
alone and generic specialties ("Urology", "SICU") as DEPARTMENT. Trained on both, a CRF would
learn two answers for one context, so those spans are dropped from the synthetic notes
(``english_convention``). Output names files, pipelines and labels only, never note text.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from fairdeid.corpora.synth import NoteGenerator
from fairdeid.document import Document, Span
from fairdeid.pipeline import Pipeline, load_config
from fairdeid.train.crf_train import CRFTrainConfig, train_crf

ROOT = Path(__file__).resolve().parents[1]
PACK_SCRIPT = ROOT / "scripts" / "train_pack_crfs.py"
#: markup sets that are never trained on nor scored here: the last, once-only measurement
NEVER_USED = ("_blind4", "_blind5")
#: generator seeds of the English dev and guard-rail sets (synthetic dev 202, layout-stress 303,
#: threshold calibration 777001): never trained on, or those guard rails would read training notes
DEV_SEEDS = frozenset({202, 303, 777001})
#: the English guard-rail set of benchmarks/bench_model.py --settings
ASQ_DEV = Path("/work/shared/data/asq-phi/dev.jsonl")
#: CRF thresholds tried beside the default pipeline
THRESHOLDS = (0.5, 0.7, 0.9)
#: ages from this one up are PHI under safe_harbor; the hand-written sets mark only those
PHI_AGE = 90
#: a year alone, a date element the hand-written sets (and Safe Harbor) leave in the text
YEAR_ONLY = re.compile(r"(?:19|20)\d\d|'\d\d")
#: the rules' English word lists: ordinary words, and the lists of words that may be PHI
RULES_DATA = ROOT / "src" / "fairdeid" / "detect" / "rules" / "data"
WORD_LISTS = ("common_words.txt", "clinical_words.txt")
PHI_LISTS = ("names_first.txt", "names_last.txt", "names_ambiguous.txt", "cities.txt",
             "cities_seed.txt", "states.txt", "countries.txt", "hospitals.txt",
             "professions.txt", "professions_seed.txt", "professions_clinical.txt")
#: the first number of an age span ("94", "94-year-old", "94 y/o")
AGE_NUMBER = re.compile(r"\d+")


def _pack_script() -> Any:
    """scripts/train_pack_crfs.py, a script rather than a package module."""
    spec = importlib.util.spec_from_file_location("train_pack_crfs", PACK_SCRIPT)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {PACK_SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_pack_crfs"] = module
    spec.loader.exec_module(module)
    return module


def check_split(markup: Sequence[Path], held_out: Sequence[Path]) -> None:
    """Refuse a file both trained on and scored, a kept set, or a set in another language."""
    scored = {p.resolve() for p in held_out}
    both = sorted(p.name for p in markup if p.resolve() in scored)
    if both:
        raise SystemExit(f"trained on and scored on: {', '.join(both)}")
    kept = sorted(p.name for p in (*markup, *held_out) if any(k in p.stem for k in NEVER_USED))
    if kept:
        raise SystemExit(f"never trained on nor scored (kept for the last measurement): "
                         f"{', '.join(kept)}")
    other = sorted(p.name for p in (*markup, *held_out) if p.stem.split("_", 1)[0] != "en")
    if other:
        raise SystemExit(f"not English sets (the name must start with en_): {', '.join(other)}")


def check_seed(seed: int) -> None:
    """Refuse a seed whose default (``seed``) or stress (``seed + 1``) notes are a dev set."""
    used = sorted({seed, seed + 1} & DEV_SEEDS)
    if used:
        raise SystemExit(f"seed {seed} would train on the dev set of seed {used[0]}")


def _age_below_phi(text: str) -> bool:
    match = AGE_NUMBER.search(text)
    return match is not None and int(match.group()) < PHI_AGE


def _keeps(doc: Document, span: Span) -> bool:
    text = doc.text[span.start:span.end].strip()
    if span.label == "DEPARTMENT":
        return False
    if span.label == "AGE" and _age_below_phi(text):
        return False
    return not (span.label == "DATE" and YEAR_ONLY.fullmatch(text))


def english_convention(doc: Document) -> Document:
    """``doc`` without the generator's spans that the hand-written English sets leave unmarked:
    ages under 90, years alone, and DEPARTMENT (the generator's are generic specialties and
    units that identify nobody; named wards stay with the rules)."""
    spans = tuple(s for s in doc.spans if _keeps(doc, s))
    return replace(doc, spans=spans) if len(spans) != len(doc.spans) else doc


def synthetic_notes(default: int, stress: int, seed: int) -> list[Document]:
    """``default`` notes of the default profile and ``stress`` of the stress profile (seed + 1),
    in the hand-written sets' convention."""
    docs = list(NoteGenerator(seed).generate(default)) if default else []
    if stress:
        docs.extend(NoteGenerator(seed + 1, profile="stress").generate(stress))
    return [english_convention(d) for d in docs]


def ordinary_words() -> list[str]:
    """The rules' common and clinical English words that no name, place, hospital or
    profession list holds, sorted: what ``--vary`` swaps into the synthetic notes."""
    from fairdeid.detect.rules.compiler import load_word_file

    def words(names: Iterable[str]) -> set[str]:
        return {w.lower() for name in names if (RULES_DATA / name).is_file()
                for w in load_word_file(RULES_DATA / name, split_lines_only=False)}

    return sorted(w for w in words(WORD_LISTS) - words(PHI_LISTS) if w.isalpha() and len(w) >= 3)


def set_name(path: Path) -> str:
    """A set's path under benchmarks/data, for the model card."""
    try:
        return path.resolve().relative_to((ROOT / "benchmarks" / "data").resolve()).as_posix()
    except ValueError:
        return path.name


def train(args: argparse.Namespace, pack: Any) -> tuple[Path, dict[str, Any]]:
    docs = synthetic_notes(args.notes, args.stress_notes, args.seed)
    if args.vary > 0:
        # the packs' vocabulary variation (scripts/train_pack_crfs.py): without it a CRF reads
        # an unseen capitalised word where a header stands ("Guidelines for ...") as a name
        rng = random.Random(args.seed)
        pool = ordinary_words()
        docs = [pack.vary_vocabulary(d, pool, rng, args.vary) for d in docs]
    sources = {"synthetic": len(docs)}
    written = pack.read_markup(args.markup) if args.markup else []
    if written:
        sources["markup"] = len(written)
        docs.extend(note for note in written for _ in range(args.markup_weight))
    out = args.work / args.name
    if out.exists():
        shutil.rmtree(out)
    cfg = CRFTrainConfig(out=out, name=args.name, seed=args.seed, c1=args.c1, c2=args.c2,
                         max_iterations=args.max_iterations)
    summary = train_crf(cfg, docs)
    meta = json.loads((out / "fairdeid_model.json").read_text("utf-8"))
    meta["training"] = {"language": "en", "default_notes": args.notes,
                        "stress_notes": args.stress_notes, "seed": args.seed, "vary": args.vary,
                        "documents": sources, "c1": args.c1, "c2": args.c2,
                        "max_iterations": args.max_iterations,
                        "markup_sets": [set_name(p) for p in args.markup],
                        "markup_weight": args.markup_weight if written else 0}
    (out / "fairdeid_model.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    return out, {**summary, "documents": sources}


def crf_config(model: Path | None, threshold: float | None) -> dict[str, Any]:
    """The packaged default config, with the CRF beside its detectors when ``model`` is given,
    its spans kept from ``threshold``."""
    config = json.loads(json.dumps(load_config(None)))  # deep copy of plain TOML data
    if model is None:
        return config
    config["pipeline"]["detectors"] = [*config["pipeline"]["detectors"], "crf"]
    config.setdefault("detectors", {})["crf"] = {"model": str(model)}
    if threshold is not None:
        resolve = config.setdefault("resolve", {})
        resolve["thresholds"] = {**resolve.get("thresholds", {}), "crf": threshold}
    return config


def evaluate(model: Path, thresholds: Iterable[float], held_out: Sequence[Path],
             pack: Any) -> list[dict[str, Any]]:
    """Scores of the default pipeline, the CRF alone and the default + CRF at each threshold
    on the notes of ``held_out`` together, and on each set alone."""
    from fairdeid.evaluate import predict

    devsets = pack._devsets()
    sets = {p.name: list(pack.read_markup([p])) for p in held_out}
    notes = [n for group in sets.values() for n in group]
    runs: list[tuple[str, Pipeline]] = [
        ("default", Pipeline.from_config(crf_config(None, None), mode="tag")),
        ("crf", Pipeline.from_config(crf_config(model, None), detectors=["crf"], mode="tag"))]
    runs.extend((f"default+crf@{t:g}", Pipeline.from_config(crf_config(model, t), mode="tag"))
                for t in thresholds)
    rows = []
    for name, pipeline in runs:
        pred, _ = predict(pipeline, notes)
        row: dict[str, Any] = {"pipeline": name, **devsets.score(notes, pred)}
        start = 0
        for set_file, group in sets.items():
            part = devsets.score(group, pred[start:start + len(group)])
            row[set_file] = {k: part[k] for k in ("char_recall", "char_precision",
                                                  "token_recall", "token_precision")}
            start += len(group)
        rows.append(row)
    return rows


def run_with_crf(model: Path, threshold: float, script: Sequence[str]) -> None:
    """Run a benchmark script (``script[0]``, its options after it) with the CRF beside the
    packaged default pipeline, as if ``src/fairdeid/config/default.toml`` ran it: the guard
    rails of issue 12 (``benchmarks/bench_model.py --settings``, ``benchmarks/layout_stress.py``)
    measure "the default pipeline", and this measures the proposed one the same way."""
    import runpy

    import fairdeid.pipeline as pipeline_module

    original = pipeline_module.load_config

    def with_crf(source: str | Path | Mapping[str, Any] | None = None) -> dict[str, Any]:
        return crf_config(model, threshold) if source is None else original(source)

    pipeline_module.load_config = with_crf  # type: ignore[assignment]
    path = Path(script[0])
    sys.path.insert(0, str(path.resolve().parent))
    sys.argv = [str(path), *script[1:]]
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        pipeline_module.load_config = original


def crf_speed(model: Path, dev: Path = ASQ_DEV, notes: int = 300) -> dict[str, Any]:
    """CPU seconds per 1,000 words of the CRF alone on ``benchmarks/bench_model.py
    --settings``'s corpora (``notes`` synthetic notes of seed 202, ASQ-PHI dev when present):
    what the CRF adds to the default pipeline's cost, measured without the encoder's noise."""
    from fairdeid.corpora.jsonl import read_jsonl
    from fairdeid.corpora.synth import generate_notes
    from fairdeid.detect.crf import CRFDetector

    detector = CRFDetector.load(model)
    docs = list(generate_notes(notes, seed=202))
    if dev.is_file():
        docs.extend(read_jsonl(dev))
    detector.detect_batch(docs[:4])  # warm: feature caches, gazetteers
    words = sum(len(d.text.split()) for d in docs)
    cpu = time.process_time()
    detector.detect_batch(docs)
    cpu = time.process_time() - cpu
    return {"words": words, "crf_cpu_s_per_1k": round(1000 * cpu / words, 4)}


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:.3f}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000,
                        help="synthetic notes of the default profile")
    parser.add_argument("--stress-notes", type=int, default=300,
                        help="synthetic notes of the stress profile")
    parser.add_argument("--seed", type=int, default=404)
    parser.add_argument("--vary", type=float, default=0.0,
                        help="share of the synthetic notes' non-PHI words swapped for ordinary "
                        "English words (0: none)")
    parser.add_argument("--markup", type=Path, nargs="*", default=[],
                        help="hand-written English .markup sets to train on too")
    parser.add_argument("--markup-weight", type=int, default=5,
                        help="times each hand-written note is repeated in the training data")
    parser.add_argument("--eval", type=Path, nargs="*", default=[],
                        help="hand-written English .markup sets to score on, together")
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS),
                        help="CRF thresholds tried beside the default pipeline")
    parser.add_argument("--name", default="crf-en-mw")
    parser.add_argument("--c1", type=float, default=0.05)
    parser.add_argument("--c2", type=float, default=0.05)
    parser.add_argument("--max-iterations", type=int, default=150)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "en-crf")
    parser.add_argument("--eval-only", action="store_true",
                        help="score the model already under --work, train nothing")
    parser.add_argument("--json", type=Path, help="write every score here")
    parser.add_argument("--model", type=Path,
                        help="with --bench: the CRF model directory (default: --work/--name)")
    parser.add_argument("--threshold", type=float, default=0.7,
                        help="with --bench: the CRF threshold")
    parser.add_argument("--speed", action="store_true",
                        help="print the CRF's own CPU seconds per 1,000 words on the guard-rail "
                        "corpora (with --model); trains and scores nothing")
    parser.add_argument("--bench", nargs=argparse.REMAINDER, metavar="SCRIPT ...",
                        help="run this benchmark script (and the options after it) with the "
                        "CRF beside the packaged default pipeline; trains and scores nothing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.speed:
        print(json.dumps(crf_speed(args.model or args.work / args.name)))
        return 0
    if args.bench:
        run_with_crf(args.model or args.work / args.name, args.threshold, args.bench)
        return 0
    check_split(args.markup, args.eval)
    check_seed(args.seed)
    pack = _pack_script()
    t0, c0 = time.perf_counter(), time.process_time()
    model = args.work / args.name
    summary: dict[str, Any] = {}
    if not args.eval_only:
        model, summary = train(args, pack)
        print(f"trained {model.name}: {summary}", flush=True)
    rows = evaluate(model, args.thresholds, args.eval, pack) if args.eval else []
    if rows:
        print(f"{'pipeline':<18}{'char R':>8}{'char P':>8}{'tok R':>8}{'tok P':>8}")
    for row in rows:
        print(f"{row['pipeline']:<18}{_fmt(row['char_recall']):>8}"
              f"{_fmt(row['char_precision']):>8}{_fmt(row['token_recall']):>8}"
              f"{_fmt(row['token_precision']):>8}", flush=True)
    report = {"train": summary, "rows": rows, "eval_sets": [p.name for p in args.eval],
              "markup_sets": [p.name for p in args.markup], "markup_weight": args.markup_weight,
              "seconds": round(time.perf_counter() - t0, 1),
              "cpu_seconds": round(time.process_time() - c0, 1)}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
