"""Optional dependencies, checked before any work: which extra brings which module.

A run that needs matplotlib, pycrfsuite or torch and finds it missing should say
``pip install 'fairdeid[eval]'`` in its first second, not print a ``ModuleNotFoundError`` after
the model has run (and after ``--report`` has left an empty folder behind).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fairdeid.errors import FairdeidError
from fairdeid.optional import missing_modules

#: Top-level module → the extra of pyproject.toml that installs it.
EXTRA_OF_MODULE: dict[str, str] = {
    "matplotlib": "eval",
    "pycrfsuite": "crf",
    "sklearn_crfsuite": "crf",
    "torch": "train",
    "transformers": "train",
    "onnx": "train",
    "onnxruntime": "onnx",
    "tokenizers": "onnx",
    "httpx": "llm",
    "fastapi": "serve",
    "uvicorn": "serve",
    "fastapi_offline": "serve",
    "ray": "scale",
    "presidio_analyzer": "peers",
    "scrubadub": "peers",
    "deduce": "peers",
    "spacy": "spacy",
}

#: What each built-in detector kind imports when it is built.
_DETECTOR_MODULES: dict[str, tuple[str, ...]] = {
    "crf": ("pycrfsuite",),
    "llm": ("httpx",),
    "llm_hybrid": ("httpx",),
    "presidio": ("presidio_analyzer",),
    "scrubadub": ("scrubadub",),
    "deduce": ("deduce",),
}
_ONNX = ("onnxruntime", "tokenizers")
_TORCH = ("torch", "transformers")


class MissingExtraError(FairdeidError):
    """An optional dependency is not installed; the message names the extra to install."""


def install_hint(modules: Sequence[str]) -> str:
    extras = sorted({EXTRA_OF_MODULE.get(m.split(".")[0], "all") for m in modules})
    return f"pip install 'fairdeid[{','.join(extras)}]'"


def require(what: str, modules: Sequence[str]) -> None:
    """Raise :class:`MissingExtraError` when any of ``modules`` cannot be imported here."""
    missing = missing_modules(modules)
    if missing:
        raise MissingExtraError(
            f"{what} needs {', '.join(missing)}, which is not installed: {install_hint(missing)}"
        )


def _transformer_modules(table: Mapping[str, Any]) -> tuple[str, ...]:
    backend = str(table.get("backend", "auto"))
    if backend == "torch":
        return _TORCH
    if backend == "onnx":
        return _ONNX
    # auto: either backend will do; name the light one when both are missing.
    return () if not missing_modules(_ONNX) or not missing_modules(_TORCH) else _ONNX


def pipeline_modules(config: Path | str | None, detectors: Sequence[str] | None) -> list[str]:
    """The optional modules the detectors of this pipeline import when built."""
    from fairdeid.pipeline import load_config

    table = load_config(config)
    pipeline = table.get("pipeline", {})
    names = list(detectors or (pipeline.get("detectors", ["rules"]) if pipeline else ["rules"]))
    tables = table.get("detectors", {}) or {}
    modules: list[str] = []
    for name in names:
        own = tables.get(name, {}) if isinstance(tables.get(name), dict) else {}
        kind = str(own.get("kind", name))
        found = _transformer_modules(own) if kind == "transformer" else _DETECTOR_MODULES.get(
            kind, ()
        )
        modules += [m for m in found if m not in modules]
    return modules


def require_pipeline(config: Path | str | None, detectors: Sequence[str] | None) -> None:
    """Refuse a pipeline whose detectors need an extra that is not installed."""
    require("this pipeline", pipeline_modules(config, detectors))


@contextmanager
def missing_extra_is_an_error(what: str) -> Iterator[None]:
    """The safety net behind the up-front checks: an import that still fails (a plugin, a
    transitive dependency) becomes a one-line error naming the extra, not a traceback."""
    try:
        yield
    except ModuleNotFoundError as exc:
        name = exc.name or "a module"
        raise MissingExtraError(
            f"{what} needs {name}, which is not installed: {install_hint([name])}"
        ) from None
