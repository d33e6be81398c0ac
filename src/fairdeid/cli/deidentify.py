"""`fairdeid deidentify`: the production command. Reads the user's files, writes the same shape."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from fairdeid.cli.app import app, console
from fairdeid.errors import FairdeidError, RecordError

log = logging.getLogger("fairdeid")

_BATCH = 32


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
    from fairdeid.records import read_input, write_error_report, write_output

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

    errors: list[RecordError] = [r.error for r in inputs.records if r.error is not None]
    todo = [r for r in inputs.records if r.document is not None]
    outputs: dict[int, str] = {}
    detected: dict[int, dict[str, object]] = {}

    def run_one(rec_batch: list) -> None:  # type: ignore[type-arg]
        docs = [r.document for r in rec_batch]
        try:
            results = pipeline.deidentify_batch(docs)
        except Exception as exc:  # isolate the failing record(s); other records still go through
            if len(rec_batch) > 1:
                for rec in rec_batch:
                    run_one([rec])
                return
            rec = rec_batch[0]
            # The exception text may quote the note: report only its type.
            reason = "processing failed (internal error)"
            errors.append(RecordError(rec.locator, reason))
            log.error("record %s failed: %s", rec.locator, type(exc).__name__)
            return
        for rec, result in zip(rec_batch, results, strict=True):
            outputs[rec.index] = result.text
            detected[rec.index] = result.document.to_dict()

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
        for start in range(0, len(todo), _BATCH):
            batch = todo[start : start + _BATCH]
            run_one(batch)
            progress.advance(task, len(batch))

    write_output(inputs, outputs, output)
    if spans_out:
        spans_out.parent.mkdir(parents=True, exist_ok=True)
        with spans_out.open("w", encoding="utf-8") as handle:
            for rec in inputs.records:
                if rec.index in detected:
                    handle.write(json.dumps(detected[rec.index], ensure_ascii=False) + "\n")
    errors.sort(key=lambda e: _order_of(inputs, e.record))
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


def _order_of(inputs, locator: str) -> int:  # type: ignore[no-untyped-def]
    for rec in inputs.records:
        if rec.locator == locator:
            return int(rec.index)
    return len(inputs.records)


def _default_error_path(output: Path | None, input_path: Path) -> Path:
    base = output if output is not None else input_path
    if base.is_dir() or base.suffix == "":
        return base.parent / f"{base.name}.errors.jsonl"
    return base.with_name(base.name + ".errors.jsonl")
