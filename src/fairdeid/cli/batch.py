"""`fairdeid batch`: de-identify a large file with Ray Data (or in-process), resumably.

errors.jsonl has the keys of ``deidentify``'s error report (``record``: a 1-based locator such as
``notes.csv:row 3``; ``reason``) plus ``row``, the 0-based row number that part files use too.
Ray's own log lines are silenced unless ``--verbose``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairdeid.cli.app import (
    RunConfigOpt,
    RunDetectorsOpt,
    RunModeOpt,
    command,
    console,
    fail,
    lang_option,
    note,
    plural,
    quiet_third_party,
)


def _split(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


@command("batch")
def batch(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Input file: .jsonl, .csv or .parquet")
    ],
    output: Annotated[
        Path,
        typer.Argument(metavar="OUTPUT_DIR", help="Output directory (created; reruns resume)"),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="jsonl | csv | parquet (default: extension)"
        ),
    ] = None,
    text_column: Annotated[
        str, typer.Option(metavar="NAME", help="CSV/Parquet text column")
    ] = "text",
    id_column: Annotated[
        str | None, typer.Option(metavar="NAME", help="CSV/Parquet id column")
    ] = None,
    patient_column: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="CSV/Parquet patient id column (consistent surrogates)"),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option("--delimiter", metavar="CHAR", help="CSV field separator: a character or "
                     "comma | semicolon | tab | pipe (default: tab for .tsv, else comma)"),
    ] = None,
    config: RunConfigOpt = None,
    mode: RunModeOpt = None,
    detectors: RunDetectorsOpt = None,
    output_format: Annotated[str, typer.Option(help="Part files: jsonl | parquet")] = "jsonl",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (ray://host:10001 or auto)")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Workers (processes or Ray actors), each loads the model "
                                 "once (default: cores / --threads-per-actor)")
    ] = None,
    chunk_size: Annotated[
        int | None, typer.Option(help="Rows per part file: the unit of resumption (default: "
                                 "the resumed run's, else from the row count, at most 1000)")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="auto (ray with --address, else processes) | "
                          "processes (a process pool on this machine) | ray | local")
    ] = "auto",
    threads_per_actor: Annotated[
        int | None, typer.Option("--threads-per-actor", min=1, help="Model threads per "
                                 "worker (default 1, or cores / --concurrency)")
    ] = None,
    object_store_mb: Annotated[
        int, typer.Option("--object-store-mb", min=75, help="Object store of the local Ray "
                          "(--engine ray without --address)")
    ] = 256,
    batch_size: Annotated[int, typer.Option(help="Documents per pipeline call")] = 64,
    local: Annotated[
        bool, typer.Option("--local", help="Run in this process, without Ray")
    ] = False,
    keep_meta: Annotated[
        bool, typer.Option("--keep-meta", help="Copy input meta to the output (off: may be PHI)")
    ] = False,
    plugin: Annotated[
        list[str] | None,
        typer.Option("--plugin", help="Module to import first, in every worker (registers "
                     "third-party detectors); repeatable"),
    ] = None,
    restart: Annotated[
        bool,
        typer.Option("--restart", help="Discard an earlier run in OUTPUT and start over "
                     "(instead of resuming it, or refusing when input or settings changed)"),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Keep Ray's and other libraries' log lines")
    ] = False,
    lang: Annotated[str | None, lang_option("manifest.json counts the languages.")] = None,
) -> None:
    """De-identify INPUT into OUTPUT/part-*.jsonl with errors.jsonl and manifest.json.

    Every input row ends in a part file or in errors.jsonl (with its row number and reason).
    Killed and rerun with the same arguments, the job resumes without losing or duplicating rows;
    a rerun whose input content or settings changed is refused (exit 2) unless --restart.
    Surrogate mode needs $FAIRDEID_KEY (see `fairdeid keygen`): every worker and every rerun
    must give a patient the same surrogates.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from fairdeid.cli.extras import require, require_pipeline
    from fairdeid.errors import ConfigError, FairdeidError
    from fairdeid.io.readers import Columns, csv_delimiter, detect_format
    from fairdeid.lang.routing import with_language
    from fairdeid.pipeline import load_config
    from fairdeid.scale.job import IncompleteRunError, run_batch
    from fairdeid.scale.worker import JobSpec

    quiet_third_party(verbose)
    if output_format not in ("jsonl", "parquet"):
        raise fail("--output-format must be jsonl or parquet")
    if local and engine not in ("auto", "local"):
        raise fail(f"--local runs in this process: it cannot be combined with --engine {engine}")
    if not input_path.is_file():
        raise fail(f"input not found: {input_path}")
    try:
        if not local and (engine == "ray" or (engine == "auto" and address)):
            require("fairdeid batch on Ray (--engine ray or --address)", ["ray"])
        require_pipeline(config, _split(detectors))
        spec = JobSpec(
            input=str(input_path.resolve()),
            fmt=detect_format(input_path, fmt),
            output=str(output.resolve()),
            columns=Columns(text=text_column, id=id_column, patient=patient_column,
                            delimiter=csv_delimiter(delimiter, input_path)),
            out_format=output_format,  # type: ignore[arg-type]
            config=load_config(config) if lang is None else with_language(config, lang),
            mode=mode,
            detectors=_split(detectors),
            plugins=tuple(plugin or ()),
            batch_size=batch_size,
            keep_meta=keep_meta,
        )
        if (spec.config.get("replace") or {}).get("mapping_file"):
            # workers in other processes would each open it (two new files race on the salt),
            # and redone chunks would file their entries twice
            raise ConfigError(
                "[replace] mapping_file is not supported by fairdeid batch: its workers cannot "
                "share one mapping file; write mappings with fairdeid deidentify --mapping-file"
            )
    except FairdeidError as exc:
        raise fail(str(exc)) from None

    progress = Progress(
        TextColumn("[bold]chunks"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows {task.fields[rows]:,} · errors {task.fields[errors]:,}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )
    task = progress.add_task("chunks", total=None, rows=0, errors=0)

    def on_plan(total: int, done: int) -> None:
        progress.update(task, total=total, completed=done)
        if done:
            note(f"resuming: {done} of {plural(total, 'chunk')} already done")

    def on_notice(message: str) -> None:
        note(message, "yellow")

    def on_chunk(result) -> None:  # type: ignore[no-untyped-def]
        fields = progress.tasks[task].fields
        progress.update(task, advance=1, rows=fields["rows"] + result.rows_ok,
                        errors=fields["errors"] + result.rows_error)

    try:
        with progress:
            report = run_batch(
                spec,
                chunk_size=chunk_size,
                engine="local" if local else engine,  # type: ignore[arg-type]
                address=address,
                concurrency=concurrency,
                threads=threads_per_actor,
                object_store_mb=object_store_mb,
                restart=restart,
                on_plan=on_plan,
                on_chunk=on_chunk,
                on_notice=on_notice,
            )
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except IncompleteRunError as exc:
        raise fail(str(exc), code=1) from None
    except KeyboardInterrupt:  # Ctrl-C: finished parts stay; say how to go on (130 = SIGINT)
        note("interrupted: finished part files are kept in the output directory. To continue, "
             "run the same command again (without --restart); its rows already done are not "
             "redone.", "yellow")
        raise typer.Exit(130) from None
    note(
        f"{plural(report.rows_ok, 'row')} de-identified, {report.rows_error:,} in errors.jsonl, "
        f"{plural(report.chunks, 'chunk')} ({report.chunks_skipped} resumed) in "
        f"{report.seconds:.1f}s"
    )
    note(f"output: {report.output}")
    if report.rows_error:
        raise typer.Exit(1)
