"""Measure the multicultural encoder beside each language pack (issue 12, item 2).

For every hand-written set of a language (``benchmarks/data/lang/<code>*.markup``) this runs the
pack's own detectors and the encoder once each (CPU time taken per detector), then resolves the
same proposals under several ways of keeping the encoder's spans:

* ``pack``: the pack alone (its ``[pipeline] detectors``);
* ``+all@T``: every encoder span scoring at least ``T``;
* ``+name@T``: only NAME spans (PATIENT/DOCTOR/USERNAME come out of the coarse model as NAME);
* ``+nameloc@T``: NAME and LOCATION spans.

Resolution is the pipeline's own (``Pipeline.resolve_proposals``: resolve, the rule detector's
name propagation after resolve, titles), so a name only the encoder found is propagated as in
production.
Output names sets, options and labels only, never note text.

    python benchmarks/lang_encoder.py --json build/enc-lang/minilm.json
    python benchmarks/lang_encoder.py --model builtin:minilm-mc-deid-l3 --lang de
    python benchmarks/lang_encoder.py --lang it --pool '*_blind3*'   # blind3 + blind3c pooled
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from lang_devsets import DEV_DIR, label_char_recall, read_devset, score  # noqa: E402

from fairdeid.document import Document, Span  # noqa: E402

LANGUAGES = ("de", "fr", "nl", "it", "es")
THRESHOLDS = (0.0, 0.5, 0.8, 0.9, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99)
KEEPS: dict[str, frozenset[str] | None] = {
    "all": None,
    "name": frozenset({"NAME"}),
    "loc": frozenset({"LOCATION"}),
    "nameloc": frozenset({"NAME", "LOCATION"}),
}


def _pipeline(language: str, model: str) -> Any:
    """The pack's pipeline with the encoder added as ``transformer``."""
    from fairdeid.lang.packs import load_pack
    from fairdeid.pipeline import Pipeline

    config = {k: dict(v) if isinstance(v, dict) else v
              for k, v in load_pack(language).config.items()}
    own = list(config["pipeline"].get("detectors", ["rules"]))
    config["pipeline"]["detectors"] = [*own, "transformer"]
    config.setdefault("detectors", {})
    config["detectors"] = {**config["detectors"],
                           "transformer": {"model": model, "backend": "onnx", "batch_size": 1}}
    return Pipeline.from_config(config, mode="tag"), own


def _propose(pipeline: Any, names: Sequence[str], notes: Sequence[Document]
             ) -> tuple[list[list[Span]], float]:
    """Spans of ``names`` per note and the CPU seconds they took."""
    start = time.process_time()
    proposals = pipeline.propose(list(notes), detectors=list(names))
    return [list(p.spans) for p in proposals], time.process_time() - start


def _resolve(pipeline: Any, own: Sequence[str], notes: Sequence[Document],
             spans: Sequence[Sequence[Span]]) -> list[Document]:
    """The pipeline's own finish on given proposals (resolve, the pack detectors' name
    propagation, titles): ``Pipeline.resolve_proposals``."""
    return [doc.with_spans(pipeline.resolve_proposals(doc, proposed, own))
            for doc, proposed in zip(notes, spans, strict=True)]


def _keep(labels: frozenset[str] | None, threshold: float) -> Callable[[Span], bool]:
    def keep(span: Span) -> bool:
        return span.score >= threshold and (labels is None or span.label in labels)
    return keep


def measure(language: str, model: str, paths: Sequence[Path],
            pool: str = "*_blind*") -> dict[str, Any]:
    pipeline, own = _pipeline(language, model)
    results: dict[str, Any] = {}
    #: per option, (gold, predicted) notes of every set matching ``pool``, scored pooled at the end
    pooled: dict[str, tuple[list[Document], list[Document]]] = {}
    for path in paths:
        dev = read_devset(path)
        notes = dev.notes
        words = sum(len(n.text.split()) for n in notes)
        pack_spans, pack_cpu = _propose(pipeline, own, notes)
        enc_spans, enc_cpu = _propose(pipeline, ["transformer"], notes)
        options: dict[str, Any] = {}
        variants = [("pack", None)] + [
            (f"+{keep}@{t:g}", _keep(labels, t))
            for keep, labels in KEEPS.items() for t in THRESHOLDS]
        for option, keep_fn in variants:
            spans = [list(p) + ([s for s in e if keep_fn(s)] if keep_fn else [])
                     for p, e in zip(pack_spans, enc_spans, strict=True)]
            pred = _resolve(pipeline, own, notes, spans)
            result = score(notes, pred)
            result["by_label"] = label_char_recall(notes, pred)
            options[option] = result
            if fnmatch(path.stem, pool):
                gold_notes, pred_notes = pooled.setdefault(option, ([], []))
                gold_notes.extend(notes)
                pred_notes.extend(pred)
        results[path.stem] = {
            "words": words,
            "pack_cpu_per_1k_words": 1000 * pack_cpu / words,
            "encoder_cpu_per_1k_words": 1000 * enc_cpu / words,
            "options": options,
        }
        base = options["pack"]
        print(f"{path.stem:<14} pack R {base['char_recall']:.3f} P {base['char_precision']:.3f}"
              f"  cpu/1kw pack {1000 * pack_cpu / words:.2f} enc {1000 * enc_cpu / words:.2f}",
              flush=True)
        for option, r in options.items():
            if option != "pack":
                print(f"    {option:<16} R {r['char_recall']:.3f} P {r['char_precision']:.3f}",
                      flush=True)
    if pooled:
        blind = {option: {**score(g, p), "by_label": label_char_recall(g, p)}
                 for option, (g, p) in pooled.items()}
        results["blind_pooled"] = {"options": blind}
        print(f"{language} sets {pool} pooled:")
        for option, r in blind.items():
            print(f"    {option:<16} R {r['char_recall']:.3f} P {r['char_precision']:.3f}",
                  flush=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="builtin:minilm-mc-deid")
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    parser.add_argument("--only", default="*", help="fnmatch glob of set names: '*_blind*'")
    parser.add_argument("--pool", default="*_blind*",
                        help="fnmatch glob of the sets scored pooled ('blind_pooled'): "
                             "'*_blind3*' for the held-out writers of the blind3 round")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"model": args.model, "languages": {}}
    for language in args.lang or LANGUAGES:
        paths = sorted(p for p in DEV_DIR.glob(f"{language}*.markup")
                       if p.stem.split("_", 1)[0] == language and fnmatch(p.stem, args.only))
        out["languages"][language] = measure(language, args.model, paths, args.pool)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
