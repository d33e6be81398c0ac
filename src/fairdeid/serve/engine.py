"""The service's pipelines: loaded once, one per replacement mode, sharing the detectors.

Models are the expensive part, so every mode reuses the base pipeline's detectors and resolver and
only gets its own replacer. Mode pipelines are built lazily on first use (the surrogate locales
are not loaded unless someone asks for surrogates).

Surrogate keys: every pipeline here is built with ``require_key``. A server that drew a random
key would give a patient other surrogates after a restart, or on the replica next to it; so a
server whose default mode is surrogate does not load without a key, and a request for surrogates
on a server without one is refused (:class:`ModeUnavailableError`, a 409).

Thread-safety: detectors and surrogate stores were written for one caller at a time, so pipeline
work passes through a capacity limiter (``workers`` calls at once, 1 by default). For pure-Python
detectors under the GIL that costs nothing in throughput; the event loop stays free either way
because the work runs in worker threads.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, RecordError
from fairdeid.pipeline import Detection, Pipeline, Result, load_config
from fairdeid.replace import MODES, build_replacer
from fairdeid.replace.store import DEFAULT_KEY_ENV, resolve_key
from fairdeid.runner import DetectorFailure, ProcessingFailure, run_safely
from fairdeid.taxonomy import coarse

log = logging.getLogger("fairdeid.serve")

#: Service pipelines never fall back to a random per-process surrogate key.
REQUIRE_KEY: dict[str, dict[str, Any]] = {"replace": {"require_key": True}}

#: What kind of detector a detector kind is, for the page's legend.
_KINDS: dict[str, str] = {
    "rules": "rule",
    "crf": "model",
    "transformer": "model",
    "llm": "llm",
    "presidio": "peer",
    "scrubadub": "peer",
    "deny": "deny",
    "gold": "gold",
}

PipelineSource = Pipeline | str | Path | Mapping[str, Any] | None


class ModeUnavailableError(ConfigError):
    """The request is valid but this server cannot serve its mode as configured (a 409)."""


def check_surrogate_key(replace: Mapping[str, Any]) -> None:
    """Raise ``ConfigError`` unless the ``[replace]`` table yields a strong explicit key.

    Cheap (an environment lookup and an entropy estimate): the CLI runs it before uvicorn starts
    and the API before it queues a surrogate request. Messages never hold key material.
    """
    key = replace.get("key")
    key_env = str(replace.get("key_env", DEFAULT_KEY_ENV))
    resolve_key(key if isinstance(key, str | bytes) else None, key_env, required=True)


def _key_configured(replace: Mapping[str, Any]) -> bool:
    key_env = str(replace.get("key_env", DEFAULT_KEY_ENV))
    return bool(replace.get("key")) or bool(key_env and os.environ.get(key_env))


class Engine:
    """Holds the base pipeline and its per-mode siblings."""

    def __init__(self, source: PipelineSource = None) -> None:
        self._source = source
        self._base: Pipeline | None = source if isinstance(source, Pipeline) else None
        self._by_mode: dict[str, Pipeline] = {}
        self._lock = threading.Lock()
        self.error: str | None = None
        self.load_seconds: float | None = 0.0 if self._base is not None else None
        self._kinds: dict[str, str] = {}
        #: Modes refused once, with the answer for clients (the reason went to the log once).
        self._refused: dict[str, str] = {}
        if self._base is not None:
            self._register(self._base)

    # -- loading ---------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._base is not None

    def load(self) -> None:
        """Build the base pipeline (loads models). Called once, off the event loop."""
        if self._base is not None:
            return
        started = time.perf_counter()
        try:
            source = self._source
            assert not isinstance(source, Pipeline)
            pipeline = Pipeline.from_config(source, overrides=REQUIRE_KEY)
        except Exception as exc:
            # Config errors are written to be PHI-free; anything else is reported by type only.
            self.error = str(exc) if isinstance(exc, ConfigError) else type(exc).__name__
            raise
        self._register(pipeline)
        self._base = pipeline
        self.load_seconds = time.perf_counter() - started

    def _register(self, pipeline: Pipeline) -> None:
        self._by_mode[pipeline.replacer.mode] = pipeline
        tables = pipeline.config.get("detectors", {})
        for name, detector in pipeline.detectors.items():
            kind = str(tables.get(name, {}).get("kind", name))
            label = _KINDS.get(kind, _KINDS.get(name, "other"))
            self._kinds[name] = label
            self._kinds.setdefault(getattr(detector, "name", name), label)

    @property
    def base(self) -> Pipeline:
        if self._base is None:
            raise RuntimeError("pipeline not loaded")
        return self._base

    @property
    def default_mode(self) -> str:
        return self.base.replacer.mode if self._base is not None else "tag"

    def detector_kinds(self) -> dict[str, str]:
        if self._base is None:
            return {}
        return {name: self._kinds.get(name, "other") for name in self._base.detectors}

    def _replace_table(self) -> dict[str, Any]:
        return {**self.base.config.get("replace", {}), **REQUIRE_KEY["replace"]}

    def _refuse(self, mode: str, exc: Exception) -> ModeUnavailableError:
        """Remember why ``mode`` cannot be served; the reason (PHI-free) is logged once."""
        if mode not in self._refused:
            if mode == "surrogate" and not _key_configured(self._replace_table()):
                self._refused[mode] = "surrogate mode needs a key on this server"
            else:
                self._refused[mode] = f"mode {mode!r} is not available on this server"
            reason = str(exc) if isinstance(exc, ConfigError) else type(exc).__name__
            log.error("mode %s refused: %s", mode, reason)
        return ModeUnavailableError(self._refused[mode])

    def check_mode(self, mode: str | None) -> None:
        """Refuse, cheaply and before any work is queued, a mode this server cannot serve."""
        mode = mode or self.base.replacer.mode
        if mode in self._by_mode:
            return
        if mode in self._refused:
            raise ModeUnavailableError(self._refused[mode])
        if mode == "surrogate":
            try:
                check_surrogate_key(self._replace_table())
            except ConfigError as exc:
                raise self._refuse(mode, exc) from None

    def for_mode(self, mode: str | None) -> Pipeline:
        """The pipeline for ``mode``; built on first use, sharing detectors and resolver."""
        base = self.base
        mode = mode or base.replacer.mode
        if mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r}; choose one of {list(MODES)}")
        self.check_mode(mode)
        with self._lock:
            pipeline = self._by_mode.get(mode)
            if pipeline is None:
                try:
                    replacer = build_replacer(self._replace_table(), mode=mode)
                except (ImportError, ConfigError) as exc:
                    raise self._refuse(mode, exc) from None
                pipeline = base.with_replacer(replacer)
                self._by_mode[mode] = pipeline
            return pipeline

    def check_language(self, language: str) -> None:
        """A ``ConfigError`` for a language this server's pipeline cannot honour."""
        from fairdeid.lang.routing import AUTO, check_language

        check_language(language)
        base = self.base
        if base.router is None and language not in (AUTO, base.language):
            raise ConfigError(
                f"this server handles {base.language!r} notes only (its config sets no "
                "[pipeline] language = \"auto\")")

    # -- work (called in worker threads) ----------------------------------------------------

    def detect(
        self, docs: Sequence[Document], detectors: Sequence[str] | None
    ) -> list[Detection]:
        return self.base.detect_batch(docs, detectors)

    def deidentify_safely(
        self, docs: Sequence[Document], mode: str | None, detectors: Sequence[str] | None
    ) -> list[Result | RecordError]:
        """One outcome per document (see :func:`fairdeid.runner.run_safely`).

        No note-by-note retry: the service answers all or nothing, so a failed batch fails the
        request without running every note again inside its deadline. Failures are logged by
        the API (type and request id; a client's document ids are not logged).
        """
        return run_safely(
            self.for_mode(mode), docs, detectors=detectors, retry=False, log_failures=False
        )

    def deidentify(
        self, docs: Sequence[Document], mode: str | None, detectors: Sequence[str] | None
    ) -> list[Result]:
        """Results for the API, which answers 502 for any result with errors.

        A pipeline exception is raised again (the API maps its type to 422/500 and logs the
        type only). A note a detector failed on comes back as a result with ``errors`` and no
        text: the API withholds the whole answer, and nothing partly checked is even held.
        """
        outcomes = self.deidentify_safely(docs, mode, detectors)
        results: list[Result] = []
        for doc, outcome in zip(docs, outcomes, strict=True):
            if isinstance(outcome, ProcessingFailure):
                raise outcome.original
            if isinstance(outcome, DetectorFailure):
                outcome = Result(doc, "", (), outcome.errors)
            assert isinstance(outcome, Result)
            results.append(outcome)
        return results

    # -- presentation -----------------------------------------------------------------------

    def span_dict(self, span: Span) -> dict[str, Any]:
        detector = span.detector
        kind = self._kinds.get(detector) or _KINDS.get(detector, "other")
        try:
            coarse_label = coarse(span.label)
        except ValueError:
            coarse_label = "OTHER"
        also = span.attrs.get("also", [])
        return {
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "coarse": coarse_label,
            "source": span.source,
            "kind": kind,
            "score": round(float(span.score), 6),
            "also": [str(a) for a in also] if isinstance(also, list | tuple) else [],
        }


def check_config(source: str | Path | Mapping[str, Any] | None) -> None:
    """Cheap pre-flight for the CLI: the file parses and, for a surrogate server, a strong key
    is set (models are not loaded)."""
    replace = load_config(source).get("replace", {})
    if str(replace.get("mode", "tag")) == "surrogate":
        check_surrogate_key(replace)
