"""Word tokenisation, BIO tagging and span rebuilding shared by the learned detectors.

Both learned detectors (CRF and transformer) label *words*, not subwords or characters, and the
word boundaries come from here, not from a model's tokenizer. That is why character offsets are
exact whatever the tokenizer does (lower-casing, accent stripping, WordPiece): a span is always
rebuilt from the offsets of the words this module found in the original string.

A word is a run of letters, digits and combining marks (so Devanagari and Bengali vowel signs stay
inside their word, which Python's ``\\w`` does not do), a single CJK ideograph or kana (Chinese and
Japanese do not put spaces between words, so each character must be labellable on its own), or a
single other non-space character (punctuation). These are also the tokens of the ``binary_token``
metric (``evaluate.metrics.tokenize`` calls ``words_of``, and training's dev scores go through
``evaluate.metrics``), so detection, training and evaluation count the same things. Other scripts
written without spaces (Thai, Lao, Khmer, Myanmar) are not split yet: a run of them is one word;
a locale in such a script must add its ranges to ``_CJK_RANGES`` (or a segmenter) first.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from fairdeid.document import Span
from fairdeid.taxonomy import COARSE_LABELS, coarse

#: Ideographs, kana and hangul: one word per character.
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xAC00, 0xD7AF),
    (0x20000, 0x2FFFF),
)


def _ranges_to_class(ranges: Iterable[tuple[int, int]]) -> str:
    parts = []
    for lo, hi in ranges:
        parts.append(
            re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        )
    return "".join(parts)


@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    """Compile the word pattern once; the combining-mark class is built from unicodedata."""
    marks: list[tuple[int, int]] = []
    start = None
    for cp in range(0x30000):
        is_mark = unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            marks.append((start, cp - 1))
            start = None
    if start is not None:  # pragma: no cover - no mark at the end of the scanned range
        marks.append((start, 0x2FFFF))
    cjk = _ranges_to_class(_CJK_RANGES)
    mark = _ranges_to_class(marks)
    # A word starts with a non-CJK word character and continues with word characters or marks.
    pattern = rf"[{cjk}]|(?:[^\W_{cjk}]|[{mark}])(?:[^\W{cjk}]|[{mark}])*|\S"
    return re.compile(pattern, re.UNICODE)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text with its exact code-point offsets."""

    start: int
    end: int
    text: str


def words_of(text: str) -> list[Word]:
    """Split ``text`` into words (see module docstring); offsets index ``text`` exactly."""
    return [Word(m.start(), m.end(), m.group()) for m in _word_re().finditer(text)]


# -- casing ------------------------------------------------------------------------------------

#: Case classes fed to the transformer as token-type ids (the base encoder is uncased).
CASE_CLASSES: tuple[str, ...] = ("other", "lower", "title", "upper", "digit")


def case_class(word: str) -> int:
    """Index into ``CASE_CLASSES`` of a word's shape; caseless scripts count as ``other``."""
    if word.isdigit():
        return 4
    letters = [c for c in word if c.isalpha()]
    if not letters or not any(c.isupper() or c.islower() for c in letters):
        return 0
    if all(c.islower() for c in letters if c.isupper() or c.islower()):
        return 1
    if all(c.isupper() for c in letters if c.isupper() or c.islower()):
        return 3 if len(letters) > 1 else 2
    if letters[0].isupper():
        return 2
    return 0


# -- BIO ---------------------------------------------------------------------------------------


def bio_labels(entity_labels: Sequence[str] = COARSE_LABELS) -> list[str]:
    """Tag set ``O, B-X, I-X ...`` in a fixed order (the model's label ids)."""
    tags = ["O"]
    for label in entity_labels:
        tags += [f"B-{label}", f"I-{label}"]
    return tags


def to_entity_label(label: str, scheme: str) -> str:
    """Map a span label to the label the model learns (``coarse`` or ``fine``)."""
    return coarse(label) if scheme == "coarse" else label


