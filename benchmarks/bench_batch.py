"""`fairdeid batch` (Ray) against one `fairdeid deidentify` process, same corpus, same cores.

Why this exists: batch is the path users pick to go faster, so it must not be slower than the
plain command on the machine it runs on. Both sides are measured as whole processes, start-up
included (Ray, actors, model loads), since that is what a user waits for and pays for:

* **wall**: seconds from starting the command to its exit;
* **CPU-seconds** of the command and every process it started (Ray's GCS, raylet, workers,
  agents): this process becomes a *child subreaper* (Linux ``prctl``), so processes orphaned
  by the run are re-parented here, and are reaped (killed if still alive once the command has
  exited) so that their CPU time lands in ``RUSAGE_CHILDREN``.

On a machine shared with other jobs wall time swings with the load, so the report gives CPU
seconds per 1,000 words as well, and the two sides run back to back, interleaved (the order
flips each repeat), for every pipeline: ``rules`` (``--detectors rules``) and ``default`` (the
packaged pipeline: rules and the int8 ONNX MiniLM).

    python benchmarks/bench_batch.py                      # 1,500 notes (seed 5), 3 repeats
    python benchmarks/bench_batch.py --pipelines rules --repeats 2
    python benchmarks/bench_batch.py --batch-arg=--concurrency=1 --batch-arg=--threads-per-actor=2
    python benchmarks/bench_batch.py --json build/bench-batch.json
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PIPELINES: dict[str, list[str]] = {"rules": ["--detectors", "rules"], "default": []}
_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Run:
    pipeline: str
    side: str
    repeat: int
    wall_s: float
    cpu_s: float
    words: int
    load_before: float

    @property
    def words_per_s(self) -> float:
        return self.words / self.wall_s

    @property
    def cpu_s_per_1k_words(self) -> float:
        return 1000 * self.cpu_s / self.words


def _become_subreaper() -> None:
    """Orphans of a measured command re-parent here, so their CPU time can be collected."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def _children() -> list[int]:
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            # ppid is the 2nd field after the ")" that closes the command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                found.append(int(entry.name))
    return found


