"""Scripts and benchmarks of the repository imported as modules, for their tests.

Why one loader: ``scripts/`` and ``benchmarks/`` are no package, so a test imports a script by
its path; twelve tests had written the same five lines of ``importlib`` each, some of them
forgetting ``sys.modules`` (a dataclass looks its module up there while it is built) and each
re-running the script's module code on every call. Importable from any test folder because
pytest puts ``tests/`` (where ``conftest.py`` is) on ``sys.path``.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

#: the repository root: script paths are relative to it
ROOT = Path(__file__).resolve().parents[1]


@cache
def load_script(relative: str) -> ModuleType:
    """The script at ``relative`` (``"scripts/crf_cv.py"``) imported once, as a module named
    after its file and registered in ``sys.modules`` under that name."""
    path = ROOT / relative
    if not path.is_file():
        raise FileNotFoundError(f"no script at {relative}")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)
        raise
    return module
