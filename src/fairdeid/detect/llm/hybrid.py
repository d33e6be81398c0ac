"""``llm_hybrid``: fast detectors first, the LLM only on the windows they are unsure about.

An LLM is the slowest and most expensive detector by far, and most of a clinical note is text no
one disputes ("BP 120/80, lungs clear"). The hybrid runs the trusted detectors (``trust``, e.g.
rules) on the whole note, splits it into windows (sentences or lines) and sends to the model only
the windows where something may have been missed:

- ``capitalised``: a capitalised word no confident span covers (and not a common word);
- ``caseless``: a word in a script without case (Chinese, Devanagari, Arabic ...), where the
  capitalisation cue does not exist; without this trigger the hybrid would be unfair to them;
- ``low_score``: a trusted span scored below ``uncertain_below``;
- ``digits`` (off by default): a number no span covers;
- ``all_caps`` (off by default): an all-capitals word no span covers (names in headers).

Uncertain windows are packed into requests of up to ``chunk_size`` characters. The output is the
trusted spans plus the LLM's (``emit_trusted``), so ``detectors = ["llm_hybrid"]`` alone is a
complete pipeline. With ``propagate`` (default) an entity the model finds in one window is also
removed wherever else it occurs in the note, including windows that were never sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from fairdeid.detect.base import BaseDetector, Detector, build_detector, detect_with_errors
from fairdeid.detect.llm.align import chunk_text
from fairdeid.detect.llm.client import LLMStats
from fairdeid.detect.llm.config import LLMConfig
from fairdeid.detect.llm.detector import LLMDetector
from fairdeid.detect.llm.jobs import Job, run_sync
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, RecordError

TRIGGERS = ("capitalised", "caseless", "low_score", "digits", "all_caps")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_BOUNDARY = re.compile(r"\n\s*|(?<=[.!?])\s+")
_ABBREV = re.compile(
    r"(?:^|\W)(?:dr|mr|mrs|ms|prof|st|jr|sr|mt|ft|dept|no|vs|approx|[a-z])\.$", re.IGNORECASE
)

#: Capitalised words that start sentences or headings in notes and are not identifiers.
COMMON_WORDS = frozenset(
    """a an the he she his her him they them their it its this that these those there here we i
    you our your patient patients pt pts no not yes none on in at for with without of to from by
    and or but if as is was were be been being has had have will would can could should may might
    must after before during since then when while today yesterday tomorrow tonight now denies
    reports reported states stated complains history hx exam examination plan assessment impression
    diagnosis diagnoses medications medication meds allergies allergy vitals vital labs lab imaging
    follow continue continued started stopped discharged discharge admitted admission seen noted
    normal negative positive left right bilateral chief complaint present presenting illness past
    medical surgical social family review systems physical general neck chest lungs lung heart
    abdomen extremities neuro neurologic skin psych cardiovascular respiratory mr mrs ms dr doctor
    nurse prof please also other all some any each per over under about above below mother father
    daughter son wife husband sister brother parents child children spouse partner friend
    note notes signed sincerely regards dear hospital course procedure procedures findings
    results result recommendations recommend recommended return instructions disposition
    temperature pulse blood pressure weight height ct mri cxr ekg ecg bp hr rr o2 sat spo2
    mg ml kg cm mm iv po prn bid tid qid qd daily weekly monthly""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class HybridConfig:
    """Hybrid-only settings; every other key of the table is an ``LLMConfig`` key."""

    trust: tuple[str, ...] = ("rules",)
    #: Config tables of trusted detectors, e.g. ``{"rules": {...}}`` (``kind`` picks the type).
    trusted: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    only_uncertain: bool = True
    uncertain_below: float = 0.5
    window: str = "sentence"
    triggers: tuple[str, ...] = ("capitalised", "caseless", "low_score")
    ignore_words: tuple[str, ...] = ()
    emit_trusted: bool = True

    def __post_init__(self) -> None:
        if self.window not in ("sentence", "line"):
            raise ConfigError("[detectors.llm_hybrid] window must be 'sentence' or 'line'")
        bad = set(self.triggers) - set(TRIGGERS)
        if bad:
            raise ConfigError(
                f"[detectors.llm_hybrid] unknown triggers {sorted(bad)}; known: {TRIGGERS}"
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
        self._common = COMMON_WORDS | {w.casefold() for w in self.config.ignore_words}

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
        reasons: list[list[str]] = [[] for _ in docs]
        for name, detector in self.trusted.items():
            # A fallible trusted detector's failures must not vanish: the note was not
            # fully checked even if the LLM answers for every window it is sent.
            found_by, failed = detect_with_errors(detector, docs)
            _add_reasons(reasons, docs, failed, name)
            for i, spans in enumerate(found_by):
                base[i].extend(spans)
        jobs = self.plan(docs, base)
        found, llm_failed = run_sync(lambda: self.llm.arun_jobs(docs, jobs))
        _add_reasons(reasons, docs, llm_failed, None)
        errors = [
            RecordError(doc.id, "; ".join(r)) for doc, r in zip(docs, reasons, strict=True) if r
        ]
        self.llm.finish_batch(errors)
        if self.config.emit_trusted:
            return [b + f for b, f in zip(base, found, strict=True)], errors
        return found, errors

    def plan(self, docs: Sequence[Document], base: Sequence[Sequence[Span]]) -> list[Job]:
        """The requests to make: uncertain windows of each document, packed up to chunk_size."""
        size = self.llm.config.chunk_size
        jobs: list[Job] = []
        for i, doc in enumerate(docs):
            windows = self.windows(doc.text)
            uncertain = [w for w in windows if self.uncertain(doc.text, w, base[i])]
            self.llm.stats.windows_total += len(windows)
            self.llm.stats.windows_sent += len(uncertain)
            packs: list[list[tuple[int, int]]] = []
            used = size + 1
            for start, end in uncertain:
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

    def windows(self, text: str) -> list[tuple[int, int]]:
        """Sentences (or lines) as trimmed ``(start, end)``; abbreviations don't end a sentence."""
        pattern = re.compile(r"\n\s*") if self.config.window == "line" else _BOUNDARY
        cuts = [0]
        for m in pattern.finditer(text):
            if m.group().startswith("\n") or not _ABBREV.search(
                text[max(0, m.start() - 8) : m.start()]
            ):
                cuts.extend((m.start(), m.end()))
        cuts.append(len(text))
        out = []
        for start, end in zip(cuts[::2], cuts[1::2], strict=True):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append((start, end))
        return out

    def uncertain(self, text: str, window: tuple[int, int], spans: Sequence[Span]) -> bool:
        """Whether a window needs the LLM (see the module docstring for the triggers)."""
        if not self.config.only_uncertain:
            return True
        start, end = window
        triggers = self.config.triggers
        inside = [s for s in spans if s.start < end and start < s.end]
        if "low_score" in triggers and any(s.score < self.config.uncertain_below for s in inside):
            return True
        confident = [s for s in inside if s.score >= self.config.uncertain_below]
        for m in _WORD.finditer(text, start, end):
            if any(s.start < m.end() and m.start() < s.end for s in confident):
                continue
            if self._suspicious(m.group(), triggers):
                return True
        return False

    def _suspicious(self, word: str, triggers: Sequence[str]) -> bool:
        if "digits" in triggers and any(c.isdigit() for c in word):
            return True
        if "caseless" in triggers and any(
            c.isalpha() and not c.isupper() and not c.islower() for c in word
        ):
            return True
        if word.casefold() in self._common:
            return False
        if "capitalised" in triggers and word[0].isupper() and any(c.islower() for c in word):
            return True
        letters = [c for c in word if c.isalpha()]
        return "all_caps" in triggers and len(letters) >= 2 and all(c.isupper() for c in letters)


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
