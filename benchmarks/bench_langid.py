"""Language identification: accuracy on written and real notes, and its cost per note.

    python benchmarks/bench_langid.py                 # accuracy + overhead (rules and default)
    python benchmarks/bench_langid.py --no-default    # skip the default pipeline (model) timing
    fairdeid generate -n 200 --seed 5 -o synth.jsonl
    python benchmarks/bench_langid.py --notes ../shared/data/asq-phi/dev.jsonl --notes synth.jsonl

Accuracy sets: the sentences of tests/lang/data/langid_sentences.json (written for the tests:
notes of 4 consecutive sentences, 50+ words, and single sentences), MEDDOCAN dev (Spanish, real
notes), ASQ-PHI dev (English clinical queries). Overhead: CPU seconds (process time, so other
jobs on a shared machine count less) of ``deidentify_batch`` on English notes (``--notes``,
default ASQ-PHI dev) with ``language="en"`` against ``"auto"``, alternating, median and fastest
of ``--repeats``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from fairdeid.corpora.formats import load_documents
from fairdeid.lang.identify import LanguageIdentifier
from fairdeid.lang.packs import available_languages
from fairdeid.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
SENTENCES = ROOT / "tests" / "lang" / "data" / "langid_sentences.json"


def accuracy_sets() -> dict[str, list[tuple[str, str]]]:
    data = json.loads(SENTENCES.read_text("utf-8"))
    languages = [k for k in data if not k.startswith("_")]
    long_notes = []
    for lang in languages:
        s = data[lang]
        size = 4 if len(s) > 4 else len(s)
        long_notes += [(lang, " ".join(s[(i + k) % len(s)] for k in range(size)))
                       for i in range(len(s) if len(s) > 4 else 1)]
    sets = {"written notes, 50+ words": long_notes,
            "written single sentences": [(lang, t) for lang in languages for t in data[lang]]}
    meddocan = SHARED / "meddocan" / "brat" / "dev"
    if meddocan.is_dir():
        docs, _ = load_documents(meddocan, "meddocan")
        sets["MEDDOCAN dev (es)"] = [("es", d.text) for d in docs]
    asq = SHARED / "asq-phi" / "dev.jsonl"
    if asq.is_file():
        sets["ASQ-PHI dev (en)"] = [("en", json.loads(line)["text"])
                                    for line in asq.read_text("utf-8").splitlines()]
    return sets


def expected(lang: str, supported: set[str]) -> str:
    """A language without a pack is right when it goes to English as unsupported."""
    return lang if lang in supported else "en"


def measure_accuracy() -> None:
    identifier = LanguageIdentifier(available_languages())
    supported = set(identifier.supported)
    identifier.identify("warm up the model")
    for name, items in accuracy_sets().items():
        started = time.perf_counter()
        got = [identifier.identify(text) for _, text in items]
        ms = (time.perf_counter() - started) * 1000 / len(items)
        pairs = list(zip(items, got, strict=True))
        right = sum(c.language == expected(lang, supported) for (lang, _), c in pairs)
        wrong = [(lang, c.detected, c.reason) for (lang, _), c in pairs
                 if c.language != expected(lang, supported)]
        print(f"{name}: {right}/{len(items)} = {right / len(items):.4f}, {ms:.3f} ms/note"
              + (f"; wrong: {wrong[:5]}" if wrong else ""))


def cpu_per_pass(pipeline: Pipeline, texts: list[str]) -> float:
    started = time.process_time()
    pipeline.deidentify_batch(texts)
    return time.process_time() - started


def measure_overhead(detectors: list[str] | None, repeats: int, notes: Path) -> None:
    texts = [json.loads(line)["text"] for line in notes.read_text("utf-8").splitlines()]
    words = sum(len(t.split()) for t in texts)
    fixed = Pipeline.from_config(None, detectors=detectors, language="en")
    auto = Pipeline.from_config(None, detectors=detectors, language="auto")
    cpu_per_pass(fixed, texts), cpu_per_pass(auto, texts)  # warm both
    en, routed = [], []
    for _ in range(repeats):
        en.append(cpu_per_pass(fixed, texts))
        routed.append(cpu_per_pass(auto, texts))
    a, b = statistics.median(en), statistics.median(routed)
    name = "+".join(detectors) if detectors else "default"
    print(f"{name} on {notes.name} ({len(texts)} notes, {words} words), CPU s per pass, median "
          f"of {repeats}: en {a:.3f} ({words / a:,.0f} words/CPU-s), auto {b:.3f} "
          f"({words / b:,.0f} words/CPU-s): {(b - a) / a:+.1%}; fastest pass en {min(en):.3f}, "
          f"auto {min(routed):.3f}: {(min(routed) - min(en)) / min(en):+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-default", action="store_true")
    parser.add_argument("--notes", type=Path, action="append",
                        help="JSONL of English notes to time (repeatable; default ASQ-PHI dev)")
    args = parser.parse_args()
    measure_accuracy()
    for notes in args.notes or [SHARED / "asq-phi" / "dev.jsonl"]:
        measure_overhead(["rules"], args.repeats, notes)
        if not args.no_default:
            measure_overhead(None, args.repeats, notes)


if __name__ == "__main__":
    main()
