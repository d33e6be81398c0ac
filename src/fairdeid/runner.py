"""One safe way to run the pipeline over many notes: ``run_safely``.

The CLI, the batch worker and the service share it, so they share one policy:

- A batch that raises is retried note by note, so one bad note cannot sink its neighbours.
- A note that still raises becomes a ``ProcessingFailure``: its reason names the exception type
  only, because the message of an unexpected exception may quote the note.
- A result a detector failed on (``Result.errors``) becomes a ``DetectorFailure``: it was only
  partly checked, so it is never released as de-identified.

Every note therefore ends as a ``Result`` that may be released, or a ``RecordError`` with a
PHI-free reason; none is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from fairdeid.document import Document
from fairdeid.errors import RecordError

if TYPE_CHECKING:
    from fairdeid.pipeline import Pipeline, Result

log = logging.getLogger("fairdeid")


class DetectorFailure(RecordError):
    """A detector failed on this note: its result was only partly checked and is withheld."""

    def __init__(self, record: str, errors: Sequence[str]) -> None:
        super().__init__(record, "detector failed: " + "; ".join(errors))
        #: The ``Result.errors`` strings ("<detector>: <reason>", never text).
        self.errors = tuple(errors)


class ProcessingFailure(RecordError):
    """The pipeline raised on this note alone. The reason names the exception type only.

    ``original`` keeps the exception for a caller that must answer from it (the service maps
    its type to a status code); it is never formatted into a message or a log line here.
    """

    def __init__(self, record: str, original: Exception) -> None:
        self.error_type = type(original).__name__
        super().__init__(
            record,
            f"{self.error_type} in the pipeline (message withheld: it may quote the note)",
        )
        self.original = original


def run_safely(
    pipeline: Pipeline,
    docs: Sequence[Document],
    *,
    locators: Sequence[str] | None = None,
    detectors: Iterable[str] | None = None,
    retry: bool = True,
    log_failures: bool = True,
) -> list[Result | RecordError]:
    """De-identify ``docs`` as one batch; one outcome per note, in input order.

    ``locators`` name the notes in errors (file:line, row ...); the document ids by default.
    ``retry=False`` skips the note-by-note retry after a failed batch, for a caller that
    answers all or nothing anyway (the service): every note then gets the batch's failure.
    ``log_failures`` logs each failed note's locator and exception type (off for a caller that
    logs failures its own way).
    """
    where = list(locators) if locators is not None else [d.id for d in docs]
    if len(where) != len(docs):
        raise ValueError("run_safely: one locator per document is needed")
    names = list(detectors) if detectors is not None else None
    try:
        results = (
            pipeline.deidentify_batch(docs) if names is None
            else pipeline.deidentify_batch(docs, names)
        )
    except Exception as exc:  # isolate the failing note(s); the others still go through
        if retry and len(docs) > 1:
            return [
                outcome
                for doc, locator in zip(docs, where, strict=True)
                for outcome in run_safely(
                    pipeline, [doc], locators=[locator], detectors=names,
                    log_failures=log_failures,
                )
            ]
        if log_failures:
            for locator in where:
                log.error("record %s failed: %s", locator, type(exc).__name__)
        return [ProcessingFailure(locator, exc) for locator in where]
    return [_checked(result, locator) for result, locator in zip(results, where, strict=True)]


def _checked(result: Result, locator: str) -> Result | RecordError:
    if result.errors:
        return DetectorFailure(locator, result.errors)
    return result
