"""Whole-word multi-pattern dictionary matching with one Aho-Corasick automaton.

Why this shape: ~25k names plus places and occupations must be looked up in one pass over the
text. A loop of regexes would be thousands of scans. The automaton scans once; the word-boundary
check is built into the keys: text and keys are lower-cased and every non-alphanumeric character
becomes a space (a length-preserving mapping, so offsets stay valid), and each key is stored as
" key ". A key can then only match a whole word or phrase, so the automaton reports almost no
partial hits to filter in Python, which keeps this fast.

Scripts without spaces between words (Chinese, Japanese, Thai) only match where the name is
delimited by spaces or punctuation; the name module has a separate rule for Chinese names.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from fairdeid.detect.rules import prefilter_cache

log = logging.getLogger(__name__)

_hs: Any
try:  # the optional fast path: ``pip install fairdeid[fast]``
    import hyperscan as _hs
except ImportError:  # pragma: no cover - exercised where hyperscan is absent
    _hs = None

#: text a matcher reads with the Aho-Corasick automaton before it compiles its hyperscan
#: literal database (about 1.4 CPU-s for the packaged 17,000 ASCII phrases; read back from the
#: prefilter's disk cache in milliseconds)
LITERAL_AFTER_CHARS = 1_000_000


class Kind:
    """What a dictionary entry is, as bit flags; one phrase can be several ("Georgia").

    Plain ints rather than ``enum.IntFlag``: flag arithmetic runs per dictionary hit, and
    IntFlag's operators cost a Python call each.
    """

    FIRST = 1
    LAST = 2
    AMBIGUOUS = 4
    CITY = 8
    COUNTRY = 16
    STATE = 32
    HOSPITAL = 64
    PROFESSION = 128
    CLINICAL_PROFESSION = 256
    EPONYM = 512
    STOP = 1024
    CLINICAL = 2048


NAME_KINDS = Kind.FIRST | Kind.LAST | Kind.AMBIGUOUS

# Every ASCII character that is not a letter or digit becomes a space, plus common Unicode
# punctuation. Everything else maps to itself.
_TABLE = {i: " " for i in range(128) if not chr(i).isalnum()}
for _ch in "\u2018\u2019\u201c\u201d\u2013\u2014\u00a0\u00b7\u3001\u3002\uff0c\uff1a\u0964":
    _TABLE[ord(_ch)] = " "


def lower_same_length(text: str) -> str:
    """``text.lower()`` unless that changes the length ("İ" lowers to two code points)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


#: ``_TABLE`` for ASCII text as bytes: ``bytes.translate`` reads a 256-byte table where
#: ``str.translate`` looks each character up in a dict (a fifth of the time per note)
_ASCII_TABLE = bytes(ord(_TABLE.get(i, chr(i))) for i in range(128)) + bytes(range(128, 256))


def normalize(text: str) -> str:
    """Lower-case and turn punctuation into spaces, keeping every offset."""
    return normalize_lower(lower_same_length(text))


def normalize_lower(lower: str) -> str:
    """``normalize`` of a text from its ``lower_same_length`` (the rule detector has it)."""
    if lower.isascii():
        return lower.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    return lower.translate(_TABLE)


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    kind: int  # a Kind bit set, kept as int: building IntFlag objects per hit is slow


