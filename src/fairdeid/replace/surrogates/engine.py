"""The stateful layer: consistent surrogates per scope (patient or single document).

Every choice comes from HMAC(key, scope, label, original) (``store.py``), so the same name maps
to the same pseudonym in every note of a patient, a patient's dates all move by one offset
(intervals survive), and re-runs with the same key agree whatever the document order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fairdeid.detect.titles import name_part
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.invisible import Hidden
from fairdeid.locales import ALL_LOCALE_CODES, Name, get_pool, infer_gender
from fairdeid.locales.places import place_of
from fairdeid.replace.base import Replacement, splice
from fairdeid.replace.store import (
    DEFAULT_CACHE_SCOPES,
    DEFAULT_KEY_ENV,
    SurrogateStore,
    patient_scope,
    resolve_key,
    scope_of,
)
from fairdeid.replace.surrogates.address import Address, AddressIndex, address_part, find_addresses
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.dates import note_language
from fairdeid.replace.surrogates.identity import (
    Written,
    draw,
    family,
    layout_free,
    pour,
    written,
)
from fairdeid.replace.surrogates.names import (
    NAME_LABELS,
    NameMaker,
    gender_evidence,
    given_name_key,
    swap_titles,
    tokenise_name,
)
from fairdeid.replace.surrogates.registry import coarse_label, generator_for
from fairdeid.replace.surrogates.shape import fold, keep_shape, split_edges


@dataclass(frozen=True, slots=True)
class SpanSurrogate:
    """What the engine decided for one span (kept for span attrs and the mapping file)."""

    text: str
    locale: str
    gender: str | None = None


def _echoes(original: str, *candidates: str) -> bool:
    """Whether a candidate repeats the original (or, for 3+ characters, contains it)."""
    key = fold(original)
    if not key:
        return False
    return any(key == fold(c) or (len(key) >= 3 and key in fold(c)) for c in candidates)


def _lone_word(doc: Document, span: Span) -> str | None:
    """The folded word of a one-word name span with no title before it (None otherwise)."""
    tokens = [t for t in tokenise_name(doc.text[span.start : span.end]) if t.kind != "sep"]
    if len(tokens) != 1 or tokens[0].kind != "word":
        return None
    before = tokenise_name(doc.text[max(0, span.start - 12) : span.start].split("\n")[-1])
    if any(t.kind == "title" for t in before):
        return None
    return fold(tokens[0].text.rstrip("."))


def _looks_given(doc: Document, span: Span, givens: Collection[str] = ()) -> bool:
    """A lone token is a given name when the pools know it as one, or when it is the given name
    of a full name in the same note ("Anil Shah" ... "Anil"), and no title precedes it."""
    word = _lone_word(doc, span)
    if word is None:
        return False
    return word in givens or infer_gender(word) is not None


#: A person's given name (folded) → the gender of that person in one note.
PersonGenders = Mapping[str, str]


class SurrogateEngine:
    """Consistent surrogates for the spans of documents, scope by scope.

    ``locale``: a fixed locale, or None to use ``store.locale_for(scope)`` (the locale mix).
    ``shape``: "keep" (surrogate mode) or "locale" (localize). ``shift_dates``: False keeps dates
    (and ages) as they are. ``gender``: "keep" infers, "female"/"male" forces.
    ``language``: the language
    the notes are written in; shifted dates write their month names in it (``note_language``).
    """

    def __init__(
        self,
        store: SurrogateStore,
        *,
        locale: str | None = None,
        script: str = "romanised",
        shape: str = "keep",
        shift_dates: bool = True,
        gender: str = "keep",
        date_order: str = "MDY",
        keep_labels: Sequence[str] = (),
        language: str = "en",
    ) -> None:
        if gender not in ("keep", "female", "male"):
            raise ConfigError("gender must be 'keep', 'female' or 'male'")
        if script not in ("romanised", "native"):
            raise ConfigError("script must be 'romanised' or 'native'")
        if date_order not in ("MDY", "DMY"):
            raise ConfigError("date_order must be 'MDY' or 'DMY'")
        if locale is not None:
            get_pool(locale)
        self.store = store
        self.locale = locale
        self.script = script
        self.shape = shape
        self.shift_dates = shift_dates
        self.gender = gender
        self.date_order = date_order
        self.language = language
        self.keep_labels = frozenset(keep_labels)
        self._persons_cache: tuple[Document, str, PersonGenders] | None = None
        self._addresses_cache: tuple[Document, AddressIndex] | None = None

    # -- per-span ---------------------------------------------------------------------------

    def _locale(self, scope: str) -> str:
        return self.locale or self.store.locale_for(scope)

    def _name_pick(self, scope: str, locale: str) -> Callable[[str, str, str | None], Name]:
        pool = get_pool(locale)

        def pick(role: str, token: str, gender: str | None) -> Name:
            # Identity is the romanised form, whatever the output script: the native and the
            # romanised variant of a corpus then name the same people.
            role_key = "surname" if role == "surname" else "given"
            gkey = "" if role_key == "surname" else (gender or "")
            norm = f"{gkey}|{token}"
            group = f"name:{locale}:{role_key}"
            cached = self.store.lookup(scope, group, norm)
            name = pool.surnames[0]
            for attempt in range(12):
                rng = self.store.rng(scope, group, norm, str(attempt))
                if role_key == "surname":
                    name = rng.choice(pool.surnames)
                else:
                    g = gender if gender in ("female", "male") else rng.choice(("female", "male"))
                    name = rng.choice(pool.first_names[g])
                if cached is not None:
                    if name.romanised == cached:
                        return name
                    continue
                if attempt < 11 and _echoes(token, name.romanised, name.native):
                    continue  # never "replace" a name by itself, or by a name containing it
                if self.store.claim(scope, group, norm, name.romanised):
                    return name
            return name

        return pick

    def gender_for(self, doc: Document, span: Span) -> str | None:
        """The gender a name surrogate should have (None: not a name or unknown)."""
        if self.gender in ("female", "male"):
            return self.gender
        given = span.attrs.get("gender")
        if given in ("female", "male"):
            return str(given)
        return gender_evidence(doc.text, span.start, span.end,
                               use_pronouns=span.label in ("PATIENT", "NAME")).gender

    def person_genders(self, doc: Document, spans: Sequence[Span], scope: str) -> PersonGenders:
        """One gender per person (given name) for the whole scope: a gender given with a span
        (``attrs["gender"]``), else the one the name lists agree on, else a keyed draw per given
        name in the scope.

        Why not the note's context words (titles, pronouns): they differ between a patient's
        notes, so a unisex name ("Alex", "Jean") took a man's surrogate in one note and a
        woman's in the next, which both breaks one patient's consistent surrogates and tells a
        reader the two are one person written twice. Decided from the name and the scope alone,
        the answer is the same in every note and in any order. Titles and pronouns stay as
        written, so a unisex name's surrogate may disagree with them ("Mrs. Alex Roe" ->
        "Mrs. Omar Vance"): consistency across a patient's notes comes first.
        """
        names = [name_part(s) for s in sorted(spans, key=lambda s: (s.start, s.end))
                 if s.label in NAME_LABELS]
        full: list[tuple[Span, str]] = []
        for span in names:
            original = split_edges(doc.text[span.start : span.end])[1]
            key = given_name_key(original, single_is_given=False)
            if key is not None:
                full.append((span, key))
        givens = {key for _, key in full}
        for span in names:
            word = _lone_word(doc, span)
            if word is not None and _looks_given(doc, span, givens):
                full.append((span, word))
        out: dict[str, str] = {}
        for span, key in full:
            given = span.attrs.get("gender")
            if given in ("female", "male") and key not in out:
                out[key] = str(given)
        for _, key in full:
            if key not in out:
                out[key] = self._person_gender(scope, key)
        return out

    def _person_gender(self, scope: str, key: str) -> str:
        """The gender of the given name ``key`` in ``scope``, from the name and the key only."""
        return infer_gender(key) or self.store.rng(scope, "gender", key).choice(
            ("female", "male")
        )

    def _persons_of(self, doc: Document, scope: str) -> PersonGenders:
        """``person_genders`` over ``doc.spans`` for callers that go span by span (localize),
        remembered for the last document only."""
        cached = self._persons_cache
        if cached is not None and cached[0] is doc and cached[1] == scope:
            return cached[2]
        persons = self.person_genders(doc, doc.spans, scope)
        self._persons_cache = (doc, scope, persons)
        return persons

    def _addresses_of(self, doc: Document) -> AddressIndex:
        """``find_addresses`` over ``doc.spans``, remembered for the last document only."""
        cached = self._addresses_cache
        if cached is not None and cached[0] is doc:
            return cached[1]
        addresses = find_addresses(doc.text, doc.spans)
        self._addresses_cache = (doc, addresses)
        return addresses

    def surrogate(self, doc: Document, span: Span, scope: str,
                  persons: PersonGenders | None = None,
                  addresses: AddressIndex | None = None) -> SpanSurrogate:
        """The surrogate of one span. ``scope`` comes from ``scope_of(doc)`` (or the caller's
        own keyed scope), taken once per document: all of its spans must share it. ``persons``
        is ``person_genders`` of the spans being replaced (default: of ``doc.spans``);
        ``addresses`` is ``find_addresses`` of those spans (default: of ``doc.spans``).

        A span with a title inside ("Dr. Smith", ``fairdeid.detect.titles``) keeps the title's
        text and gets the surrogate of its name part, as if the title stood outside it."""
        name = name_part(span)
        if name is not span:
            got = self.surrogate(doc, name, scope, persons, addresses)
            title = doc.text[span.start : name.start]
            if self.gender in ("female", "male"):
                title = swap_titles(title, self.gender)
            return SpanSurrogate(title + got.text, got.locale, got.gender)
        whole = doc.text[span.start : span.end]
        lead, original, trail = split_edges(whole)
        if persons is None and span.label in NAME_LABELS and self.gender == "keep":
            persons = self._persons_of(doc, scope)
        if addresses is None and span.label in ("STATE", "ZIP"):
            addresses = self._addresses_of(doc)
        result = self._surrogate_core(doc, span, scope, original, persons or {},
                                      addresses or {})
        return SpanSurrogate(lead + result.text + trail, result.locale, result.gender)

    def _context(self, scope: str, locale: str) -> SurrogateContext:
        return SurrogateContext(locale=locale, script=self.script, shape=self.shape,
                                date_shift=self.store.date_offset(scope),
                                date_order=self.date_order, age_offset=self._age_offset(scope),
                                language=self.language)

    def _address_part(self, doc: Document, span: Span, address: Address, scope: str,
                      original: str, locale: str) -> str | None:
        """A STATE or ZIP of an address, from the row of the city's surrogate (see
        ``fairdeid.replace.surrogates.address``); None to fall back to the label's own generator."""
        city = address.city
        city_original = split_edges(doc.text[city.start : city.end])[1]
        if not city_original:
            return None
        city_text = self._surrogate_core(doc, city, scope, city_original, {}, {}).text
        place = place_of(locale, city_text)
        if place is None or fold(city_text) == fold(city_original):
            return None  # a kept or unknown city: a row would tell nothing true about it
        ctx = self._context(scope, locale)
        group = f"address:{span.label}:{locale}:{fold(place.city)}"
        norm = fold(original)
        cached = self.store.lookup(scope, group, norm)
        if cached is not None:
            return cached
        text: str | None = None
        for attempt in range(12):
            rng = self.store.rng(scope, group, norm, str(attempt))
            text = address_part(span.label, original, place, rng, ctx)
            if text is None or span.label == "STATE":
                return text  # the region of the place: shared by design, nothing to claim
            if attempt < 11 and (text == original or _echoes(original, text)):
                continue
            if self.store.claim(scope, group, norm, text):
                break
        return text

    def _surrogate_core(self, doc: Document, span: Span, scope: str,
                        original: str, persons: PersonGenders,
                        addresses: AddressIndex) -> SpanSurrogate:
        locale = self._locale(scope)
        label = span.label
        if not original or label in self.keep_labels or coarse_label(label) in self.keep_labels or (
                not self.shift_dates and coarse_label(label) in ("DATE", "AGE")):
            return SpanSurrogate(original, locale)
        if label in NAME_LABELS:
            single_is_given = _looks_given(doc, span, persons)
            key = given_name_key(original, single_is_given=single_is_given)
            gender = self.gender_for(doc, span)
            if self.gender == "keep" and key is not None:
                # the person's gender in the scope, whatever this mention's context suggests
                gender = persons.get(key) or (
                    gender if span.attrs.get("gender") in ("female", "male")
                    else self._person_gender(scope, key))
            if gender is None:
                # Deterministic, recorded assignment so the variant says what it used.
                rng = self.store.rng(scope, "gender", fold(original))
                gender = rng.choice(("female", "male"))
            maker = NameMaker(locale, self.script, self._name_pick(scope, locale))
            text = maker.make(original, gender, single_is_given=single_is_given,
                              swap_titles=self.gender in ("female", "male"))
            return SpanSurrogate(text, locale, gender)
        where: tuple[int, int] = (span.start, span.end)
        address = addresses.get(where)
        if address is None and label in ("STATE", "ZIP"):
            # the same ZIP (or state) written alone elsewhere in the note: the address's
            # surrogate, not one of its own ("MA 02114" ... "ZIP 02114" is one ZIP)
            where, address = _same_part_in_an_address(doc, label, original, addresses)
        if address is not None:
            part = self._address_part(doc, Span(where[0], where[1], label), address, scope,
                                      original, locale)
            if part is not None:
                return SpanSurrogate(part, locale)
        if self.shape == "keep" and layout_free(label, coarse_label(label)):
            by_value = self._by_value(label, scope, original, locale)
            if by_value is not None:
                return SpanSurrogate(by_value, locale)
        group = f"{coarse_label(label)}:{label}:{locale}"
        norm = fold(original)
        cached = self.store.lookup(scope, group, norm)
        if cached is not None:
            return SpanSurrogate(cached, locale)
        generator = generator_for(label)
        ctx = self._context(scope, locale)
        text = original
        for attempt in range(12):
            rng = self.store.rng(scope, label, norm, str(attempt))
            text = generator.like(original, rng, ctx)
            if attempt < 11 and (text == original or _echoes(original, text)):
                continue
            if self.store.claim(scope, group, norm, text) or attempt == 11:
                break
        return SpanSurrogate(text, locale)

    def _by_value(self, label: str, scope: str, original: str, locale: str) -> str | None:
        """The surrogate of a phone, fax or identifier, keyed by its letters and digits so that
        every layout of one value gets the same one (``identity.py``); None when it has none."""
        value = written(label, original)
        if value is None:
            return None
        kind = family(label, coarse_label(label))
        group = f"{kind}:{locale}:value"
        tail = self._extension(scope, kind, value)
        cached = self.store.lookup(scope, group, value.key)
        if cached is not None:
            return pour(value, cached, tail)
        surrogate = value.key
        for attempt in range(12):
            rng = self.store.rng(scope, kind, "value", value.key, str(attempt))
            surrogate = draw(label, value.key, rng, locale)
            if attempt < 11 and surrogate == value.key:
                continue
            if self.store.claim(scope, group, value.key, surrogate) or attempt == 11:
                break
        return pour(value, surrogate, tail)

    def _extension(self, scope: str, kind: str, value: Written) -> str:
        """Digits for a phone's extension, keyed by the number and the extension so that one
        extension of one number reads the same in every note of the scope."""
        if not value.tail_key:
            return ""
        rng = self.store.rng(scope, kind, "extension", value.key, value.tail_key)
        for _ in range(8):
            digits = keep_shape(value.tail_key, rng)
            if digits != value.tail_key:
                return digits
        return digits

    def _age_offset(self, scope: str) -> int:
        rng = self.store.rng(scope, "age-offset")
        return rng.choice([-3, -2, -1, 1, 2, 3])

    def replace_spans(self, doc: Document, spans: Sequence[Span]) -> tuple[str, list[Span],
                                                                          list[SpanSurrogate]]:
        scope = scope_of(doc)
        try:
            ordered = sorted(spans, key=lambda s: (s.start, s.end))
            # Surrogates come from the visible text: "Jo<ZWSP>hn" is John, in the same scope.
            seen, seen_spans = _visible(doc, ordered)
            persons = (self.person_genders(seen, seen_spans, scope) if self.gender == "keep"
                       else {})
            addresses = find_addresses(seen.text, seen_spans)
            results = [self.surrogate(seen, s, scope, persons, addresses) for s in seen_spans]
            text, moved = splice(doc.text, ordered, [r.text for r in results])
            for span, result in zip(ordered, results, strict=True):
                self.store.note(scope, doc.id, span.label, doc.text[span.start : span.end],
                                result.text)
        finally:
            if patient_scope(doc) is None:
                self.store.forget(scope)  # single use: nothing will ever look it up again
        return text, moved, results


