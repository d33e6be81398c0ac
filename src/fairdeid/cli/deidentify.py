"""`fairdeid deidentify`: the production command. Reads the user's files, writes the same shape."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from fairdeid.cli.app import app, console
from fairdeid.errors import FairdeidError, RecordError

log = logging.getLogger("fairdeid")



def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


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
    errors_out: Annotated[
        Path | None,
        typer.Option("--errors", help="Per-record error report (default: OUTPUT.errors.jsonl)"),
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

    Every record ends in the output or in the error report; the exit code is 1 if any failed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from fairdeid.pipeline import Pipeline
    from fairdeid.records import (
        Checkpoint,
        InputRecord,
        checkpoint_path,
        read_input,
        write_error_report,
        write_output,
    )

    overrides: dict[str, dict[str, object]] = {}
    if preset:
        overrides["resolve"] = {"preset": preset}
    if mapping_file:
        overrides["replace"] = {"mapping_file": str(mapping_file)}
    try:
        pipeline = Pipeline.from_config(
            config, detectors=_split(detectors), mode=mode, overrides=overrides
        )
        inputs = read_input(
            input_path, text_column=text_column, id_column=id_column, patient_column=patient_column
        )
    except FairdeidError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None

    ckpt_file = checkpoint_path(output)
    ckpt = Checkpoint(ckpt_file)  # in memory only when writing to stdout
    write_ckpt = ckpt_file is not None
    if write_ckpt and resume:
        n_done = ckpt.load()
        if n_done:
            console.print(f"resuming: {n_done} record(s) already done")
    if write_ckpt:
        ckpt.open(append=resume)
    for rec in inputs.records:
        if rec.error is not None and not ckpt.done(rec.index):
            ckpt.add_error(rec.index, rec.error)
    todo = [r for r in inputs.records if r.document is not None and not ckpt.done(r.index)]

    def run_one(rec_batch: list[InputRecord]) -> None:
        docs = [r.document for r in rec_batch if r.document is not None]
        try:
            results = pipeline.deidentify_batch(docs)
        except Exception as exc:  # isolate the failing record(s); other records still go through
            if len(rec_batch) > 1:
                for rec in rec_batch:
                    run_one([rec])
                return
            rec = rec_batch[0]
            # The exception text may quote the note: report only its type.
            failure = RecordError(rec.locator, "processing failed (internal error)")
            ckpt.add_error(rec.index, failure)
            log.error("record %s failed: %s", rec.locator, type(exc).__name__)
            return
        for rec, result in zip(rec_batch, results, strict=True):
            if result.errors:  # only partly checked: never released as de-identified
                reason = "detector failed: " + "; ".join(result.errors)
                ckpt.add_error(rec.index, RecordError(rec.locator, reason))
            else:
                ckpt.add_output(rec.index, result.text, [s.to_dict() for s in result.spans])

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
            run_one(batch)
            ckpt.flush()
            progress.advance(task, len(batch))

    write_output(inputs, ckpt.outputs, output)
    if spans_out:
        spans_out.parent.mkdir(parents=True, exist_ok=True)
        with spans_out.open("w", encoding="utf-8") as handle:
            for rec in inputs.records:
                if rec.index in ckpt.outputs and rec.document is not None:
                    record: dict[str, Any] = {"id": rec.document.id, "text": rec.document.text}
                    if rec.document.meta:
                        record["meta"] = dict(rec.document.meta)
                    record["spans"] = ckpt.spans[rec.index]
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    errors = [ckpt.errors[i] for i in sorted(ckpt.errors)]
    outputs = ckpt.outputs
    ckpt.finish()
    if errors:
        report = errors_out or _default_error_path(output, input_path)
        write_error_report(errors, report)
        for err in errors[:20]:
            console.print(f"[yellow]skipped[/yellow] {err.record}: {err.reason}")
        if len(errors) > 20:
            console.print(f"... and {len(errors) - 20} more")
        console.print(
            f"[red]{len(errors)} of {len(inputs.records)} records failed[/red]; report: {report}"
        )
        raise typer.Exit(1)
    console.print(f"[green]de-identified {len(outputs)} record(s)[/green]")


def _default_error_path(output: Path | None, input_path: Path) -> Path:
    base = output if output is not None else input_path
    if base.is_dir() or base.suffix == "":
        return base.parent / f"{base.name}.errors.jsonl"
    return base.with_name(base.name + ".errors.jsonl")
