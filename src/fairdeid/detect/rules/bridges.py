"""One institution name that detectors found as two pieces around "and", "&", "of" or "for".

Why: a model reads "Blue Cross and Blue Shield of Illinois" or "National Kidney and Transplant
Institute" as two places and leaves the joining word in the text; a rule finds "Transplant
Institute" and a model "National Kidney". The joining word is part of the name, and a reader who
sees "[...] and [...]" on a letterhead still learns the shape of it. After resolve, two spans of
an institution's labels that only such a word separates, on one line, become one span.

Not joined: a first piece of one word ("PCSO and Malasakit Center", "Leeds and Bradford": two
names) or one that already ends in a facility's head noun ("Mercy Hospital and St Mary's
Hospital" are two hospitals), a second piece that starts in lower case, and a one-word second
piece when neither piece carries an institution's label.
The words are data (``[places] bridge_words`` and ``complete_heads`` of ``patterns.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from fairdeid.detect.rules.compiler import literal_alternation

#: labels a piece of an institution's name may carry (a model's coarse LOCATION included)
BRIDGE_LABELS = frozenset({"LOCATION", "HOSPITAL", "ORGANIZATION", "DEPARTMENT"})
#: labels that say "an institution" by themselves
_NAMED = frozenset({"HOSPITAL", "ORGANIZATION", "DEPARTMENT"})


def bridge_gap(words: Iterable[str]) -> re.Pattern[str] | None:
    """Spaces, one joining word, spaces: the whole gap between two pieces."""
    items = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    return re.compile(rf"[ \t]+(?i:{literal_alternation(items)})[ \t]+")


def complete_head(words: Iterable[str]) -> re.Pattern[str] | None:
    """A facility head noun that ends a piece ("... Hospital"): the piece is a whole name."""
    items = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    return re.compile(rf"(?<![\w-])(?i:{literal_alternation(items)})\.?\Z")


def institution_bridges(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    gap: re.Pattern[str],
    complete: re.Pattern[str] | None,
) -> Iterator[tuple[int, int, str]]:
    """(start, end, label) over each pair of resolved pieces joined only by a bridge word."""
    pieces = sorted(s for s in spans if s[2] in BRIDGE_LABELS)
    for (a0, a1, a_label), (b0, b1, b_label) in zip(pieces, pieces[1:], strict=False):
        if b0 <= a1 or not text[b0].isupper() or gap.fullmatch(text, a1, b0) is None:
            continue
        first = text[a0:a1].strip()
        if " " not in first or (complete is not None and complete.search(first)):
            continue
        if a_label not in _NAMED and b_label not in _NAMED and " " not in text[b0:b1].strip():
            continue
        label = a_label if a_label in _NAMED else b_label if b_label in _NAMED else a_label
        yield a0, b1, label
