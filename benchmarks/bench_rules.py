"""Throughput of the default (rules-only) pipeline: detect + resolve + tag replacement.

Generates a deterministic ~1M-word corpus of clinical-ish notes (templates with names, dates,
IDs, places, plus PHI-free clinical filler so the density is realistic), then reports words per
second (whitespace-delimited input words / wall time, warm: pipeline construction is timed
separately), the same per CPU second (wall time on a shared machine includes waiting for a core),
and peak RSS.

    python benchmarks/bench_rules.py              # ~1M words
    python benchmarks/bench_rules.py --words 200000
    python benchmarks/bench_rules.py --long-note-mb 50   # one 50 MB note vs the same as notes
    python benchmarks/bench_rules.py --lang de --words 200000   # a language pack's rules
    python benchmarks/bench_rules.py --dump-spans build/spans-main.tsv   # then ``cmp`` two dumps
    python benchmarks/bench_rules.py --words 300000 --stages   # CPU-s per stage and rule

``--dump-spans FILE`` writes every final span of the timed run (document id, start, end,
label, source, score) and each output text's length, one line each: a speed change to the
rules must leave two dumps byte-identical (``cmp``), over the whole corpus.

``--long-note-mb N`` times the rule detector alone on one note of N MB (``fairdeid generate``
notes joined by blank lines) and on the same notes as separate documents, each in a fresh process so
that peak RSS belongs to that run: words per second should match and memory stay small.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from fairdeid.document import Document
from fairdeid.pipeline import Pipeline, Result

FIRST = [
    "John",
    "Maria",
    "Wei",
    "Priya",
    "Chinedu",
    "Sofia",
    "Ahmed",
    "Laura",
    "Rahul",
    "Anna",
    "Mohammed",
    "Emily",
    "Jose",
    "Fatima",
    "David",
    "Mei",
    "Olusegun",
    "Camille",
    "Arjun",
]
LAST = [
    "Smith",
    "Garcia",
    "Zhang",
    "Patel",
    "Okafor",
    "Martinez",
    "Khan",
    "Dubois",
    "Sharma",
    "Nguyen",
    "Brown",
    "Hernandez",
    "Chen",
    "Adeyemi",
    "Rossi",
    "Kowalski",
    "Rahman",
]
CITIES = ["Boston", "Chicago", "Houston", "Mumbai", "Lagos", "Madrid", "Toronto", "Dhaka"]
HOSPITALS = [
    "Mercy General Hospital",
    "St. Luke's Medical Center",
    "Riverside Clinic",
    "Cleveland Clinic",
    "Mt. Sinai",
]
MONTHS = ["January", "Feb", "March", "Apr", "June", "Jul", "August", "Oct", "November", "Dec"]
FILLER = [
    "Patient denies chest pain, shortness of breath, nausea or vomiting.",
    "Vitals: BP 132/84, HR 78, RR 16, SpO2 97% on room air, temp 98.6 F.",
    "Labs notable for Na 138, K 4.1, creatinine 1.2, HbA1c 7.4%, WBC 9.8.",
    "Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily; take 1/2 tab if dizzy.",
    "Exam: lungs clear to auscultation bilaterally, 2/6 systolic murmur, 5/5 strength throughout.",
    "Assessment and plan: type 2 diabetes mellitus (E11.9), essential hypertension (I10).",
    "Follow up in clinic in 2 weeks; return precautions reviewed with the patient and family.",
    "History of Parkinson disease, Foley catheter removed, Glasgow Coma Scale 15.",
    "Abdomen soft, non-tender, non-distended, normal bowel sounds in all four quadrants.",
    "She reports improved sleep and appetite since the medication change last month.",
]


def note(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    doc_last = rng.choice(LAST)
    m, d, y = rng.randint(1, 12), rng.randint(1, 28), rng.randint(2015, 2024)
    parts = [
        f"Patient: {first} {last}  MRN: {rng.randint(10**6, 10**8)}",
        f"Date of service: {m:02d}/{d:02d}/{y}. Seen by Dr. {doc_last} at "
        f"{rng.choice(HOSPITALS)} in {rng.choice(CITIES)}.",
    ]
    for _ in range(rng.randint(6, 14)):
        parts.append(rng.choice(FILLER))
    extra = [
        f"{first} was admitted on {rng.choice(MONTHS)} {d}, {y} and discharged on {m}/{d}.",
        f"Contact: ({rng.randint(200, 999)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}, "
        f"{first.lower()}.{last.lower()}@example.com.",
        f"Lives at {rng.randint(1, 9999)} Oak Street, {rng.choice(CITIES)}, "
        f"MA 0{rng.randint(1000, 2999)}.",
        f"Mr. {last} is a {rng.choice([67, 45, 92, 31])}-year-old retired teacher.",
        f"Electronically signed by {rng.choice(FIRST)} {doc_last}, MD "
        f"on {y}-{m:02d}-{d:02d} 14:32.",
    ]
    parts.extend(rng.sample(extra, k=3))
    rng.shuffle(parts[2:])
    return "\n".join(parts)


def corpus(words: int, seed: int = 13, lang: str = "en") -> list[Document]:
    """This file's English templates, or a language pack's generated notes
    (``fairdeid generate --lang``) for another language."""
    if lang != "en":
        return _lang_corpus(words, seed, lang)
    rng = random.Random(seed)
    docs: list[Document] = []
    total = 0
    while total < words:
        text = note(rng)
        total += len(text.split())
        docs.append(Document(id=f"bench-{len(docs)}", text=text))
    return docs


def _lang_corpus(words: int, seed: int, lang: str) -> list[Document]:
    from fairdeid.corpora.synth.lang import LangNoteGenerator

    docs: list[Document] = []
    total = 0
    for doc in LangNoteGenerator(lang, seed).generate(10**7):
        total += len(doc.text.split())
        docs.append(Document(id=f"bench-{lang}-{len(docs)}", text=doc.text))
        if total >= words:
            break
    return docs


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _long_texts(megabytes: float) -> list[str]:
    """Generated notes (``fairdeid generate``'s, seed 1): thousands of distinct names, as in a
    real long record; this file's templates reuse a few dozen names, which hides costs that
    grow with the number of distinct names."""
    from fairdeid.corpora.synth import generate_notes

    texts: list[str] = []
    size = 0
    for doc in generate_notes(10**7, seed=1):
        texts.append(doc.text)
        size += len(doc.text) + 2
        if size >= megabytes * 1_000_000:
            break
    return texts


def _time_rules(megabytes: float, as_one: bool) -> dict[str, float]:
    """Run in a fresh process: build the texts, warm the detector, time ``detect``."""
    from fairdeid.detect.rules import RuleDetector

    texts = _long_texts(megabytes)
    docs = (
        [Document(id="long", text="\n\n".join(texts))]
        if as_one
        else [Document(id=f"n{i}", text=t) for i, t in enumerate(texts)]
    )
    del texts
    detector = RuleDetector.from_config({})
    detector.prefilter.build()
    build_literals = getattr(detector.matcher, "build_literals", None)  # older sources lack it
    if build_literals is not None:
        build_literals()
    detector.detect(Document(id="warm", text=note(random.Random(1))))
    base_mb = _peak_rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    n_spans = sum(len(detector.detect(doc)) for doc in docs)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    words = sum(len(doc.text.split()) for doc in docs)
    return {
        "docs": len(docs),
        "chars": sum(len(doc.text) for doc in docs),
        "words": words,
        "spans": n_spans,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_mb": base_mb,
    }


def long_note(megabytes: float) -> None:
    """One huge note vs the same text as normal notes, each measured in its own process."""
    ctx = multiprocessing.get_context("spawn")
    for label, as_one in (("one note", True), ("normal notes", False)):
        with ctx.Pool(1) as pool:
            r = pool.apply(_time_rules, (megabytes, as_one))
        print(
            f"{label}: documents={r['docs']:.0f} chars={r['chars']:,.0f} words={r['words']:,.0f} "
            f"spans={r['spans']:,.0f} wall_s={r['wall_s']:.1f} "
            f"words_per_s={r['words'] / r['wall_s']:,.0f} "
            f"cpu_words_per_s={r['words'] / r['cpu_s']:,.0f} "
            f"peak_rss_mb={r['peak_rss_mb']:.0f} (text and detector: {r['rss_before_mb']:.0f})"
        )


def _build_prefilter(pipeline: Pipeline) -> None:
    """Compile the rules' hyperscan prefilter and dictionary literals now (with the ``fast``
    extra), as a run over many notes would after its first million characters, so the timed
    loop is the steady state and ``load_s`` holds the compile; without hyperscan every rule
    runs on every note and the dictionaries use their Aho-Corasick automaton."""
    rules = pipeline.detectors.get("rules")
    prefilter = getattr(rules, "prefilter", None)
    built = prefilter is not None and prefilter.build()
    build_literals = getattr(getattr(rules, "matcher", None), "build_literals", None)
    literals = build_literals is not None and build_literals()
    print(f"prefilter={'hyperscan' if built else 'off (plain re)'}", end=" ")
    print(f"dictionaries={'hyperscan literals' if literals else 'Aho-Corasick'}")


def _load_language_model(pipeline: Pipeline) -> None:
    """Load the language identifier's model now: it loads on the first note that is not plainly
    English (a few percent of this corpus), and that one-off belongs in ``load_s`` with the
    other start-up costs, not in the steady-state words per second."""
    router = pipeline.router
    if router is not None:
        router.identifier.identify("Der Patient wurde gestern in die Klinik aufgenommen.")


def _time_stages(pipeline: Pipeline) -> Callable[[float], str]:
    """Wrap the rules' stages in CPU timers (``--stages``); returns the report's printer.

    Why wrappers rather than cProfile: cProfile's timer is wall-clock, which on a loaded
    machine charges other jobs' time to whatever function was running; a wrapper costs about
    1 microsecond per call."""
    from fairdeid.detect.rules import detector, dictionary, names, prefilter

    spent: dict[str, float] = defaultdict(float)  # CPU-seconds per stage

    def wrap(owner: Any, attr: str, label: str | None = None) -> None:
        original = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                key = label if label is not None else "rule " + _rule_name(args[1])
                spent[key] += time.process_time() - start

        setattr(owner, attr, timed)

    if "_runner" in vars(detector.RuleDetector):  # batches call the match loops directly
        wrap(detector.RuleDetector, "_apply_anchor")
        wrap(detector.RuleDetector, "_apply_extended")
    else:
        wrap(detector.RuleDetector, "_apply")
    wrap(prefilter.RulePrefilter, "candidates", "prefilter")
    wrap(dictionary.DictionaryMatcher, "find", "dictionaries")
    wrap(names.NameFinder, "find", "name rules")
    if "find_batch" in vars(names.NameFinder):  # older sources find note by note
        wrap(names.NameFinder, "find_batch", "name rules")
    wrap(names.NameFinder, "_headers", "  name rules: header fields")
    wrap(names.NameFinder, "propagate", "name propagation")
    wrap(detector.RuleDetector, "_places", "places")
    wrap(detector.RuleDetector, "_professions", "occupations")
    wrap(detector.RuleDetector, "after_resolve", "after_resolve")
    wrap(detector.RuleDetector, "detect", "detector (all of it)")
    if "detect_batch" in vars(detector.RuleDetector):  # older sources detect note by note
        wrap(detector.RuleDetector, "detect_batch", "detector (all of it)")
    wrap(type(pipeline.resolver), "resolve", "resolve")
    wrap(type(pipeline.replacer), "replace", "replacement")
    if pipeline.router is not None:
        wrap(type(pipeline.router), "choose", "language identification")

    def report(total: float) -> str:
        rules = sum(v for k, v in spent.items() if k.startswith("rule "))
        rows = [("pattern rules (all)", rules), *sorted(spent.items(), key=lambda kv: -kv[1])]
        return "\n".join(
            f"{v:8.2f} CPU-s {100 * v / total:5.1f}%  {k}"
            for k, v in rows
            if not k.startswith("rule ") or v >= 0.01 * total
        )

    return report


def _rule_name(rule_or_plan: Any) -> str:
    """The rule's name from ``_apply``'s rule or a match loop's plan (which holds the rule)."""
    rule = getattr(rule_or_plan, "rule", rule_or_plan)
    return str(rule.name)


