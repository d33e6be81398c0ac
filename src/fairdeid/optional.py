"""Which optional dependencies are installed, asked without importing them.

Importing torch or spaCy to find out whether they are there costs seconds and memory, and
prints their own warnings; the CLI (to name the extra to install before any work) and the bench
suite (to list a row as skipped) only need to know whether the module could be imported.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable


def missing_modules(modules: Iterable[str]) -> list[str]:
    """The modules of ``modules`` that cannot be imported here (checked without importing)."""
    missing = []
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(module)
    return missing
