"""What the hybrid sends to the LLM: trigger words, and a few words of context around them.

The LLM is the slowest detector, so the hybrid sends it only the text where the trusted
detectors may have missed something. That decision is made per *word* (a trigger), and the text
sent is the trigger with ``context_words`` words on each side, clipped to its sentence and
merged with neighbouring windows, not the whole sentence: one doubtful word in a long sentence
or a one-line question must not send all of it. A window never cuts a trusted span in two (it
grows to hold it), and the LLM's strings are searched for in exactly the stretches it was sent,
so its spans map back to the note without any offset arithmetic beyond the stretch's start.

A word no confident trusted span covers is a trigger when it is:

- ``caseless``: in a script without upper and lower case (Chinese, Devanagari, Arabic ...),
  where the capitalisation cue does not exist; without this trigger the hybrid would be unfair
  to those notes, so it does not depend on the encoder's confidence;
- ``unsure``: given a PHI probability of at least ``unsure_above`` by a trusted encoder that
  exposes word scores (``detect_batch_with_word_scores``, the transformer detector) -- in any case,
  so a lower-case "clinic" the encoder half believes in is sent too;
- ``capitalised``: capitalised and not an ordinary word. Ordinary means one of the words
  notes start sentences and headings with (``COMMON_WORDS``, ``ignore_words``), or, where the
  encoder is sure it is not PHI, sentence-initial ("What", "Guidelines") or a common English or
  clinical word that is not also a name; without an encoder's opinion only a sentence-initial
  common word that is not a name ("What") is ordinary;
- ``digits``, ``all_caps`` (off by default): a number, an all-capitals word.

A trusted span scored below ``uncertain_below`` is a trigger too (``low_score``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Protocol, runtime_checkable

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

TRIGGERS = ("capitalised", "caseless", "low_score", "unsure", "digits", "all_caps")
DEFAULT_TRIGGERS = ("capitalised", "caseless", "low_score", "unsure")
WINDOWS = ("context", "sentence", "line")
#: Words a context window may grow by, each side, to keep a run of capitalised words whole.
_NAME_RUN = 5

#: ``(start, end, P(PHI))`` of one word, as a scoring detector reports it.
WordScore = tuple[int, int, float]

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_BOUNDARY = re.compile(r"\n\s*|(?<=[.!?])\s+")
_LINE = re.compile(r"\n\s*")
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


@runtime_checkable
class WordScorer(Protocol):
    """A trusted detector that can say how sure it is about every word (the transformer)."""

    def detect_batch_with_word_scores(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[list[WordScore]]]: ...


@dataclass(frozen=True)
class Trigger:
    """A stretch (a word, or a low-scoring span) that sends its context to the LLM, and why."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Selection:
    """What one note sends: the windows, and the counters of ``LLMStats``."""

    windows: tuple[tuple[int, int], ...]
    triggers: tuple[Trigger, ...]
    #: Sentences (lines with ``window = "line"``) in the note, and how many hold a trigger.
    units: int
    units_hit: int


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Common English and clinical words that are not also names (the rules' own word lists,
    read the way the rules' name validator reads them): "Current", "Management" are ordinary,
    "Mark" and "Rose" are not."""
    words = _packaged_words("common_words.txt", "clinical_words.txt", "eponyms.txt")
    return words - _packaged_words("names_first.txt", "names_last.txt")


def _packaged_words(*files: str) -> frozenset[str]:
    out: set[str] = set()
    data = resources.files("fairdeid.detect.rules").joinpath("data")
    for name in files:
        for line in data.joinpath(name).read_text("utf-8").splitlines():
            if not line.lstrip().startswith("#"):
                out.update(w.casefold() for w in line.split())
    return frozenset(out)


@dataclass(frozen=True)
class Selector:
    """The selection settings of ``[detectors.llm_hybrid]`` (see the module docstring)."""

    triggers: tuple[str, ...] = DEFAULT_TRIGGERS
    uncertain_below: float = 0.5
    unsure_above: float = 0.05
    window: str = "context"
    context_words: int = 4
    ignore_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        where = "[detectors.llm_hybrid]"
        if self.window not in WINDOWS:
            raise ConfigError(f"{where} window must be one of {WINDOWS}")
        bad = set(self.triggers) - set(TRIGGERS)
        if bad:
            raise ConfigError(f"{where} unknown triggers {sorted(bad)}; known: {TRIGGERS}")
        if self.context_words < 0:
            raise ConfigError(f"{where} context_words must be 0 or more")
        if not 0.0 < self.unsure_above <= 1.0:
            raise ConfigError(f"{where} unsure_above must be in (0, 1]")

    # -- units ----------------------------------------------------------------------------------

    def units(self, text: str) -> list[tuple[int, int]]:
        """Sentences (lines with ``window = "line"``) as trimmed ``(start, end)``; an
        abbreviation ("Dr.", "J.") does not end a sentence."""
        pattern = _LINE if self.window == "line" else _BOUNDARY
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

    # -- triggers -------------------------------------------------------------------------------

    def find_triggers(
        self, text: str, spans: Sequence[Span], scores: Sequence[WordScore] | None = None
    ) -> list[Trigger]:
        """Every trigger of ``text``, in text order; ``scores`` from a ``WordScorer``."""
        found: list[Trigger] = []
        if "low_score" in self.triggers:
            found += [
                Trigger(s.start, s.end, "low_score")
                for s in spans
                if s.score < self.uncertain_below
            ]
        covered = bytearray(len(text))
        for s in spans:
            if s.score >= self.uncertain_below:
                covered[s.start : s.end] = b"\x01" * (s.end - s.start)
        probe = _Scores(scores) if scores else None
        for start, end in self.units(text):
            for m in _WORD.finditer(text, start, end):
                if any(covered[m.start() : m.end()]):
                    continue
                initial = _initial(text, start, m.start())
                p = probe.max_over(m.start(), m.end()) if probe else None
                dotted = text[m.end() : m.end() + 1] == "."
                reason = self._reason(m.group(), initial, p, dotted)
                if reason:
                    found.append(Trigger(m.start(), m.end(), reason))
        return sorted(found, key=lambda t: (t.start, t.end))

    def _reason(
        self, word: str, initial: bool, p: float | None, dotted: bool = False
    ) -> str | None:
        on = self.triggers
        if "digits" in on and any(c.isdigit() for c in word):
            return "digits"
        if "caseless" in on and any(_caseless(c) for c in word):
            return "caseless"
        if "unsure" in on and p is not None and p >= self.unsure_above:
            return "unsure"
        fold = word.casefold()
        if fold in COMMON_WORDS or fold in self.ignore_words:
            return None
        if "capitalised" in on and word[0].isupper() and any(c.islower() for c in word):
            return None if self._ordinary(fold, initial, p) else "capitalised"
        if "capitalised" in on and _name_initial(word, dotted, initial, p, self.unsure_above):
            return "capitalised"
        letters = [c for c in word if c.isalpha()]
        if "all_caps" in on and len(letters) >= 2 and all(c.isupper() for c in letters):
            return "all_caps"
        return None

    def _ordinary(self, fold: str, initial: bool, p: float | None) -> bool:
        """A capitalised word that is no reason to call the LLM (see the module docstring)."""
        in_dictionary = _in_dictionary(fold)
        if p is not None and p < self.unsure_above:  # the encoder is sure it is not PHI
            return initial or in_dictionary
        return initial and in_dictionary

    # -- windows --------------------------------------------------------------------------------

    def select(
        self, text: str, spans: Sequence[Span], scores: Sequence[WordScore] | None = None
    ) -> Selection:
        """The windows of ``text`` to send, in text order, non-overlapping."""
        triggers = self.find_triggers(text, spans, scores)
        units = self.units(text)
        windows: list[tuple[int, int]] = []
        hit = 0
        for unit in units:
            inside = [t for t in triggers if t.start < unit[1] and unit[0] < t.end]
            if not inside:
                continue
            hit += 1
            if self.window == "context":
                windows += self._context(text, unit, inside, spans)
            else:
                windows.append(unit)
        return Selection(tuple(_merge(text, windows)), tuple(triggers), len(units), hit)

    def _context(
        self,
        text: str,
        unit: tuple[int, int],
        triggers: Sequence[Trigger],
        spans: Sequence[Span],
    ) -> list[tuple[int, int]]:
        """``context_words`` words each side of every trigger, within the unit, grown so that
        no span is cut in two (a window may then reach past its unit)."""
        words = [(m.start(), m.end()) for m in _WORD.finditer(text, *unit)]
        starts = [w[0] for w in words]
        ends = [w[1] for w in words]
        k = self.context_words
        out = []
        for t in triggers:
            first = bisect.bisect_right(ends, t.start)  # first word ending after the start
            last = bisect.bisect_left(starts, t.end) - 1  # last word starting before the end
            start, end = t.start, t.end
            if words:
                a = max(0, min(first, len(words) - 1) - k)
                b = min(len(words) - 1, max(last, 0) + k)
                a, b = _whole_names(text, words, a, b, _NAME_RUN)
                start, end = min(start, words[a][0]), max(end, words[b][1])
            out.append(_grow(start, end, spans))
        return out


class _Scores:
    """Word scores of one note, looked up by character range."""

    def __init__(self, scores: Iterable[WordScore]) -> None:
        ordered = sorted(scores)
        self._starts = [s for s, _, _ in ordered]
        self._items = ordered
        self._longest = max((e - s for s, e, _ in ordered), default=0)

    def max_over(self, start: int, end: int) -> float | None:
        """Highest P(PHI) of the scored words overlapping ``[start, end)``; None if none."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, end)
        best = [p for s, e, p in self._items[lo:hi] if s < end and start < e]
        return max(best) if best else None


def _in_dictionary(fold: str) -> bool:
    """A common word, or a compound of common words ("follow-up", "x-ray")."""
    words = dictionary_words()
    parts = [p for p in re.split(r"['’\-]", fold) if p]
    return fold in words or all(p in words or p in COMMON_WORDS for p in parts)


def _name_initial(
    word: str, dotted: bool, initial: bool, p: float | None, unsure_above: float
) -> bool:
    """A lone capital with a full stop inside a sentence ("Dr. J.", "Anna S."): the initial of
    a name, unless the encoder is sure it is not PHI."""
    sure = p is not None and p < unsure_above
    return len(word) == 1 and word.isupper() and dotted and not initial and not sure


def _caseless(char: str) -> bool:
    """A letter of a script without upper and lower case (Han, Devanagari, Arabic ...)."""
    return char.isalpha() and not char.isupper() and not char.islower()


def _initial(text: str, unit_start: int, word_start: int) -> bool:
    """First word of its sentence (after bullets or numbering) or of a heading's text
    ("Plan: Continue")."""
    before = text[unit_start:word_start]
    return not any(c.isalpha() for c in before) or before.rstrip().endswith(":")


def _whole_names(
    text: str, words: Sequence[tuple[int, int]], a: int, b: int, limit: int
) -> tuple[int, int]:
    """Move word indices ``a`` and ``b`` outwards (at most ``limit`` words each) while a run of
    capitalised words or initials goes on past them: the model must see "Dr. J. Smith" or
    "Houston Oncology Center" whole to name it, not cut at a window edge."""

    def capital(i: int) -> bool:
        return text[words[i][0]].isupper()

    for _ in range(limit):
        if a > 0 and capital(a) and capital(a - 1):
            a -= 1
    for _ in range(limit):
        if b < len(words) - 1 and capital(b) and capital(b + 1):
            b += 1
    return a, b


def _grow(start: int, end: int, spans: Sequence[Span]) -> tuple[int, int]:
    """Widen ``[start, end)`` until no span crosses either edge."""
    changed = True
    while changed:
        changed = False
        for s in spans:
            if s.start < start < s.end:
                start, changed = s.start, True
            if s.start < end < s.end:
                end, changed = s.end, True
    return start, end


def _merge(text: str, windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and join windows that overlap or have only spaces and punctuation between them."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if out and (start <= out[-1][1] or not _WORD.search(text, out[-1][1], start)):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
