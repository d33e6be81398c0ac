"""Surrogate state: keyed randomness, per-patient date shifts, locales and the original→surrogate
mapping.

Why keyed (HMAC) randomness rather than a seeded RNG that advances as documents stream by: every
choice is a function of ``(key, scope, label, original)`` only, so the same patient gets the same
pseudonyms and the same date shift on every run with the same key, whatever order, batching or
parallelism the documents come in. The memory here is only a cache plus collision bookkeeping
(two different originals in one scope must not share a surrogate) and the record needed for an
optional encrypted mapping file.

A *scope* is ``"patient:<id>"`` when a document has a ``patient_id`` (consistency across all of a
patient's documents). A document without one gets ``"doc:<32 random hex digits>"``, fresh for each
replacement call (consistency within the document only). Why not ``"doc:<id>"``: ids are often
generated ("doc-0", "text-0" for every request of a service) or reused across data sets, and two
documents sharing a scope share a date shift, so one known real/surrogate date pair in one of them
would reveal the real dates of all the others.

Memory is bounded: the per-scope cache and collision bookkeeping live in an LRU of at most
``cache_scopes`` scopes, and a document's random scope is dropped as soon as its replacement is
done. What eviction costs is spelled out in ``SurrogateStore``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import random
import secrets
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from fairdeid.document import Document
from fairdeid.errors import ConfigError, FairdeidError

log = logging.getLogger("fairdeid.replace")

DEFAULT_KEY_ENV = "FAIRDEID_KEY"


#: Prefix of the random, single-use scope of a document without a patient id.
DOC_SCOPE_PREFIX = "doc:"
#: Default bound of ``SurrogateStore``'s per-scope cache (``[replace] cache_scopes``).
DEFAULT_CACHE_SCOPES = 10_000


def patient_scope(doc: Document) -> str | None:
    """The keyed, deterministic scope of the document's patient; None without a patient id.

    A blank id (an empty CSV cell) is no id: otherwise every such row would share one scope.
    Spaces around an id are not part of it.
    """
    raw = doc.meta.get("patient_id")
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, str | int)):
        # str() of true, {} or 1.0 is the same for every record holding it: strangers would
        # share one scope (one date shift), so such an id stops the document instead.
        raise FairdeidError(f"document {doc.id!r}: patient_id must be a string or an integer")
    pid = doc.patient_id
    if pid is None or not pid.strip():
        return None
    # " p1" (a padded CSV cell) is the same patient as "p1": one date shift, one set of names
    return f"patient:{pid.strip()}"


def scope_of(doc: Document) -> str:
    """The consistency scope for one replacement call on ``doc``.

    Its patient's scope when it has one, else a fresh random scope: call it once per document
    and use the result for all of the document's spans (two calls give two scopes). Never
    derived from ``doc.id``, which may be generated or shared (see the module docstring).
    """
    return patient_scope(doc) or DOC_SCOPE_PREFIX + secrets.token_hex(16)


#: Minimum estimated entropy of a surrogate key. The key is all that stands between a reader of
#: the output and the date shifts: 128 bits is out of reach of any search.
MIN_KEY_BITS = 128


def key_entropy_bits(key: bytes) -> float:
    """A conservative estimate of a key's entropy: length × empirical bits per symbol.

    Why not just the length: ``"aaaaaaaaaaaaaaaaaaaa"`` and ``"password-password"`` are long
    but guessable. The empirical (Shannon) entropy of the key's own symbols under-rates random
    keys a little and over-rates English passphrases a little; ``fairdeid keygen`` keys (43
    url-safe base64 characters from 32 random bytes) score about 200 bits.
    """
    if not key:
        return 0.0
    counts = Counter(key)
    n = len(key)
    per_symbol = -sum(c / n * math.log2(c / n) for c in counts.values())
    return per_symbol * n


def check_key_strength(key: bytes, origin: str) -> None:
    """Refuse a key too weak to keep surrogates secret. ``origin`` names where it came from."""
    bits = key_entropy_bits(key)
    if bits < MIN_KEY_BITS:
        raise ConfigError(
            f"the surrogate key from {origin} is too weak (about {bits:.0f} bits; at least "
            f"{MIN_KEY_BITS} needed): generate one with `fairdeid keygen`"
        )


def resolve_key(
    key: str | bytes | None = None,
    key_env: str | None = DEFAULT_KEY_ENV,
    *,
    required: bool = False,
) -> bytes:
    """The secret key: explicit value, else ``$key_env``, else a random per-process key.

    A random key still gives consistent surrogates within the process, but re-runs (a resumed
    run, another Ray actor, another service replica) will not agree with each other: callers
    whose work spans processes pass ``required=True`` and get a ``ConfigError`` instead. Keys
    that are given are checked for strength; no key material is ever printed.
    """
    env_name = key_env or DEFAULT_KEY_ENV
    if isinstance(key, bytes) and key:
        check_key_strength(key, "[replace] key")
        return key
    if isinstance(key, str) and key:
        check_key_strength(key.encode("utf-8"), "[replace] key")
        return key.encode("utf-8")
    if key_env:
        value = os.environ.get(key_env)
        if value:
            check_key_strength(value.encode("utf-8"), f"${key_env}")
            return value.encode("utf-8")
    if required:
        raise ConfigError(
            f"surrogate mode needs a key here: set ${env_name} (generate one with "
            "`fairdeid keygen`), so that every process and every re-run gives a patient the same "
            "surrogates"
        )
    log.warning(
        "no surrogate key configured (set $%s or [replace] key); using a random per-process key: "
        "re-runs will produce different surrogates",
        env_name,
    )
    return secrets.token_bytes(32)


def keyed_int(key: bytes, *parts: str) -> int:
    """A 128-bit integer that only someone holding ``key`` can predict from ``parts``."""
    message = "\x1f".join(parts).encode("utf-8")
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:16], "big")


def keyed_rng(key: bytes, *parts: str) -> random.Random:
    return random.Random(keyed_int(key, *parts))


def pick_nonzero(bounds: tuple[int, int], draw: int) -> int:
    """The ``draw``-th (mod size) integer of ``[lo, hi]`` skipping 0, without building a list."""
    lo, hi = bounds
    size = hi - lo + 1 - (1 if lo <= 0 <= hi else 0)
    value = lo + draw % size
    return value + 1 if lo <= 0 <= value else value


@dataclass(frozen=True, slots=True)
class MappingEntry:
    """One original→surrogate pair, recorded only for the optional encrypted mapping file."""

    scope: str
    doc_id: str
    label: str
    original: str
    surrogate: str


@dataclass(slots=True)
class _ScopeState:
    """One scope's memory: original → surrogate, and who holds each surrogate (per group)."""

    cache: dict[tuple[str, str], str] = field(default_factory=dict)
    used: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class SurrogateStore:
    """Keyed choices plus the per-scope bookkeeping that makes them collision-free and auditable.

    ``date_shift_days`` is the inclusive range a scope's shift is drawn from; 0 is never drawn
    (an unshifted date would be the real one).

    ``cache_scopes`` bounds memory: the bookkeeping of at most that many scopes is kept, least
    recently used evicted first (a scope holds a few KB: 10,000 scopes are tens of MB). Why
    eviction is safe: the date shift, locale and age offset of a scope are pure functions of the
    key and never cached, and every surrogate is the first keyed draw for its original that is
    not held by another original of the scope. The exact guarantee is therefore: while a scope
    is cached, an original always keeps its surrogate and two originals never share one; after
    eviction (exactly as in a re-run with the same key) every original whose draws did not
    collide with another original's keeps its surrogate, and only an original that had to draw
    again because of a collision (about one pair in pool-size, e.g. 1/1000 for en_US surnames)
    may get another one. Keep ``cache_scopes`` above the number of patients whose documents
    interleave in the input (sort batch input by patient for the strongest guarantee).
    """

    key: bytes
    locales: Sequence[str] = ("en_US",)
    date_shift_days: tuple[int, int] = (-365, 365)
    record: bool = False
    cache_scopes: int = DEFAULT_CACHE_SCOPES
    _scopes: OrderedDict[str, _ScopeState] = field(default_factory=OrderedDict, repr=False)
    entries: list[MappingEntry] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        lo, hi = self.date_shift_days
        if lo > hi or (lo == 0 and hi == 0):
            raise ValueError("date_shift_days must be a non-empty range other than [0, 0]")
        if not self.locales:
            raise ValueError("at least one locale is needed")
        if isinstance(self.cache_scopes, bool) or not isinstance(self.cache_scopes, int) or \
                self.cache_scopes < 1:
            raise ValueError("cache_scopes must be a positive integer")

    @property
    def cached_scopes(self) -> int:
        """How many scopes' bookkeeping is held now (never more than ``cache_scopes``)."""
        return len(self._scopes)

    def _find(self, scope: str) -> _ScopeState | None:
        state = self._scopes.get(scope)
        if state is not None:
            self._scopes.move_to_end(scope)
        return state

    def _open(self, scope: str) -> _ScopeState:
        state = self._find(scope)
        if state is None:
            state = self._scopes[scope] = _ScopeState()
            while len(self._scopes) > self.cache_scopes:
                self._scopes.popitem(last=False)
        return state

    def forget(self, scope: str) -> None:
        """Drop a scope's bookkeeping (a single-use document scope once its document is done)."""
        self._scopes.pop(scope, None)

    def rng(self, scope: str, *parts: str) -> random.Random:
        return keyed_rng(self.key, scope, *parts)

    def locale_for(self, scope: str) -> str:
        """Each scope (patient) gets one locale from the mix, drawn by key."""
        return self.locales[keyed_int(self.key, "locale", scope) % len(self.locales)]

    def date_offset(self, scope: str) -> int:
        """The scope's date shift in days; the same for all its documents."""
        return pick_nonzero(self.date_shift_days, keyed_int(self.key, "date-shift", scope))

    def lookup(self, scope: str, group: str, norm: str) -> str | None:
        state = self._find(scope)
        return None if state is None else state.cache.get((group, norm))

    def claim(self, scope: str, group: str, norm: str, surrogate: str) -> bool:
        """Record ``norm → surrogate`` unless another original already holds ``surrogate``.

        Returns False on a collision so the caller can draw again.
        """
        state = self._open(scope)
        folded = " ".join(surrogate.casefold().split())
        holder = state.used.get((group, folded))
        if holder is not None and holder != norm:
            return False
        state.used[(group, folded)] = norm
        state.cache[(group, norm)] = surrogate
        return True

    def note(self, scope: str, doc_id: str, label: str, original: str, surrogate: str) -> None:
        """Record a pair for the mapping file; nothing is kept unless ``record`` is set (the
        caller drains ``entries`` after each document)."""
        if self.record:
            self.entries.append(MappingEntry(scope, doc_id, label, original, surrogate))
