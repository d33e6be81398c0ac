"""Command-line interface. Each command lives in its own module and registers on ``app``.

Heavy imports (torch, ray, fastapi) happen inside command bodies so ``fairdeid --help`` is instant.
"""

from __future__ import annotations

from fairdeid.cli import batch as _batch  # noqa: F401  (batch)
from fairdeid.cli import convert as _convert  # noqa: F401  (convert)
from fairdeid.cli import deidentify as _deidentify  # noqa: F401  (registers commands)
from fairdeid.cli import evaluate as _evaluate  # noqa: F401  (evaluate, audit, bench)
from fairdeid.cli import generate as _generate  # noqa: F401  (generate)
from fairdeid.cli import keygen as _keygen  # noqa: F401  (keygen)
from fairdeid.cli import languages as _languages  # noqa: F401  (languages)
from fairdeid.cli import llm as _llm  # noqa: F401  (llm serve)
from fairdeid.cli import locales as _locales  # noqa: F401  (locales)
from fairdeid.cli import localize as _localize  # noqa: F401  (localize)
from fairdeid.cli import serve as _serve  # noqa: F401  (serve)
from fairdeid.cli import train as _train  # noqa: F401  (train)
from fairdeid.cli.app import app, console


def main() -> None:
    app()


__all__ = ["app", "console", "main"]
