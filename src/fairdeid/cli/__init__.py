"""Command-line interface. Each command lives in its own module and registers on ``app``.

Heavy imports (torch, ray, fastapi) happen inside command bodies so ``fairdeid --help`` is instant.
"""

from __future__ import annotations

from fairdeid.cli import deidentify as _deidentify  # noqa: F401  (registers commands)
from fairdeid.cli.app import app, console


def main() -> None:
    app()


__all__ = ["app", "console", "main"]