def _dump_spans(path: str, results: Sequence[Result]) -> None:
    """Every final span and output length, one line each, in run order (for ``cmp``)."""
    with open(path, "w", encoding="utf-8") as out:
        for result in results:
            doc = result.document
            out.write(f"{doc.id}\ttext\t{len(result.text)}\t{hash_text(result.text)}\n")
            for s in doc.spans:
                fields = (doc.id, s.start, s.end, s.label, s.source, repr(s.score), dict(s.attrs))
                out.write("\t".join(map(str, fields)) + "\n")


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument(
        "--lang", default="en", help="a language pack's rules on its generated notes (de, fr, ...)"
    )
    parser.add_argument(
        "--long-note-mb",
        type=float,
        default=0.0,
        help="time the rule detector on one note of this many MB vs the same as notes",
    )
    parser.add_argument(
        "--stages",
        action="store_true",
        help="time each stage of the rules (CPU-s per stage and per rule over 1%%)",
    )
    parser.add_argument(
        "--dump-spans",
        default=None,
        help="write every final span of the timed run to this file (compare two with cmp)",
    )
    args = parser.parse_args()
    if args.long_note_mb > 0:
        long_note(args.long_note_mb)
        return
    docs = corpus(args.words, lang=args.lang)
    n_words = sum(len(d.text.split()) for d in docs)
    t0 = time.perf_counter()
    if args.lang == "en":
        pipeline = Pipeline.from_config(None, detectors=["rules"])
    else:
        from fairdeid.lang.routing import with_language

        pipeline = Pipeline.from_config(with_language(None, args.lang), detectors=["rules"])
    pipeline.deidentify(docs[0])  # warm-up (lazy automaton build, regex caches)
    _build_prefilter(pipeline)
    _load_language_model(pipeline)
    load_s = time.perf_counter() - t0
    stages = _time_stages(pipeline) if args.stages else None
    t1 = time.perf_counter()
    c1 = time.process_time()
    n_spans = 0
    results = []
    for i in range(0, len(docs), args.batch):
        batch = pipeline.deidentify_batch(docs[i : i + args.batch])
        n_spans += sum(len(result.spans) for result in batch)
        if args.dump_spans:
            results.extend(batch)
    wall = time.perf_counter() - t1
    cpu = time.process_time() - c1
    if args.dump_spans:
        _dump_spans(args.dump_spans, results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    print(f"documents={len(docs)} words={n_words} spans={n_spans}")
    print(f"load_s={load_s:.2f} wall_s={wall:.2f} words_per_s={n_words / wall:,.0f}")
    # on a shared machine wall time includes waiting for a core; CPU time shows the cost
    print(f"cpu_s={cpu:.2f} cpu_words_per_s={n_words / cpu:,.0f}")
    print(f"peak_rss_mb={peak_mb:.0f}")
    if stages is not None:
        print(stages(cpu))


if __name__ == "__main__":
    main()
