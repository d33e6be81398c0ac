"""`fairdeid deidentify`: the production command. Reads the user's files, writes the same shape.

Everything that can be refused is refused before any work (exit 2): an output that would land on
the input, a path that cannot be written, a resume from other input or settings. Then every
record ends in the output or in the error report (exit 1 when any failed).

Memory stays bounded whatever the input size: records are read lazily, de-identified in batches
of at most ``--batch-size`` records and ``BATCH_CHARS`` characters, and written out in input
order batch by batch (a file output still appears complete or not at all).

``-`` reads the input from stdin (``--format`` or a sniff of the first byte says whether it is
text or JSONL) and ``-o -`` writes to stdout, the default. ``--json`` prints a summary object to
stdout, so it needs ``-o FILE``: the output and the summary never share one stream.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from fairdeid.cli.app import (
    RunConfigOpt,
    RunDetectorsOpt,
    RunModeOpt,
    command,
    console,
    fail,
    lang_option,
    plural,
    quiet_third_party,
)
from fairdeid.errors import FairdeidError, RecordError

if TYPE_CHECKING:
    from fairdeid.io.checkpoint import Checkpoint
    from fairdeid.io.readers import InputRecord, InputStream
    from fairdeid.io.writers import OutputWriter
    from fairdeid.pipeline import Pipeline

#: Errors listed on the terminal when they are also in a report file.
_SHOWN_ERRORS = 20
#: A batch is cut at ``--batch-size`` records or at this many characters of notes to process,
#: whichever comes first, so that a run holds a bounded amount of input at once.
BATCH_CHARS = 1_000_000
_STDIN_BLOCK = 1 << 20


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


#: ``-`` as INPUT or OUTPUT: stdin / stdout, as in most Unix tools.
STDIO = Path("-")
#: What ``--format`` may say about stdin; the suffix the reader dispatches on.
_STDIN_FORMATS = {"txt": ".txt", "jsonl": ".jsonl", "csv": ".csv"}


def _sniff(data: bytes) -> str:
    """JSONL when the first non-blank byte opens an object, else plain text. CSV is never
    guessed (a note can look like one): it needs ``--format csv``."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "jsonl" if head == b"{" else "txt"


def _stdin_head(source: IO[bytes]) -> bytes:
    """The start of stdin, up to its first non-blank byte (enough for ``_sniff``)."""
    head = b""
    while not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        block = source.read(_STDIN_BLOCK)
        if not block:
            break
        head += block
    return head


def _copy_stdin(head: bytes, source: IO[bytes], fd: int) -> None:
    """Block by block: the process never holds the whole input."""
    block = head
    while block:
        view = memoryview(block)
        while view:
            view = view[os.write(fd, view) :]
        block = source.read(_STDIN_BLOCK)


@contextmanager
def _stdin_as_path(fmt: str | None) -> Iterator[Path]:
    """stdin, read once, behind a path the readers understand (``stdin.<format>``).

    On Linux the bytes stay in memory (a memfd) and only a symlink naming it touches the disk;
    elsewhere they go to a private temporary file that is removed when the run ends. They are
    copied block by block, so the process itself never holds the whole input at once.
    """
    source = sys.stdin.buffer
    head = _stdin_head(source)
    suffix = _STDIN_FORMATS[fmt or _sniff(head)]
    with tempfile.TemporaryDirectory(prefix="fairdeid-stdin-") as tmp:
        path = Path(tmp) / f"stdin{suffix}"
        memfd = getattr(os, "memfd_create", None)
        if memfd is not None and Path("/proc/self/fd").is_dir():
            fd = memfd("fairdeid-stdin")
            try:
                _copy_stdin(head, source, fd)
                path.symlink_to(f"/proc/self/fd/{fd}")
                yield path
            finally:
                os.close(fd)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                _copy_stdin(head, source, fd)
            finally:
                os.close(fd)
            yield path


def _effective_mode(config: Path | None, mode: str | None) -> str:
    from fairdeid.pipeline import load_config

    table = load_config(config).get("replace", {})
    return mode or str(table.get("mode", "tag") if isinstance(table, dict) else "tag")


def _check_stdio(
    input_path: Path, output: Path | None, fmt: str | None, *, resume: bool, as_json: bool
) -> None:
    """What ``-``, ``--format`` and ``--json`` allow, checked before stdin is read."""
    if fmt is not None and fmt not in _STDIN_FORMATS:
        raise FairdeidError(f"--format must be one of {', '.join(_STDIN_FORMATS)} (got {fmt!r})")
    if fmt is not None and input_path != STDIO:
        raise FairdeidError(
            "--format is for stdin input (-); a file's format comes from its extension"
        )
    if resume and input_path == STDIO:
        raise FairdeidError("--resume needs a file input: stdin cannot be read again")
    if as_json and output is None:
        raise FairdeidError(
            "--json prints a summary on stdout, so the output needs a file: give -o OUTPUT"
        )


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


def _check_mapping(config: Path | None, mapping_file: Path | None, *, resume: bool) -> None:
    """A fresh run refuses a mapping file that holds an earlier run's entries (exit 2)."""
    from fairdeid.pipeline import load_config
    from fairdeid.replace.mapping import check_fresh_mapping

    if resume:
        return
    if mapping_file is not None:
        check_fresh_mapping(mapping_file)
        return
    table = load_config(config).get("replace", {})
    configured = table.get("mapping_file") if isinstance(table, dict) else None
    if configured:
        check_fresh_mapping(configured, "[replace] mapping_file")


def _build_pipeline(
    config: Path | None, detectors: str | None, mode: str, preset: str | None,
    mapping_file: Path | None, *, resume: bool, language: str | None = None,
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
    try:
        return Pipeline.from_config(
            config, detectors=_split(detectors), mode=mode, overrides=overrides,
            language=language)
    except (FairdeidError, ModuleNotFoundError):
        raise
    except Exception as exc:  # noqa: BLE001  (a model file a library cannot load, etc.)
        # Built from the config alone, before any note is read: the message names files only.
        raise FairdeidError(f"cannot build the pipeline: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


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
        "language": "auto" if pipeline.router is not None else pipeline.language,
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


@dataclass
class _Tally:
    """What the run has seen so far, for the summary: counts only, never the records."""

    records: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    unsupported: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Sinks:
    """Where each finished record goes, in input order."""

    output: OutputWriter
    spans: IO[str] | None
    tally: _Tally


@dataclass(frozen=True)
class _Done:
    """One de-identified record, as the checkpoint keeps it."""

    text: str
    spans: list[dict[str, Any]]
    language: dict[str, Any] | None


def _process(
    pipeline: Pipeline, inputs: InputStream, ckpt: Checkpoint, sinks: _Sinks, batch_size: int
) -> None:
    """Read, de-identify and write the records batch by batch, so at most one batch is held.

    A batch closes at ``batch_size`` records (done, failed or to do) or ``BATCH_CHARS``
    characters to de-identify; its records are written out in input order before the next
    record is read.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=inputs.kind == "txt",
    ) as progress:
        task = progress.add_task("de-identifying", total=None)
        window: list[InputRecord] = []
        todo: list[InputRecord] = []
        chars = 0
        for rec in inputs.iter_records():
            window.append(rec)
            if rec.error is not None and not ckpt.done(rec.index):
                ckpt.add_error(rec.index, rec.error)
            elif rec.document is not None and not ckpt.done(rec.index):
                todo.append(rec)
                chars += len(rec.document.text)
            if len(window) >= batch_size or chars >= BATCH_CHARS:
                _finish_batch(pipeline, ckpt, window, todo, sinks)
                progress.advance(task, len(todo))
                window, todo, chars = [], [], 0
        if window:
            _finish_batch(pipeline, ckpt, window, todo, sinks)
            progress.advance(task, len(todo))


def _finish_batch(
    pipeline: Pipeline, ckpt: Checkpoint, window: list[InputRecord], todo: list[InputRecord],
    sinks: _Sinks,
) -> None:
    fresh = _run_batch(pipeline, ckpt, todo)
    for rec in window:
        sinks.tally.records += 1
        done = fresh.get(rec.index) or _earlier(ckpt, rec.index)
        if done is not None:
            _emit(rec, done, sinks)
        elif rec.index in ckpt.errors:
            sinks.output.withhold(rec)
            if rec.error is not None:
                sinks.tally.skipped += 1
            else:
                sinks.tally.failed += 1
    ckpt.flush()


def _earlier(ckpt: Checkpoint, index: int) -> _Done | None:
    """The output an interrupted run already made for this record, if any."""
    taken = ckpt.take(index)
    return None if taken is None else _Done(*taken)


def _run_batch(
    pipeline: Pipeline, ckpt: Checkpoint, todo: list[InputRecord]
) -> dict[int, _Done]:
    from fairdeid.runner import run_safely

    docs = [r.document for r in todo if r.document is not None]
    if not docs:
        return {}
    outcomes = run_safely(pipeline, docs, locators=[r.locator for r in todo])
    fresh: dict[int, _Done] = {}
    for rec, outcome in zip(todo, outcomes, strict=True):
        if isinstance(outcome, RecordError):
            ckpt.add_error(rec.index, outcome)
            continue
        choice = outcome.language_choice if pipeline.multilingual else None
        done = _Done(outcome.text, [s.to_dict() for s in outcome.spans],
                     None if choice is None else choice.to_dict())
        ckpt.add_output(rec.index, done.text, done.spans, done.language)
        fresh[rec.index] = done
    return fresh


def _emit(rec: InputRecord, done: _Done, sinks: _Sinks) -> None:
    tally = sinks.tally
    tally.done += 1
    tally.labels.update(str(span.get("label")) for span in done.spans)
    if done.language is not None:
        tally.languages[str(done.language.get("language"))] += 1
        if done.language.get("reason") in ("unsupported", "no_detector"):
            tally.unsupported[str(done.language.get("detected"))] += 1
    sinks.output.write(rec, done.text)
    if sinks.spans is not None and rec.document is not None:
        sinks.spans.write(_spans_line(rec, done))


def _spans_line(rec: InputRecord, done: _Done) -> str:
    """Canonical JSONL of the input record with the spans found (input coordinates)."""
    assert rec.document is not None
    record: dict[str, Any] = {"id": rec.document.id, "text": rec.document.text}
    meta = dict(rec.document.meta)
    if done.language is not None:
        # which language pack handled the note: {"language", "reason", "detected"...}
        meta["language"] = done.language
    if meta:
        record["meta"] = meta
    record["spans"] = done.spans
    return json.dumps(record, ensure_ascii=False) + "\n"


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
        f"[red]{len(errors)} of {plural(total, 'record')} failed or were skipped[/red]; {where}",
        soft_wrap=True,
    )


def _warn_languages(warnings: dict[str, int]) -> None:
    """Notes in a language without a pack went through English: never silently."""
    for code, count in sorted(warnings.items()):
        console.print(
            f"[yellow]warning:[/yellow] {plural(count, 'record')} in language {escape(code)!r}, "
            "which has no language pack (or none with the detectors asked for): processed with "
            "the English pipeline",
            soft_wrap=True,
        )


@dataclass(frozen=True)
class _Summary:
    """What ``--json`` reports: enough for a script to decide whether the run is usable."""

    records: int
    done: int
    failed: int
    skipped: int
    labels: dict[str, int]
    seconds: float
    output: str
    errors_report: str | None
    #: records per language pack used; records per recognised language that has no pack (they
    #: went through English, with a warning)
    languages: dict[str, int]
    unsupported_languages: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "done": self.done,
            "failed": self.failed,
            "skipped": self.skipped,
            "labels": dict(sorted(self.labels.items())),
            "seconds": round(self.seconds, 3),
            "output": self.output,
            "errors_report": self.errors_report,
            "languages": dict(sorted(self.languages.items())),
            "unsupported_languages": dict(sorted(self.unsupported_languages.items())),
        }


def _summary(tally: _Tally, ckpt: Checkpoint, req: _Request, seconds: float) -> _Summary:
    """Skipped: the input record itself was bad. Failed: it was read but not de-identified."""
    return _Summary(
        languages=dict(tally.languages),
        unsupported_languages=dict(tally.unsupported),
        records=tally.records,
        done=tally.done,
        failed=tally.failed,
        skipped=tally.skipped,
        labels=dict(tally.labels),
        seconds=seconds,
        output=str(req.output),
        errors_report=str(req.errors_out) if ckpt.errors and req.errors_out else None,
    )


@command("deidentify")
def deidentify(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help=".txt file, directory of .txt, .jsonl or .csv; - reads stdin",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", metavar="OUTPUT",
            help="Output file or directory; - or omitted: stdout",
        ),
    ] = None,
    mode: RunModeOpt = None,
    config: RunConfigOpt = None,
    detectors: RunDetectorsOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", metavar="FORMAT",
            help="stdin input: txt | jsonl | csv (default: jsonl if it starts with '{', else txt)",
        ),
    ] = None,
    spans_out: Annotated[
        Path | None,
        typer.Option(
            "--spans-out", metavar="FILE",
            help="Write canonical JSONL with detected spans: the ORIGINAL notes (with their PHI "
            "and meta) and the spans found, for review; store it like the input (owner-only)",
        ),
    ] = None,
    text_column: Annotated[
        str, typer.Option("--text-column", metavar="NAME", help="CSV text column")
    ] = "text",
    id_column: Annotated[
        str | None, typer.Option("--id-column", metavar="NAME", help="CSV id column")
    ] = None,
    patient_column: Annotated[
        str | None,
        typer.Option("--patient-column", metavar="NAME", help="CSV column with the patient id"),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter", metavar="CHAR",
            help="CSV field separator: a character or comma | semicolon | tab | pipe "
            "(default: tab for .tsv, else comma); the output uses it too",
        ),
    ] = None,
    keep_columns: Annotated[
        str | None,
        typer.Option(
            "--keep-columns", metavar="NAMES",
            help="CSV: other columns to copy unchanged (default: only the id and text columns)",
        ),
    ] = None,
    keep_meta: Annotated[
        str | None,
        typer.Option(
            "--keep-meta", metavar="KEYS",
            help="JSONL: other keys or meta keys to copy unchanged (default: only id and text)",
        ),
    ] = None,
    recursive: Annotated[
        bool, typer.Option("--recursive", help="Directory input: also read subdirectories")
    ] = False,
    errors_out: Annotated[
        Path | None,
        typer.Option(
            "--errors", metavar="FILE",
            help="Per-record error report (default: OUTPUT.errors.jsonl; stderr without -o)",
        ),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset", metavar="PRESET",
            help="What to remove: safe_harbor | strict | limited_data_set (default: from config)",
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(
            "--batch-size", min=1, metavar="N",
            help="Records per batch (a batch also closes at 1,000,000 characters of notes)",
        )
    ] = 32,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run from its checkpoint")
    ] = False,
    mapping_file: Annotated[
        Path | None,
        typer.Option(
            "--mapping-file", metavar="FILE",
            help="Surrogate mode: write an encrypted original→surrogate map",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print a summary to stdout (records done, failed, skipped, spans by label, "
            "records by language, seconds); needs -o",
        ),
    ] = False,
    lang: Annotated[str | None, lang_option()] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Keep third-party libraries' log lines")
    ] = False,
) -> None:
    """De-identify clinical notes, keeping the input's shape and order.

    Every record ends in the output or in the error report; the exit code is 1 if any failed,
    2 when the command is refused before any work. Only ids and de-identified text are written
    unless --keep-columns / --keep-meta name more.
    """
    quiet_third_party(verbose)
    output = None if output == STDIO else output
    try:
        _check_stdio(input_path, output, fmt, resume=resume, as_json=as_json)
    except FairdeidError as exc:
        raise fail(str(exc)) from None
    options = _Options(
        mode, config, detectors, spans_out, text_column, id_column, patient_column,
        keep_columns, keep_meta, recursive, errors_out, preset, batch_size, resume,
        mapping_file, as_json, lang, delimiter,
    )
    if input_path != STDIO:
        _run(input_path, output, options)
        return
    with _stdin_as_path(fmt) as path:
        _run(path, output, replace(options, stdin=True))


@dataclass(frozen=True)
class _Options:
    """The command line's remaining options, passed on as one value."""

    mode: str | None
    config: Path | None
    detectors: str | None
    spans_out: Path | None
    text_column: str
    id_column: str | None
    patient_column: str | None
    keep_columns: str | None
    keep_meta: str | None
    recursive: bool
    errors_out: Path | None
    preset: str | None
    batch_size: int
    resume: bool
    mapping_file: Path | None
    as_json: bool
    lang: str | None = None
    delimiter: str | None = None
    stdin: bool = False


def _resume_hint(req: _Request, o: _Options, pipeline: Pipeline, done: int) -> str:
    """What an interrupted run tells its user: how much is saved and the exact way on.

    Why spelled out: the checkpoint is hidden beside the output, and a resume must repeat the
    input, the output and every option (a changed one is refused), which nobody remembers after
    a Ctrl-C.
    """
    head = f"interrupted after {plural(done, 'record')}"
    if req.output is None or o.stdin:
        where = "stdin input" if o.stdin else "no -o"
        return f"{head}; nothing was saved to resume from ({where}): run the command again"
    if pipeline.replacer.mode == "surrogate" and _random_key(pipeline):
        return (f"{head}; progress was made with a random surrogate key, which a resume cannot "
                "reuse: run the command again without --resume (set $FAIRDEID_KEY from "
                "`fairdeid keygen` first so that re-runs agree)")
    return (f"{head}; progress is saved beside {_printable(req.output)}. To continue, run the "
            f"same command with --resume:\n  {_resume_command()}")


def _random_key(pipeline: Pipeline) -> bool:
    """Whether the surrogate key was drawn at random for this process (no key configured)."""
    table = pipeline.config.get("replace")
    table = table if isinstance(table, dict) else {}
    if table.get("key"):
        return False
    return not os.environ.get(str(table.get("key_env") or "FAIRDEID_KEY"))


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler stopping the job), handled like Ctrl-C."""


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While records are processed, SIGTERM unwinds like Ctrl-C: the temporary output is
    removed, the checkpoint kept, and the resume command printed (the default action would
    kill the process on the spot, leaving a temporary output file and saying nothing)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def stop(signum: int, frame: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _resume_command() -> str:
    """This command line with ``--resume`` (the generic form when it is not at hand)."""
    import shlex

    args = sys.argv[1:]
    if "deidentify" not in args:
        return "fairdeid deidentify INPUT -o OUTPUT [the same options] --resume"
    if "--resume" not in args:
        args = [*args, "--resume"]
    return "fairdeid " + " ".join(shlex.quote(a) for a in args)


def _printable(path: Path) -> str:
    """A path safe to print (undecodable bytes escaped)."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _run(input_path: Path, output: Path | None, o: _Options) -> None:
    from fairdeid.cli.extras import missing_extra_is_an_error, require_pipeline
    from fairdeid.io.checkpoint import Checkpoint, checkpoint_path
    from fairdeid.io.fingerprint import Fingerprint, settings_digest
    from fairdeid.io.readers import csv_delimiter, detect_kind, open_input
    from fairdeid.io.writers import OutputWriter, atomic_text, check_targets

    started = time.perf_counter()
    kept_columns, kept_meta = _split(o.keep_columns), _split(o.keep_meta)
    try:
        effective_mode = _effective_mode(o.config, o.mode)
        _check_usage(
            input_path, output, effective_mode, resume=o.resume,
            mapping=o.mapping_file is not None, keep_columns=kept_columns, keep_meta=kept_meta,
        )
        req = _Request(
            input_path=input_path,
            output=output,
            errors_out=o.errors_out
            or (output.parent / f"{output.name}.errors.jsonl" if output else None),
            spans_out=o.spans_out,
            mapping_file=o.mapping_file,
            checkpoint=checkpoint_path(output),
            keep=tuple(kept_columns or kept_meta or ()),
        )
        _check_paths(req)
        _check_mapping(o.config, o.mapping_file, resume=o.resume)
        require_pipeline(o.config, _split(o.detectors))
        inputs = open_input(
            input_path, text_column=o.text_column, id_column=o.id_column,
            patient_column=o.patient_column, keep_columns=kept_columns or (),
            recursive=o.recursive, delimiter=o.delimiter,
        )
        check_targets(inputs, output)
        with missing_extra_is_an_error("this pipeline"):
            pipeline = _build_pipeline(
                o.config, o.detectors, effective_mode, o.preset, o.mapping_file, resume=o.resume,
                language=o.lang,
            )
        # Only CSV reads columns: other inputs keep the settings (and checkpoints) they had
        # before --text-column defaulted to "text".
        text_col = o.text_column if detect_kind(input_path) == "csv" else None
        columns: list[str | None] = [text_col, o.id_column, o.patient_column]
        if inputs.kind == "csv" and inputs.delimiter != csv_delimiter(None, input_path):
            columns.append(inputs.delimiter)  # only when not the default: old checkpoints stay
        settings = _settings(pipeline, o.preset, columns, recursive=o.recursive)
        ckpt = Checkpoint(
            req.checkpoint, Fingerprint(inputs.fingerprint, settings_digest(settings)),
            retain=False,
        )
        ckpt.open(append=o.resume)  # locked first: one run per output at a time
        try:
            n_done = ckpt.load() if o.resume else 0
        except BaseException:
            ckpt.close()
            raise
    except FairdeidError as exc:
        raise fail(str(exc)) from None
    if n_done:
        console.print(f"resuming: {plural(n_done, 'record')} already done")
    _warn_identifying(inputs.kind, req.keep)

    tally = _Tally()
    try:
        with (
            _terminate_as_interrupt(),
            OutputWriter(inputs, output, keep=req.keep) as writer,
            atomic_text(o.spans_out) as spans,
        ):
            _process(pipeline, inputs, ckpt, _Sinks(writer, spans, tally), o.batch_size)
    except BaseException as exc:
        ckpt.close()  # progress kept for --resume; the output is free for the next run
        if isinstance(exc, FairdeidError):  # the input became unreadable mid-run: resumable
            raise fail(str(exc)) from None
        if isinstance(exc, KeyboardInterrupt):  # Ctrl-C or SIGTERM: say how to go on
            console.print(f"[yellow]{escape(_resume_hint(req, o, pipeline, tally.done))}"
                          "[/yellow]", soft_wrap=True)
            raise typer.Exit(143 if isinstance(exc, _Terminated) else 130) from None
        raise
    errors = [ckpt.errors[i] for i in sorted(ckpt.errors)]
    summary = _summary(tally, ckpt, req, time.perf_counter() - started)
    ckpt.finish()
    _warn_languages(summary.unsupported_languages)
    if errors:
        _report(errors, req.errors_out, tally.records)
    else:
        if req.errors_out is not None and req.errors_out.is_file():
            req.errors_out.unlink()  # an earlier run's report: it lists another run's failures
        console.print(f"[green]de-identified {plural(tally.done, 'record')}[/green]")
    if o.as_json:
        sys.stdout.write(json.dumps(summary.to_json(), ensure_ascii=False) + "\n")
    if errors:
        raise typer.Exit(1)
