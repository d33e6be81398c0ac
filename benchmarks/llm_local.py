"""Which packaged local model extracts PHI better: a real measurement, no oracle.

Starts ``fairdeid llm serve``'s server (llama-cpp-python, 127.0.0.1) for each model and runs the
first ``--n`` notes of a gold JSONL corpus (default: ASQ-PHI dev) through:

- ``llm``: the LLM alone on every note (what the model itself finds);
- ``hybrid``: ``llm_hybrid`` trusting ``--trust`` (default rules + the shipped encoder), the LLM
  only on the windows they are unsure about (the output includes the trusted spans);

plus the trusted detectors alone (no LLM) as the reference the hybrid must not fall below.
Scores are binary token recall / precision (the privacy numbers of docs/evaluation.md), partial
span recall, and the leak rate; cost is words/s over the whole run (model already loaded), CPU
seconds (this process and the model server together: the honest figure on a shared machine),
the share of characters sent to the model, and requests. Notes whose LLM requests failed are
counted (``failed``) and scored with what they got.

The hybrid's selection can be varied one setting at a time (``--window``, ``--context-words``,
``--unsure-above``, ``--triggers``); each ``--hybrid NAME:KEY=VALUE,...`` adds one more hybrid
row on the same server, e.g. ``--hybrid sentence:window=sentence``.

    python benchmarks/llm_local.py [--models smollm2-135m,gemma3-270m] [--n 40] [--json]

Needs ``pip install 'fairdeid[llm-local]'``. On 2 shared CPU cores a 40-note run takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.detect.llm.local import LocalServer, spec_for
from fairdeid.document import Document
from fairdeid.evaluate.metrics import count_matrix, leak_rate, prf
from fairdeid.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "asq-phi" / "dev.jsonl"
ENCODER = {"model": "builtin:minilm-mc-deid", "backend": "auto"}
#: The LLM settings measured (docs/llm.md): short prompt, coarse labels, one example, the
#: schema turned into a grammar by llama-cpp-python, one request at a time (its server
#: answers one request at a time anyway).
LLM_SETTINGS: dict[str, Any] = {
    "model": "local",
    "prompt": "compact",
    "few_shot": True,
    "structured_output": "json_object_schema",
    "temperature": 0.0,
    "max_tokens": 160,
    "concurrency": 1,
    "timeout": 120.0,
    "retries": 1,
    "note_deadline": 600.0,
    "chunk_size": 1200,
    "chunk_overlap": 120,
    "min_chunk_size": 150,
    "probe_timeout": 30.0,
}


def trusted_tables(trust: Sequence[str]) -> dict[str, dict[str, Any]]:
    return {name: dict(ENCODER) for name in trust if name == "transformer"}


def pipeline_config(
    mode: str, base_url: str, trust: Sequence[str], hybrid: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    llm = dict(LLM_SETTINGS, base_url=base_url)
    if mode == "llm":
        return {"pipeline": {"detectors": ["llm"]}, "detectors": {"llm": llm}}
    if mode == "hybrid" or mode.startswith("hybrid "):
        table = dict(llm, trust=list(trust), trusted=trusted_tables(trust), **(hybrid or {}))
        return {"pipeline": {"detectors": ["llm_hybrid"]}, "detectors": {"llm_hybrid": table}}
    raise ValueError(mode)


#: ``--hybrid`` keys whose value is a list (items joined with ``+``).
LIST_KEYS = ("triggers", "ignore_words")


def parse_setting(key: str, text: str) -> Any:
    """A ``--hybrid`` value: a list for ``LIST_KEYS``, else a number, true/false or a string."""
    if key in LIST_KEYS:
        return [t for t in text.split("+") if t]
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_variant(text: str) -> tuple[str, dict[str, Any]]:
    """``NAME:KEY=VALUE,KEY=VALUE`` -> (``hybrid NAME``, settings)."""
    name, _, body = text.partition(":")
    settings = {}
    for item in filter(None, body.split(",")):
        key, _, value = item.partition("=")
        settings[key.strip()] = parse_setting(key.strip(), value.strip())
    return f"hybrid {name}", settings


def cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) of this process, plus those of ``pid`` (the server)."""
    times = os.times()
    total = times.user + times.system
    if pid is not None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def trusted_config(trust: Sequence[str]) -> dict[str, Any]:
    return {"pipeline": {"detectors": list(trust)}, "detectors": trusted_tables(trust)}


