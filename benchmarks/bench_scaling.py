"""Scaling curve: whole-process words/s, CPU-s per 1,000 words and peak RSS of ``fairdeid
deidentify`` against corpus size and against note length (issue 14).

Why whole process: that is what a user waits for (start-up, reading, language identification,
detection, replacement and writing included). Each point is one fresh ``fairdeid deidentify``
process; its CPU seconds and peak RSS come from ``os.wait4`` on that process alone, so the
figures do not depend on what else this script holds in memory. CPU seconds are the reliable
figure on a shared machine; wall words/s swings with the other jobs.

Corpora: a pool of generated notes (``generate_notes(POOL_NOTES, seed=POOL_SEED)``) repeated
under fresh ids until the size is reached (no detector caches anything between notes, so
repetition costs the same as new notes); one long note is the pool's notes joined by blank
lines. Words are whitespace words.

    python benchmarks/bench_scaling.py --out build/bench-scaling
    python benchmarks/bench_scaling.py --rules-sizes 10000,100000 --default-sizes 10000 \\
        --rules-lengths 1000 --default-lengths 1000 --out build/bench-scaling-quick
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

POOL_NOTES = 2000
POOL_SEED = 7
PIPELINES = {"rules": ["--detectors", "rules"], "default": []}


@dataclass(frozen=True)
class Point:
    """One measured run."""

    pipeline: str
    axis: str  # "corpus" (many notes) or "note" (one note of that many words)
    words: int
    notes: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float

    @property
    def words_per_s(self) -> float:
        return self.words / self.wall_s

    @property
    def cpu_s_per_1k(self) -> float:
        return 1000 * self.cpu_s / self.words


def _pool() -> list[str]:
    from fairdeid.corpora.synth import generate_notes

    return [d.text for d in generate_notes(POOL_NOTES, seed=POOL_SEED)]


def _cycle(pool: Sequence[str], words: int) -> Iterator[str]:
    total = i = 0
    while total < words:
        text = pool[i % len(pool)]
        yield text
        total += len(text.split())
        i += 1


def write_corpus(pool: Sequence[str], words: int, path: Path) -> tuple[int, int]:
    """Notes up to ``words`` words as JSONL; returns (words, notes)."""
    total = notes = 0
    with path.open("w", encoding="utf-8") as fh:
        for text in _cycle(pool, words):
            fh.write(json.dumps({"id": f"n{notes}", "text": text}) + "\n")
            total += len(text.split())
            notes += 1
    return total, notes


def write_long_note(pool: Sequence[str], words: int, path: Path) -> tuple[int, int]:
    """One note of at least ``words`` words as JSONL; returns (words, 1)."""
    text = "\n\n".join(_cycle(pool, words))
    path.write_text(json.dumps({"id": "long", "text": text}) + "\n", "utf-8")
    return len(text.split()), 1


def run_point(pipeline: str, axis: str, src: Path, words: int, notes: int, work: Path) -> Point:
    """One fresh ``fairdeid deidentify`` process over ``src``."""
    out = work / f"out-{pipeline}-{src.name}"
    cmd = [sys.executable, "-m", "fairdeid", "deidentify", str(src), "-o", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen([*cmd, *PIPELINES[pipeline]], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{pipeline} on {src.name}: exit {proc.returncode}")
    out.unlink(missing_ok=True)
    Path(f"{out}.errors.jsonl").unlink(missing_ok=True)
    return Point(
        pipeline=pipeline,
        axis=axis,
        words=words,
        notes=notes,
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
    )


def markdown(points: Sequence[Point]) -> str:
    head = (
        "| pipeline | axis | words | notes | wall s | words/s | CPU s | CPU-s/1k words "
        "| peak RSS MB |"
    )
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for p in points:
        lines.append(
            f"| {p.pipeline} | {p.axis} | {p.words:,} | {p.notes:,} | {p.wall_s:,.1f} | "
            f"{p.words_per_s:,.0f} | {p.cpu_s:,.1f} | {p.cpu_s_per_1k:.3f} | {p.peak_rss_mb:,.0f} |"
        )
    return "\n".join(lines) + "\n"


def plot(points: Sequence[Point], path: Path) -> None:
    """words per CPU-second (solid) and per wall second (dashed) against size, per axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    titles = {"corpus": "many notes: corpus size", "note": "one note: note length"}
    for ax, axis in zip(axes, ("corpus", "note"), strict=True):
        for pipeline, colour in (("rules", "tab:blue"), ("default", "tab:orange")):
            pts = sorted(
                (p for p in points if p.axis == axis and p.pipeline == pipeline),
                key=lambda p: p.words,
            )
            if not pts:
                continue
            xs = [p.words for p in pts]
            ax.plot(
                xs,
                [p.words / p.cpu_s for p in pts],
                "o-",
                color=colour,
                label=f"{pipeline}: words per CPU-s",
            )
            ax.plot(
                xs,
                [p.words_per_s for p in pts],
                "s--",
                color=colour,
                alpha=0.6,
                label=f"{pipeline}: words/s (wall)",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("words (whitespace)")
        ax.set_title(titles[axis])
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("throughput, whole process")
    axes[0].legend(fontsize=8)
    fig.suptitle("fairdeid deidentify, 2 shared cores (see benchmarks/README.md)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _sizes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=Path("build/bench-scaling"))
    p.add_argument("--rules-sizes", default="10000,100000,1000000,10000000")
    p.add_argument("--default-sizes", default="10000,100000,1000000")
    p.add_argument("--rules-lengths", default="1000,10000,100000,1000000")
    p.add_argument("--default-lengths", default="1000,10000,100000")
    p.add_argument("--png", type=Path, default=None, help="Also save the curve here.")
    p.add_argument(
        "--plot-only",
        action="store_true",
        help="Redraw the table and curve from OUT/scaling.jsonl without measuring.",
    )
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.plot_only:
        lines = (args.out / "scaling.jsonl").read_text("utf-8").splitlines()
        done = [Point(**json.loads(line)) for line in lines if line.strip()]
        _report(done, args.out, args.png)
        return
    work = args.out / "work"
    work.mkdir(exist_ok=True)
    pool = _pool()
    plan = [
        ("rules", "corpus", _sizes(args.rules_sizes)),
        ("default", "corpus", _sizes(args.default_sizes)),
        ("rules", "note", _sizes(args.rules_lengths)),
        ("default", "note", _sizes(args.default_lengths)),
    ]
    points: list[Point] = []
    jsonl = args.out / "scaling.jsonl"
    for pipeline, axis, sizes in plan:
        for size in sizes:
            src = work / f"{axis}-{size}.jsonl"
            if axis == "corpus":
                words, notes = write_corpus(pool, size, src)
            else:
                words, notes = write_long_note(pool, size, src)
            point = run_point(pipeline, axis, src, words, notes, work)
            points.append(point)
            with jsonl.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(asdict(point)) + "\n")
            print(json.dumps(asdict(point)), file=sys.stderr, flush=True)
    for src in work.glob("*.jsonl"):
        src.unlink()
    _report(points, args.out, args.png)


def _report(points: Sequence[Point], out: Path, png: Path | None) -> None:
    (out / "scaling.md").write_text(markdown(points), "utf-8")
    plot(points, out / "scaling.png")
    if png:
        plot(points, png)
    print(markdown(points))


if __name__ == "__main__":
    main()
