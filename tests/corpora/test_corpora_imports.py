"""The corpora package's modules import each other without cycles.

Why: a cycle (a note writer importing the generator back, even lazily for one helper) is what
made the synthetic-note helpers impossible to move or test alone. Imports inside functions and
under TYPE_CHECKING count too.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import fairdeid.corpora

ROOT = Path(fairdeid.corpora.__file__).parent
PREFIX = "fairdeid.corpora"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PREFIX, *parts])


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The corpora modules ``path`` imports (``from pkg import sub`` counts as ``pkg.sub``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def test_graph_sees_the_packages() -> None:
    graph = import_graph()
    assert "fairdeid.corpora.synth.generator" in graph["fairdeid.corpora.synth"]
    assert "fairdeid.corpora.synth.context" in graph["fairdeid.corpora.synth.templates"]
    assert any(name.startswith("fairdeid.corpora.mimic") for name in graph)


def test_corpora_has_no_import_cycles() -> None:
    graph = import_graph()
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"import cycle in fairdeid.corpora: {' -> '.join(exc.args[1])}")


def test_cycle_detection_works() -> None:
    graph = import_graph()
    graph["fairdeid.corpora.synth.context"].add("fairdeid.corpora.synth.generator")
    with pytest.raises(CycleError):
        tuple(TopologicalSorter(graph).static_order())
