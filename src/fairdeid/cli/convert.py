"""`fairdeid convert IN OUT --from X --to Y`: move annotated documents between corpus formats.

Bad records are reported one line each (file/line or document id and a reason, never text) and
skipped; the command still writes every good record, then exits 1 if any record failed, so a
pipeline notices. Configuration problems (unknown format, a label with no mapping) exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from fairdeid.cli.app import command, console, fail, note, plural


@command("convert")
def convert(
    src: Annotated[Path, typer.Argument(metavar="IN", help="Input file or directory.")],
    dst: Annotated[Path, typer.Argument(metavar="OUT", help="Output file or directory.")],
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="jsonl, brat, i2b2, presidio, meddocan, csv, parquet, mimic "
            "(default: guessed from IN).",
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="jsonl, brat, i2b2, presidio, meddocan, csv, parquet, conll "
            "(default: guessed from OUT).",
        ),
    ] = None,
    label_map: Annotated[
        Path | None,
        typer.Option(help="JSON object mapping corpus labels to fairdeid labels (brat, presidio)."),
    ] = None,
    coarse: Annotated[bool, typer.Option(help="conll: write coarse labels.")] = False,
    text_column: Annotated[str, typer.Option(help="csv/parquet: the text column.")] = "text",
    id_column: Annotated[str, typer.Option(help="csv/parquet: the id column.")] = "id",
    unknown: Annotated[
        str, typer.Option(help="mimic: unknown placeholders: error, skip or other.")
    ] = "error",
    seed: Annotated[int, typer.Option(help="mimic: seed for surrogates.")] = 0,
    locales: Annotated[
        str | None,
        typer.Option(help="mimic: comma-separated locales for surrogate names (default: all)."),
    ] = None,
    max_errors: Annotated[int, typer.Option(help="Report at most this many bad records.")] = 50,
) -> None:
    """Convert annotated documents between formats (per-record errors reported, exit 1)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from fairdeid.corpora.formats import read_documents, write_documents
    from fairdeid.document import Document
    from fairdeid.errors import FairdeidError, RecordError

    read_opts: dict[str, Any] = {}
    fmt_in = (from_ or "").lower() or None
    if label_map is not None:
        try:
            read_opts["label_map"] = json.loads(label_map.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise fail(f"cannot read label map {label_map}: {type(exc).__name__}") from None
    elif fmt_in == "brat":
        read_opts["label_map"] = {}
    if fmt_in in ("csv", "parquet"):
        read_opts.update(text_column=text_column, id_column=id_column)
    if fmt_in == "mimic":
        read_opts.update(unknown=unknown, seed=seed)
        if locales:
            read_opts["locales"] = [c.strip() for c in locales.split(",") if c.strip()]
    fmt_out = (to or "").lower() or None
    if fmt_out is None and dst.suffix.lower() in (".conll", ".bio"):
        fmt_out = "conll"
    write_opts: dict[str, Any] = {"coarse": coarse} if fmt_out == "conll" else {}

    errors = 0
    good = 0

    try:
        items = read_documents(src, fmt_in, **read_opts)

        def documents(progress: Progress, task: Any) -> Any:
            nonlocal errors, good
            for item in items:
                progress.advance(task)
                if isinstance(item, RecordError):
                    errors += 1
                    if errors <= max_errors:
                        note(f"skipped {item.record}: {item.reason}", "yellow")
                    continue
                assert isinstance(item, Document)
                good += 1
                yield item

        with Progress(
            TextColumn("[bold]convert[/bold]"),
            BarColumn(),
            TextColumn("{task.completed} records"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("convert", total=None)
            written = write_documents(documents(progress, task), dst, fmt_out, **write_opts)
    except FairdeidError as exc:
        raise fail(str(exc)) from None

    if errors > max_errors:
        note(f"... {plural(errors - max_errors, 'more bad record')} not shown", "yellow")
    note(f"wrote {plural(written, 'document')} to {dst}; {plural(errors, 'bad record')} skipped")
    if errors:
        raise typer.Exit(1)