def score(
    gold: Sequence[Document], pipeline: Pipeline, stats_of: str | None, pid: int | None = None
) -> dict[str, Any]:
    docs = [Document(d.id, d.text, d.meta) for d in gold]
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    detections = pipeline.detect_batch(docs)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu
    totals = count_matrix(gold, [d.document for d in detections]).sum(axis=0)
    token = prf(totals, "token")
    partial = prf(totals, "partial")
    words = sum(len(d.text.split()) for d in gold)
    row: dict[str, Any] = {
        "token_recall": float(token["recall"]),
        "token_precision": float(token["precision"]),
        "span_recall": float(partial["recall"]),
        "leak_rate": float(leak_rate(totals)),
        "words_per_s": words / seconds if seconds else 0.0,
        "seconds": seconds,
        "cpu_s": cpu,
        "words_per_cpu_s": words / cpu if cpu else 0.0,
        "failed": sum(1 for d in detections if not d.ok),
        "notes": len(gold),
    }
    if stats_of:
        stats = pipeline.detectors[stats_of].stats.as_dict()  # type: ignore[attr-defined]
        row.update(
            sent_fraction=stats["sent_fraction"],
            requests=int(stats["requests"]),
            hallucinations=int(stats["hallucinations"]),
            truncated=int(stats["truncated"]),
            entities=int(stats["entities"]),
            windows_sent=int(stats["windows_sent"]),
            windows_total=int(stats["windows_total"]),
        )
    return row


def run_model(
    model: str,
    gold: Sequence[Document],
    modes: Sequence[str],
    trust: Sequence[str],
    threads: int = 0,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    server = LocalServer(spec_for(model, port=0, threads=threads))
    with server:
        loaded = time.perf_counter()
        server.wait_ready(300.0)
        load_s = time.perf_counter() - loaded
        pid = server.process.pid if server.process else None
        for mode in [*modes, *(variants or {})]:
            extra = (variants or {}).get(mode)
            pipe = Pipeline.from_config(pipeline_config(mode, server.base_url, trust, extra))
            name = "llm" if mode == "llm" else "llm_hybrid"
            rows[f"{model} {mode}"] = dict(score(gold, pipe, name, pid), load_s=load_s)
            print(f"{model} {mode}: {json.dumps(rows[f'{model} {mode}'])}", file=sys.stderr)
    return rows


def table(rows: Mapping[str, Mapping[str, Any]]) -> str:
    head = (
        "| set-up | token recall | token precision | span recall | leak rate | words/s "
        "| CPU s | text sent | requests | failed notes |"
    )
    lines = [head, "|" + "---|" * 10]
    for name, r in rows.items():
        sent = f"{r['sent_fraction']:.0%}" if "sent_fraction" in r else "0%"
        lines.append(
            f"| {name} | {r['token_recall']:.3f} | {r['token_precision']:.3f} "
            f"| {r['span_recall']:.3f} | {r['leak_rate']:.3f} | {r['words_per_s']:.1f} "
            f"| {r['cpu_s']:.1f} | {sent} | {r.get('requests', 0)} | {r['failed']}/{r['notes']} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=40, help="notes (the first N of the file)")
    ap.add_argument("--models", default="smollm2-135m,gemma3-270m")
    ap.add_argument("--modes", default="llm,hybrid")
    ap.add_argument("--trust", default="rules,transformer")
    ap.add_argument("--threads", type=int, default=0, help="server CPU threads (0: all)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the no-LLM row")
    ap.add_argument(
        "--hybrid",
        action="append",
        default=[],
        metavar="NAME:KEY=VALUE,...",
        help="one more hybrid row with these [detectors.llm_hybrid] settings (repeatable); "
        "lists are joined with +, e.g. old:window=sentence,triggers=capitalised+caseless",
    )
    ap.add_argument("--json", action="store_true", help="print every counter as JSON")
    args = ap.parse_args(argv)
    gold = read_jsonl(args.data)[: args.n]
    trust = [t for t in args.trust.split(",") if t]
    modes = [m for m in args.modes.split(",") if m]
    variants = dict(parse_variant(v) for v in args.hybrid)
    rows: dict[str, dict[str, Any]] = {}
    if not args.no_baseline:
        rows[" + ".join(trust) + " (no LLM)"] = score(
            gold, Pipeline.from_config(trusted_config(trust)), None
        )
    for model in [m for m in args.models.split(",") if m]:
        rows.update(run_model(model, gold, modes, trust, args.threads, variants))
    words = sum(len(d.text.split()) for d in gold)
    print(f"{len(gold)} notes, {words} words from {args.data.name}")
    print(json.dumps(rows, indent=2) if args.json else table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
