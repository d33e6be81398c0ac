"""Load test of ``fairdeid serve`` on loopback: latency percentiles, req/s, words/s, errors.

Bounded on purpose: a fixed number of requests, a per-request timeout and an overall deadline.
It starts the server itself (``fairdeid serve`` in a subprocess), waits for ``/readyz``, warms
up, fires the requests from httpx clients at fixed concurrency, prints a report and stops the
server. Exit code 1 if any request failed.

The pipeline is the packaged default (rules and the shipped MiniLM model) unless ``--config``
says otherwise; ``--config`` may be given several times to measure several pipelines in one go,
``default`` naming the packaged one:

    python benchmarks/loadtest.py --requests 500 --concurrency 16
    python benchmarks/loadtest.py --config default --config configs/rules-only.toml
    python benchmarks/loadtest.py --docs-per-request 8 --mode surrogate --json

Notes are synthetic (no real PHI), about 110 words each, varied so caching cannot help.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx

FIRST = ["Maria", "Wei", "Aisha", "John", "Priya", "Oluwaseun", "Sofia", "Hiroshi", "Fatima",
         "Liam", "Mei", "Rahul", "Chloe", "Mateo", "Ngozi", "Arjun"]
LAST = ["Gonzalez", "Zhang", "Khan", "Smith", "Sharma", "Adeyemi", "Rossi", "Tanaka", "Ali",
        "Murphy", "Chen", "Gupta", "Martin", "Lopez", "Okafor", "Patel"]
HOSPITALS = ["St. Anne Hospital", "Riverside Medical Center", "Mercy General Hospital"]
TEMPLATE = (
    "Discharge summary for {first} {last}, {age} y/o, MRN {mrn}. Admitted {date} to {hospital} "
    "with chest pain radiating to the left arm, shortness of breath and diaphoresis. "
    "Troponin was elevated on arrival; ECG showed ST depression in the lateral leads. "
    "Seen by Dr. {dfirst} {dlast} from cardiology, who started aspirin, heparin and a statin. "
    "Echocardiogram showed preserved ejection fraction without wall motion abnormality. "
    "Patient improved and was discharged home on {date2} in stable condition. "
    "Follow-up with Dr. {dlast} in two weeks; call {phone} or email {email} with questions. "
    "Lives with her daughter at {street}; no tobacco, occasional alcohol."
)


def make_notes(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    notes = []
    for _ in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        notes.append(TEMPLATE.format(
            first=first, last=last, age=rng.randint(18, 95), mrn=rng.randint(10**6, 10**8),
            date=f"2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            date2=f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2021",
            hospital=rng.choice(HOSPITALS), dfirst=rng.choice(FIRST), dlast=rng.choice(LAST),
            phone=f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            email=f"{first.lower()}.{last.lower()}@example.org",
            street=f"{rng.randint(1, 999)} Oak Street",
        ))
    return notes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, config: str | None, workers: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-c", "from fairdeid.cli import main; main()", "serve",
           "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
           "--workers", str(workers)]
    if config:
        cmd += ["--config", config]
    # The server refuses surrogate requests without an explicit key; a throwaway one will do.
    env = {"FAIRDEID_KEY": secrets.token_urlsafe(32), **os.environ}
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True, env=env)


def wait_ready(base: str, proc: subprocess.Popen[bytes], deadline_s: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < deadline_s:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise SystemExit(f"server exited early:\n{err[-2000:]}")
        try:
            if httpx.get(base + "/readyz", timeout=1.0, trust_env=False).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.terminate()
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    raise SystemExit(f"server not ready within {deadline_s}s:\n{err[-2000:]}")


async def fire(base: str, bodies: list[dict[str, Any]], concurrency: int, timeout: float,
               deadline: float) -> tuple[list[float], dict[str, int], float]:
    """``concurrency`` workers, each with its own keep-alive connection, share the requests.

    One client per worker: a single httpx pool with dozens of connections becomes the bottleneck
    itself (multi-second tails even on ``/healthz`` at 64 connections on 2 cores).
    """
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    queue = list(reversed(bodies))
    # Built before the clock starts: creating a client costs milliseconds of CPU (TLS context),
    # which would otherwise land in the first requests' latency. Plain HTTP on loopback only.
    clients = [httpx.AsyncClient(base_url=base, timeout=timeout, trust_env=False, verify=False,
                                 limits=httpx.Limits(max_connections=1))
               for _ in range(concurrency)]

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            body = queue.pop()
            t0 = time.perf_counter()
            try:
                r = await client.post("/v1/deidentify", json=body)
                key = str(r.status_code)
                if r.status_code == 200:
                    latencies.append(time.perf_counter() - t0)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            outcomes[key] = outcomes.get(key, 0) + 1

    started = time.perf_counter()
    try:
        await asyncio.wait_for(asyncio.gather(*(worker(c) for c in clients)), timeout=deadline)
    finally:
        for client in clients:
            await client.aclose()
    return latencies, outcomes, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--docs-per-request", type=int, default=1)
    parser.add_argument("--mode", default="tag", choices=["tag", "redact", "surrogate"])
    parser.add_argument(
        "--config", action="append",
        help="pipeline TOML, or 'default' for the packaged default pipeline (rules + MiniLM); "
        "repeat to measure several (default: the packaged default)")
    parser.add_argument("--workers", type=int, default=1, help="server --workers")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--deadline", type=float, default=300.0, help="whole run, seconds")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    if not (0 < args.requests <= 100_000 and 0 < args.concurrency <= 256):
        parser.error("requests must be 1..100000 and concurrency 1..256")

    notes = make_notes(args.requests * args.docs_per_request)
    bodies = []
    for i in range(args.requests):
        chunk = notes[i * args.docs_per_request : (i + 1) * args.docs_per_request]
        if args.docs_per_request == 1:
            bodies.append({"text": chunk[0], "mode": args.mode})
        else:
            bodies.append({"documents": [{"id": f"{i}-{j}", "text": t, "meta": {
                "patient_id": f"p{i}"}} for j, t in enumerate(chunk)], "mode": args.mode})
    words = sum(len(n.split()) for n in notes)

    reports = [run_once(args, None if c == "default" else c, bodies, words, len(notes))
               for c in (args.config or ["default"])]
    if args.json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, indent=2))
    else:
        for report in reports:
            print_report(report)
    return 1 if any(r["errors"] for r in reports) else 0


def run_once(args: argparse.Namespace, config: str | None, bodies: list[dict[str, Any]],
             words: int, n_notes: int) -> dict[str, Any]:
    """Start a server with ``config``, warm it up, fire ``bodies`` at it, stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(port, config, args.workers)
    try:
        ready_s = wait_ready(base, proc, deadline_s=120)
        warm = [{"text": n, "mode": args.mode} for n in make_notes(args.warmup, seed=1)]
        asyncio.run(fire(base, warm, args.concurrency, args.timeout, args.deadline))
        latencies, outcomes, wall = asyncio.run(
            fire(base, bodies, args.concurrency, args.timeout, args.deadline))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return {
        "config": config or "default",
        "requests": args.requests,
        "concurrency": args.concurrency,
        "docs_per_request": args.docs_per_request,
        "mode": args.mode,
        "words_per_doc": round(words / n_notes, 1),
        "server_ready_s": round(ready_s, 2),
        "wall_s": round(wall, 2),
        "req_per_s": round(args.requests / wall, 1),
        "words_per_s": round(words / wall),
        "latency_ms": {
            "p50": round(percentile(latencies, 50) * 1000, 1),
            "p90": round(percentile(latencies, 90) * 1000, 1),
            "p99": round(percentile(latencies, 99) * 1000, 1),
            "max": round(max(latencies, default=float("nan")) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        },
        "outcomes": outcomes,
        "errors": sum(n for k, n in outcomes.items() if k != "200"),
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def print_report(report: dict[str, Any]) -> None:
    lat = report["latency_ms"]
    print(f"config {report['config']}: {report['requests']} requests x "
          f"{report['docs_per_request']} doc(s), concurrency {report['concurrency']}, "
          f"mode {report['mode']}, {report['words_per_doc']} words/doc")
    print(f"  wall {report['wall_s']} s   {report['req_per_s']} req/s   "
          f"{report['words_per_s']:,} words/s")
    print(f"  latency ms  p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  "
          f"max {lat['max']}")
    print(f"  errors {report['errors']}   outcomes {report['outcomes']}   (server ready in "
          f"{report['server_ready_s']} s; {report['cpus']} CPUs, load {report['loadavg_1m']})")


if __name__ == "__main__":
    raise SystemExit(main())
