"""Exceptions. Messages name records and reasons, never the PHI inside them."""

from __future__ import annotations


class FairdeidError(Exception):
    """Base class for every error fairdeid raises on purpose."""


class InvalidSpanError(FairdeidError, ValueError):
    """A span or document violates the data model (offsets, labels, missing fields)."""


class UnknownLabelError(FairdeidError, ValueError):
    """A label is not in the taxonomy and no mapping was given for it."""


class ConfigError(FairdeidError, ValueError):
    """A pipeline configuration is invalid."""


class RecordError(FairdeidError):
    """One input record could not be processed; the batch goes on without it.

    ``record`` is a locator (file name, line number, document id), never the record's text.
    """

    def __init__(self, record: str, reason: str) -> None:
        super().__init__(f"{record}: {reason}")
        self.record = record
        self.reason = reason

    def __reduce__(self) -> tuple[type[RecordError], tuple[str, str]]:
        # Errors cross process boundaries (bench workers, Ray actors): the default pickling
        # would call ``RecordError(message)`` and fail, killing a pool's result thread.
        return (type(self), (self.record, self.reason))


class DetectionFailedError(FairdeidError):
    """Some documents could not be checked by every detector (e.g. an LLM server kept failing).

    Raised where a partial answer would be mistaken for a complete one (evaluation: a failed
    detector would otherwise score as "found nothing"). ``failures`` maps document ids to
    reasons, which name detectors and causes, never text.
    """

    def __init__(self, failures: dict[str, str], total: int) -> None:
        shown = "; ".join(f"{doc}: {why}" for doc, why in list(failures.items())[:5])
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        super().__init__(
            f"{len(failures)} of {total} document(s) could not be checked: {shown}{more}"
        )
        self.failures = failures
        self.total = total

    def __reduce__(self) -> tuple[type[DetectionFailedError], tuple[dict[str, str], int]]:
        return (type(self), (self.failures, self.total))
