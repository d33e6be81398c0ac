"""Name propagation: once a name is found with strong evidence, tag its other occurrences.

Why case- and accent-insensitive: the same person is written "Dr. Wei Zhang" in the header,
"ZHANG" in a signature block and "zhang" in a hurried line; "José" is "JOSE" on a form. A name
left in one spelling re-identifies the patient as well as the first one would, so every
occurrence is compared on a folded key (case-folded, combining marks stripped).

Why whole words only: "Zhang" must not hit "Zhangjiakou", nor "Lee" "Leeds". The text is read as
runs of word characters (letters, digits, combining marks, apostrophes, hyphens), and a run
matches only when all of it is the name (or the name plus a possessive "'s").

Why the guards: a name that is also an ordinary word ("Will", "May", "Rose", "Hope") is never
propagated (the finder's stop lists decide that, as before). Names of 2-3 letters ("Li", "Wei",
"Ng") propagate only in the spelling found: folded, they collide with units and abbreviations
("ng/mL", "LI"). A lowercase occurrence counts only when the name is not a common lowercase word
(stop lists, clinical words, occupations: "Mr. Butler" does not make every "butler" a name).

The scan is one pass over the text with a dictionary lookup per word, so its cost is linear in
the text whatever the number of names (the earlier ``str.find`` per name token was quadratic on
long notes, where the number of distinct names grows with the length).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache


def _mark_ranges() -> str:
    """A character-class body of the BMP's combining marks (``re`` has no ``\\p{M}``)."""
    out: list[str] = []
    start = prev = -2
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)) not in ("Mn", "Mc", "Me"):
            continue
        if cp != prev + 1:
            if start >= 0:
                out.append(_class_range(start, prev))
            start = cp
        prev = cp
    if start >= 0:
        out.append(_class_range(start, prev))
    return "".join(out)


def _class_range(first: int, last: int) -> str:
    return re.escape(chr(first)) + ("" if first == last else "-" + re.escape(chr(last)))


_MARKS = _mark_ranges()
#: a maximal run of characters that continue a word: a name matches only a whole run
RUN = re.compile(rf"[\w'’\-{_MARKS}]+")
_RUN_CHAR = re.compile(rf"[\w'’\-{_MARKS}]")
#: a name token inside a detected name: starts with a letter, ends with a letter or digit
TOKEN = re.compile(rf"[^\W\d_][\w'’\-{_MARKS}]*[\w{_MARKS}]")
_GAP = re.compile(r"[ \t]{1,3}")
_POSSESSIVE = ("'s", "’s")
#: shorter names than this propagate only in the spelling that was found
MIN_FOLDED = 4
#: a full name of more tokens than this is taken as a phrase, not a name
_MAX_FULL = 4
_MEMO_SIZE = 100_000
#: notes up to this length are scanned by their distinct words (``Propagator._runs``); longer
#: ones in one bounded-memory pass (a set of every word of a huge note would not be small)
SHORT_TEXT = 200_000


