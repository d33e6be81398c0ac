"""The Typer application object; command modules register themselves on it."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="fairdeid",
    help="Fair and efficient de-identification of clinical text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold PHI
)
#: Human-facing messages go to stderr so stdout stays clean for --json output and pipes.
console = Console(stderr=True)


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
