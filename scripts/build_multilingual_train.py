"""Build one training file for the multilingual fine-tune of the encoder (issue 12, item 3).

The English-trained encoder (``minilm-mc-deid``) finds nearly every identifier in German, French,
Dutch, Italian and Spanish notes, but it also tags their ordinary capitalised words: it never saw
them as "not PHI" (docs/language-packs.md, "The multicultural encoder on other languages"). A
fine-tune on notes of those languages, beside the English mix it was trained on, gives it those
negatives. This script joins the inputs into one JSONL that ``fairdeid train`` reads:

* generated notes (``fairdeid generate --lang de ...``; canonical JSONL) once each;
* hand-written notes (``benchmarks/data/lang/<code>*.markup``) ``--repeat`` times each, since
  there are few of them and they hold the shapes the generator does not write. Blind sets
  (``*_blind*``) are refused: they stay unseen, for measuring the result.

Every input record ends in the output or in the error report (``OUT.errors.jsonl``: file,
record and reason, never note text). Same inputs and seed, same file.

    python scripts/build_multilingual_train.py -o build/ml/train.jsonl --repeat 4 \\
        build/ml/gen-de.jsonl build/ml/en.jsonl benchmarks/data/lang/de.markup
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fairdeid.corpora.formats import read_documents
from fairdeid.document import Document
from fairdeid.errors import RecordError

HANDWRITTEN_SUFFIX = ".markup"


@dataclass(frozen=True)
class Built:
    """What one build wrote: notes per input file (after repeats) and records refused."""

    written: dict[str, int]
    errors: tuple[dict[str, str], ...]


def is_blind(path: Path) -> bool:
    """A blind set measures the result; training on it would make that measure worthless."""
    return "_blind" in path.stem


def _read(path: Path) -> Iterator[Document | RecordError]:
    """The file's notes, or one error naming the file when it cannot be read at all."""
    try:
        yield from read_documents(path)
    except Exception as exc:  # noqa: BLE001 - one unreadable file is reported, not fatal
        yield RecordError(path.name, f"unreadable: {type(exc).__name__}")


def build(inputs: Sequence[Path], repeat: int, seed: int) -> tuple[list[Document], Built]:
    """The shuffled training notes of ``inputs`` and the report of what went where."""
    notes: list[Document] = []
    written: dict[str, int] = {}
    errors: list[dict[str, str]] = []
    for path in inputs:
        if is_blind(path):
            raise SystemExit(f"{path.name}: a blind set is for measuring, never for training")
        copies = repeat if path.suffix == HANDWRITTEN_SUFFIX else 1
        count = 0
        for item in _read(path):
            if isinstance(item, RecordError):
                errors.append({"file": path.name, "record": str(item.record),
                               "reason": item.reason})
                continue
            for copy in range(copies):
                # ids stay unique across files and copies: "de.markup:de-003#2"
                doc_id = f"{path.name}:{item.id}" + (f"#{copy}" if copy else "")
                notes.append(Document(doc_id, item.text, dict(item.meta), item.spans))
                count += 1
        written[path.name] = count
    random.Random(seed).shuffle(notes)
    return notes, Built(written, tuple(errors))


def write(notes: Sequence[Document], built: Built, out: Path) -> Path:
    """Write the notes to ``out`` and the refused records beside it; the error file's path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for note in notes:
            handle.write(json.dumps(note.to_dict(), ensure_ascii=False) + "\n")
    errors = out.with_name(out.stem + ".errors.jsonl")
    with errors.open("w", encoding="utf-8") as handle:
        for error in built.errors:
            handle.write(json.dumps(error) + "\n")
    return errors


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path,
                        help="generated JSONL files and hand-written .markup files")
    parser.add_argument("-o", "--out", type=Path, required=True, help="training JSONL to write")
    parser.add_argument("--repeat", type=int, default=4,
                        help="copies of each hand-written note (default 4)")
    parser.add_argument("--seed", type=int, default=29, help="shuffle seed (default 29)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    notes, built = build(args.inputs, args.repeat, args.seed)
    errors = write(notes, built, args.out)
    for name, count in built.written.items():
        print(f"{name}: {count} notes", file=sys.stderr)
    print(f"wrote {len(notes)} notes to {args.out}; {len(built.errors)} records refused "
          f"({errors})", file=sys.stderr)
    return 1 if built.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
