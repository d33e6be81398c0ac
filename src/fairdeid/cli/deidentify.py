"""`fairdeid deidentify`: the production command. Reads the user's files, writes the same shape.

Everything that can be refused is refused before any work (exit 2): an output that would land on
the input, a path that cannot be written, a resume from other input or settings. Then every
record ends in the output or in the error report (exit 1 when any failed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from fairdeid.cli.app import app, console
from fairdeid.errors import FairdeidError, RecordError

if TYPE_CHECKING:
    from fairdeid.io.checkpoint import Checkpoint
    from fairdeid.io.readers import InputRecord, InputSet
    from fairdeid.pipeline import Pipeline

#: Errors listed on the terminal when they are also in a report file.
_SHOWN_ERRORS = 20


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class _Request:
    """The command line, checked: what to read, what to write, how."""

    input_path: Path
    output: Path | None
    errors_out: Path | None
    spans_out: Path | None
    mapping_file: Path | None
    checkpoint: Path | None
    keep: tuple[str, ...]


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(2)


def _effective_mode(config: Path | None, mode: str | None) -> str:
    from fairdeid.pipeline import load_config

    table = load_config(config).get("replace", {})
    return mode or str(table.get("mode", "tag") if isinstance(table, dict) else "tag")


def _check_usage(
    input_path: Path, output: Path | None, mode: str, *, resume: bool, mapping: bool,
    keep_columns: list[str] | None, keep_meta: list[str] | None,
) -> None:
    from fairdeid.io.readers import detect_kind

    if not input_path.exists() and not input_path.is_symlink():
        raise FairdeidError(f"input not found: {input_path}")
    kind = detect_kind(input_path)
    if mapping and mode != "surrogate":
        raise FairdeidError(f"--mapping-file only applies to --mode surrogate (mode is {mode})")
    if resume and output is None:
        raise FairdeidError("--resume needs -o: progress is only checkpointed for an output path")
    if kind == "dir" and output is None:
        raise FairdeidError("directory input needs -o OUTPUT_DIR")
    if keep_columns and kind != "csv":
        raise FairdeidError("--keep-columns is for CSV input (use --keep-meta for JSONL)")
    if keep_meta and kind != "jsonl":
        raise FairdeidError("--keep-meta is for JSONL input (use --keep-columns for CSV)")


def _check_paths(req: _Request) -> None:
    """Every path the run writes must be writable and apart from the input and each other."""
    from fairdeid.io.writers import check_apart, check_writable

    input_is_dir = req.input_path.is_dir()
    written: list[tuple[str, Path, bool]] = []
    if req.output is not None:
        written.append(("-o", req.output, input_is_dir))
    for flag, path in (
        ("--errors", req.errors_out),
        ("--spans-out", req.spans_out),
        ("--mapping-file", req.mapping_file),
        ("the checkpoint", req.checkpoint),
    ):
        if path is not None:
            written.append((flag, path, False))
    for flag, path, is_dir in written:
        check_writable(path, flag, directory=is_dir)
    check_apart(req.input_path, written)


def _build_pipeline(
    config: Path | None, detectors: str | None, mode: str, preset: str | None,
    mapping_file: Path | None, *, resume: bool,
) -> Pipeline:
    from fairdeid.pipeline import Pipeline

    replace: dict[str, object] = {}
    if mapping_file:
        replace["mapping_file"] = str(mapping_file)
    if resume and mode == "surrogate":
        # A random per-process key would give the resumed records other surrogates.
        replace["require_key"] = True
    overrides: dict[str, dict[str, object]] = {"replace": replace} if replace else {}
    if preset:
        overrides["resolve"] = {"preset": preset}
    return Pipeline.from_config(config, detectors=_split(detectors), mode=mode, overrides=overrides)


def _settings(pipeline: Pipeline, preset: str | None, columns: list[str | None], *,
              recursive: bool) -> dict[str, Any]:
    """Everything that shapes a record's output: a resume must not change any of it."""
    from fairdeid.io.fingerprint import key_check

    config = json.loads(json.dumps(pipeline.config, default=str))
    key = None
    if isinstance(config.get("replace"), dict):
        # The key itself is never written (its keyed check is); require_key changes no output.
        config["replace"].pop("key", None)
        config["replace"].pop("require_key", None)
    store_key = getattr(getattr(pipeline.replacer, "store", None), "key", None)
    if isinstance(store_key, bytes):
        key = key_check(store_key, b"fairdeid checkpoint key check")
    return {
        "config": config,
        "detectors": list(pipeline.detectors),
        "mode": pipeline.replacer.mode,
        "preset": preset,
        "columns": columns,
        "recursive": recursive,
        "key_check": key,
    }


