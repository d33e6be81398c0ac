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


@app.callback()
def _root() -> None:
    """Fair and efficient de-identification of clinical text."""
