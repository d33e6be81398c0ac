"""One very long note through a pipeline: is the cost linear, and is memory bounded?

Builds one deterministic note of ``--mb`` megabytes (the notes of ``bench_rules.py`` joined by
blank lines, so there are lines and paragraphs to cut at), warms the pipeline up on a short note,
then de-identifies the long note once and reports words per second (wall and CPU: on a shared
machine wall time includes waiting for a core), peak RSS and how many windows the pipeline cut.
Run sizes in separate processes: peak RSS only ever grows within one.

    python benchmarks/bench_long_note.py --mb 5                  # default pipeline (rules + model)
    python benchmarks/bench_long_note.py --mb 1 --detectors rules
    python benchmarks/bench_long_note.py --mb 1 --max-chunk-chars 0   # unwindowed, for comparison
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rules import note  # noqa: E402  (sibling script, not a package)

from fairdeid.chunking import split_windows  # noqa: E402
from fairdeid.document import Document  # noqa: E402
from fairdeid.pipeline import Pipeline  # noqa: E402


def long_note(megabytes: float, seed: int = 5) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        parts.append(note(rng))
        size += len(parts[-1]) + 2
    return "\n\n".join(parts)


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="note size in megabytes")
    parser.add_argument("--config", default=None, help="pipeline TOML (default: built-in)")
    parser.add_argument("--detectors", default=None, help="comma-separated, e.g. rules")
    parser.add_argument("--max-chunk-chars", type=int, default=None)
    args = parser.parse_args()

    overrides = {}
    if args.max_chunk_chars is not None:
        overrides["pipeline"] = {"max_chunk_chars": args.max_chunk_chars}
    detectors = args.detectors.split(",") if args.detectors else None
    t0 = time.perf_counter()
    pipeline = Pipeline.from_config(args.config, detectors=detectors, overrides=overrides)
    pipeline.deidentify(note(random.Random(1)))  # warm-up: lazy models, automata, caches
    load_s = time.perf_counter() - t0
    rss_before = _peak_rss_mb()

    text = long_note(args.mb)
    words = len(text.split())
    windows = len(split_windows(text, pipeline.chunking))
    t1, c1 = time.perf_counter(), time.process_time()
    result = pipeline.deidentify(Document("long-note", text))
    wall, cpu = time.perf_counter() - t1, time.process_time() - c1
    print(f"detectors={'+'.join(pipeline.detectors)} chars={len(text)} words={words}")
    print(f"windows={windows} spans={len(result.spans)} ok={result.ok} load_s={load_s:.1f}")
    print(f"wall_s={wall:.1f} words_per_s={words / wall:,.0f}")
    print(f"cpu_s={cpu:.1f} cpu_words_per_s={words / cpu:,.0f}")
    print(f"peak_rss_mb={_peak_rss_mb():.0f} (after warm-up, before the note: {rss_before:.0f})")


if __name__ == "__main__":
    main()