def _reap_leftovers() -> None:
    """Kill and reap what the finished command left running (Ray agents), by process id."""
    quiet_scans = 0
    while quiet_scans < 3:
        pids = _children()
        if not pids:
            quiet_scans += 1
            time.sleep(0.2)
            continue
        quiet_scans = 0
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the whole process tree, exit code)."""
    cpu0 = _cpu_children()
    started = time.perf_counter()
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT,
                                start_new_session=True)
        code = proc.wait()
    wall = time.perf_counter() - started
    _reap_leftovers()
    return wall, _cpu_children() - cpu0, code


def _commands(side: str, pipeline: str, corpus: Path, work: Path,
              batch_args: list[str], deid_args: list[str]) -> tuple[list[str], Path]:
    fairdeid = [sys.executable, "-m", "fairdeid"]
    if side == "deidentify":
        out = work / f"deid-{pipeline}.jsonl"
        return [*fairdeid, "deidentify", str(corpus), "-o", str(out), *PIPELINES[pipeline],
                *deid_args], out
    out = work / f"batch-{pipeline}"
    return [*fairdeid, "batch", str(corpus), str(out), *PIPELINES[pipeline], *batch_args], out


def _clear(path: Path) -> None:
    """Each run starts from nothing: a leftover batch directory would be resumed, not redone."""
    if path.is_dir():
        shutil.rmtree(path)
    for candidate in (path, *path.parent.glob(path.name + ".*")):
        if candidate.is_file():
            candidate.unlink()


def _words(corpus: Path) -> int:
    with corpus.open(encoding="utf-8") as handle:
        return sum(len(json.loads(line)["text"].split()) for line in handle if line.strip())


def _summary(runs: list[Run], pipelines: list[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for pipeline in pipelines:
        side_rows = {}
        for side in ("deidentify", "batch"):
            mine = [r for r in runs if r.pipeline == pipeline and r.side == side]
            side_rows[side] = {
                "pipeline": pipeline,
                "side": side,
                "runs": len(mine),
                "wall_s_median": round(statistics.median(r.wall_s for r in mine), 1),
                "words_per_s_median": round(statistics.median(r.words_per_s for r in mine)),
                "cpu_s_per_1k_words_median": round(
                    statistics.median(r.cpu_s_per_1k_words for r in mine), 3),
            }
        deid, batch = side_rows["deidentify"], side_rows["batch"]
        batch["batch_vs_deidentify_words_per_s"] = round(
            float(batch["words_per_s_median"]) / float(deid["words_per_s_median"]), 2)  # type: ignore[arg-type]
        rows.extend([deid, batch])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pipelines", default="rules,default",
                        help=f"comma-separated, from {sorted(PIPELINES)}")
    parser.add_argument("--batch-arg", action="append", default=[],
                        help="extra `fairdeid batch` argument (repeatable; use --batch-arg=--x)")
    parser.add_argument("--deidentify-arg", action="append", default=[],
                        help="extra `fairdeid deidentify` argument (repeatable)")
    parser.add_argument("--work", type=Path, default=Path("build/bench-batch"))
    parser.add_argument("--json", type=Path, help="write every run and the summary here")
    args = parser.parse_args(argv)
    pipelines = [p.strip() for p in args.pipelines.split(",") if p.strip()]
    unknown = [p for p in pipelines if p not in PIPELINES]
    if unknown:
        parser.error(f"unknown pipeline(s) {unknown}; choose from {sorted(PIPELINES)}")

    _become_subreaper()
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / f"notes-{args.notes}-seed{args.seed}.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, "-m", "fairdeid", "generate", "-n", str(args.notes),
                        "--seed", str(args.seed), "-o", str(corpus)], check=True,
                       stdout=subprocess.DEVNULL)
    words = _words(corpus)
    print(f"corpus: {args.notes} notes, {words:,} words; {os.cpu_count()} CPUs; "
          f"{platform.platform()}; python {platform.python_version()}", flush=True)

    runs: list[Run] = []
    for repeat in range(args.repeats):
        for pipeline in pipelines:
            sides = ("deidentify", "batch") if repeat % 2 == 0 else ("batch", "deidentify")
            for side in sides:
                cmd, out = _commands(side, pipeline, corpus, args.work, args.batch_arg,
                                     args.deidentify_arg)
                _clear(out)
                load = os.getloadavg()[0]
                log = args.work / f"{side}-{pipeline}.log"
                wall, cpu, code = _measure(cmd, log)
                if code != 0:
                    print(f"{side} {pipeline} exited {code}; see {log}", file=sys.stderr)
                    return 1
                run = Run(pipeline, side, repeat, wall, cpu, words, load)
                runs.append(run)
                print(f"repeat {repeat} {pipeline:8s} {side:10s} wall {wall:6.1f}s "
                      f"cpu {cpu:6.1f}s  {run.words_per_s:8,.0f} words/s  "
                      f"{run.cpu_s_per_1k_words:.3f} cpu-s/1k words  (load {load:.1f})",
                      flush=True)

    summary = _summary(runs, pipelines)
    print("\n| pipeline | command | wall s (median) | words/s (median) | CPU-s / 1k words "
          "| batch ÷ deidentify |")
    print("|---|---|---|---|---|---|")
    for row in summary:
        ratio = row.get("batch_vs_deidentify_words_per_s", "")
        print(f"| {row['pipeline']} | {row['side']} | {row['wall_s_median']} | "
              f"{row['words_per_s_median']:,} | {row['cpu_s_per_1k_words_median']} | {ratio} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "date": datetime.date.today().isoformat(),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "notes": args.notes, "seed": args.seed, "words": words,
            "batch_args": args.batch_arg, "deidentify_args": args.deidentify_arg,
            "runs": [asdict(r) for r in runs], "summary": summary,
        }, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