def _warn_identifying(kind: str, keep: tuple[str, ...]) -> None:
    from fairdeid.io.writers import looks_identifying

    what = "column" if kind == "csv" else "key"
    for name in keep:
        if looks_identifying(name) or name == "meta":
            console.print(
                f"[yellow]warning:[/yellow] kept {what} {escape(repr(name))} looks identifying; "
                "its values are copied to the output unchanged (not de-identified)",
                soft_wrap=True,
            )


def _process(pipeline: Pipeline, inputs: InputSet, ckpt: Checkpoint, batch_size: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    for rec in inputs.records:
        if rec.error is not None and not ckpt.done(rec.index):
            ckpt.add_error(rec.index, rec.error)
    todo = [r for r in inputs.records if r.document is not None and not ckpt.done(r.index)]
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=len(todo) < 2,
    ) as progress:
        task = progress.add_task("de-identifying", total=len(todo))
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            _run_batch(pipeline, ckpt, batch)
            ckpt.flush()
            progress.advance(task, len(batch))


def _run_batch(pipeline: Pipeline, ckpt: Checkpoint, rec_batch: list[InputRecord]) -> None:
    from fairdeid.runner import run_safely

    todo = [(r, r.document) for r in rec_batch if r.document is not None]
    outcomes = run_safely(
        pipeline, [doc for _, doc in todo], locators=[r.locator for r, _ in todo]
    )
    for (rec, _), outcome in zip(todo, outcomes, strict=True):
        if isinstance(outcome, RecordError):
            ckpt.add_error(rec.index, outcome)
        else:
            ckpt.add_output(rec.index, outcome.text, [s.to_dict() for s in outcome.spans])


def _write_spans(inputs: InputSet, ckpt: Checkpoint, path: Path) -> None:
    from fairdeid.io.writers import atomic_write

    lines = []
    for rec in inputs.records:
        if rec.index in ckpt.outputs and rec.document is not None:
            record: dict[str, Any] = {"id": rec.document.id, "text": rec.document.text}
            if rec.document.meta:
                record["meta"] = dict(rec.document.meta)
            record["spans"] = ckpt.spans[rec.index]
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    atomic_write(path, "".join(lines))


def _report(errors: list[RecordError], report: Path | None, total: int) -> None:
    """The error records go to the report file when there is one, else all of them to stderr.

    Without -o and --errors nothing is written beside the input: the terminal is the report.
    """
    from fairdeid.io.writers import write_error_report

    shown = errors if report is None else errors[:_SHOWN_ERRORS]
    for err in shown:
        console.print(
            f"[yellow]skipped[/yellow] {escape(err.record)}: {escape(err.reason)}", soft_wrap=True
        )
    if len(shown) < len(errors):
        console.print(f"... and {len(errors) - len(shown)} more")
    where = "listed above"
    if report is not None:
        write_error_report(errors, report)
        where = f"report: {escape(str(report))}"
    console.print(
        f"[red]{len(errors)} of {total} records failed or were skipped[/red]; {where}",
        soft_wrap=True,
    )


