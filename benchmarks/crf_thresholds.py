"""A language pack's CRF threshold curve: char R / P of the pack at several CRF thresholds, per set.

Why: the pack keeps CRF spans scored at least ``[resolve] thresholds = { crf = t }``, and a model
is only as good as the threshold it runs at. Comparing two CRFs at one threshold says which is
more cautious, not which is better; their curves (recall against precision over thresholds) on
the same unseen sets do. Every detector runs once per note; the proposals are then resolved at
each threshold exactly as the pipeline resolves them (``Pipeline.resolve_proposals``), so a row
equals ``benchmarks/lang_devsets.py --pack`` with that threshold in the pack.toml.

    python benchmarks/crf_thresholds.py de benchmarks/data/lang/de_blind6*.markup
    python benchmarks/crf_thresholds.py de --model build/crf12/F/crf-de-mw \\
        --group letters benchmarks/data/lang/de_blind6.markup \\
        --group formats benchmarks/data/lang/de_blind6c.markup --thresholds 0.3 0.5 0.7

Sets named with ``--group NAME`` files are pooled under NAME (and every row also pools all of
them, ``all``); plain paths are scored one by one. Output names sets and numbers only, never
note text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fairdeid.document import Document
from fairdeid.evaluate.runner import strip
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).parent))
from lang_devsets import read_devset, score  # noqa: E402
from student_threshold import with_threshold  # noqa: E402

#: thresholds tried without ``--thresholds``
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def pack_pipeline(lang: str, model: Path | None) -> Pipeline:
    """The pack's pipeline, with its CRF read from ``model`` (a folder) when given."""
    config = json.loads(json.dumps(load_pack(lang).config))  # deep copy of plain TOML data
    if model is not None:
        config.setdefault("detectors", {}).setdefault("crf", {})["model"] = str(model.resolve())
    return Pipeline.from_config(config, mode="tag")


def sweep(pipeline: Pipeline, groups: Mapping[str, Sequence[Document]],
          thresholds: Sequence[float]) -> list[dict[str, Any]]:
    """One row per threshold and group: the group's notes resolved at that CRF threshold and
    scored against their gold spans; ``all`` pools every group."""
    names = list(groups)
    notes = [note for name in names for note in groups[name]]
    proposals = [p.spans for p in pipeline.propose(strip(notes))]
    rows: list[dict[str, Any]] = []
    for t in thresholds:
        at_t = with_threshold(pipeline, "crf", t)
        pred = [note.with_spans(at_t.resolve_proposals(note, spans))
                for note, spans in zip(strip(notes), proposals, strict=True)]
        start = 0
        by_group: dict[str, tuple[list[Document], list[Document]]] = {}
        for name in names:
            end = start + len(groups[name])
            by_group[name] = (notes[start:end], pred[start:end])
            start = end
        if len(names) > 1:
            by_group["all"] = (notes, pred)
        for name, (gold, got) in by_group.items():
            rows.append({"threshold": t, "set": name, **score(gold, got)})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lang", help="pack code (de, fr, nl, it, es)")
    parser.add_argument("paths", nargs="*", type=Path, help="markup sets, each scored alone")
    parser.add_argument("--group", nargs="+", action="append", default=[], metavar="NAME FILE",
                        help="a name, then markup sets pooled under it")
    parser.add_argument("--model", type=Path,
                        help="CRF folder to run instead of the pack's (default: the pack's)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS))
    parser.add_argument("--json", type=Path, help="write the rows here as JSON")
    args = parser.parse_args(argv)
    groups: dict[str, list[Document]] = {}
    for path in args.paths:
        groups[path.stem] = list(read_devset(path).notes)
    for name, *files in args.group:
        if not files:
            parser.error(f"--group {name}: no files")
        groups[name] = [n for f in files for n in read_devset(Path(f)).notes]
    if not groups:
        parser.error("no sets")
    rows = sweep(pack_pipeline(args.lang, args.model), groups, args.thresholds)
    print(f"{'t':>5} {'set':<14}{'notes':>6}{'char R':>8}{'char P':>8}{'tok R':>8}{'tok P':>8}")
    for r in rows:
        print(f"{r['threshold']:>5g} {r['set']:<14}{r['notes']:>6}{r['char_recall']:>8.3f}"
              f"{r['char_precision']:>8.3f}{r['token_recall']:>8.3f}{r['token_precision']:>8.3f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
