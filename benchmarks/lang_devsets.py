"""Check the hand-written language dev sets and score a pipeline on them, per language.

The dev sets (``benchmarks/data/lang/<code>.markup``, issue 12) are notes written and annotated
by hand to catch what the synthetic generator's own shapes hide. This script first checks them
(every note parses, spans do not overlap, label counts per language), then runs a pipeline and
prints character-level recall and precision per language: the issue's targets are stated at
character level (recall >= 0.95, precision >= 0.90), and characters do not depend on how a
tokenizer cuts "03.02.1961" or "Müller-Lüdenscheidt". Binary token recall/precision
(``fairdeid.evaluate.metrics``) is printed beside them.

    python benchmarks/lang_devsets.py --check              # parse and count only, no pipeline
    python benchmarks/lang_devsets.py                      # default pipeline, as `evaluate`
    python benchmarks/lang_devsets.py -d rules             # one detector on the default config
    python benchmarks/lang_devsets.py --config configs/rules-only.toml
    python benchmarks/lang_devsets.py --pack -d rules      # each language through its own pack
    python benchmarks/lang_devsets.py benchmarks/data/lang/de.markup --json build/de.json
    python benchmarks/lang_devsets.py --pack --half odd    # notes with an odd number only

``--half odd`` is the half the packs' rules may be tuned on; the even half and the later
held-out files (``<code>_heldout5.markup`` for de and fr, ``_heldout3`` for nl and it,
``_heldout3`` for es) stay unseen, so their scores are the honest ones (a held-out set that was
measured and then tuned on becomes a dev set).
Every ``*.markup`` file of the folder is read, so a new held-out set is measured as soon as it is
committed there.

Output names notes and labels only, never note text, so it is safe to paste anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fairdeid.corpora.markup import iter_markup
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError

DEV_DIR = Path(__file__).parent / "data" / "lang"


@dataclass(frozen=True)
class DevSet:
    """The notes of one markup file and what was wrong with it (locators and reasons only)."""

    path: Path
    language: str
    notes: tuple[Document, ...]
    problems: tuple[str, ...] = field(default=())

    def label_counts(self) -> Counter[str]:
        return Counter(span.label for note in self.notes for span in note.spans)


def overlapping(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Index pairs of spans that share a character: a gold set must say one thing per
    character, or scores depend on which span a metric happens to look at first."""
    ordered = sorted(range(len(spans)), key=lambda i: (spans[i].start, spans[i].end))
    pairs = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        if spans[b].start < spans[a].end:
            pairs.append((a, b))
    return pairs


def language_of(path: Path) -> str:
    """``de.markup`` and ``de_heldout2.markup`` to ``de_heldout4.markup`` all hold German notes:
    the code is the file name up to the first underscore, so a later held-out set sits beside
    the first one."""
    return path.stem.split("_", 1)[0]


def read_devset(path: Path) -> DevSet:
    """Every note of ``path``; a note that fails to parse, overlaps or has no ``lang`` that
    matches the file name is a problem, named by note id or file line."""
    notes: list[Document] = []
    problems: list[str] = []
    language = language_of(path)
    for item in iter_markup(path):
        if isinstance(item, RecordError):
            problems.append(f"{item.record}: {item.reason}")
            continue
        if item.meta.get("lang") != language:
            problems.append(f"{item.id}: lang= must be {language!r}")
        if overlapping(item.spans):
            problems.append(f"{item.id}: overlapping spans")
        notes.append(item)
    ids = Counter(note.id for note in notes)
    problems.extend(f"{doc_id}: id used {n} times" for doc_id, n in ids.items() if n > 1)
    return DevSet(path, language, tuple(notes), tuple(problems))


def score(gold: Sequence[Document], pred: Sequence[Document]) -> dict[str, Any]:
    """Character and binary-token recall/precision of ``pred`` against ``gold``."""
    from fairdeid.evaluate import summarise
    from fairdeid.evaluate.metrics import char_recall_precision

    char_recall, char_precision = char_recall_precision(gold, pred)
    token = summarise(gold, pred, n_boot=0).binary_token
    return {
        "notes": len(gold),
        "char_recall": char_recall,
        "char_precision": char_precision,
        "token_recall": token["recall"].value,
        "token_precision": token["precision"].value,
    }


