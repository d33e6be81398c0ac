"""Does the hybrid (LLM only on uncertain windows) buy recall cheaply?

Runs these set-ups over the same notes against the scripted local server of
tests/detect/llm_server.py (127.0.0.1, no model, no network):

- ``trusted``: the fast detectors alone (``--trust``, default ``rules``; add ``transformer`` for
  the shipped encoder; a small stand-in regex detector if the rules detector is not available);
- ``ensemble``: trusted + ``llm`` on every chunk of every note;
- ``hybrid``: ``llm_hybrid`` (trusted everywhere, the LLM only on a few words of context around
  the words the trusted detectors may have missed), and its variants (``HYBRIDS``): whole
  sentences instead of context windows, without the caseless-script trigger, and ``strict``
  (also numbers and all-capitals words).

The server is an *oracle*: it answers every gold PHI string that occurs in the text it was sent,
minus a deterministic ``--miss-rate`` share. So the recall numbers are an upper bound for a real
model; what the benchmark measures is the *cost* side (requests, share of text sent, tokens) and
how much recall the uncertainty filter gives up relative to sending everything.

Notes are built from a canonical JSONL corpus (default: ASQ-PHI dev, one PHI-bearing question per
record) by grouping ``--per-note`` records and interleaving PHI-free clinical lines, so that notes
look like notes: some windows certain, some not.

    python benchmarks/llm_hybrid.py [--data FILE] [--per-note 6] [--miss-rate 0.0]
        [--trust rules,transformer] [--context-words 4] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "detect"))

from llm_server import Reply, ScriptedServer, user_text  # noqa: E402

from fairdeid.corpora.jsonl import read_jsonl  # noqa: E402
from fairdeid.detect import Detector, build_detector, register_detector  # noqa: E402
from fairdeid.detect.llm import HybridLLMDetector, LLMDetector  # noqa: E402
from fairdeid.document import Document, Span  # noqa: E402
from fairdeid.errors import ConfigError  # noqa: E402

#: Hybrid variants compared (name -> settings, row label): the defaults (context windows);
#: whole sentences; the defaults without the caseless-script trigger (what fairness costs); and a
#: stricter set that also sends uncovered numbers and all-capitals words (IDs, "UWMC").
HYBRIDS: dict[str, tuple[dict[str, Any], str]] = {
    "hybrid": ({}, "llm_hybrid"),
    "hybrid_sentence": ({"window": "sentence"}, "llm_hybrid (window = sentence)"),
    "hybrid_no_caseless": (
        {"triggers": ["capitalised", "low_score", "unsure"]},
        "llm_hybrid (no caseless trigger)",
    ),
    "hybrid_strict": (
        {"triggers": ["capitalised", "caseless", "low_score", "unsure", "digits", "all_caps"]},
        "llm_hybrid (strict: + digits, all_caps)",
    ),
}
ENCODER = {"model": "builtin:minilm-mc-deid", "backend": "auto"}
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "asq-phi" / "dev.jsonl"
FILLER = [
    "BP 128/82, HR 76, afebrile.",
    "Lungs clear to auscultation bilaterally.",
    "Continue metformin 500 mg bid and lisinopril 10 mg daily.",
    "Abdomen soft, non-tender, no organomegaly.",
    "Labs: Hb 12.9, WBC 7.1, creatinine 0.9.",
    "Echo shows EF 55% with mild LVH.",
    "Plan: repeat HbA1c in 3 months.",
    "No known drug allergies.",
]
_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+\d{4})?"
)
_STANDIN = [
    (re.compile(_MONTH), "DATE", 0.95),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"), "DATE", 0.95),
    (re.compile(r"(?<=Dr\. )[A-Z][a-z]+(?: [A-Z]\.?)?"), "DOCTOR", 0.6),
    (re.compile(r"\b\d{1,3}(?=-year-old| ?yo\b)"), "AGE", 0.9),
]


class StandInRules:
    """Dates, ages and "Dr. X" names: what a rules detector finds with certainty or not."""

    name = "standin"

    def detect(self, doc: Document) -> list[Span]:
        return [
            Span(m.start(), m.end(), label, f"standin:{label.lower()}", score)
            for pattern, label, score in _STANDIN
            for m in pattern.finditer(doc.text)
        ]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


def build_notes(records: Sequence[Document], per_note: int) -> list[Document]:
    notes = []
    for n in range(0, len(records), per_note):
        parts: list[str] = []
        spans: list[Span] = []
        for k, rec in enumerate(records[n : n + per_note]):
            offset = sum(len(p) + 1 for p in parts)
            parts.append(rec.text)
            spans.extend(s.shifted(offset) for s in rec.spans)
            parts.append(FILLER[(n + k) % len(FILLER)])
            parts.append(FILLER[(n + k + 3) % len(FILLER)])
        notes.append(Document(f"note-{n // per_note}", "\n".join(parts), spans=tuple(spans)))
    return notes


def oracle_server(notes: Sequence[Document], miss_rate: float) -> ScriptedServer:
    gazetteer: dict[str, str] = {}
    for doc in notes:
        for span in doc.spans:
            text = doc.span_text(span).strip()
            if text and _kept(text, miss_rate):
                gazetteer[text] = span.label

    def respond(body: dict[str, Any]) -> Reply:
        sent = user_text(body)
        found = [{"text": t, "label": lab} for t, lab in gazetteer.items() if t in sent]
        # Token counts are estimates (4 characters a token) over the whole prompt as sent.
        prompt_chars = sum(len(str(m.get("content", ""))) for m in body["messages"])
        return Reply(entities=found, usage=(prompt_chars // 4, 12 * len(found) + 5))

    return ScriptedServer(respond)


def _kept(text: str, miss_rate: float) -> bool:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return digest[0] / 256 >= miss_rate


def recall(
    notes: Sequence[Document],
    predicted: Sequence[Sequence[Span]],
    trusted: Sequence[Sequence[Span]] | None = None,
) -> dict[str, float]:
    """Character recall of gold PHI, the share of gold spans covered completely, and of the
    gold spans the ``trusted`` spans do not touch at all (identifiers missed outright, not
    boundaries such as a title left out), the share covered completely."""
    gold_chars = hit_chars = whole = total = missed = caught = 0
    for i, (doc, spans) in enumerate(zip(notes, predicted, strict=True)):
        mask = _mask(doc, spans)
        base = _mask(doc, trusted[i]) if trusted is not None else bytearray(len(doc.text))
        for g in doc.spans:
            covered = sum(mask[g.start : g.end])
            gold_chars += g.length
            hit_chars += covered
            whole += covered == g.length
            total += 1
            if not any(base[g.start : g.end]):
                missed += 1
                caught += covered == g.length
    return {
        "char_recall": hit_chars / max(gold_chars, 1),
        "span_recall": whole / max(total, 1),
        "missed_spans": missed,
        "missed_caught": caught / max(missed, 1),
    }


def _mask(doc: Document, spans: Sequence[Span]) -> bytearray:
    mask = bytearray(len(doc.text))
    for s in spans:
        mask[s.start : s.end] = b"\x01" * (s.end - s.start)
    return mask


def trusted_detector() -> tuple[str, Detector]:
    try:
        detector = build_detector("rules", {})
        detector.detect(Document("probe", "Seen on 03/04/2021."))
        return "rules", detector
    except (ConfigError, ImportError, AttributeError, NotImplementedError):
        register_detector("standin", lambda config: StandInRules())
        return "standin", StandInRules()


def trusted_set(names: Sequence[str]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The trusted detectors by name (``rules`` may become the stand-in) and their tables."""
    out, tables = [], {}
    for name in names:
        if name == "rules":
            out.append(trusted_detector()[0])
        else:
            out.append(name)
            if name == "transformer":
                tables[name] = dict(ENCODER)
    return out, tables