def _same_part_in_an_address(
    doc: Document, label: str, original: str, addresses: AddressIndex
) -> tuple[tuple[int, int], Address | None]:
    """The first (in text order) STATE or ZIP span of an address in ``doc`` whose text is
    ``original``, with its address; ``((0, 0), None)`` when there is none."""
    want = fold(original)
    for key in sorted(addresses):
        address = addresses[key]
        part = address.zip if label == "ZIP" else address.state
        if part is not None and (part.start, part.end) == key and fold(
                split_edges(doc.text[part.start : part.end])[1]) == want:
            return key, address
    return (0, 0), None


def _visible(doc: Document, spans: list[Span]) -> tuple[Document, list[Span]]:
    """``doc`` and ``spans`` without invisible characters (the same objects when it has none)."""
    hidden = Hidden.of(doc.text)
    if not hidden.any:
        return doc, spans
    moved = []
    for span in spans:
        start, end = hidden.to_visible(span.start, span.end)
        moved.append(replace(span, start=start, end=end))
    return replace(doc, text=hidden.visible, spans=()), moved


class SurrogateReplacer:
    """The ``surrogate`` replacement mode (``[replace] mode = "surrogate"``).

    Config keys: ``locales`` (list; each patient draws one), ``key`` or ``key_env`` (default
    ``FAIRDEID_KEY``), ``date_shift_days`` ([lo, hi]), ``date_order`` ("MDY"/"DMY"),
    ``script`` ("romanised"/"native"), ``mapping_file`` + ``mapping_key_env`` (encrypted
    original→surrogate mapping, written only when asked), ``require_key`` (refuse to run without
    an explicit key: set by callers whose work spans processes or runs), ``cache_scopes`` (how
    many patients' surrogate bookkeeping stays in memory; see ``SurrogateStore``).
    """

    mode = "surrogate"

    def __init__(
        self,
        *,
        locales: Sequence[str] = ("en_US",),
        key: str | bytes | None = None,
        key_env: str | None = DEFAULT_KEY_ENV,
        date_shift_days: tuple[int, int] = (-365, 365),
        date_order: str = "MDY",
        script: str = "romanised",
        mapping_file: str | None = None,
        mapping_key_env: str = "FAIRDEID_MAPPING_KEY",
        require_key: bool = False,
        cache_scopes: int = DEFAULT_CACHE_SCOPES,
    ) -> None:
        for code in locales:
            if code not in ALL_LOCALE_CODES:
                raise ConfigError(f"unknown locale {code!r} in [replace] locales; "
                                  f"known: {', '.join(ALL_LOCALE_CODES)}")
        self.store = SurrogateStore(resolve_key(key, key_env, required=require_key),
                                    tuple(locales),
                                    (int(date_shift_days[0]), int(date_shift_days[1])),
                                    record=mapping_file is not None,
                                    cache_scopes=cache_scopes)
        self.engine = SurrogateEngine(self.store, script=script, date_order=date_order,
                                      language=note_language(locales))
        self._mapping = None
        if mapping_file is not None:
            from fairdeid.replace.mapping import MappingWriter, passphrase_from_env

            self._mapping = MappingWriter(mapping_file, passphrase_from_env(mapping_key_env))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SurrogateReplacer:
        shift = config.get("date_shift_days", (-365, 365))
        if not (isinstance(shift, Sequence) and len(shift) == 2):
            raise ConfigError("[replace] date_shift_days must be [low, high]")
        locales = config.get("locales", ["en_US"])
        if isinstance(locales, str):
            locales = [locales]
        try:
            return cls(
                locales=tuple(str(x) for x in locales),
                key=config.get("key"),
                key_env=str(config.get("key_env", DEFAULT_KEY_ENV)),
                date_shift_days=(int(shift[0]), int(shift[1])),
                date_order=str(config.get("date_order", "MDY")),
                script=str(config.get("script", "romanised")),
                mapping_file=config.get("mapping_file"),
                mapping_key_env=str(config.get("mapping_key_env", "FAIRDEID_MAPPING_KEY")),
                require_key=bool(config.get("require_key", False)),
                cache_scopes=_positive_int(config.get("cache_scopes", DEFAULT_CACHE_SCOPES),
                                           "cache_scopes"),
            )
        except ValueError as exc:
            raise ConfigError(f"[replace]: {exc}") from None

    def replace(self, doc: Document, spans: Sequence[Span]) -> Replacement:
        ordered = sorted(spans, key=lambda s: (s.start, s.end))
        text, moved, _ = self.engine.replace_spans(doc, ordered)
        if self._mapping is not None:
            self._mapping.append(self.store.entries)
            self.store.entries.clear()
        return Replacement(text, tuple(moved),
                           tuple(doc.text[s.start : s.end] for s in ordered))

    def patient_shift(self, doc: Document) -> int | None:
        """The date shift (days) this replacer applies to ``doc``'s patient; None for a document
        without a patient id, whose shift is drawn afresh for each replacement and never kept."""
        scope = patient_scope(doc)
        return None if scope is None else self.store.date_offset(scope)


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"[replace] {name} must be a positive integer")
    return value
