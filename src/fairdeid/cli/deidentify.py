"""`fairdeid deidentify` (being written by the lead engineer)."""

from __future__ import annotations

from fairdeid.cli.app import app


@app.command("version")
def version() -> None:
    """Print the fairdeid version."""
    from fairdeid import __version__

    print(__version__)
