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
which is how evaluation compares them without building a new pipeline; so can rule groups or
rules of a detector that has them (``disabled=["rules:time"]``, as docdeid's ``disabled``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fairdeid.chunking import ChunkPolicy, detect_windowed
from fairdeid.config.schema import validate_config, validate_thresholds
from fairdeid.detect.base import Detector, build_detector
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.replace import Replacer, build_replacer
from fairdeid.resolve import ResolveConfig, Resolver


@dataclass(frozen=True, slots=True)
class Proposal:
    """Every active detector's raw spans for one document, and the detectors that failed on it.

    A proposal with errors is incomplete: some detector never looked at the document, so an
    empty span list does not mean "no PHI".
    """

    spans: tuple[Span, ...]
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class Detection:
    """The resolved spans of one document, and the detector failures that make them incomplete.

    ``document`` carries the final spans. Callers must check ``ok`` (or ``errors``) before using
    the spans as "all the PHI": a failed detector is never the same as a detector that found
    nothing.
    """

    document: Document
    errors: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.document.spans

    @property
    def ok(self) -> bool:
        return not self.errors


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

    @property
    def ok(self) -> bool:
        return not self.errors


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
        chunking: ChunkPolicy | None = None,
    ) -> None:
        if not detectors:
            raise ConfigError("a pipeline needs at least one detector")
        self.detectors = dict(detectors)
        self.resolver = resolver or Resolver()
        self.replacer = replacer or build_replacer({"mode": "tag"})
        self.config = dict(config or {})
        #: How long documents are cut into windows for detectors (see ``fairdeid.chunking``);
        #: from ``[pipeline]`` when not given, so a pipeline rebuilt from another's parts and
        #: config (the service does, per replacement mode) keeps its policy.
        self.chunking = chunking or ChunkPolicy.from_mapping(self.config.get("pipeline", {}))

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
        validate_config(config, mode=mode)  # before any model is loaded: fail fast
        configured = list(config.get("pipeline", {}).get("detectors", ["rules"]))
        names = list(detectors or configured)
        detector_tables = config.get("detectors", {})
        built: dict[str, Detector] = {}
        for name in names:
            table = dict(detector_tables.get(name, {}))
            kind = str(table.pop("kind", name))
            built[name] = build_detector(kind, table)
        # Thresholds name detectors: any this config knows (a --detector run on a config with
        # thresholds for others stays valid) or any source prefix a built detector emits.
        known = {*configured, *names, *detector_tables, *_kinds(detector_tables)}
        validate_thresholds(config.get("resolve", {}), known | _sources(built.values()))
        resolver = Resolver(ResolveConfig.from_mapping(config.get("resolve", {})))
        replace_table = dict(config.get("replace", {}))
        replacer = build_replacer(replace_table, mode=mode)
        chunking = ChunkPolicy.from_mapping(config.get("pipeline", {}))
        return cls(built, resolver, replacer, config, chunking)

    # -- steps ------------------------------------------------------------------------------

    def _active(
        self, detectors: Iterable[str] | None, disabled: Iterable[str] | None = None
    ) -> list[Detector]:
        names = list(self.detectors) if detectors is None else list(detectors)
        for name in names:
            if name not in self.detectors:
                raise ConfigError(
                    f"detector {name!r} is not in this pipeline: {list(self.detectors)}"
                )
        off = _split_disabled(disabled or (), self.detectors)
        return [_without(name, self.detectors[name], off.get(name, ())) for name in names]

    def propose(
        self,
        docs: Sequence[Document],
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> list[Proposal]:
        """Every detector's raw spans per document, before resolution (for analysis)."""
        proposals: list[list[Span]] = [[] for _ in docs]
        failures: list[list[str]] = [[] for _ in docs]
        for detector in self._active(detectors, disabled):
            # Detectors that can fail per document (remote LLMs) report which ones did, so
            # the other documents of the batch go through and the failed ones are flagged.
            # Long documents reach the detector as overlapping windows (bounded time and
            # memory per call); failures on a window come back under the document's id.
            found, errors = detect_windowed(detector, docs, self.chunking)
            failed = {e.record: e.reason for e in errors}
            for i, doc in enumerate(docs):
                if doc.id in failed:
                    failures[i].append(f"{detector.name}: {failed[doc.id]}")
            for i, spans in enumerate(found):
                proposals[i].extend(spans)
        return [
            Proposal(tuple(spans), tuple(errs))
            for spans, errs in zip(proposals, failures, strict=True)
        ]

    def detect_batch(
        self,
        docs: Sequence[Document],
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> list[Detection]:
        """Documents with their final (resolved) spans, and any detector failure per document."""
        return [
            Detection(doc.with_spans(self.resolver.resolve(doc, list(p.spans))), p.errors)
            for doc, p in zip(docs, self.propose(docs, detectors, disabled), strict=True)
        ]

    def detect(
        self,
        doc: Document | str,
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> Detection:
        return self.detect_batch([_as_document(doc)], detectors, disabled)[0]

    def replace(self, doc: Document) -> Result:
        """Replace the spans a document already carries (e.g. after human review)."""
        out = self.replacer.replace(doc, doc.spans)
        return Result(doc, out.text, out.spans)

    def deidentify_batch(
        self,
        docs: Sequence[Document | str],
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> list[Result]:
        documents = [_as_document(d, i) for i, d in enumerate(docs)]
        results = []
        for detection in self.detect_batch(documents, detectors, disabled):
            result = self.replace(detection.document)
            if detection.errors:
                result = Result(
                    result.document, result.text, result.output_spans, detection.errors
                )
            results.append(result)
        return results

    def deidentify(
        self,
        doc: Document | str,
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> Result:
        return self.deidentify_batch([doc], detectors, disabled)[0]


def _split_disabled(
    disabled: Iterable[str], detectors: Mapping[str, Detector]
) -> dict[str, list[str]]:
    """``["rules:time", "rules:name.propagated"]`` -> ``{"rules": ["time", "name.propagated"]}``.

    A bare detector name is refused rather than read as "skip that detector": a call that
    silently ran no detector would pass every note through unchanged (use ``detectors=``).
    """
    if isinstance(disabled, str):
        raise ConfigError("disabled must be a list of 'detector:rule' names, not one string")
    out: dict[str, list[str]] = {}
    for entry in disabled:
        name, sep, part = str(entry).partition(":")
        if not sep or not name or not part:
            raise ConfigError(
                f"disabled entry {entry!r} must be 'detector:rule group or rule' (e.g. "
                f"'rules:time'); to skip a whole detector, choose detectors="
            )
        if name not in detectors:
            raise ConfigError(f"disabled names detector {name!r}, not in this pipeline")
        out.setdefault(name, []).append(part)
    return out


def _without(name: str, detector: Detector, disabled: Sequence[str]) -> Detector:
    """The detector with ``disabled`` switched off for this call (itself when none are)."""
    if not disabled:
        return detector
    view = getattr(detector, "with_disabled", None)
    if view is None:
        raise ConfigError(f"detector {name!r} has no rule groups to disable per call")
    result: Detector = view(disabled)
    return result


def _kinds(tables: Mapping[str, Mapping[str, Any]]) -> set[str]:
    return {str(table.get("kind", name)) for name, table in tables.items()}


def _sources(detectors: Iterable[Detector]) -> set[str]:
    """Detector names spans can carry as their ``source`` prefix, nested detectors included
    (``llm_hybrid`` passes on the spans of the detectors it trusts, under their own names)."""
    out: set[str] = set()
    for detector in detectors:
        out.add(detector.name)
        inner = getattr(detector, "llm", None)
        if inner is not None and hasattr(inner, "name"):
            out.add(str(inner.name))
        out |= _sources(getattr(detector, "trusted", {}).values())
    return out


def _as_document(doc: Document | str, index: int = 0) -> Document:
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, str):
        return Document(id=f"text-{index}", text=doc)
    raise TypeError(f"expected a Document or a str, got {type(doc).__name__}")