def word_tags(words: Sequence[Word], spans: Iterable[Span], scheme: str = "coarse") -> list[str]:
    """BIO tag per word. A word is inside a span when it overlaps it at all.

    Overlap (not containment) is deliberate: if a gold span cuts a word ("Zhang's" annotated as
    "Zhang"), the whole word is tagged, because the detector can only remove whole words and the
    privacy cost of leaving half of a name is higher than removing an apostrophe-s.
    """
    tags = ["O"] * len(words)
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    starts = [w.start for w in words]

    for span in ordered:
        label = to_entity_label(span.label, scheme)
        i = max(bisect.bisect_right(starts, span.start) - 1, 0)
        first = True
        while i < len(words) and words[i].start < span.end:
            w = words[i]
            if w.end > span.start and tags[i] == "O":
                # Continue a span only if the previous word already belongs to this one.
                tags[i] = ("B-" if first else "I-") + label
                first = False
            elif w.end > span.start:
                first = False
            i += 1
    return tags


#: Labels whose spans may continue across a *single* line break when the model says ``I-``.
#: Empty by default: in every corpus we ship or measure on (the synthetic generator, the bundled
#: examples, ASQ-PHI) no gold span contains a line break -- address blocks are annotated one
#: line (STREET, then CITY/STATE/ZIP) at a time -- so continuing a span over a break only glues
#: separate entities together and swallows the break in the output. Cutting costs no recall: the
#: word after the break keeps its own ``I-`` tag and starts a span of its own.
MULTILINE_LABELS: frozenset[str] = frozenset()

_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def line_breaks(gap: str) -> int:
    """How many line breaks a run of text holds (``\r\n`` counts once, as in ``splitlines``).

    Two or more between two words means a blank line (a paragraph break) lies between them.
    """
    return len(_LINE_BREAK.findall(gap))


def spans_from_tags(
    words: Sequence[Word],
    tags: Sequence[str],
    scores: Sequence[float] | None = None,
    *,
    source: str,
    text: str | None = None,
    multiline: Collection[str] = MULTILINE_LABELS,
) -> list[Span]:
    """Merge B/I runs into character spans.

    An ``I-X`` after ``O`` or after another label starts a new span (lenient decoding: a model
    that forgets the ``B`` still finds the entity); ``B-X`` right after ``X`` starts a new entity,
    so two adjacent names stay two spans. Span score is the minimum word probability in the run
    (conservative for thresholds).

    Word-level models never see line breaks, so their ``I-`` tags run on over them (a phone
    number swallowing the date on the next paragraph). When ``text`` (the string the words index)
    is given, a span therefore ends at a blank line always, and at a single line break unless
    its label is in ``multiline``; an ``I-X`` after such a break starts a new ``X`` span with its
    own score, and an ``O`` after it starts nothing.
    """
    out: list[Span] = []
    cur_label: str | None = None
    cur_start = cur_end = 0
    cur_score = 1.0

    def flush() -> None:
        if cur_label is not None and cur_end > cur_start:
            out.append(Span(cur_start, cur_end, cur_label, source, float(cur_score)))

    for i, (word, tag) in enumerate(zip(words, tags, strict=True)):
        p = 1.0 if scores is None else float(scores[i])
        if tag == "O":
            flush()
            cur_label = None
            continue
        prefix, _, label = tag.partition("-")
        if prefix == "B" or label != cur_label or _cut(text, cur_end, word.start, label, multiline):
            flush()
            cur_label, cur_start, cur_end, cur_score = label, word.start, word.end, p
        else:
            cur_end = word.end
            cur_score = min(cur_score, p)
    flush()
    return out


def _cut(text: str | None, end: int, start: int, label: str, multiline: Collection[str]) -> bool:
    """Whether the layout between two words of one run ends the span (see ``spans_from_tags``)."""
    if text is None:
        return False
    breaks = line_breaks(text[end:start])
    return breaks >= 2 or (breaks == 1 and label not in multiline)
