"""`fairdeid keygen`: print a fresh surrogate key, strong enough for `FAIRDEID_KEY`."""

from __future__ import annotations

import secrets

import typer

from fairdeid.cli.app import command


@command("keygen")
def keygen() -> None:
    """Print a new random surrogate key (32 random bytes, url-safe base64) to stdout.

    Keep it where you keep other secrets: with it and one real date, a reader of the output can
    undo every date shift of that key's patients (docs/security.md).
    """
    typer.echo(secrets.token_urlsafe(32))