@app.command("deidentify")
def deidentify(
    input_path: Annotated[
        Path, typer.Argument(help=".txt file, directory of .txt, .jsonl or .csv")
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output file or directory (stdout if omitted)"),
    ] = None,
    mode: Annotated[
        str | None, typer.Option("--mode", help="tag | redact | surrogate (default: from config)")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Pipeline TOML")] = None,
    detectors: Annotated[
        str | None,
        typer.Option("--detectors", help="Comma-separated detectors, e.g. rules,transformer"),
    ] = None,
    spans_out: Annotated[
        Path | None, typer.Option("--spans-out", help="Write canonical JSONL with detected spans")
    ] = None,
    text_column: Annotated[
        str | None, typer.Option("--text-column", help="CSV text column")
    ] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help="CSV id column")] = None,
    patient_column: Annotated[
        str | None, typer.Option("--patient-column", help="CSV column with the patient id")
    ] = None,
    keep_columns: Annotated[
        str | None,
        typer.Option(
            "--keep-columns",
            help="CSV: other columns to copy unchanged (default: only the id and text columns)",
        ),
    ] = None,
    keep_meta: Annotated[
        str | None,
        typer.Option(
            "--keep-meta",
            help="JSONL: other keys or meta keys to copy unchanged (default: only id and text)",
        ),
    ] = None,
    recursive: Annotated[
        bool, typer.Option("--recursive", help="Directory input: also read subdirectories")
    ] = False,
    errors_out: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="Per-record error report (default: OUTPUT.errors.jsonl; stderr without -o)",
        ),
    ] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help="safe_harbor | limited_data_set")
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Records per batch")] = 32,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run from its checkpoint")
    ] = False,
    mapping_file: Annotated[
        Path | None,
        typer.Option(
            "--mapping-file", help="Surrogate mode: write an encrypted original→surrogate map"
        ),
    ] = None,
) -> None:
    """De-identify clinical notes, keeping the input's shape and order.

    Every record ends in the output or in the error report; the exit code is 1 if any failed,
    2 when the command is refused before any work. Only ids and de-identified text are written
    unless --keep-columns / --keep-meta name more.
    """
    from fairdeid.io.checkpoint import Checkpoint, checkpoint_path
    from fairdeid.io.fingerprint import Fingerprint, settings_digest
    from fairdeid.io.readers import read_input
    from fairdeid.io.writers import check_targets, write_output

    kept_columns, kept_meta = _split(keep_columns), _split(keep_meta)
    try:
        effective_mode = _effective_mode(config, mode)
        _check_usage(
            input_path, output, effective_mode, resume=resume, mapping=mapping_file is not None,
            keep_columns=kept_columns, keep_meta=kept_meta,
        )
        req = _Request(
            input_path=input_path,
            output=output,
            errors_out=errors_out
            or (output.parent / f"{output.name}.errors.jsonl" if output else None),
            spans_out=spans_out,
            mapping_file=mapping_file,
            checkpoint=checkpoint_path(output),
            keep=tuple(kept_columns or kept_meta or ()),
        )
        _check_paths(req)
        inputs = read_input(
            input_path, text_column=text_column, id_column=id_column,
            patient_column=patient_column, keep_columns=kept_columns or (), recursive=recursive,
        )
        check_targets(inputs, output)
        pipeline = _build_pipeline(
            config, detectors, effective_mode, preset, mapping_file, resume=resume
        )
        settings = _settings(
            pipeline, preset, [text_column, id_column, patient_column], recursive=recursive
        )
        ckpt = Checkpoint(
            req.checkpoint, Fingerprint(inputs.fingerprint, settings_digest(settings))
        )
        n_done = ckpt.load() if resume else 0
    except FairdeidError as exc:
        raise _fail(str(exc)) from None
    if n_done:
        console.print(f"resuming: {n_done} record(s) already done")
    _warn_identifying(inputs.kind, req.keep)

    ckpt.open(append=resume)
    _process(pipeline, inputs, ckpt, batch_size)
    write_output(inputs, ckpt.outputs, output, keep=req.keep)
    if spans_out:
        _write_spans(inputs, ckpt, spans_out)
    errors = [ckpt.errors[i] for i in sorted(ckpt.errors)]
    n_ok = len(ckpt.outputs)
    ckpt.finish()
    if errors:
        _report(errors, req.errors_out, len(inputs.records))
        raise typer.Exit(1)
    console.print(f"[green]de-identified {n_ok} record(s)[/green]")