def run(
    data: Path,
    per_note: int,
    miss_rate: float,
    chunk_size: int,
    trust: Sequence[str] = ("rules",),
    context_words: int | None = None,
) -> dict[str, Any]:
    notes = build_notes(read_jsonl(data), per_note)
    names, tables = trusted_set(trust)
    words = sum(len(d.text.split()) for d in notes)
    results: dict[str, Any] = {
        "data": str(data),
        "notes": len(notes),
        "words": words,
        "trusted": " + ".join(names),
        "miss_rate": miss_rate,
        "chunk_size": chunk_size,
        "context_words": context_words,
    }
    with oracle_server(notes, miss_rate) as server:
        common: Mapping[str, Any] = {
            "model": "oracle",
            "base_url": server.base_url,
            "timeout": 10.0,
            "retries": 1,
            "concurrency": 4,
            "chunk_size": chunk_size,
            "chunk_overlap": 100,
        }
        started = time.perf_counter()
        base: list[list[Span]] = [[] for _ in notes]
        for name in names:
            for i, spans in enumerate(
                build_detector(name, tables.get(name, {})).detect_batch(notes)
            ):
                base[i].extend(spans)
        wall = time.perf_counter() - started
        results["trusted_only"] = {"wall_s": wall, **recall(notes, base, base)}

        llm = build_detector("llm", dict(common))
        assert isinstance(llm, LLMDetector)
        found = llm.detect_batch(notes)
        ensemble = [b + f for b, f in zip(base, found, strict=True)]
        results["ensemble"] = {**recall(notes, ensemble, base), **_cost(llm.stats.as_dict())}

        context = {} if context_words is None else {"context_words": context_words}
        for name, (extra, _) in HYBRIDS.items():
            table = {**common, "trust": names, "trusted": tables, **context, **extra}
            hybrid = build_detector("llm_hybrid", table)
            assert isinstance(hybrid, HybridLLMDetector)
            results[name] = {
                **recall(notes, hybrid.detect_batch(notes), base),
                **_cost(hybrid.stats.as_dict()),
            }
    return results


