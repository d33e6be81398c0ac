"""Benchmark a transformer model directory: speed, memory, dev accuracy, locale/gender audit.

Everything the model card reports comes from this one script, so the numbers can be re-made:

* **speed**: warm words/s (whitespace words, DESIGN.md definition) of ``detect_batch`` over
  synthetic notes, model load seconds, and peak RSS -- each measured in a fresh subprocess so
  the RSS is the detector's alone (onnx backend never imports torch);
* **accuracy** on an annotated dev file (default: ASQ-PHI dev) for the model alone, the rules
  alone and rules + model through the real ``Pipeline`` (resolve step included);
* **audit**: NAME recall per locale (romanised and native script) and per gender on synthetic
  en_US notes localized to every locale;
* **settings** (``--settings``): CPU seconds (process time, all threads) per 1,000 words of the
  transformer detector alone and of the whole default pipeline, plus binary-token P/R of the
  default pipeline on ASQ-PHI dev and on 300 synthetic notes of the dev seed 202 (never trained
  on), for one setting of the detector given as options (``--spinning 0`` ...), or for every
  setting of :data:`SWEEP` (``--sweep``), each in a fresh process and each differing from the
  baseline in one setting only.

    python benchmarks/bench_model.py --model builtin:minilm-mc-deid --out build/bench-model
    python benchmarks/bench_model.py --settings --spinning 1 --threads 2
    python benchmarks/bench_model.py --sweep --out build/bench-settings
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
DEFAULT_MODEL = "builtin:minilm-mc-deid"

#: Records per ``Pipeline.detect_batch`` call in ``--settings`` (``fairdeid deidentify``'s default).
RECORDS_PER_CALL = 32
#: The baseline of ``--sweep``: the detector as shipped before issue 14 (onnxruntime defaults,
#: so spinning on and one intra-op thread per core; window 256/64; bucketed batches of 16).
BASELINE: dict[str, Any] = {"spinning": True, "max_length": 256, "stride": 64, "batch_size": 16}
#: The settings adopted from the sweep (the shipped defaults since issue 14).
ADOPTED: dict[str, Any] = {"spinning": False, "max_length": 128, "stride": 32, "batch_size": 1}
#: Issue 14, second pass: even windows (now the only layout) with a 16-token overlap.
SHIPPED: dict[str, Any] = {**ADOPTED, "stride": 16}
#: ``--sweep``: name -> [detectors.transformer] keys that differ from BASELINE.
SWEEP: dict[str, dict[str, Any]] = {
    "baseline (shipped before)": {},
    "spinning off": {"spinning": False},
    "threads 1": {"threads": 1},
    "threads 1, spinning off": {"threads": 1, "spinning": False},
    "inter_threads 2, parallel": {"inter_threads": 2, "execution_mode": "parallel"},
    "graph opt disable": {"graph_optimization": "disable"},
    "graph opt basic": {"graph_optimization": "basic"},
    "graph opt extended": {"graph_optimization": "extended"},
    "window 128/32": {"max_length": 128, "stride": 32},
    "window 256/32": {"max_length": 256, "stride": 32},
    "window 384/64": {"max_length": 384, "stride": 64},
    "window 512/64": {"max_length": 512, "stride": 64},
    "no bucketing": {"bucket": False},
    "batch 1": {"batch_size": 1},
    "batch 4": {"batch_size": 4},
    "batch 64": {"batch_size": 64},
    "window 128/16": {"max_length": 128, "stride": 16},
    "window 64/16": {"max_length": 64, "stride": 16},
    "adopted: spinning off, window 128/32, batch 1": ADOPTED,
    "adopted + threads 1": {**ADOPTED, "threads": 1},
    "window 128/8": {"max_length": 128, "stride": 8},
    "window 160/16": {"max_length": 160, "stride": 16},
    "window 96/16": {"max_length": 96, "stride": 16},
    "shipped: spinning off, window 128/16, batch 1": SHIPPED,
}


def _speed_child(model: str, backend: str, n_notes: int, threads: int | None) -> None:
    """Runs in a subprocess: prints one JSON line with load time, words/s and peak RSS."""
    from fairdeid.corpora.synth import generate_notes
    from fairdeid.detect.transformer import TransformerDetector

    docs = list(generate_notes(n_notes, seed=4242))
    words = sum(len(d.text.split()) for d in docs)
    t0 = time.perf_counter()
    det = TransformerDetector.load(model, backend=backend, threads=threads)
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

    det = TransformerDetector.load(model)
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


def _settings_corpora(dev: Path, n_notes: int) -> dict[str, list[Document]]:
    from fairdeid.corpora.jsonl import read_jsonl
    from fairdeid.corpora.synth import generate_notes

    sets = {f"synthetic seed 202 ({n_notes})": list(generate_notes(n_notes, seed=202))}
    if dev.is_file():
        sets["ASQ-PHI dev"] = read_jsonl(dev)
    return sets


def settings_child(table: dict[str, Any], dev: Path, n_notes: int) -> dict[str, Any]:
    """One setting in this process: model-alone and pipeline CPU-s per 1k words, P/R per set.

    The transformer's own CPU time is read around its ``detect_batch`` inside the pipeline run,
    so the model runs once per setting; process time counts every thread (spinning included).
    """
    from fairdeid.pipeline import Pipeline, load_config
    from fairdeid.train.scoring import score

    corpora = _settings_corpora(dev, n_notes)
    config = load_config()  # the packaged default pipeline, this setting on its model table
    config["detectors"]["transformer"] = {**config["detectors"]["transformer"], **table}
    pipe = Pipeline.from_config(config)
    det = pipe.detectors["transformer"]
    model_cpu = [0.0]
    model_wall = [0.0]
    inner = det.detect_batch

    def timed(docs: Sequence[Document]) -> list[list[Span]]:
        c, w = time.process_time(), time.perf_counter()
        try:
            return inner(docs)
        finally:
            model_cpu[0] += time.process_time() - c
            model_wall[0] += time.perf_counter() - w

    det.detect_batch = timed  # type: ignore[method-assign]
    warm = next(iter(corpora.values()))[:4]
    pipe.detect_batch([Document(d.id, d.text, d.meta) for d in warm])
    # The language identifier's model loads on the first note that is not plainly English (a
    # one-off ~0.5-0.8 CPU-s, as in bench_rules.py): start-up, not cost per word.
    if pipe.router is not None:
        pipe.router.identifier.identify("Der Patient wurde gestern in die Klinik aufgenommen.")
    model_cpu[0] = model_wall[0] = 0.0
    out: dict[str, Any] = {"setting": table}
    words = cpu = wall = 0.0
    for name, gold in corpora.items():
        stripped = [Document(d.id, d.text, d.meta) for d in gold]
        c, w = time.process_time(), time.perf_counter()
        pred = []
        for i in range(0, len(stripped), RECORDS_PER_CALL):
            pred.extend(pipe.detect_batch(stripped[i : i + RECORDS_PER_CALL]))
        cpu += time.process_time() - c
        wall += time.perf_counter() - w
        words += sum(len(d.text.split()) for d in gold)
        sc = score(gold, [list(p.spans) for p in pred])
        out[name] = {"recall": round(sc.recall, 4), "precision": round(sc.precision, 4)}
    out.update(
        words=int(words),
        model_cpu_s_per_1k=round(1000 * model_cpu[0] / words, 4),
        model_words_per_s=round(words / model_wall[0], 1),
        pipeline_cpu_s_per_1k=round(1000 * cpu / words, 4),
        pipeline_words_per_s=round(words / wall, 1),
        pipeline_words_per_cpu_s=round(words / cpu, 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    return out


def graph_parity(old: Path, new: Path, dev: Path, n_notes: int) -> dict[str, Any]:
    """Two ONNX graphs of one model on the shipped detector's windows of the settings corpora:
    max |logit difference| and argmax agreement over every real token (how the unfused graph
    of issue 14 was checked against the fused one it replaced)."""
    import numpy as np

    from fairdeid.detect.transformer import OrtSettings, TransformerDetector, onnx_runner

    det = TransformerDetector.load(DEFAULT_MODEL)
    runners = [onnx_runner(path, settings=OrtSettings()) for path in (old, new)]
    diff, agree, tokens, windows = 0.0, 0, 0, 0
    for docs in _settings_corpora(dev, n_notes).values():
        for i, doc in enumerate(docs):
            for w in det._windows(i, det._encode(doc.text)):
                ids = np.array([det._prefix + w.ids + det._suffix], dtype=np.int64)
                types = np.zeros_like(ids)
                types[0, len(det._prefix) : len(det._prefix) + len(w.case)] = w.case
                a, b = (run(ids, np.ones_like(ids), types)[0] for run in runners)
                diff = max(diff, float(np.abs(a - b).max()))
                agree += int((a.argmax(-1) == b.argmax(-1)).sum())
                tokens += len(a)
                windows += 1
    return {
        "old": old.name,
        "new": new.name,
        "windows": windows,
        "tokens": tokens,
        "max_abs_logit_diff": round(diff, 4),
        "argmax_agreement": round(agree / tokens, 6),
    }


def round_robin(variants: Sequence[str], dev: Path, n_notes: int, rounds: int) -> dict[str, Any]:
    """CPU-s per 1k words of the detector alone for ``MODEL:MAX_LENGTH/STRIDE`` variants, run in
    turn in one process for ``rounds`` rounds: on a shared machine, load drifts between
    fresh-process runs; interleaving puts every variant under the same load."""
    from fairdeid.detect.transformer import OrtSettings, TransformerDetector

    docs = [d for ds in _settings_corpora(dev, n_notes).values() for d in ds]
    words = sum(len(d.text.split()) for d in docs)
    detectors = {}
    for variant in variants:
        model, _, window = variant.rpartition(":")
        max_length, stride = (int(x) for x in window.split("/"))
        det = TransformerDetector.load(
            model, ort=OrtSettings(spinning=False), max_length=max_length, stride=stride
        )
        det.detect_batch(docs[:4])
        detectors[variant] = det
    runs: dict[str, list[float]] = {v: [] for v in detectors}
    for _ in range(rounds):
        for variant, det in detectors.items():
            c = time.process_time()
            for i in range(0, len(docs), RECORDS_PER_CALL):
                det.detect_batch(docs[i : i + RECORDS_PER_CALL])
            runs[variant].append(round(1000 * (time.process_time() - c) / words, 4))
            print(variant, runs[variant][-1], file=sys.stderr, flush=True)
    return {"words": words, "model_cpu_s_per_1k": runs}


def skip_layernorm_microbench(runs: int = 2000) -> dict[str, float]:
    """CPU µs per run of one ``SkipLayerNormalization`` over a 1×128×384 window against the
    ``Add`` + ``Add`` + ``LayerNormalization`` it stands for (why the export unfuses it)."""
    import numpy as np
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from fairdeid.detect.transformer import OrtSettings

    shape = [1, 128, 384]
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.normal(size=384).astype(np.float32), n)
             for n in ("gamma", "beta", "bias")]
    fused = [helper.make_node("SkipLayerNormalization", ["x", "skip", "gamma", "beta", "bias"],
                              ["y"], domain="com.microsoft", epsilon=1e-12)]
    plain = [helper.make_node("Add", ["x", "skip"], ["s"]),
             helper.make_node("Add", ["s", "bias"], ["t"]),
             helper.make_node("LayerNormalization", ["t", "gamma", "beta"], ["y"], axis=-1,
                              epsilon=1e-12)]
    feed = {n: rng.normal(size=shape).astype(np.float32) for n in ("x", "skip")}
    out: dict[str, float] = {}
    for name, nodes in (("SkipLayerNormalization", fused), ("Add+LayerNormalization", plain)):
        graph = helper.make_graph(
            nodes,
            name,
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape) for n in ("x", "skip")],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
            inits,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                        helper.make_opsetid("com.microsoft", 1)])
        sess = ort.InferenceSession(model.SerializeToString(), OrtSettings().session_options(),
                                    providers=["CPUExecutionProvider"])
        for _ in range(50):
            sess.run(None, feed)
        c = time.process_time()
        for _ in range(runs):
            sess.run(None, feed)
        out[name] = round(1e6 * (time.process_time() - c) / runs, 1)
    return out


def _settings_table(args: argparse.Namespace) -> dict[str, Any]:
    table: dict[str, Any] = dict(BASELINE)
    if args.model != DEFAULT_MODEL:  # e.g. a copy of the model directory with another graph
        table["model"] = args.model
    for key in ("threads", "inter_threads", "max_length", "stride", "batch_size"):
        if getattr(args, key) is not None:
            table[key] = getattr(args, key)
    for key in ("graph_optimization", "execution_mode"):
        if getattr(args, key) is not None:
            table[key] = getattr(args, key)
    if args.spinning is not None:
        table["spinning"] = bool(args.spinning)
    if args.bucket is not None:
        table["bucket"] = bool(args.bucket)
    return table


def sweep(dev: Path, n_notes: int, names: Sequence[str], out: Path) -> list[dict[str, Any]]:
    """Every named setting of SWEEP in a fresh process; appends JSON lines to ``out``."""
    here = str(Path(__file__).parent)
    rows = []
    for name in names:
        table = {**BASELINE, **SWEEP[name]}
        code = (
            f"import sys, json; sys.path.insert(0, {here!r}); import bench_model; "
            f"from pathlib import Path; print(json.dumps(bench_model.settings_child("
            f"{table!r}, Path({str(dev)!r}), {n_notes:d})))"
        )
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if res.returncode != 0:
            print(f"{name}: failed\n{res.stderr[-2000:]}", file=sys.stderr, flush=True)
            continue
        row = {"name": name, **json.loads(res.stdout.strip().splitlines()[-1])}
        rows.append(row)
        with out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The settings table of benchmarks/README.md and the model card."""
    sets = [k for k in rows[0] if isinstance(rows[0][k], dict) and "recall" in rows[0][k]]
    head = ["setting", "model CPU-s/1k words", "pipeline CPU-s/1k words", "pipeline words/s"]
    for name in sets:
        head += [f"{name} R", f"{name} P"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * (len(head) - 1)]
    for r in rows:
        cells = [
            r["name"],
            f"{r['model_cpu_s_per_1k']:.3f}",
            f"{r['pipeline_cpu_s_per_1k']:.3f}",
            f"{r['pipeline_words_per_s']:,.0f}",
        ]
        for name in sets:
            cells += [f"{r[name]['recall']:.4f}", f"{r[name]['precision']:.4f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--dev", type=Path, default=Path("/work/shared/data/asq-phi/dev.jsonl"))
    p.add_argument("--out", type=Path, default=Path("build/bench-model"))
    p.add_argument("--notes", type=int, default=150, help="Synthetic notes for the speed run.")
    p.add_argument("--audit-notes", type=int, default=60)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--skip", default="", help="Comma list of parts to skip: speed,accuracy,audit")
    p.add_argument("--settings", action="store_true", help="Measure one detector setting.")
    p.add_argument(
        "--sweep",
        nargs="*",
        default=None,
        metavar="NAME",
        help="Measure the named SWEEP settings (all when none are named).",
    )
    p.add_argument("--settings-notes", type=int, default=300)
    p.add_argument(
        "--table-only",
        action="store_true",
        help="Rebuild OUT/settings.md from OUT/settings.jsonl without measuring.",
    )
    p.add_argument("--inter-threads", type=int, default=None)
    p.add_argument("--spinning", type=int, choices=(0, 1), default=None)
    p.add_argument("--graph-optimization", choices=("disable", "basic", "extended", "all"))
    p.add_argument("--execution-mode", choices=("sequential", "parallel"))
    p.add_argument("--max-length", type=int, default=None)
    p.add_argument("--stride", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--bucket", type=int, choices=(0, 1), default=None)
    p.add_argument(
        "--parity",
        nargs=2,
        type=Path,
        metavar=("OLD_ONNX", "NEW_ONNX"),
        help="Compare two graphs of the model on the settings corpora's windows.",
    )
    p.add_argument(
        "--round-robin",
        nargs="+",
        metavar="MODEL:MAX_LENGTH/STRIDE",
        help="Detector-alone CPU-s/1k of these variants, interleaved in one process.",
    )
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument(
        "--skip-layernorm-microbench",
        action="store_true",
        help="CPU µs of a fused SkipLayerNormalization against Add + LayerNormalization.",
    )
    args = p.parse_args(argv)
    if args.skip_layernorm_microbench:
        print(json.dumps(skip_layernorm_microbench()))
        return
    if args.round_robin:
        print(json.dumps(round_robin(args.round_robin, args.dev, args.settings_notes, args.rounds)))
        return
    if args.parity:
        print(json.dumps(graph_parity(*args.parity, args.dev, args.settings_notes)))
        return
    if args.settings:
        row = settings_child(_settings_table(args), args.dev, args.settings_notes)
        print(json.dumps(row))
        return
    if args.table_only:
        lines = (args.out / "settings.jsonl").read_text("utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        (args.out / "settings.md").write_text(markdown(rows), "utf-8")
        print(markdown(rows))
        return
    if args.sweep is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        rows = sweep(
            args.dev, args.settings_notes, args.sweep or list(SWEEP), args.out / "settings.jsonl"
        )
        if rows:
            (args.out / "settings.md").write_text(markdown(rows), "utf-8")
            print(markdown(rows))
        return
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
