"""The one interface every detector implements, and the registry that builds them from config.

A detector only proposes spans; it never decides what gets removed (that is ``resolve``) and never
touches the text (that is ``replace``). Keeping the three apart is what lets rules, CRF,
transformers, LLMs and peer tools be mixed in one pipeline and compared on equal terms.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, RecordError


@runtime_checkable
class Detector(Protocol):
    """Finds PHI spans in documents. ``name`` prefixes the ``source`` of every span it makes."""

    name: str

    def detect(self, doc: Document) -> list[Span]:
        """Spans found in one document (any order; overlaps allowed)."""
        ...

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Spans for many documents, in input order. Batching detectors override this."""
        ...


@runtime_checkable
class FallibleDetector(Detector, Protocol):
    """A detector that can fail on some documents of a batch and still answer for the others.

    Remote detectors (LLM servers) fail per document: a server that times out on one note must
    not sink the batch, and must never make that note look as if it held no PHI. They return
    the spans of every document (empty for a failed one) plus one ``RecordError`` per failed
    document, whose ``record`` is the document's id.
    """

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        """Spans per document (input order) and the documents that could not be checked."""
        ...


def detect_with_errors(
    detector: Detector, docs: Sequence[Document]
) -> tuple[list[list[Span]], list[RecordError]]:
    """Run any detector and return its spans plus its per-document failures (none for most)."""
    if isinstance(detector, FallibleDetector):
        return detector.detect_batch_with_errors(docs)
    return detector.detect_batch(docs), []


class BaseDetector:
    """Convenience base: ``detect_batch`` loops over ``detect``; model loading is explicit."""

    name: str = "detector"

    def detect(self, doc: Document) -> list[Span]:  # pragma: no cover - abstract
        raise NotImplementedError

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(doc) for doc in docs]


DetectorFactory = Callable[[Mapping[str, Any]], Detector]

#: Built-in detectors as "module:callable" so that heavy dependencies (torch, onnxruntime,
#: presidio) are imported only when the detector is used.
_BUILTIN: dict[str, str] = {
    "rules": "fairdeid.detect.rules:RuleDetector.from_config",
    "crf": "fairdeid.detect.crf:CRFDetector.from_config",
    "structured": "fairdeid.detect.structured:StructuredDetector.from_config",
    "transformer": "fairdeid.detect.transformer:TransformerDetector.from_config",
    "llm": "fairdeid.detect.llm:LLMDetector.from_config",
    "llm_hybrid": "fairdeid.detect.llm:HybridLLMDetector.from_config",
    "presidio": "fairdeid.detect.peers:PresidioDetector.from_config",
    "scrubadub": "fairdeid.detect.peers:ScrubadubDetector.from_config",
    "pydeid": "fairdeid.detect.peers:PyDeidDetector.from_config",
    "deduce": "fairdeid.detect.peers:DeduceDetector.from_config",
}
_REGISTERED: dict[str, DetectorFactory] = {}


def register_detector(name: str, factory: DetectorFactory) -> None:
    """Make a third-party detector available to pipelines under ``name``."""
    _REGISTERED[name] = factory


def available_detectors() -> list[str]:
    return sorted(set(_BUILTIN) | set(_REGISTERED))


def build_detector(kind: str, config: Mapping[str, Any] | None = None) -> Detector:
    """Instantiate the detector registered as ``kind`` with its config table."""
    config = dict(config or {})
    if kind in _REGISTERED:
        return _REGISTERED[kind](config)
    target = _BUILTIN.get(kind)
    if target is None:
        raise ConfigError(f"unknown detector {kind!r}; available: {available_detectors()}")
    module_name, _, attr_path = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(
            f"detector {kind!r} needs an optional dependency that is not installed ({exc.name}); "
            "see README for the matching extra"
        ) from exc
    obj: Any = module
    for attr in attr_path.split("."):
        obj = getattr(obj, attr)
    detector: Detector = obj(config)
    return detector