def _cost(stats: Mapping[str, float]) -> dict[str, float]:
    keys = (
        "requests",
        "prompt_tokens",
        "completion_tokens",
        "tokens_per_document",
        "sent_fraction",
        "windows_total",
        "windows_sent",
        "errors",
        "wall_s",
    )
    return {k: stats[k] for k in keys}


def markdown(r: Mapping[str, Any]) -> str:
    rows = [
        "| set-up | char recall | span recall | missed spans caught | requests | text sent "
        "| tokens/note |",
        "|---|---|---|---|---|---|---|",
        f"| {r['trusted']} only | {r['trusted_only']['char_recall']:.3f} | "
        f"{r['trusted_only']['span_recall']:.3f} | 0/{r['trusted_only']['missed_spans']} "
        "| 0 | 0% | 0 |",
    ]
    labels = {"ensemble": "llm", **{name: label for name, (_, label) in HYBRIDS.items()}}
    for name, label in labels.items():
        x = r[name]
        rows.append(
            f"| {r['trusted']} + {label} | "
            f"{x['char_recall']:.3f} | {x['span_recall']:.3f} | "
            f"{round(x['missed_caught'] * x['missed_spans'])}/{x['missed_spans']} | "
            f"{x['requests']:.0f} | "
            f"{100 * x['sent_fraction']:.0f}% | {x['tokens_per_document']:.0f} |"
        )
    sent = ", ".join(
        f"{name} {r[name]['windows_sent']:.0f}/{r[name]['windows_total']:.0f}" for name in HYBRIDS
    )
    head = (
        f"{r['notes']} notes, {r['words']} words from {Path(r['data']).name}; oracle LLM with "
        f"miss rate {r['miss_rate']}; chunk_size {r['chunk_size']}. Sentences with a trigger: "
        f"{sent}."
    )
    return head + "\n\n" + "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--per-note", type=int, default=6)
    parser.add_argument("--miss-rate", type=float, default=0.0)
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--trust", default="rules", help="trusted detectors, comma-separated")
    parser.add_argument("--context-words", type=int, default=None, help="hybrid context_words")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"data file not found: {args.data}")
    trust = [t for t in args.trust.split(",") if t]
    result = run(
        args.data, args.per_note, args.miss_rate, args.chunk_size, trust, args.context_words
    )
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