#: after case-folding: the Turkish dotless i, and the typographic apostrophe
_FOLD_MORE = str.maketrans({"ı": "i", "’": "'"})


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Case-fold and strip combining marks: "José", "JOSE" and "jose" share one key; the
    Turkish dotless "ı" folds to "i" too, as "IŞIK" (capital I) and "Işık" are one name."""
    if word.isascii():
        return word.lower()
    folded = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).translate(_FOLD_MORE)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A propagated name occurrence: offsets into the scanned text and the name's label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class _FullName:
    keys: tuple[str, ...]
    label: str
    lower_ok: bool


@dataclass(frozen=True, slots=True)
class _Single:
    label: str
    lower_ok: bool


@dataclass(frozen=True, slots=True)
class NameSource:
    """One strongly evidenced name: its text and label (offsets are not needed to propagate)."""

    text: str
    label: str


#: what a name text adds to a ``Propagator``, whatever its label: tokens matched as spelled,
#: (folded key, lower-case occurrences count) of the longer ones, the full name's folded keys
#: and whether its lower-case form counts (see ``name_parts``)
NameParts = tuple[
    tuple[str, ...], tuple[tuple[str, bool], ...], tuple[tuple[str, ...], bool] | None
]
#: name texts a finder remembers the parts of (``Propagator``'s ``memo``)
_MEMO_NAMES = 4096


def name_parts(text: str, is_stop: Callable[[str], bool], common: frozenset[str]) -> NameParts:
    """The tokens of one strongly evidenced name as ``Propagator`` indexes them.

    Why apart from the label: the same names (the patient's, the clinicians') are found in
    note after note, and their tokens are cut, guarded and folded the same way each time; a
    finder keeps these parts by name text and replays them."""
    tokens = TOKEN.findall(text)
    exact: list[str] = []
    singles: list[tuple[str, bool]] = []
    for tok in tokens:
        if len(tok) < 2 or is_stop(tok) or (tok.isupper() and len(tok) <= 3):
            continue
        key = fold(tok)
        if len(key) < MIN_FOLDED:
            if tok.islower() and key in common:
                continue  # "del", "di", "von" of "María del Carmen": words everywhere else
            exact.append(tok)
        else:
            singles.append((key, key not in common))
    full: tuple[tuple[str, ...], bool] | None = None
    parts = text.split()
    if 2 <= len(parts) <= _MAX_FULL and parts == tokens and all(len(p) >= 2 for p in parts):
        keys = tuple(fold(p) for p in parts)
        if not all(len(k) < MIN_FOLDED for k in keys):  # "Ng Li": short tokens one by one
            full = (keys, not any(k in common for k in keys))
    return tuple(exact), tuple(singles), full


class Propagator:
    """The names of one document, ready to be looked for in its text."""

    def __init__(
        self,
        names: Iterable[NameSource],
        *,
        is_stop: Callable[[str], bool],
        common: frozenset[str],
        memo: dict[str, NameParts] | None = None,
    ) -> None:
        """``is_stop`` is the finder's guard for single tokens; ``common`` holds folded
        common lowercase words (a lowercase occurrence of those is not a name). ``memo`` keeps
        each name text's parts between documents; it must only ever see the same ``is_stop``
        and ``common``."""
        self.singles: dict[str, _Single] = {}
        self.exact: dict[str, str] = {}
        self.fulls: dict[str, list[_FullName]] = {}
        for name in dict.fromkeys(names):  # the same name is often found by several rules
            parts = memo.get(name.text) if memo is not None else None
            if parts is None:
                parts = name_parts(name.text, is_stop, common)
                if memo is not None:
                    if len(memo) >= _MEMO_NAMES:
                        memo.clear()
                    memo[name.text] = parts
            self._add(parts, name.label)
        for options in self.fulls.values():
            options.sort(key=lambda f: len(f.keys), reverse=True)
        # every folded form a run can have to be worth a closer look (possessives included):
        # one set lookup per word of the text rejects nearly all of them
        keys = {*self.singles, *self.fulls, *(fold(t) for t in self.exact)}
        self._index = frozenset(keys | {k + "'s" for k in keys})

    def __bool__(self) -> bool:
        return bool(self.singles or self.exact or self.fulls)

    def _add(self, parts: NameParts, label: str) -> None:
        exact, singles, full = parts
        for tok in exact:
            self.exact.setdefault(tok, label)
        for key, lower_ok in singles:
            if key not in self.singles:
                self.singles[key] = _Single(label, lower_ok)
        if full is not None:
            keys, lower_ok = full
            options = self.fulls.setdefault(keys[0], [])
            if all(f.keys != keys for f in options):
                options.append(_FullName(keys, label, lower_ok))

    def scan(self, text: str) -> Iterator[Occurrence]:
        """Every whole-word occurrence of a full name or a name token, left to right."""
        runs = self._runs(text) if len(text) <= SHORT_TEXT else self._runs_long(text)
        covered = -1
        for start, end, run in runs:
            if start < covered:
                continue  # inside a full name already reported
            found = self._full(text, start, end, run)
            if found is not None:
                covered = found.end
                yield found
                continue
            hit = self._single(run)
            if hit is None and run.endswith(_POSSESSIVE):
                run = run[:-2]
                hit = self._single(run)
            if hit is not None:
                yield Occurrence(start, start + len(run), hit)

    def _runs(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, run) of the runs worth a closer look, in text order: a note's distinct
        words are looked up once, then only those are found again (``str.find``, kept where
        they are whole runs), instead of a Python step for every word of the note."""
        if text.isascii():
            return self._runs_ascii(text)
        index = self._index
        worth = [run for run in set(RUN.findall(text)) if fold(run) in index]
        out: list[tuple[int, int, str]] = []
        for run in worth:
            start = text.find(run)
            while start >= 0:
                end = start + len(run)
                if not (start and _RUN_CHAR.match(text, start - 1)) and not _RUN_CHAR.match(
                    text, end
                ):
                    out.append((start, end, run))
                start = text.find(run, start + 1)
        out.sort()
        return out

    def _runs_ascii(self, text: str) -> list[tuple[int, int, str]]:
        """``_runs`` for an ASCII note (nearly all): there a run's folded form is the run
        lower-cased, so the index's keys are found in the lower-cased note directly (a few
        ``str.find`` per name) instead of listing and folding every word of the note."""
        lower = text.lower()
        out: list[tuple[int, int, str]] = []
        for key in self._index:
            start = lower.find(key)
            while start >= 0:
                end = start + len(key)
                if not (start and _RUN_CHAR.match(text, start - 1)) and not _RUN_CHAR.match(
                    text, end
                ):
                    out.append((start, end, text[start:end]))
                start = lower.find(key, start + 1)
        out.sort()
        return out

    def _runs_long(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``_runs`` for a long note, in one pass with bounded memory: each distinct word is
        folded once (a bounded memo: a huge note has millions of distinct numbers and codes),
        then most words cost one dictionary lookup."""
        index = self._index
        worth: dict[str, bool] = {}
        for m in RUN.finditer(text):
            run = m.group()
            known = worth.get(run)
            if known is None:
                if len(worth) >= _MEMO_SIZE:
                    worth.clear()
                known = worth[run] = fold(run) in index
            if known:
                yield m.start(), m.end(), run

    def _single(self, run: str) -> str | None:
        label = self.exact.get(run)
        if label is not None:
            return label
        key = fold(run)
        if len(key) < MIN_FOLDED:
            return None
        single = self.singles.get(key)
        if single is None or (not single.lower_ok and run.islower()):
            return None
        return single.label

    def _full(self, text: str, start: int, first_end: int, run: str) -> Occurrence | None:
        options = self.fulls.get(fold(run))
        if not options:
            return None
        for full in options:
            end = _match_rest(text, first_end, full.keys[1:])
            if end < 0:
                continue
            if not full.lower_ok and text[start:end].islower():
                continue
            return Occurrence(start, end, full.label)
        return None


def _match_rest(text: str, pos: int, keys: tuple[str, ...]) -> int:
    """End of the runs after ``pos`` whose folded forms are ``keys``, or -1. A possessive
    after the last one is left out of the name, as for single tokens."""
    for i, key in enumerate(keys):
        gap = _GAP.match(text, pos)
        m = RUN.match(text, gap.end()) if gap is not None else None
        if m is None:
            return -1
        run = m.group()
        pos = m.end()
        if fold(run) == key:
            continue
        if i == len(keys) - 1 and run.endswith(_POSSESSIVE) and fold(run[:-2]) == key:
            return pos - 2
        return -1
    return pos
