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

Notes in other languages: with ``[pipeline] language = "auto"`` (the packaged default) each note
is identified and sent to its language pack's pipeline (``fairdeid.lang.routing``); a fixed
code (``language = "de"``) builds that pack's pipeline; a config without the key is English.
Every result says which language handled it (``.language``, ``.language_choice``).

Detectors can be switched off per call (``pipeline.deidentify(text, detectors=["rules"])``),
which is how evaluation compares them without building a new pipeline; so can rule groups or
rules of a detector that has them (``disabled=["rules:time"]``, as docdeid's ``disabled``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from fairdeid.chunking import ChunkPolicy, detect_windowed
from fairdeid.config.schema import validate_config, validate_thresholds
from fairdeid.detect.base import Detector, build_detector
from fairdeid.detect.learned_trim import LearnedTrim, trim_learned
from fairdeid.detect.machine_syntax import packaged_machine_syntax, trim_machine_syntax
from fairdeid.detect.titles import TitleWords, include_titles
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.lang.identify import LanguageChoice
from fairdeid.lang.packs import PACKS_DIR
from fairdeid.lang.routing import (
    AUTO,
    BASE_LANGUAGE,
    LanguageRouter,
    PackLacksDetectors,
    check_language,
    pack_config,
)
from fairdeid.replace import Replacer, build_replacer
from fairdeid.resolve import AfterResolve, ResolveConfig, Resolver


@dataclass(frozen=True, slots=True)
class Proposal:
    """Every active detector's raw spans for one document, and the detectors that failed on it.

    A proposal with errors is incomplete: some detector never looked at the document, so an
    empty span list does not mean "no PHI".
    """

    spans: tuple[Span, ...]
    errors: tuple[str, ...] = ()
    #: which language's pipeline proposed these spans, and why (see ``LanguageChoice``)
    language_choice: LanguageChoice | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def language(self) -> str:
        return _language(self.language_choice)


@dataclass(frozen=True, slots=True)
class Detection:
    """The resolved spans of one document, and the detector failures that make them incomplete.

    ``document`` carries the final spans. Callers must check ``ok`` (or ``errors``) before using
    the spans as "all the PHI": a failed detector is never the same as a detector that found
    nothing.
    """

    document: Document
    errors: tuple[str, ...] = ()
    #: which language's pipeline handled the document, and why (see ``LanguageChoice``)
    language_choice: LanguageChoice | None = None

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def language(self) -> str:
        return _language(self.language_choice)

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
    #: which language's pipeline handled the document, and why (see ``LanguageChoice``)
    language_choice: LanguageChoice | None = None

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.document.spans

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def language(self) -> str:
        return _language(self.language_choice)


_Routed = TypeVar("_Routed", Proposal, Detection, Result)


def _language(choice: LanguageChoice | None) -> str:
    return BASE_LANGUAGE if choice is None else choice.language


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
        *,
        language: str = BASE_LANGUAGE,
        router: LanguageRouter | None = None,
    ) -> None:
        if not detectors:
            raise ConfigError("a pipeline needs at least one detector")
        self.detectors = dict(detectors)
        self.resolver = resolver or Resolver(language=language)
        self.replacer = replacer or build_replacer({"mode": "tag"})
        self.config = dict(config or {})
        #: How long documents are cut into windows for detectors (see ``fairdeid.chunking``);
        #: from ``[pipeline]`` when not given, so a pipeline rebuilt from another's parts and
        #: config (the service does, per replacement mode) keeps its policy.
        self.chunking = chunking or ChunkPolicy.from_mapping(self.config.get("pipeline", {}))
        #: the language this pipeline's own detectors are made for
        self.language = language
        #: sends notes in other languages to their packs (``None``: every note is ``language``)
        self.router = router
        #: the titles ``[resolve] name_titles = "include"`` puts inside name spans (None: "keep")
        self.titles = _title_words(self.resolver.config.name_titles, self.config)
        #: the pack's never-PHI words trimmed off learned spans (None: ``trim_learned`` off)
        self.learned_trim = _learned_trim(self.config, self.resolver.config)
        #: machine syntax learned spans are trimmed off (None: ``machine_syntax`` off)
        self.machine_syntax = (
            packaged_machine_syntax() if self.resolver.config.machine_syntax else None)

    @property
    def multilingual(self) -> bool:
        """Whether this pipeline is about languages at all (routes notes, or is a pack's).

        Outputs that existed before language packs (``--spans-out`` meta, the service's
        answers) name each note's language only then, so a plain English pipeline's output is
        as it was."""
        return self.router is not None or self.language != BASE_LANGUAGE

    def with_replacer(self, replacer: Replacer) -> Pipeline:
        """The same detectors, resolver and routing, replacing with ``replacer``."""
        return Pipeline(self.detectors, self.resolver, replacer, self.config, self.chunking,
                        language=self.language, router=self.router)

    @classmethod
    def from_config(
        cls,
        source: str | Path | Mapping[str, Any] | None = None,
        *,
        detectors: Sequence[str] | None = None,
        mode: str | None = None,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
        language: str | None = None,
    ) -> Pipeline:
        """Build a pipeline from TOML (path or parsed mapping; ``None`` = packaged default).

        ``detectors`` and ``mode`` override the config's choices (the CLI flags map onto them);
        ``overrides`` deep-updates sections, e.g. ``{"replace": {"key": "..."}}``.
        ``language`` overrides ``[pipeline] language`` (``--lang``): ``"auto"`` routes each note
        to its language's pack, a pack code builds that pack's pipeline with this config's
        policy (see ``fairdeid.lang.routing.pack_config``), ``"en"`` this config alone. A
        config without the key is English.
        """
        config = load_config(source)
        for section, values in (overrides or {}).items():
            config.setdefault(section, {}).update(values)
        validate_config(config, mode=mode)  # before any model is loaded: fail fast
        chosen = check_language(
            language or config.get("pipeline", {}).get("language", BASE_LANGUAGE))
        if chosen not in (AUTO, BASE_LANGUAGE):
            return cls._for_pack(chosen, config, detectors, mode)
        pipeline = cls._build(config, detectors, mode)
        if chosen == AUTO:
            pipeline.router = LanguageRouter(
                lambda code: cls._for_pack(code, config, detectors, pipeline.replacer.mode))
        return pipeline

    @classmethod
    def _for_pack(
        cls,
        language: str,
        main: Mapping[str, Any],
        detectors: Sequence[str] | None,
        mode: str | None,
        *,
        root: Path = PACKS_DIR,
    ) -> Pipeline:
        config = pack_config(language, main, detectors=detectors, root=root)
        validate_config(config, mode=mode)
        pipeline = cls._build(config, None, mode, language=language)
        pipeline.language = language
        return pipeline

    @classmethod
    def _build(
        cls, config: Mapping[str, Any], detectors: Sequence[str] | None, mode: str | None,
        *, language: str = BASE_LANGUAGE,
    ) -> Pipeline:
        configured = list(config.get("pipeline", {}).get("detectors", ["rules"]))
        names = list(detectors or configured)
        detector_tables = config.get("detectors", {})
        built: dict[str, Detector] = {}
        for name in names:
            table = dict(detector_tables.get(name, {}))
            kind = str(table.pop("kind", name))
            try:
                built[name] = build_detector(kind, table)
            except ConfigError as exc:
                if name in detector_tables:
                    raise
                # "-d crf" on a config without a [detectors.crf] table: say that, not only
                # what the unconfigured detector lacks
                raise ConfigError(
                    f"detector {name!r} is not configured in this pipeline (it runs "
                    f"{', '.join(configured)}; add a [detectors.{name}] table or pick a config "
                    f"or --lang that has one): {exc}"
                ) from None
        # Thresholds name detectors: any this config knows (a --detector run on a config with
        # thresholds for others stays valid) or any source prefix a built detector emits.
        known = {*configured, *names, *detector_tables, *_kinds(detector_tables)}
        validate_thresholds(config.get("resolve", {}), known | _sources(built.values()))
        resolver = Resolver(ResolveConfig.from_mapping(config.get("resolve", {})),
                            language=language)
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

    def _route(
        self,
        docs: Sequence[Document],
        detectors: Iterable[str] | None,
        disabled: Iterable[str] | None,
        run: Callable[[Pipeline, list[Document], list[str] | None, list[str]], list[_Routed]],
    ) -> list[_Routed]:
        """``run`` on each language's notes with its pipeline; results in input order."""
        names = None if detectors is None else list(detectors)
        off = [] if disabled is None else _disabled_list(disabled)
        if self.router is None:
            choice = LanguageChoice(self.language)
            return [replace(item, language_choice=choice)
                    for item in run(self, list(docs), names, off)]
        choices = self.router.choose(docs)
        groups: dict[str, list[int]] = {}
        for i, choice in enumerate(choices):
            groups.setdefault(choice.language, []).append(i)
        out: list[_Routed | None] = [None] * len(docs)
        for language, indices in groups.items():
            target, target_names, target_off = self, names, off
            if language != self.language:
                try:
                    target = self.router.pipeline(language, self.replacer.mode)
                    target_names, target_off = _narrowed(target, language, names, off)
                except PackLacksDetectors:
                    target, target_names, target_off = self, names, off
                    for i in indices:
                        choices[i] = LanguageChoice(
                            self.language, "no_detector", choices[i].detected or language,
                            choices[i].confidence)
            items = run(target, [docs[i] for i in indices], target_names, target_off)
            for i, item in zip(indices, items, strict=True):
                out[i] = replace(item, language_choice=choices[i])
        return [item for item in out if item is not None]

    def propose(
        self,
        docs: Sequence[Document],
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> list[Proposal]:
        """Every detector's raw spans per document, before resolution (for analysis)."""
        return self._route(docs, detectors, disabled, Pipeline._propose_here)

    def _propose_here(
        self, docs: Sequence[Document], detectors: list[str] | None, disabled: list[str]
    ) -> list[Proposal]:
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
        return self._route(docs, detectors, disabled, Pipeline._detect_here)

    def _detect_here(
        self, docs: Sequence[Document], detectors: list[str] | None, disabled: list[str]
    ) -> list[Detection]:
        proposals = self._propose_here(docs, detectors, disabled)
        after = self._after_resolve(detectors, disabled)
        return [
            Detection(doc.with_spans(self._finish(doc, p.spans, after)), p.errors)
            for doc, p in zip(docs, proposals, strict=True)
        ]

    def resolve_proposals(
        self,
        doc: Document,
        proposals: Sequence[Span],
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> list[Span]:
        """The final spans of ``doc`` from given proposals, as ``detect`` makes them: resolve,
        then the after-resolve steps of the active detectors (the rule detector's name
        propagation over every detector's names, ``resolve.AfterResolve``), then titles.

        Why public: a benchmark that tries several ways of mixing detectors' proposals
        (``benchmarks/lang_encoder.py``) must finish them exactly as production does."""
        return self._finish(doc, proposals, self._after_resolve(detectors, disabled))

    def _after_resolve(
        self, detectors: Iterable[str] | None, disabled: Iterable[str] | None
    ) -> list[AfterResolve]:
        # detectors that add spans once every detector's proposals are resolved (the rule
        # detector's name propagation over the model's names, see ``resolve.AfterResolve``)
        return [d for d in self._active(detectors, disabled) if isinstance(d, AfterResolve)]

    def _finish(
        self, doc: Document, proposals: Sequence[Span], after: Sequence[AfterResolve]
    ) -> list[Span]:
        proposals = trim_learned(doc.text, proposals, self.learned_trim)
        proposals = trim_machine_syntax(doc.text, proposals, self.machine_syntax)
        spans = self.resolver.resolve(doc, list(proposals))
        extra = [s for step in after for s in step.after_resolve(doc, spans)]
        if extra:
            spans = self.resolver.resolve(doc, [*proposals, *extra])
        if self.titles is not None:  # "Dr. Smith": see ``fairdeid.detect.titles``
            spans = include_titles(doc.text, spans, self.titles)
        return spans

    def detect(
        self,
        doc: Document | str,
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> Detection:
        return self.detect_batch([_as_document(doc)], detectors, disabled)[0]

    def replace(self, doc: Document) -> Result:
        """Replace the spans a document already carries (e.g. after human review).

        With routing, a document whose ``meta["language"]`` names a pack gets that pack's
        replacer (its surrogate locales and date shapes); any other uses this pipeline's.
        """
        target = self
        language = doc.meta.get("language")
        if (self.router is not None and isinstance(language, str)
                and language != self.language and language in self.router.languages):
            target = self.router.pipeline(language, self.replacer.mode)
        out = target.replacer.replace(doc, doc.spans)
        return Result(doc, out.text, out.spans,
                      language_choice=LanguageChoice(target.language))

    def deidentify_batch(
        self,
        docs: Sequence[Document | str],
        detectors: Iterable[str] | None = None,
        disabled: Iterable[str] | None = None,
    ) -> list[Result]:
        documents = [_as_document(d, i) for i, d in enumerate(docs)]
        return self._route(documents, detectors, disabled, Pipeline._deidentify_here)

    def _deidentify_here(
        self, documents: Sequence[Document], detectors: list[str] | None, disabled: list[str]
    ) -> list[Result]:
        results = []
        for detection in self._detect_here(documents, detectors, disabled):
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


def _disabled_list(disabled: Iterable[str]) -> list[str]:
    if isinstance(disabled, str):
        raise ConfigError("disabled must be a list of 'detector:rule' names, not one string")
    return [str(entry) for entry in disabled]


def _narrowed(
    pack: Pipeline, language: str, names: list[str] | None, disabled: list[str]
) -> tuple[list[str] | None, list[str]]:
    """A call's ``detectors=``/``disabled=`` as they apply to a pack's pipeline.

    Names the pack does not have are left out; a narrowing that leaves it none is refused
    rather than run with no detector (every note would pass unchanged).
    """
    off = [entry for entry in disabled if entry.partition(":")[0] in pack.detectors]
    if names is None:
        return None, off
    kept = [name for name in names if name in pack.detectors]
    if not kept:
        raise PackLacksDetectors(
            f"language pack {language!r} has none of the detectors {names} (it has "
            f"{list(pack.detectors)})")
    return kept, off


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


def _title_words(mode: str, config: Mapping[str, Any]) -> TitleWords | None:
    """The title lists of this pipeline's rule detector (of the packaged rules when it has
    none): the same words the rules read, in this pipeline's language."""
    return TitleWords.from_config(config) if mode == "include" else None


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


def _learned_trim(config: Mapping[str, Any], resolve: ResolveConfig) -> LearnedTrim | None:
    """The learned-span trimmer ``[resolve]`` asks for: every span (``trim_learned``), those
    scoring under ``trim_learned_below``, or none."""
    if resolve.trim_learned:
        return replace(LearnedTrim.from_config(config), lower=resolve.trim_learned_lower)
    if resolve.trim_learned_below is not None:
        return replace(LearnedTrim.from_config(config), below=resolve.trim_learned_below)
    return None


def _as_document(doc: Document | str, index: int = 0) -> Document:
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, str):
        return Document(id=f"text-{index}", text=doc)
    raise TypeError(f"expected a Document or a str, got {type(doc).__name__}")
