"""The public entry point: a pipeline of named steps (detect → resolve → replace) built from TOML.

Configuration is data, like docdeid/deduce: which detectors run, their settings, the resolve
policy and the replacement mode all live in one TOML file, so a hospital can version its policy
next to its notes. A minimal config::

    [pipeline]
    detectors = ["rules"]

    [resolve]
    preset = "safe_harbor"

    [replace]
    mode = "surrogate"
    locales = ["en_US", "en_IN", "zh_CN"]

Detectors can be switched off per call (``pipeline.deidentify(text, detectors=["rules"])``),
which is how evaluation compares them without building a new pipeline.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fairdeid.detect.base import Detector, build_detector
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.replace import Replacer, build_replacer
from fairdeid.resolve import ResolveConfig, Resolver

_KNOWN_SECTIONS = {"pipeline", "detectors", "resolve", "replace"}


@dataclass(frozen=True, slots=True)
class Result:
    """De-identification of one document.

    ``document`` holds the input text with the final spans (input coordinates); ``text`` is the
    output; ``output_spans`` locate each replacement in ``text``.
    """

    document: Document
    text: str
    output_spans: tuple[Span, ...]
    #: Detector failures for this document (e.g. an LLM server that kept answering 500). A
    #: result with errors was only partly checked: callers must not release it as de-identified.
    errors: tuple[str, ...] = ()

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.document.spans


def default_config_text() -> str:
    return resources.files("fairdeid.config").joinpath("default.toml").read_text("utf-8")


def load_config(source: str | Path | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read a pipeline config from a TOML path, a mapping, or the packaged default."""
    if source is None:
        return tomllib.loads(default_config_text())
    if isinstance(source, Mapping):
        return dict(source)
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


class Pipeline:
    """Detect, resolve and replace PHI. Build it once; it holds models and surrogate state."""

    def __init__(
        self,
        detectors: Mapping[str, Detector],
        resolver: Resolver | None = None,
        replacer: Replacer | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        if not detectors:
            raise ConfigError("a pipeline needs at least one detector")
        self.detectors = dict(detectors)
        self.resolver = resolver or Resolver()
        self.replacer = replacer or build_replacer({"mode": "tag"})
        self.config = dict(config or {})

    @classmethod
    def from_config(
        cls,
        source: str | Path | Mapping[str, Any] | None = None,
        *,
        detectors: Sequence[str] | None = None,
        mode: str | None = None,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Pipeline:
        """Build a pipeline from TOML (path or parsed mapping; ``None`` = packaged default).

        ``detectors`` and ``mode`` override the config's choices (the CLI flags map onto them);
        ``overrides`` deep-updates sections, e.g. ``{"replace": {"key": "..."}}``.
        """
        config = load_config(source)
        for section, values in (overrides or {}).items():
            config.setdefault(section, {}).update(values)
        unknown = set(config) - _KNOWN_SECTIONS
        if unknown:
            raise ConfigError(f"unknown config sections: {sorted(unknown)}")
        names = list(detectors or config.get("pipeline", {}).get("detectors", ["rules"]))
        detector_tables = config.get("detectors", {})
        built: dict[str, Detector] = {}
        for name in names:
            table = dict(detector_tables.get(name, {}))
            kind = str(table.pop("kind", name))
            built[name] = build_detector(kind, table)
        resolver = Resolver(ResolveConfig.from_mapping(config.get("resolve", {})))
        replace_table = dict(config.get("replace", {}))
        replacer = build_replacer(replace_table, mode=mode)
        return cls(built, resolver, replacer, config)

    # -- steps ------------------------------------------------------------------------------

    def _active(self, detectors: Iterable[str] | None) -> list[Detector]:
        if detectors is None:
            return list(self.detectors.values())
        chosen = []
        for name in detectors:
            if name not in self.detectors:
                raise ConfigError(
                    f"detector {name!r} is not in this pipeline: {list(self.detectors)}"
                )
            chosen.append(self.detectors[name])
        return chosen

    def propose(
        self, docs: Sequence[Document], detectors: Iterable[str] | None = None
    ) -> list[list[Span]]:
        """Every detector's raw spans per document, before resolution (for analysis)."""
        return self._propose(docs, detectors)[0]

    def _propose(
        self, docs: Sequence[Document], detectors: Iterable[str] | None = None
    ) -> tuple[list[list[Span]], list[list[str]]]:
        proposals: list[list[Span]] = [[] for _ in docs]
        failures: list[list[str]] = [[] for _ in docs]
        for detector in self._active(detectors):
            with_errors = getattr(detector, "detect_batch_with_errors", None)
            if with_errors is None:
                found = detector.detect_batch(docs)
            else:
                # Detectors that can fail per document (remote LLMs) report which ones did, so
                # the other documents of the batch go through and the failed ones are flagged.
                found, errors = with_errors(docs)
                failed_ids = {e.record: e.reason for e in errors}
                for i, doc in enumerate(docs):
                    if doc.id in failed_ids:
                        failures[i].append(f"{detector.name}: {failed_ids[doc.id]}")
            for i, spans in enumerate(found):
                proposals[i].extend(spans)
        return proposals, failures

    def detect_batch(
        self, docs: Sequence[Document], detectors: Iterable[str] | None = None
    ) -> list[Document]:
        """Documents with their final (resolved) spans, replacing any spans they carried."""
        return [doc for doc, _ in self._detect_batch(docs, detectors)]

    def _detect_batch(
        self, docs: Sequence[Document], detectors: Iterable[str] | None
    ) -> list[tuple[Document, list[str]]]:
        proposals, failures = self._propose(docs, detectors)
        return [
            (doc.with_spans(self.resolver.resolve(doc, p)), f)
            for doc, p, f in zip(docs, proposals, failures, strict=True)
        ]

    def detect(self, doc: Document | str, detectors: Iterable[str] | None = None) -> Document:
        return self.detect_batch([_as_document(doc)], detectors)[0]

    def replace(self, doc: Document) -> Result:
        """Replace the spans a document already carries (e.g. after human review)."""
        out = self.replacer.replace(doc, doc.spans)
        return Result(doc, out.text, out.spans)

    def deidentify_batch(
        self, docs: Sequence[Document | str], detectors: Iterable[str] | None = None
    ) -> list[Result]:
        documents = [_as_document(d, i) for i, d in enumerate(docs)]
        results = []
        for doc, failures in self._detect_batch(documents, detectors):
            result = self.replace(doc)
            if failures:
                result = Result(result.document, result.text, result.output_spans, tuple(failures))
            results.append(result)
        return results

    def deidentify(self, doc: Document | str, detectors: Iterable[str] | None = None) -> Result:
        return self.deidentify_batch([doc], detectors)[0]


def _as_document(doc: Document | str, index: int = 0) -> Document:
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, str):
        return Document(id=f"text-{index}", text=doc)
    raise TypeError(f"expected a Document or a str, got {type(doc).__name__}")