def label_char_recall(gold: Sequence[Document], pred: Sequence[Document]) -> dict[str, float]:
    """Character recall per gold label (non-space characters of the label's gold spans that any
    predicted span covers, whatever its label): where a set's missed characters are."""
    counts: dict[str, list[int]] = {}
    for g, p in zip(gold, pred, strict=True):
        covered = bytearray(len(g.text))
        for span in p.spans:
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
        for span in g.spans:
            total = counts.setdefault(span.label, [0, 0])
            for i in range(span.start, span.end):
                if not g.text[i].isspace():
                    total[0] += 1
                    total[1] += covered[i]
    return {label: hit / n for label, (n, hit) in sorted(counts.items()) if n}


def note_number(doc_id: str) -> int | None:
    """The number that ends a note id ("de-017" -> 17, "fr-h2-04" -> 4), or None."""
    match = re.search(r"(\d+)$", doc_id)
    return int(match.group(1)) if match else None


def half(dev: DevSet, which: str | None) -> DevSet:
    """``dev`` with only its odd- or even-numbered notes (all notes when ``which`` is None)."""
    if which is None:
        return dev
    parity = 1 if which == "odd" else 0
    notes = tuple(n for n in dev.notes if (note_number(n.id) or 0) % 2 == parity)
    return DevSet(dev.path, dev.language, notes, dev.problems)


def _pipeline_for(args: argparse.Namespace, language: str) -> Any:
    from fairdeid.pipeline import Pipeline

    source: Any = args.config
    if args.pack:
        from fairdeid.lang.packs import load_pack

        source = load_pack(language).config
    return Pipeline.from_config(source, detectors=args.detector or None, mode="tag")


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:.3f}"


def _print_checks(sets: Iterable[DevSet]) -> None:
    for dev in sets:
        counts = dev.label_counts()
        words = sum(len(note.text.split()) for note in dev.notes)
        print(f"{dev.language}: {len(dev.notes)} notes, {words} words, "
              f"{sum(counts.values())} spans ({dev.path.name})")
        print("    " + ", ".join(f"{label} {n}" for label, n in sorted(counts.items())))
        for problem in dev.problems:
            print(f"    PROBLEM {problem}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help=f"markup files (default: {DEV_DIR}/*.markup)")
    parser.add_argument("--check", action="store_true", help="parse and count only")
    parser.add_argument("--config", type=Path, help="pipeline TOML (default: packaged default)")
    parser.add_argument("-d", "--detector", action="append",
                        help="detector name(s) to run instead of the config's")
    parser.add_argument("--pack", action="store_true",
                        help="run each language through its own language pack's config")
    parser.add_argument("--half", choices=("odd", "even"),
                        help="score only the notes whose number is odd (tuning) or even")
    parser.add_argument("--json", type=Path, help="write the scores here as JSON")
    parser.add_argument("--by-label", action="store_true",
                        help="also print each set's character recall per gold label, worst first")
    args = parser.parse_args(argv)
    if args.pack and args.config:
        parser.error("--pack and --config are alternatives")

    paths = args.paths or sorted(DEV_DIR.glob("*.markup"))
    if not paths:
        print(f"no markup files under {DEV_DIR}", file=sys.stderr)
        return 2
    sets = [half(read_devset(path), args.half) for path in paths]
    _print_checks(sets)
    if any(dev.problems for dev in sets):
        return 1
    if args.check:
        return 0

    from fairdeid.evaluate import predict

    results: dict[str, dict[str, Any]] = {}
    print(f"\n{'set':<13}{'notes':>6}{'char R':>8}{'char P':>8}{'tok R':>8}{'tok P':>8}")
    for dev in sets:
        pred, _ = predict(_pipeline_for(args, dev.language), dev.notes)
        result = score(dev.notes, pred)
        results[dev.path.stem] = result
        print(f"{dev.path.stem:<13}{result['notes']:>6}{_fmt(result['char_recall']):>8}"
              f"{_fmt(result['char_precision']):>8}{_fmt(result['token_recall']):>8}"
              f"{_fmt(result['token_precision']):>8}")
        if args.by_label:
            by_label = label_char_recall(dev.notes, pred)
            result["char_recall_by_label"] = by_label
            worst = sorted(by_label.items(), key=lambda item: item[1])
            print("    " + ", ".join(f"{label} {value:.2f}" for label, value in worst if value < 1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
