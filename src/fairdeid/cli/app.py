"""The Typer application object; command modules register themselves on it.

Also the few conventions every command shares, kept here so that they cannot drift apart:
results go to stdout (a Rich table on a terminal, tab-separated text in a pipe), everything a
person reads while waiting (progress, notes, errors) goes to stderr, and any text that came from
the user or a config file is escaped before Rich sees it, because Rich reads ``[serve]`` or
``[resolve]`` as markup and silently drops it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup, TyperOption

#: The pipeline options of ``deidentify`` and ``batch``, spelled and explained once
RunConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", metavar="FILE", help="Pipeline TOML")
]
RunModeOpt = Annotated[
    str | None,
    typer.Option(
        "--mode", "-m", metavar="MODE", help="tag | redact | surrogate (default: from config)"
    ),
]
RunDetectorsOpt = Annotated[
    str | None,
    typer.Option(
        "--detectors", "-d", metavar="NAMES",
        help="Comma-separated detectors, e.g. rules,transformer",
    ),
]

#: Unix-style value names for options that set none (Typer would print ``<int>``, ``<str>``)
_METAVARS = {"int": "N", "int range": "N", "float": "NUMBER", "float range": "NUMBER",
             "str": "TEXT", "path": "PATH", "file": "FILE", "directory": "DIR"}


def _plain_flags(params: list[Any], ctx: Any) -> list[Any]:
    """Flags take no value, so their help shows no type (Typer would print ``<bool>``); other
    options without a value name get one that reads like other Unix tools (``N``, ``TEXT``)."""
    for param in params:
        if not isinstance(param, TyperOption) or param.metavar is not None:
            continue
        if param.is_flag:
            param.metavar = ""
            continue
        shown = param.display_type(ctx) or ""
        label = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown
        if label in _METAVARS:
            param.metavar = _METAVARS[label]
    return params


class FairdeidCommand(TyperCommand):
    """A command whose help reads like other Unix tools: ``INPUT``, not ``{input_path}``."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx), ctx)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [
            piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
            for piece in super().collect_usage_pieces(ctx)
        ]


class FairdeidGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx), ctx)


app = typer.Typer(
    name="fairdeid",
    cls=FairdeidGroup,
    help="Fair and efficient de-identification of clinical text.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,  # locals may hold PHI
)
#: Human-facing messages go to stderr so stdout stays clean for results, --json output and pipes.
console = Console(stderr=True)


def command(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command with the shared help conventions."""
    return app.command(name, cls=FairdeidCommand)


def lang_option(more: str = "`fairdeid languages` lists the packs.") -> Any:
    """The one ``--lang`` option of every command that reads notes; ``more`` says what this
    command does with the language."""
    return typer.Option(
        "--lang", metavar="auto|en|de|...",
        help="Language of the notes: auto identifies each note (the default with the built-in "
        "config); a code sends every note to that language pack; a --config without \\[pipeline] "
        f"language is English. {more}",
    )


def stdout() -> Console:
    """A console on stdout, made per call so it sees the stream and width of this run."""
    return Console(soft_wrap=False)


# -- messages -------------------------------------------------------------------------------------


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` (escaped: it may quote config keys) and return the exit."""
    console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def note(message: str, style: str | None = None) -> None:
    """One line on stderr; ``message`` is plain text, never markup."""
    text = escape(message)
    console.print(f"[{style}]{text}[/{style}]" if style else text, soft_wrap=True)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 document``, ``2 documents``: counts read as English."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def deprecated(old: str, new: str) -> None:
    """A note on stderr for an old option spelling that still works for now."""
    note(f"note: {old} is deprecated and will be removed; use {new}", "yellow")


# -- results ------------------------------------------------------------------------------------


def emit_table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    right: Iterable[str] = (),
    caption: str | None = None,
) -> None:
    """A result table on stdout: Rich on a terminal, a header plus tab-separated rows in a pipe
    (so ``grep``, ``cut`` and ``> file`` get every value, never an ellipsis)."""
    out = stdout()
    rows = [list(r) for r in rows]
    if out.is_terminal:
        table = Table(
            title=escape(title) if title else None,
            caption=escape(caption) if caption else None,
        )
        aligned = set(right)
        for col in columns:
            table.add_column(escape(col), justify="right" if col in aligned else "left")
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        out.print(table)
        return
    lines = [f"# {title}"] if title else []
    lines.append("\t".join(columns))
    lines += ["\t".join(row) for row in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def emit_line(text: str) -> None:
    """A plain result line on stdout (no markup)."""
    sys.stdout.write(text + "\n")


# -- third-party noise --------------------------------------------------------------------------

#: Loggers whose INFO/WARNING lines are for their developers, not for our users. ``ray.init``
#: resets the level of "ray" itself, so the children that talk are named one by one.
_NOISY_LOGGERS = (
    "ray._private.authentication",  # "Token authentication is enabled/disabled ..."
    "ray._private.worker",
    "ray.data",
    "onnxruntime",
)


def quiet_third_party(verbose: bool) -> None:
    """Silence Ray's start-up, token and core_worker lines and onnxruntime's quantization advice
    unless ``--verbose``: they bury our own progress and errors on stderr."""
    if verbose:
        return
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "error")  # core_worker / raylet C++ lines
    os.environ.setdefault("ORT_LOGGING_LEVEL", "3")
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    # onnxruntime.quantization warns through the root logger ("Please consider to run
    # pre-processing before quantization"); drop that one message, keep everything else.
    root = logging.getLogger()
    if _drop_preprocessing_advice not in root.filters:
        root.addFilter(_drop_preprocessing_advice)


def _drop_preprocessing_advice(record: logging.LogRecord) -> bool:
    return "pre-processing before quantization" not in str(record.msg)


def _print_version(value: bool) -> None:
    if value:
        from fairdeid import __version__

        typer.echo(f"fairdeid {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Fair and efficient de-identification of clinical text."""
