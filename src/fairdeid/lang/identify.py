"""Which language a note is written in, so that it reaches the pack made for that language.

Why py3langid: it ships its model inside the wheel (no download, offline), loads in under a
second, answers in about 0.1 ms for a short note and 1 ms for a long one, and was right on every
note of the measurement in docs/language-packs.md (lingua-language-detector was as accurate on
long notes but slower, and its wheel is 96 MB). The candidate set is restricted to the languages
that have a pack, English, and a few neighbours (``OTHER_LANGUAGES``) whose only purpose is to
let a Portuguese or Polish note be *recognised as unsupported* instead of being forced into the
closest supported language.

Only the note's words are looked at (letters only: numbers, dates, phone numbers and identifiers
carry no language and look alike everywhere), and only the first ``SAMPLE_CHARS`` characters, so
the cost per note is bounded. A note with too few words, or whose best guess is not confident,
goes to the default language (English): the packaged pipeline is the safest choice when the
language cannot be told.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Identified only to be reported as unsupported (their notes go through English with a warning).
#: Latin-script neighbours, and the main other scripts (so a Chinese or Russian note is named as
#: such, not forced into the Latin language whose letters it least contradicts).
OTHER_LANGUAGES: tuple[str, ...] = (
    "pt", "pl", "tr", "ro", "sv", "da", "cs",
    "zh", "ja", "ko", "ru", "uk", "ar", "fa", "he", "hi", "el",
)
DEFAULT_LANGUAGE = "en"
#: characters of a note looked at: enough words for a sure answer, bounded cost for long notes
SAMPLE_CHARS = 1000
#: fewer letter words than this: too little to tell (names and abbreviations dominate)
MIN_WORDS = 3
#: normalised probability under which the guess is not trusted
MIN_CONFIDENCE = 0.70

_WORD = re.compile(r"[^\W\d_]{2,}(?:['’-][^\W\d_]+)*")
#: ``_WORD`` for ASCII text, where ``[^\W\d_]`` is ``[A-Za-z]`` and "’" cannot occur: the same
#: words, found in two thirds of the time (``re`` tests an ASCII class without a Unicode lookup)
_ASCII_WORD = re.compile(r"[A-Za-z]{2,}(?:['-][A-Za-z]+)*")
#: English function words that are not words of the packs' languages (no "in", "is", "was",
#: "no", "on", "a"): a note where they are frequent, and the frequent words of the other
#: languages (``_FOREIGN``) are not, is English without asking the model. Most notes are
#: English, so this keeps routing nearly free for them. Measured in benchmarks/bench_langid.py:
#: no note of another language has even two of these words among its first 200.
_ENGLISH_ONLY = frozenset((
    "the", "and", "of", "with", "for", "to", "at", "by", "from", "this", "that", "which", "were",
    "has", "have", "had", "he", "she", "his", "not", "been", "after", "they", "their", "there",
    "would", "should", "who", "what", "but", "these", "those", "denies", "reports", "without"))
#: frequent words of the packs' and the neighbouring languages (none an English word): some
#: ("de", "van", "la") occur in names inside English notes, hence the tolerance below
_FOREIGN = frozenset((
    "der", "das", "und", "mit", "ist", "nicht", "ein", "eine", "wurde", "bei", "auf", "zur",
    "zum", "des", "dem", "le", "les", "et", "du", "une", "est", "avec", "pour", "dans", "sur",
    "au", "aux", "pas", "het", "een", "van", "en", "niet", "werd", "met", "voor", "zijn",
    "naar", "ook", "il", "della", "che", "di", "con", "del", "gli", "dei", "alla", "nel", "sono",
    "el", "los", "las", "que", "por", "para", "una", "se", "lo", "não", "em", "da", "os", "com",
    "na", "się", "nie", "jest", "og", "det", "til", "som", "och", "att", "är", "ve", "bir",
    "ile", "cu", "în", "pe", "je", "de", "la"))
#: share of a note's (first 200) words that must be ``_ENGLISH_ONLY`` for the shortcut
_ENGLISH_SHARE = 0.08
_ENGLISH_MIN = 3

#: why a note went to its language (``LanguageChoice.reason``)
REASONS = ("fixed", "identified", "too_short", "uncertain", "unsupported", "no_detector")


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """The language whose pipeline handles a note, and why.

    ``language`` is what was used; ``detected`` is what identification said (``None`` when the
    language was fixed by the caller or the note was too short to tell). ``reason`` is one of
    ``REASONS``: ``"unsupported"`` (a language was recognised for which no pack is installed)
    and ``"no_detector"`` (its pack has none of the detectors the run was narrowed to) are
    warnings: the configured (English) pipeline handled the note.
    """

    language: str
    reason: str = "fixed"
    detected: str | None = None
    confidence: float = 1.0

    @property
    def warning(self) -> str | None:
        """A PHI-free sentence for reports when the note did not get its own language."""
        if self.reason == "unsupported":
            return f"language {self.detected!r} has no pack: processed as {self.language!r}"
        if self.reason == "no_detector":
            return (f"the {self.detected!r} pack has none of the detectors asked for: processed "
                    f"as {self.language!r}")
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"language": self.language, "reason": self.reason}
        if self.detected is not None:
            out["detected"] = self.detected
            out["confidence"] = round(self.confidence, 4)
        return out


class LanguageIdentifier:
    """Identify notes among ``supported`` (+ ``others``); thread-safe, model loaded on first use."""

    def __init__(
        self,
        supported: Sequence[str],
        *,
        default: str = DEFAULT_LANGUAGE,
        others: Sequence[str] = OTHER_LANGUAGES,
        min_words: int = MIN_WORDS,
        min_confidence: float = MIN_CONFIDENCE,
    ) -> None:
        self.supported = frozenset((*supported, default))
        self.default = default
        self.candidates = tuple(sorted(self.supported | set(others)))
        self.min_words = min_words
        self.min_confidence = min_confidence
        self._model: Any = None
        self._lock = threading.Lock()

    def _classifier(self) -> Any:
        with self._lock:
            if self._model is None:
                from py3langid.langid import MODEL_FILE
                from py3langid.langid import LanguageIdentifier as Model

                model = Model.from_model_file(MODEL_FILE, norm_probs=True)
                model.set_languages(list(self.candidates))
                self._model = model
            return self._model

    def identify(self, text: str) -> LanguageChoice:
        sample = text[:SAMPLE_CHARS]
        words = (_ASCII_WORD if sample.isascii() else _WORD).findall(sample)
        if len(words) < self.min_words:
            return LanguageChoice(self.default, "too_short")
        if self.default == "en" and _plainly_english(words):
            return LanguageChoice("en", "identified", "en", 1.0)
        detected, confidence = self._classifier().classify(" ".join(words))
        detected, confidence = str(detected), float(confidence)
        if confidence < self.min_confidence:
            return LanguageChoice(self.default, "uncertain", detected, confidence)
        if detected not in self.supported:
            return LanguageChoice(self.default, "unsupported", detected, confidence)
        return LanguageChoice(detected, "identified", detected, confidence)


def _plainly_english(words: Sequence[str]) -> bool:
    # lower-cased in one call (a word holds no space, nor does its lower case) and counted by
    # set look-ups mapped in C: this runs on every note
    sample = " ".join(words[:200]).lower().split(" ")
    hits = sum(map(_ENGLISH_ONLY.__contains__, sample))
    if hits < _ENGLISH_MIN or hits < _ENGLISH_SHARE * len(sample):
        return False
    foreign = sum(map(_FOREIGN.__contains__, sample))
    return foreign <= max(2, 0.2 * hits)


def identify(text: str, supported: Sequence[str] | None = None) -> LanguageChoice:
    """The language of ``text`` among the installed packs and English (a shared identifier)."""
    return _shared(tuple(sorted(supported)) if supported is not None else None).identify(text)


_SHARED: dict[tuple[str, ...] | None, LanguageIdentifier] = {}
_SHARED_LOCK = threading.Lock()


def _shared(supported: tuple[str, ...] | None) -> LanguageIdentifier:
    with _SHARED_LOCK:
        found = _SHARED.get(supported)
        if found is None:
            if supported is None:
                from fairdeid.lang.packs import available_languages

                languages: Sequence[str] = available_languages()
            else:
                languages = supported
            found = _SHARED[supported] = LanguageIdentifier(languages)
        return found