class DictionaryMatcher:
    """Add phrases with their kind, ``build()`` once, then ``find()`` in any number of texts.

    With hyperscan installed, ASCII notes (nearly all) are scanned by a hyperscan literal
    database of the ASCII phrases instead, once the matcher has read enough text to repay its
    compile: the same hits, in a sixth of the CPU time (the Aho-Corasick automaton steps
    through a trie of every phrase, one memory access per character). A phrase with a
    non-ASCII character cannot occur in an ASCII note, and any other note keeps the automaton.
    """

    def __init__(
        self, *, literals: bool = True, literal_after_chars: int = LITERAL_AFTER_CHARS
    ) -> None:
        """``literals=False`` keeps the Aho-Corasick automaton for every note."""
        self._automaton = ahocorasick.Automaton()
        self._use_literals = literals and _hs is not None
        self._kinds: dict[str, int] = {}
        self._built = False
        self._literal_after = literal_after_chars
        self._literals: _Literals | None = None
        self._seen = 0
        self._looked_in_cache = False

    def __len__(self) -> int:
        return len(self._kinds)

    def add(self, phrase: str, kind: int) -> None:
        key = " ".join(normalize(phrase).split())
        if not key:
            return
        variants = {key}
        if "." in phrase:  # "Mt. Sinai" is also written "Mt Sinai"
            variants.add(" ".join(normalize(phrase.replace(".", "")).split()))
            variants.add(normalize(phrase).strip())  # keep the double space the period leaves
        for variant in variants:
            self._kinds[variant] = self._kinds.get(variant, 0) | kind
        self._built = False

    def add_many(self, phrases: Iterable[str], kind: int) -> None:
        for phrase in phrases:
            self.add(phrase, kind)

    def kind_of(self, word: str) -> int:
        return self._kinds.get(" ".join(normalize(word).split()), 0)

    def build(self) -> None:
        automaton = ahocorasick.Automaton()
        for key, kind in self._kinds.items():
            padded = f" {key} "
            automaton.add_word(padded, (len(padded), kind))
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton
        self._built = True
        self._literals = None
        self._seen = 0
        self._looked_in_cache = False

    def find(self, text: str, normalized: str | None = None) -> list[Hit]:
        """Whole-word hits in ``text`` (offsets into ``text``), sorted by start."""
        if not self._built:
            self.build()
        if not len(self._automaton):
            return []
        padded = " " + (normalized if normalized is not None else normalize(text)) + " "
        literals = self._literal_db(padded) if padded.isascii() else None
        if literals is not None:
            hits = literals.find(padded, self._kinds)
        else:
            hits = []
            for end, (length, kind) in self._automaton.iter(padded):
                # key spans padded[end - length + 1 : end + 1]; drop its two boundary spaces
                # and the one-character padding offset
                start = end - length + 1
                hits.append(Hit(start, end - 1, kind))
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def _literal_db(self, padded: str) -> _Literals | None:
        """The hyperscan literals, once compiled or found in the disk cache (else None)."""
        if self._literals is not None or not self._use_literals:
            return self._literals
        if not self._looked_in_cache:
            self._looked_in_cache = True
            self._literals = _Literals.shared(self._kinds, cached_only=True)
            if self._literals is not None:
                return self._literals
        self._seen += len(padded)
        if self._seen >= self._literal_after:
            self._literals = _Literals.shared(self._kinds)
        return self._literals

    def build_literals(self) -> bool:
        """Compile the hyperscan literals now (a benchmark's warm-up); whether they are on."""
        if not self._built:
            self.build()
        if self._literals is None and self._use_literals:
            self._literals = _Literals.shared(self._kinds)
        return self._literals is not None


class _Literals:
    """A hyperscan literal database of a dictionary's ASCII keys, each as " key "."""

    _shared: dict[str, _Literals] = {}
    _lock = threading.Lock()

    def __init__(self, keys: list[str], db: Any) -> None:
        self.keys = keys
        self.lengths = [len(key) + 2 for key in keys]
        self._db = db
        self._local = threading.local()

    @classmethod
    def shared(cls, kinds: dict[str, int], *, cached_only: bool = False) -> _Literals | None:
        """This process's literals for ``kinds``' keys: built once, from the disk cache when a
        previous process left them there (None with ``cached_only`` when it did not)."""
        keys = [key for key in kinds if key.isascii()]
        digest = _literal_key(keys)
        with cls._lock:
            found = cls._shared.get(digest)
            if found is not None:
                return found
            db = _load_literals(digest)
            if db is None:
                if cached_only or not keys:
                    return None
                db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
                db.compile(
                    expressions=[f" {key} ".encode("ascii") for key in keys],
                    ids=list(range(len(keys))),
                    elements=len(keys),
                    flags=0,
                    literal=True,
                )
                prefilter_cache.store(digest, [(False, _hs.dumpb(db), [])])
            found = cls._shared[digest] = cls(keys, db)
            return found

    def find(self, padded: str, kinds: dict[str, int]) -> list[Hit]:
        """The hits in an ASCII ``padded`` text, unsorted (as ``DictionaryMatcher.find``)."""
        ends: list[tuple[int, int]] = []
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = _hs.Scratch(self._db)
        self._db.scan(padded.encode("ascii"), match_event_handler=_on_literal, context=ends,
                      scratch=scratch)
        keys, lengths = self.keys, self.lengths
        # the key spans padded[end - length : end]: the word is one character in from each
        # side, and the padding shifts it one more to the left
        return [Hit(end - lengths[i], end - 2, kinds[keys[i]]) for i, end in ends]


def _on_literal(key_id: int, _start: int, end: int, _flags: int,
                ends: list[tuple[int, int]]) -> bool | None:
    ends.append((key_id, end))
    return None


def _literal_key(keys: list[str]) -> str:
    """What the literal database is made of, hashed (the cache's file name)."""
    digest = hashlib.sha256(b"fairdeid-literals 1\0")
    try:
        digest.update(Path(__file__).read_bytes())
    except OSError:
        digest.update(b"?")
    for part in (sys.version, str(getattr(_hs, "__version__", "")), "\n".join(keys)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _load_literals(digest: str) -> Any:
    """The literal database a previous process stored under ``digest``, if it loads here."""
    stored = prefilter_cache.load(digest)
    if not stored or len(stored) != 1:
        return None
    try:
        db = _hs.loadb(stored[0][1], _hs.HS_MODE_BLOCK)
        db.scan(b"", match_event_handler=_on_literal, context=[], scratch=_hs.Scratch(db))
    except _hs.error as exc:
        log.debug("literal cache: compiled again (%s)", type(exc).__name__)
        return None
    return db
