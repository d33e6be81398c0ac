"""``llm_hybrid``: fast detectors first, the LLM only on the words they may have missed.

An LLM is the slowest and most expensive detector by far, and most of a clinical note is text no
one disputes ("BP 120/80, lungs clear"). The hybrid runs the trusted detectors (``trust``, e.g.
rules and the transformer) on the whole note, finds the words where something may have been
missed (triggers: an uncovered capitalised word that is not an ordinary one, a word in a script
without case, a word the encoder is unsure of, a low-scoring trusted span; see
``selection.py``) and sends the model only those words with ``context_words`` words of
context each side (``window = "context"``), or their whole sentences or lines
(``window = "sentence"`` / ``"line"``).

Windows are packed into requests of up to ``chunk_size`` characters. The output is the trusted
spans plus the LLM's (``emit_trusted``), so ``detectors = ["llm_hybrid"]`` alone is a complete
pipeline. With ``propagate`` (default) an entity the model finds in one window is also removed
wherever else it occurs in the note, including text that was never sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from fairdeid.detect.base import (
    BaseDetector,
    Detector,
    FallibleDetector,
    build_detector,
    detect_with_errors,
)
from fairdeid.detect.llm.align import chunk_text
from fairdeid.detect.llm.client import LLMStats
from fairdeid.detect.llm.config import LLMConfig
from fairdeid.detect.llm.detector import LLMDetector
from fairdeid.detect.llm.jobs import Job, run_sync
from fairdeid.detect.llm.selection import (
    COMMON_WORDS,
    DEFAULT_TRIGGERS,
    TRIGGERS,
    Selection,
    Selector,
    WordScore,
    WordScorer,
)
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, RecordError

__all__ = ["COMMON_WORDS", "TRIGGERS", "HybridConfig", "HybridLLMDetector"]


@dataclass(frozen=True)
class HybridConfig:
    """Hybrid-only settings; every other key of the table is an ``LLMConfig`` key."""

    trust: tuple[str, ...] = ("rules",)
    #: Config tables of trusted detectors, e.g. ``{"rules": {...}}`` (``kind`` picks the type).
    trusted: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    only_uncertain: bool = True
    uncertain_below: float = 0.5
    #: A word a trusted encoder (``transformer``) gives at least this PHI probability is sent
    #: (trigger ``unsure``); below it, the encoder is sure, and a capitalised word that starts
    #: a sentence or is a common word is not sent.
    unsure_above: float = 0.05
    #: What is sent around a trigger: ``context`` (``context_words`` words each side, within the
    #: sentence), or the whole ``sentence`` or ``line``.
    window: str = "context"
    #: Words of context sent on each side of a trigger (``window = "context"``).
    context_words: int = 4
    #: What sends a word: ``capitalised``, ``caseless``, ``low_score``, ``unsure``, ``digits``,
    #: ``all_caps`` (see the module docstring of ``fairdeid.detect.llm.selection``).
    triggers: tuple[str, ...] = DEFAULT_TRIGGERS
    #: Extra words never suspicious on their own (added to the built-in common words).
    ignore_words: tuple[str, ...] = ()
    emit_trusted: bool = True

    def __post_init__(self) -> None:
        self.selector()

    def selector(self) -> Selector:
        """The selection settings (validated there, so a bad value fails at build time)."""
        return Selector(
            triggers=self.triggers,
            uncertain_below=self.uncertain_below,
            unsure_above=self.unsure_above,
            window=self.window,
            context_words=self.context_words,
            ignore_words=frozenset(w.casefold() for w in self.ignore_words),
        )


class HybridLLMDetector(BaseDetector):
    """Detector ``llm_hybrid`` (or ``llm`` with ``only_uncertain = true``)."""

    name = "llm_hybrid"

    def __init__(
        self, llm: LLMDetector, trusted: Mapping[str, Detector], config: HybridConfig | None = None
    ) -> None:
        self.llm = llm
        self.trusted = dict(trusted)
        self.config = config or HybridConfig()
        self.selector = self.config.selector()

    @property
    def stats(self) -> LLMStats:
        return self.llm.stats

    @property
    def errors(self) -> list[RecordError]:
        return self.llm.errors

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HybridLLMDetector:
        hybrid_keys = {f.name for f in fields(HybridConfig)}
        hybrid = {k: v for k, v in config.items() if k in hybrid_keys}
        for key in ("trust", "triggers", "ignore_words"):
            if key in hybrid:
                value = hybrid[key]
                hybrid[key] = (value,) if isinstance(value, str) else tuple(value)
        hconf = HybridConfig(**hybrid)
        llm = LLMDetector(
            LLMConfig.from_mapping({k: v for k, v in config.items() if k not in hybrid_keys})
        )
        trusted: dict[str, Detector] = {}
        for name in hconf.trust:
            table = dict(hconf.trusted.get(name, {}))
            kind = str(table.pop("kind", name))
            if kind in ("llm", "llm_hybrid"):
                raise ConfigError("[detectors.llm_hybrid] cannot trust an LLM detector")
            trusted[name] = build_detector(kind, table)
        return cls(llm, trusted, hconf)

    # -- detection ----------------------------------------------------------------------------

    def detect(self, doc: Document) -> list[Span]:
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Spans only; failed documents are in ``errors`` (prefer ``detect_batch_with_errors``)."""
        return self.detect_batch_with_errors(docs)[0]

    def detect_batch_with_errors(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[RecordError]]:
        """``FallibleDetector``: spans per document and one ``RecordError`` (record = document
        id) per document a trusted detector or the LLM could not check."""
        base: list[list[Span]] = [[] for _ in docs]
        scores: list[list[WordScore]] = [[] for _ in docs]
        reasons: list[list[str]] = [[] for _ in docs]
        for name, detector in self.trusted.items():
            if isinstance(detector, WordScorer) and not isinstance(detector, FallibleDetector):
                # One pass gives the spans and how sure the encoder is of every word.
                found_by, scored = detector.detect_batch_with_word_scores(docs)
                for i, words in enumerate(scored):
                    scores[i].extend(words)
                failed: list[RecordError] = []
            else:
                # A fallible trusted detector's failures must not vanish: the note was not
                # fully checked even if the LLM answers for every window it is sent.
                found_by, failed = detect_with_errors(detector, docs)
            _add_reasons(reasons, docs, failed, name)
            for i, spans in enumerate(found_by):
                base[i].extend(spans)
        jobs = self.plan(docs, base, scores)
        found, llm_failed = run_sync(lambda: self.llm.arun_jobs(docs, jobs))
        _add_reasons(reasons, docs, llm_failed, None)
        errors = [
            RecordError(doc.id, "; ".join(r)) for doc, r in zip(docs, reasons, strict=True) if r
        ]
        self.llm.finish_batch(errors)
        if self.config.emit_trusted:
            return [b + f for b, f in zip(base, found, strict=True)], errors
        return found, errors

    def plan(
        self,
        docs: Sequence[Document],
        base: Sequence[Sequence[Span]],
        scores: Sequence[Sequence[WordScore]] | None = None,
    ) -> list[Job]:
        """The requests to make: the selected windows of each document, packed up to
        chunk_size."""
        size = self.llm.config.chunk_size
        jobs: list[Job] = []
        for i, doc in enumerate(docs):
            chosen = self.select(doc, base[i], scores[i] if scores else None)
            self.llm.stats.windows_total += chosen.units
            self.llm.stats.windows_sent += chosen.units_hit
            packs: list[list[tuple[int, int]]] = []
            used = size + 1
            for start, end in chosen.windows:
                if end - start > size:
                    overlap = self.llm.config.chunk_overlap
                    for s, e in chunk_text(doc.text[start:end], size, overlap):
                        packs.append([(start + s, start + e)])
                    used = size + 1
                    continue
                if used + (end - start) + 1 > size:
                    packs.append([])
                    used = -1
                pack = packs[-1]
                if pack and not doc.text[pack[-1][1] : start].strip():
                    # Neighbouring windows stay one stretch: an entity may span the boundary
                    # ("NYU Med. Center"), and the model sees the original line breaks.
                    used += start - pack[-1][1] - 1
                    pack[-1] = (pack[-1][0], end)
                else:
                    pack.append((start, end))
                used += end - start + 1
            for k, pack in enumerate(packs):
                jobs.append(Job(i, tuple(pack), f"window group {k + 1}/{len(packs)}"))
        return jobs

    def select(
        self, doc: Document, spans: Sequence[Span], scores: Sequence[WordScore] | None = None
    ) -> Selection:
        """What of ``doc`` goes to the model (everything with ``only_uncertain = false``)."""
        if not self.config.only_uncertain:
            units = self.selector.units(doc.text)
            return Selection(tuple(units), (), len(units), len(units))
        return self.selector.select(doc.text, spans, scores)

    def windows(self, text: str) -> list[tuple[int, int]]:
        """Sentences (or lines) as trimmed ``(start, end)``: the units windows never leave."""
        return self.selector.units(text)


def _add_reasons(
    reasons: list[list[str]],
    docs: Sequence[Document],
    errors: Sequence[RecordError],
    source: str | None,
) -> None:
    by_id = {e.record: e.reason for e in errors}
    for i, doc in enumerate(docs):
        if doc.id in by_id:
            reasons[i].append(f"{source}: {by_id[doc.id]}" if source else by_id[doc.id])
