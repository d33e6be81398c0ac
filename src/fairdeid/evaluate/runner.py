"""Shared plumbing for evaluate / audit / bench: read gold, build a pipeline, run it with progress.

Detectors only ever see documents *without* their gold spans, so no detector can peek.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairdeid.document import Document
from fairdeid.errors import DetectionFailedError, UnknownLabelError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from fairdeid.pipeline import Pipeline

#: Documents per ``detect_batch`` call: big enough for batching detectors, small enough for a
#: progress bar that moves.
CHUNK = 32


def load_documents(path: str | Path, fmt: str | None = None) -> tuple[list[Document], list[str]]:
    """Read annotated documents; returns them and the locators of records that were skipped.

    Locators name file and line, never content. A gold label outside the taxonomy fails the
    whole read (``UnknownLabelError`` naming the documents, never the label): scoring the rest
    would hide a mapping problem, and the label may be note text.
    """
    from fairdeid.corpora.formats import load_documents as load
    from fairdeid.evaluate.metrics import unknown_label_error

    docs, skipped = load(path, fmt)
    bad = [error for error in map(unknown_label_error, docs) if error is not None]
    if bad:
        more = f" ({len(bad) - 1} more documents too)" if len(bad) > 1 else ""
        raise UnknownLabelError(f"{bad[0]}{more}")
    return docs, [error.record for error in skipped]


def build_pipeline(
    config: str | Path | Mapping[str, Any] | None = None,
    detector: str | None = None,
    language: str | None = None,
) -> Pipeline:
    """The pipeline to evaluate: a TOML config, one detector on the default config, or the
    default. Tag mode, so ``leak_rate`` means what ``metrics.py`` says. ``language``: as
    ``--lang`` (``None``: the config's ``[pipeline] language``)."""
    from fairdeid.pipeline import Pipeline

    detectors = [detector] if detector else None
    return Pipeline.from_config(config, detectors=detectors, mode="tag", language=language)


def system_name(config: str | Path | None = None, detector: str | None = None) -> str:
    """A short display name for a system under test (config file stem or detector name)."""
    if detector:
        return detector
    if config:
        return Path(config).stem
    return "default"


def strip(docs: Sequence[Document]) -> list[Document]:
    return [d.with_spans(()) for d in docs]


@contextmanager
def progress_bar(enabled: bool = True, console: Console | None = None) -> Iterator[Progress | None]:
    """A Rich progress bar, or ``None`` when disabled.

    The caller owns the console (the CLI passes its stderr console) so that library code never
    imports the CLI; without one the bar goes to a fresh stderr console, keeping stdout clean.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if console is None:
        console = Console(stderr=True)

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        yield bar


def predict(
    pipeline: Pipeline,
    docs: Sequence[Document],
    *,
    progress: Progress | None = None,
    description: str = "detecting",
    chunk: int = CHUNK,
) -> tuple[list[Document], float]:
    """Resolved predictions for ``docs`` (gold spans stripped first) and the wall seconds spent.

    Raises ``DetectionFailedError`` when a detector failed on any document.
    """
    out, _, seconds = predict_with_languages(
        pipeline, docs, progress=progress, description=description, chunk=chunk)
    return out, seconds


def predict_with_languages(
    pipeline: Pipeline,
    docs: Sequence[Document],
    *,
    progress: Progress | None = None,
    description: str = "detecting",
    chunk: int = CHUNK,
) -> tuple[list[Document], list[str], float]:
    """As ``predict``, with the language whose pipeline handled each document (whose policy
    judged it: ``--scope preset`` asks that policy again)."""
    bare = strip(docs)
    task = progress.add_task(description, total=len(bare)) if progress is not None else None
    out: list[Document] = []
    languages: list[str] = []
    failures: dict[str, str] = {}
    seconds = 0.0
    for i in range(0, len(bare), chunk):
        batch = bare[i : i + chunk]
        t0 = time.perf_counter()
        for detection in pipeline.detect_batch(batch):
            out.append(detection.document)
            languages.append(detection.language)
            if detection.errors:
                failures[detection.document.id] = "; ".join(detection.errors)
        seconds += time.perf_counter() - t0
        if progress is not None and task is not None:
            progress.advance(task, len(batch))
    if progress is not None and task is not None:
        progress.remove_task(task)
    if failures:
        # Scoring a document no detector could check as "found nothing" would report a recall
        # that never happened.
        raise DetectionFailedError(failures, len(bare))
    return out, languages, seconds
