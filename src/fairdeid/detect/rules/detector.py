"""The rule detector: pattern recognisers + dictionaries + name rules, configured as data.

Config table (``[detectors.rules]`` in a pipeline TOML), every key optional::

    disabled = ["profession", "time", "name.propagated"]   # groups or single rules
    patterns = ["my_patterns.toml"]        # replace the packaged pattern file
    extra_patterns = ["site_rules.toml"]   # add/override rules by name
    extra_dictionaries = { first_names = ["staff.txt"], hospitals = ["our_sites.txt"] }
    use_packaged_dictionaries = true
    min_score = 0.0                        # drop proposals under this score
    window = 40                            # default context window, characters
    chunk_chars = 200000                   # longer texts run in line-aligned windows
    prefilter = true                       # skip rules that cannot match a note (hyperscan)

Unknown keys, rule groups or rules in ``disabled``, and values of the wrong type are a
``ConfigError`` at construction. ``with_disabled`` switches more groups or rules off for one
call (``Pipeline.detect(doc, disabled=["rules:time"])`` uses it).

Word lists and rule-specific steps are data in ``detect/rules/data/`` (``patterns.toml`` and
the dictionary files; rules declare their post steps with ``post = [...]``, see ``post.py``),
so no pattern rule is special-cased by name here and no word list lives in code.

Dictionary kinds for ``extra_dictionaries``: first_names, surnames, ambiguous_names, cities,
countries, states, hospitals, professions, clinical_professions, stopwords, clinical_words,
eponyms, common_words (lower-case occurrences of these are not propagated as names). Files hold
one entry per line, ``#`` comments.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.rules.bridges import bridge_gap, complete_head, institution_bridges
from fairdeid.detect.rules.compiler import (
    PatternRule,
    compile_rules,
    context_regex,
    data_text,
    is_disabled,
    load_pattern_tables,
    load_word_file,
    read_words,
)
from fairdeid.detect.rules.dictionary import (
    DictionaryMatcher,
    Hit,
    Kind,
    lower_same_length,
    normalize_lower,
)
from fairdeid.detect.rules.layout import (
    FACILITY_PLACE_LABELS,
    facilities_after_places,
    facility_nouns,
    may_wrap,
    wrapped_words,
)
from fairdeid.detect.rules.logins import login_mentions
from fairdeid.detect.rules.names import NameCandidate, NameFinder
from fairdeid.detect.rules.post import PlaceWords
from fairdeid.detect.rules.prefilter import LazyPrefilter, RuleKey
from fairdeid.detect.rules.spoken import SPOKEN_RULES, SpokenFinder
from fairdeid.detect.rules.windows import windows
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

_KNOWN_KEYS = {
    "disabled",
    "patterns",
    "extra_patterns",
    "extra_dictionaries",
    "use_packaged_dictionaries",
    "min_score",
    "window",
    "chunk_chars",
    "prefilter",
}
#: texts longer than this are detected in line-aligned windows (see ``windows``)
DEFAULT_CHUNK_CHARS = 200_000
#: characters of the notes ``detect_batch`` takes through its stages together (about 500
#: notes; fewer make the caches' gain smaller, more only keep more in memory)
_GROUP_CHARS = 1_000_000
_MIN_CHUNK_CHARS = 1_000
_MIN_OVERLAP = 2_048
#: rules implemented in code rather than in patterns.toml; ``disabled`` may name them
CODE_RULES = frozenset(
    {
        "name.title",
        "name.header",
        "name.signature",
        "name.cue",
        "name.dictionary",
        "name.dictionary_first",
        "name.dictionary_last",
        "name.initial",
        "name.cjk",
        "name.propagated",
        "name.username_propagated",
        "name.surname_initial",
        "name.layout",
        "layout.hyphen_wrap",
        "profession.dictionary",
        "location.address_tail",
        "location.city",
        "location.country",
        "location.state",
        "location.hospital_dict",
        "location.place_facility",
        "location.institution_bridge",
    }
) | SPOKEN_RULES
_DICT_FILES: dict[str, tuple[str, int, bool]] = {
    # kind name -> (packaged file, Kind, split on whitespace rather than lines)
    "first_names": ("names_first.txt", Kind.FIRST, False),
    "surnames": ("names_last.txt", Kind.LAST, False),
    "ambiguous_names": ("names_ambiguous.txt", Kind.AMBIGUOUS, False),
    "cities": ("cities.txt", Kind.CITY, False),
    "countries": ("countries.txt", Kind.COUNTRY, False),
    "states": ("states.txt", Kind.STATE, False),
    "hospitals": ("hospitals.txt", Kind.HOSPITAL, False),
    "professions": ("professions.txt", Kind.PROFESSION, False),
    "clinical_professions": ("professions_clinical.txt", Kind.CLINICAL_PROFESSION, False),
    "eponyms": ("eponyms.txt", Kind.EPONYM, True),
    "stopwords": ("name_stopwords.txt", Kind.STOP, True),
    "clinical_words": ("clinical_words.txt", Kind.CLINICAL, True),
    "common_words": ("common_words.txt", Kind.STOP, True),
}


def packaged_file(kind: str) -> str:
    """The packaged English word list of dictionary ``kind`` (a file in ``detect/rules/data``):
    the lists ``learned_trim`` reads for a pipeline whose rules name none of their own."""
    return _DICT_FILES[kind][0]


# characters before an occupation searched by ``[professions] context_patterns``: a title, two
# names and a comma
_PROF_SHAPE_WINDOW = 48
_SET_ONLY = frozenset({"stopwords", "clinical_words", "eponyms", "common_words"})
_PLACE_KINDS = (
    (Kind.CITY, "CITY", "location.city", 0.75),
    (Kind.COUNTRY, "COUNTRY", "location.country", 0.75),
    (Kind.STATE, "STATE", "location.state", 0.7),
    (Kind.HOSPITAL, "HOSPITAL", "location.hospital_dict", 0.8),
)
# ", Comilla, Dhaka Division 5264" / " Nîmes, Nouvelle-Aquitaine 37640" / ", Leeds, Kent IG99 7ZK"


#: two capitals in a row inside a word that is not all capitals ("MoCA", "CHlEF")
_MIXED_CAPS = re.compile(r"[A-Z\u00C0-\u00DE]{2}")


def _address_tail(region_words: Sequence[str]) -> re.Pattern[str]:
    """The "City, Region Postcode" tail; ``region_words`` join capitalised region words
    ("Provence-Alpes-Côte d'Azur", "Trinidad and Tobago"), tried in their listed order."""
    joins = "".join(f"|{re.escape(w)}" for w in region_words)
    # a city word ends before a full stop that ends the sentence ("Lives Wale Street, Bo-Kaap.
    # Works as ..."): a dot stays inside a word only before a letter or after St/Mt/Ft
    city_word = r"(?:(?:St|Ste|Mt|Ft)\.|[A-Z\u00C0-\u00DD](?:[\w'’-]|\.(?=\w))*)"
    return re.compile(
        rf",?[ \t]{{1,2}}(?P<city>{city_word}"
        rf"(?:[ \t-]{city_word}){{0,2}})"
        r"(?:,[ \t]{1,2}(?P<region>[A-Z\u00C0-\u00DD][\w'’.-]*"
        rf"(?:[ \t-](?:[A-Z\u00C0-\u00DD][\w'’.-]*{joins})){{0,4}}))?"
        r"(?:,?[ \t]{1,2}(?P<post>[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d"
        r"|\d{4,6}(?:-\d{4})?))?"
    )


class RuleDetector(BaseDetector):
    """Regex recognisers with context and validation, Aho-Corasick dictionaries, name rules."""

    name = "rules"
    #: The pipeline must not window notes for the rules: they window long notes themselves and
    #: propagate names found in any window over the whole note.
    handles_long_documents = True

    def __init__(
        self,
        *,
        disabled: Sequence[str] = (),
        patterns: Sequence[str] | None = None,
        extra_patterns: Sequence[str] = (),
        extra_dictionaries: Mapping[str, Sequence[str]] | None = None,
        use_packaged_dictionaries: bool = True,
        min_score: float = 0.0,
        window: int = 40,
        chunk_chars: int = DEFAULT_CHUNK_CHARS,
        prefilter: bool = True,
    ) -> None:
        self.disabled = frozenset(disabled)
        self.min_score = float(min_score)
        self.chunk_chars = int(chunk_chars)
        if self.chunk_chars < _MIN_CHUNK_CHARS:
            raise ConfigError(f"[detectors.rules] chunk_chars must be >= {_MIN_CHUNK_CHARS}")
        tables = load_pattern_tables(patterns, extra_patterns)
        self._known = CODE_RULES | {str(r.get("name", "")) for r in tables["rule"]} - {""}
        _check_disabled(self.disabled, self._known)
        self.rules: list[PatternRule] = compile_rules(tables, self.disabled, window)
        # each rule's parts as ``_apply`` reads them (views share it: their rules are these)
        self._plans = {rule.name: _plan(rule) for rule in self.rules}
        # which rules may match a note, from one scan (only with hyperscan installed); views
        # made by ``with_disabled`` share it, as its candidates are only ever filtered
        self.prefilter = LazyPrefilter(
            [RuleKey(r.name, r.regex, r.on_lower, r.lead, r.before, r.then) for r in self.rules],
            enabled=prefilter,
        )
        # a window's margin: far more than any rule looks around a match (context windows,
        # left extensions, name look-backs of 40-60 characters)
        reach = max([window, 64, *(max(r.window, r.before_window) for r in self.rules)])
        self.overlap = max(_MIN_OVERLAP, 16 * reach)
        words = self._load_dictionaries(extra_dictionaries or {}, use_packaged_dictionaries)
        self.matcher = DictionaryMatcher(literals=prefilter)  # hyperscan on ASCII notes
        for kind_name, entries in words.items():
            if kind_name in _SET_ONLY:  # looked up as sets; in the automaton they only cost hits
                continue
            self.matcher.add_many(entries, _DICT_FILES[kind_name][1])
        self.matcher.build()
        self.clinical = frozenset(w.lower() for w in words["clinical_words"])
        # the packaged city list is the world's and holds ordinary words of other languages
        # ("Fiche", "Registro"): a word a site's or pack's own stop or clinical list names is
        # no city (the packaged English lists are left out: English is measured with them)
        self._not_cities = frozenset(
            w.lower() for kind in ("stopwords", "clinical_words")
            for path in _as_paths((extra_dictionaries or {}).get(kind, ()))
            for entry in load_word_file(path, split_lines_only=False) for w in entry.split())
        stop = frozenset(w.lower() for w in words["stopwords"]) | frozenset(
            w.lower() for w in words["ambiguous_names"]
        )
        cjk = [w for w in words["surnames"] if len(w) == 1 and "\u3400" <= w <= "\u9fff"]
        eponyms = frozenset(w.lower() for w in words["eponyms"])
        # words whose lower-case occurrences stay words even when a name is spelled the same
        common = [
            w.lower()
            for kind in ("common_words", "professions", "clinical_professions")
            for w in words[kind]
            if " " not in w
        ]
        self.names = NameFinder(
            tables["names"], stop | eponyms, self.clinical, cjk, self.disabled, common, eponyms
        )
        prof = tables.get("professions", {})
        self._prof_context = context_regex(prof.get("context", ()))
        self._prof_strong = context_regex(prof.get("strong_context", ()))
        # shapes no word list can say, matched on the original text and ending where the
        # occupation starts: an apposition after a titled name or an age ("M. Girard,
        # étudiant", "65 ans, plombier"), weak context like ``context``
        self._prof_shapes = tuple(
            re.compile(rf"(?:{p})\s*\Z") for p in prof.get("context_patterns", ())
        )
        # what may follow a listed occupation and belongs to it ("chauffeur poids lourd",
        # "secrétaire médicale", "conductor de autobús"), matched right after the listed words
        complement = prof.get("complement")
        self._prof_complement = re.compile(complement) if complement else None
        # what follows an occupation that is the role of the person named right after it
        # ("Diätassistentin Fr. Rux", "dolmetscherin fr. ayaz"): a care team's or a service's
        # role, not the occupation of the patient or a relative
        role = prof.get("role_before_name")
        self._prof_role_before_name = re.compile(role) if role else None
        self._place_words = PlaceWords.build(
            tables["places"],
            tables["names"].get("care_stopwords", ()),
            self.clinical,
            self._is_city,
            self.names.common,
            self.matcher.kind_of,
            self.names.stopwords,
        )
        self._address_tail = _address_tail(tables["places"].get("region_words", ()))
        self._facility_nouns = facility_nouns(tables["places"].get("facility_nouns", ()))
        # "Blue Cross" and "Blue Shield of Illinois" as one name after resolve (rules/bridges.py)
        self._bridge_gap = bridge_gap(tables["places"].get("bridge_words", ()))
        self._complete_head = complete_head(
            [
                *tables["places"].get("facility_nouns", ()),
                *tables["places"].get("complete_heads", ()),
            ]
        )
        # dates, ages and dictated numbers in words (rules/spoken.py, ``[spoken]`` tables)
        self.spoken = SpokenFinder.from_tables(tables, prefilter=prefilter)

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None = None) -> RuleDetector:
        config = dict(config or {})
        unknown = set(config) - _KNOWN_KEYS
        if unknown:
            raise ConfigError(
                f"unknown [detectors.rules] keys: {sorted(unknown)}; valid keys: "
                f"{sorted(_KNOWN_KEYS)}"
            )
        for key in ("disabled", "patterns", "extra_patterns"):
            value = config.get(key)
            if isinstance(value, str):
                config[key] = [value]
        _check_types(config)
        return cls(**config)

    @property
    def groups(self) -> frozenset[str]:
        """Every rule group ("date", "name", ...): ``with_disabled(groups - {"time"})`` runs
        the time rules alone."""
        return frozenset(r.split(".", 1)[0] for r in self._known)

    def with_disabled(self, disabled: Iterable[str]) -> RuleDetector:
        """This detector with more rule groups or rules switched off, for one call.

        Why a view rather than a ``detect`` argument: the pipeline and the windowing code call
        every detector through the same ``detect_batch(docs)`` protocol, and a view also lets
        regression tests run one rule group alone without building a detector per group. The
        view shares every compiled rule and dictionary, so it costs microseconds; names that
        are no rule group or rule are a ``ConfigError``, as in the config.
        """
        extra = frozenset(disabled)
        _check_disabled(extra, self._known)
        if extra <= self.disabled:
            return self
        view = copy.copy(self)
        view.disabled = self.disabled | extra
        view.rules = [r for r in self.rules if not is_disabled(r.name, extra)]
        view.names = self.names.with_disabled(view.disabled)
        return view

    # -- loading --------------------------------------------------------------------------

    @staticmethod
    def _load_dictionaries(
        extra: Mapping[str, Sequence[str]], packaged: bool
    ) -> dict[str, list[str]]:
        unknown = set(extra) - set(_DICT_FILES)
        if unknown:
            raise ConfigError(
                f"unknown dictionary kinds {sorted(unknown)}; known: {sorted(_DICT_FILES)}"
            )
        out: dict[str, list[str]] = {}
        for kind_name, (fname, _kind, split_words) in _DICT_FILES.items():
            entries: list[str] = []
            if packaged:
                entries.extend(read_words(data_text(fname), split_lines_only=not split_words))
            paths = extra.get(kind_name, ())
            if isinstance(paths, str):
                paths = [paths]
            for path in paths:
                entries.extend(load_word_file(path, split_lines_only=not split_words))
            out[kind_name] = entries
        return out

    # -- detection ------------------------------------------------------------------------

    def detect(self, doc: Document) -> list[Span]:
        return self._finish(doc.text, None)

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        """``detect`` for each document, stage by stage over groups of documents.

        Why by stage: the hyperscan databases (prefilter and dictionary literals, about 9 MB)
        are read from memory again for each note when the rules' Python work between two
        scans has pushed them out of the CPU's caches; scanned one note after another they
        stay cached, and so does each pattern rule's regex when it runs over the group's
        notes in a row (the detector's CPU time fell by a fifth, 300,000 words). Each stage
        does what ``detect`` does, so the spans are the same. A group holds at most
        ``_GROUP_CHARS`` characters (or one note), so the lower-cased copies and hits it keeps
        between stages stay small whatever the batch.
        """
        out: list[list[Span]] = []
        group: list[Document] = []
        size = 0
        for doc in docs:
            if group and size + len(doc.text) > _GROUP_CHARS:
                out.extend(self._detect_group(group))
                group, size = [], 0
            group.append(doc)
            size += len(doc.text)
        if group:
            out.extend(self._detect_group(group))
        return out

    def _detect_group(self, docs: Sequence[Document]) -> list[list[Span]]:
        """``detect_batch``'s stages on one group: the scans, each pattern rule, the rest."""
        scans = [
            self._scan(doc.text) if doc.text and len(doc.text) <= self.chunk_chars else None
            for doc in docs
        ]
        # then each pattern rule over the batch, so that its regex and checks stay cached too;
        # each document's spans come in rule order, as in ``detect``
        found: list[list[Span]] = [[] for _ in docs]
        every = [i for i, scan in enumerate(scans) if scan is not None and scan.may_match is None]
        by_rule: dict[str, list[int]] = {}  # the notes each rule may match, in note order
        for i, scan in enumerate(scans):
            if scan is not None and scan.may_match is not None:
                for name in scan.may_match:
                    by_rule.setdefault(name, []).append(i)
        for rule in self.rules:
            notes = by_rule.get(rule.name, [])
            if every:
                notes = sorted({*notes, *every})
            if not notes:
                continue
            # ``_apply`` for each note, with the rule's plan and loop looked up once per group
            # (tens of thousands of calls per million words)
            plan, run = self._runner(rule)
            requires = rule.requires
            for i in notes:
                scan = scans[i]
                assert scan is not None
                lower = scan.lower
                if requires and not any(r in lower for r in requires):
                    continue
                run(plan, docs[i].text, lower, found[i])
        # and each name rule over the group's notes (``NameFinder.find_batch``)
        scanned = [
            (doc.text, scan.lower, scan.hits)
            for doc, scan in zip(docs, scans, strict=True)
            if scan is not None
        ]
        names = iter(self.names.find_batch(scanned))
        return [
            self._finish(doc.text, scan, out, next(names) if scan is not None else None)
            for doc, scan, out in zip(docs, scans, found, strict=True)
        ]

    def _finish(
        self,
        text: str,
        scan: _Scan | None,
        pattern_spans: list[Span] | None = None,
        names: list[NameCandidate] | None = None,
    ) -> list[Span]:
        """Every span of ``text``, from its scan, its pattern rules' spans and its name
        candidates when ``detect_batch`` made them already."""
        if not text:
            return []
        if len(text) <= self.chunk_chars:
            spans, candidates = self._detect_window(text, scan, pattern_spans, names)
        else:
            spans, candidates = self._detect_windows(text)
        if (
            candidates
            and not is_disabled("name.propagated", self.disabled)
            and not is_disabled("name", self.disabled)
        ):
            # document-wide, after every window: a name found anywhere is looked for everywhere
            candidates.extend(self.names.propagate(text, candidates))
        spans.extend(self._span(c.start, c.end, c.label, c.rule, c.score) for c in candidates)
        if self.min_score > 0:
            spans = [s for s in spans if s.score >= self.min_score]
        return spans

    def after_resolve(self, doc: Document, spans: Sequence[Span]) -> list[Span]:
        """Propagate the names and logins (``rules/logins.py``) other detectors found, finish
        words a hyphenated line break cut, add a facility noun after a place and join an
        institution's name around "and"/"of" (``rules/bridges.py``), in any detector's spans
        (``resolve.AfterResolve``)."""
        text = doc.text
        out: list[Span] = []
        if not is_disabled("name.propagated", self.disabled) and not is_disabled(
            "name", self.disabled
        ):
            found = self.names.propagate_resolved(text, spans, own=self.name)
            out.extend(self._span(c.start, c.end, c.label, c.rule, c.score) for c in found)
        if not is_disabled("name.username_propagated", self.disabled) and not is_disabled(
            "name", self.disabled
        ):
            out.extend(
                self._span(a, b, "USERNAME", "name.username_propagated", 0.75)
                for a, b in login_mentions(text, spans, _ordinary_words())
            )
        if not is_disabled("layout.hyphen_wrap", self.disabled) and may_wrap(text):
            # a learned detector's span on a lone word fragment ("tolera-") is mostly a guess
            # set off by the fragment itself; the rules' spans and longer ones are finished
            own = self.name + ":"
            cut = [
                s
                for s in (*spans, *out)
                if " " in text[s.start : s.end].strip()
                or any(src.startswith(own) for src in (s.source, *s.attrs.get("also", ())))
            ]
            for s in cut:
                for ws, we in wrapped_words(text, [(s.start, s.end)]):
                    out.append(self._span(ws, we, s.label, "layout.hyphen_wrap", 0.7))
        if self._facility_nouns is not None and not is_disabled(
            "location.place_facility", self.disabled
        ):
            out.extend(self._facilities(text, spans))
        if self._bridge_gap is not None and not is_disabled(
            "location.institution_bridge", self.disabled
        ):
            pieces = [(s.start, s.end, s.label) for s in spans]
            for start, end, label in institution_bridges(
                text, pieces, self._bridge_gap, self._complete_head
            ):
                out.append(self._span(start, end, label, "location.institution_bridge", 0.8))
        return out

    def _facilities(self, text: str, spans: Sequence[Span]) -> list[Span]:
        """"our Dallas clinic": a facility noun right after a place any detector found; a
        hospital or organization keeps its label, a town's facility is a HOSPITAL."""
        assert self._facility_nouns is not None
        out = []
        for place in spans:
            if place.label not in FACILITY_PLACE_LABELS:
                continue
            for start, end in facilities_after_places(
                text, [(place.start, place.end)], self._facility_nouns
            ):
                label = place.label if place.label in ("HOSPITAL", "ORGANIZATION") else "HOSPITAL"
                out.append(self._span(start, end, label, "location.place_facility", 0.8))
        return out

    def _detect_windows(self, text: str) -> tuple[list[Span], list[NameCandidate]]:
        """A long text, window by window; each span comes from the window whose chunk it
        starts in, with offsets into the whole text."""
        spans: list[Span] = []
        candidates: list[NameCandidate] = []
        for win in windows(text, self.chunk_chars, self.overlap):
            shift = win.start
            win_spans, win_names = self._detect_window(text[win.start : win.end])
            lo, hi = win.keep_from - shift, win.keep_to - shift
            spans.extend(s.shifted(shift) for s in win_spans if lo <= s.start < hi)
            candidates.extend(_shift(c, shift) for c in win_names if lo <= c.start < hi)
        return spans, candidates

    def _scan(self, text: str) -> _Scan:
        """The hyperscan part of a window's detection: which rules may match, dictionary hits."""
        lower = lower_same_length(text)
        may_match = self.prefilter.candidates(text, lower)
        return _Scan(lower, may_match, self.matcher.find(text, normalize_lower(lower)))

    def _detect_window(
        self,
        text: str,
        scan: _Scan | None = None,
        pattern_spans: list[Span] | None = None,
        names: list[NameCandidate] | None = None,
    ) -> tuple[list[Span], list[NameCandidate]]:
        """Pattern, dictionary and name rules on one window (a whole note, mostly)."""
        lower, may_match, hits = scan if scan is not None else self._scan(text)
        if pattern_spans is not None:
            spans = pattern_spans
        else:
            spans = []
            for rule in self.rules:
                if may_match is None or rule.name in may_match:
                    self._apply(rule, text, lower, spans)
        if not is_disabled("location.address_tail", self.disabled):
            self._address_tails(text, spans)
        self._places(text, hits, spans)
        if not is_disabled("profession.dictionary", self.disabled):
            self._professions(text, lower, hits, spans)
        if not is_disabled("spoken", self.disabled):
            self.spoken.find(text, lower, self.disabled, spans)
        return spans, names if names is not None else self.names.find(text, lower, hits)

    @staticmethod
    def _span(start: int, end: int, label: str, rule: str, score: float) -> Span:
        # one shared source string per rule: a huge note yields millions of spans, and a copy
        # per span was a fifth of their memory
        return Span(start, end, label, _source(rule), score)

    def _apply(self, rule: PatternRule, text: str, lower: str, out: list[Span]) -> None:
        if rule.requires and not any(r in lower for r in rule.requires):
            return
        plan, run = self._runner(rule)
        run(plan, text, lower, out)

    def _runner(
        self, rule: PatternRule
    ) -> tuple[_Plan, Callable[[_Plan, str, str, list[Span]], None]]:
        """The rule's plan and the match loop that runs it (``_apply`` without its checks)."""
        plan = self._plans.get(rule.name)
        if plan is None or plan.rule is not rule:  # a rule this detector did not compile
            plan = _plan(rule)
        if plan.before is None and plan.then is None:
            return plan, self._apply_anchor
        return plan, self._apply_extended

    def _apply_anchor(self, plan: _Plan, text: str, lower: str, out: list[Span]) -> None:
        """``_apply`` for a rule of one pattern (no left extension, no continuation).

        Why apart from ``_apply_extended``: this loop runs for every match of most rules (tens
        of thousands per million words); without the extension parts it tests less at each
        match, and the rule's parts come from its plan as locals, read once per call. What
        follows a kept match is shared with it (``_emit``)."""
        (_, regex, has_phi, lead, _, _, _, validator, context, window, negative_before, *_,
         on_lower) = plan
        source = lower if on_lower else text
        for m in regex.finditer(source):
            m_start = m.start()
            if lead is not None and lead.match(source, m_start) is None:
                continue
            start, end = m.span("phi") if has_phi else m.span()
            if validator is not None and not validator(m, text):
                continue
            if context is not None and not context.search(
                lower, max(0, m_start - window), m_start
            ):
                continue
            if negative_before is not None and negative_before.search(
                lower, max(0, m_start - 14), m_start
            ):
                continue
            self._emit(plan, text, lower, m, None, m_start, start, end, out)

    def _apply_extended(self, plan: _Plan, text: str, lower: str, out: list[Span]) -> None:
        """``_apply`` for a rule with a left extension (``before``) or a continuation
        (``then``): both must match around the anchor."""
        (_, regex, has_phi, lead, before_re, then_re, reach, validator, context, window,
         negative_before, *_, on_lower) = plan
        source = lower if on_lower else text
        for m in regex.finditer(source):
            m_start = m.start()
            if lead is not None and lead.match(source, m_start) is None:
                continue
            before = then = None
            if before_re is not None:
                before = before_re.search(text, max(0, m_start - reach), m_start)
                if before is None:
                    continue
            if then_re is not None:
                then = then_re.match(text, m.end())
                if then is None:
                    continue
            start, end = _main_span(m, before, then, has_phi)
            anchor = before.start() if before is not None else m_start
            if validator is not None and not validator(
                _ExtendedMatch(m, before, then), text  # type: ignore[arg-type]
            ):
                continue
            if context is not None and not context.search(lower, max(0, anchor - window), anchor):
                continue
            if negative_before is not None and negative_before.search(
                lower, max(0, anchor - 14), anchor
            ):
                continue
            self._emit(plan, text, lower, m, before, anchor, start, end, out)

    def _emit(self, plan: _Plan, text: str, lower: str, m: re.Match[str],
              before: re.Match[str] | None, anchor: int, start: int, end: int,
              out: list[Span]) -> None:
        """The end of both match loops, for a match that passed its context checks: the
        negative look-ahead, the label by context, trimming, the rule's post step, the span and
        its group spans. One place, so the two loops cannot drift; it runs once per kept match,
        not per regex match, so the call costs nothing measurable."""
        (rule, _, _, _, _, _, _, _, _, window, _, negative_after, context_label, trim, post,
         group_labels, src, score, label, _) = plan
        if negative_after is not None:
            m_end = m.end()
            if negative_after.match(lower, _skip_space(lower, m_end), min(len(lower), m_end + 14)):
                return
        if context_label is not None and context_label[0].search(
            lower, max(0, anchor - window), anchor
        ):
            label = context_label[1]
        if trim:
            while end > start and text[end - 1] in trim:
                end -= 1
        if post:
            kept = self._post(rule, text, m, before, start, end)
            if kept is None:
                return
            start, end = kept
        if end > start:
            out.append(Span(start, end, label, src, score))
        if group_labels:
            _group_spans(group_labels, (m,) if before is None else (m, before), src, score, out)
    def _address_tails(self, text: str, spans: list[Span]) -> None:
        """After a street address, "City, Region Postcode" follows in most countries' formats."""
        for street in [s for s in spans if s.label == "STREET"]:
            m = self._address_tail.match(text, street.end)
            if m is None:
                continue
            for group, label in (("city", "CITY"), ("region", "STATE"), ("post", "ZIP")):
                gs, ge = m.span(group)
                if ge > gs >= 0 and text[gs:ge].lower() not in self.clinical:
                    # above the name rules (0.85): after a street, "Hull Yorkshire" is a place
                    spans.append(self._span(gs, ge, label, "location.address_tail", 0.9))

    def _post(
        self,
        rule: PatternRule,
        text: str,
        m: re.Match[str],
        before: re.Match[str] | None,
        start: int,
        end: int,
    ) -> tuple[int, int] | None:
        """The rule's declared post steps in order; None when one rejects the match."""
        for step in rule.post:
            span = step(self._place_words, text, m, before, start, end)
            if span is None:
                return None
            start, end = span
        return start, end

    def _is_city(self, phrase: str) -> bool:
        return bool(self.matcher.kind_of(phrase) & Kind.CITY)

    def _places(self, text: str, hits: Sequence[Hit], out: list[Span]) -> None:
        for hit in hits:
            kind = hit.kind
            if not kind & (Kind.CITY | Kind.COUNTRY | Kind.STATE | Kind.HOSPITAL):
                continue
            word = text[hit.start : hit.end]
            if not word[0].isupper() and not (word[0].isalpha() and not word[0].islower()):
                continue
            if kind & Kind.HOSPITAL and word.isupper() is False and len(word) <= 4:
                continue
            if any(_MIXED_CAPS.search(w) and not w.isupper() for w in word.split()):
                continue  # "MoCA", OCR'd "CHlEF": an acronym or noise, not "McAllen"
            if (kind & (Kind.CITY | Kind.COUNTRY | Kind.STATE | Kind.HOSPITAL) == Kind.CITY
                    and (word.lower() in self._not_cities or _names_a_score(text, hit.end))):
                continue  # "Fiche de liaison", "Registro de enfermería", "Boston 8/9"
            for flag, label, rule, score in _PLACE_KINDS:
                if kind & flag and not is_disabled(rule, self.disabled):
                    if kind & (Kind.FIRST | Kind.LAST) and flag != Kind.HOSPITAL:
                        score -= 0.1  # "Jordan", "Georgia": still PHI, less sure it is a place
                    out.append(self._span(hit.start, hit.end, label, rule, score))
                    break

    def _professions(self, text: str, lower: str, hits: Sequence[Hit], out: list[Span]) -> None:
        if self._prof_context is None:
            return
        covered = -1
        for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
            if not hit.kind & (Kind.PROFESSION | Kind.CLINICAL_PROFESSION) or hit.start < covered:
                continue
            window_start = max(0, hit.start - 30)
            strong = self._prof_strong is not None and self._prof_strong.search(
                lower, window_start, hit.start
            )
            weak = (
                strong
                or self._prof_context.search(lower, window_start, hit.start)
                or self._prof_shape_before(text, hit.start)
            )
            if hit.kind & Kind.CLINICAL_PROFESSION and not strong:
                continue
            if not weak:
                continue
            end = self._prof_end(text, hit.end)
            if self._prof_role_before_name is not None and self._prof_role_before_name.match(
                text, end
            ):
                continue
            out.append(
                self._span(
                    hit.start,
                    end,
                    "PROFESSION",
                    "profession.dictionary",
                    0.8 if strong else 0.65,
                )
            )
            covered = end

    def _prof_end(self, text: str, end: int) -> int:
        if self._prof_complement is None:
            return end
        m = self._prof_complement.match(text, end)
        return m.end() if m else end

    def _prof_shape_before(self, text: str, start: int) -> bool:
        begin = max(0, start - _PROF_SHAPE_WINDOW)
        return any(p.search(text, begin, start) for p in self._prof_shapes)


class _Scan(NamedTuple):
    """A window's hyperscan results (``RuleDetector._scan``), kept between the two phases of
    ``detect_batch``."""

    lower: str
    #: names of the rules that may match (None: every rule runs)
    may_match: frozenset[str] | None
    hits: list[Hit]


# a score or a class written right after a word: "8/9", "12/15" (not a date: the first number is
# not above the second and nothing follows), "A2 L3 B1p"
_SCORE_AFTER = re.compile(
    r"[ \t]+(?:(?P<num>\d{1,2})/(?P<den>\d{1,2})(?![\d/.,:-])"
    r"|[A-Z]\d[a-z]?(?:[ \t]+[A-Z]\d[a-z]?)+\b)"
)


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """Words a lower-case login may not be (``logins.py``): common, clinical and header words."""
    from fairdeid.detect.rules.validators import packaged_words

    return packaged_words("common_words.txt", "clinical_words.txt", "name_header_stopwords.txt")


def _names_a_score(text: str, end: int) -> bool:
    """Whether the city that ends at ``end`` names a score or a classification: scales and
    classifications are named after the town where they were agreed ("Boston 8/9" for bowel
    preparation, "Montréal A2 L3 B1" for Crohn's disease), and the score follows the name."""
    m = _SCORE_AFTER.match(text, end)
    if m is None:
        return False
    return m.group("num") is None or int(m.group("num")) <= int(m.group("den"))


def _as_paths(value: str | Sequence[str]) -> list[str]:
    """``extra_dictionaries`` paths of one kind: one path or a list."""
    return [value] if isinstance(value, str) else list(value)


def _check_disabled(disabled: frozenset[str], rules: frozenset[str]) -> None:
    """``disabled`` names rule groups or rules that exist: a typo must not leave a rule on."""
    groups = {r.split(".", 1)[0] for r in rules}
    unknown = sorted(disabled - rules - groups)
    if unknown:
        raise ConfigError(
            f"[detectors.rules] disabled names unknown rule groups or rules: {unknown}; "
            f"groups: {sorted(groups)}; rules: {sorted(rules)}"
        )


def _check_types(config: Mapping[str, Any]) -> None:
    """Wrong value types in a TOML table would fail later, deep inside, or silently."""
    for key in ("disabled", "patterns", "extra_patterns"):
        value = config.get(key)
        if value is not None and not (
            isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        ):
            raise ConfigError(f"[detectors.rules] {key} must be a list of strings")
    extra = config.get("extra_dictionaries")
    if extra is not None and not isinstance(extra, Mapping):
        raise ConfigError("extra_dictionaries must be a table: kind = [paths]")
    for key in ("use_packaged_dictionaries", "prefilter"):
        if not isinstance(config.get(key, True), bool):
            raise ConfigError(f"[detectors.rules] {key} must be true or false")
    score = config.get("min_score", 0.0)
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise ConfigError("[detectors.rules] min_score must be a number from 0 to 1")
    for key, lowest in (("window", 1), ("chunk_chars", _MIN_CHUNK_CHARS)):
        value = config.get(key, lowest)
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise ConfigError(f"[detectors.rules] {key} must be an integer >= {lowest}")


class _ExtendedMatch:
    """The groups of an anchor match and its left/right extensions, read as one match.

    Validators are written against ``re.Match``; they use ``group``, ``span`` and
    ``groupdict``, which this provides (group 0 is the whole stretch).
    """

    __slots__ = ("_parts", "_span0")

    def __init__(
        self, m: re.Match[str], before: re.Match[str] | None, then: re.Match[str] | None
    ) -> None:
        self._parts: tuple[re.Match[str], ...] = (
            (m, before, then)
            if before is not None and then is not None
            else (m, before) if before is not None else (m, then) if then is not None else (m,)
        )
        self._span0 = (
            before.start() if before is not None else m.start(),
            then.end() if then is not None else m.end(),
        )

    def span(self, group: int | str = 0) -> tuple[int, int]:
        if group == 0:
            return self._span0
        for part in self._parts:
            if isinstance(group, str) and group in part.re.groupindex:
                return part.span(group)
        raise IndexError(group)

    def group(self, group: int | str = 0) -> str | None:
        if group == 0:
            return self._parts[0].string[self._span0[0] : self._span0[1]]
        for part in self._parts:
            if isinstance(group, str) and group in part.re.groupindex:
                return part.group(group)
        raise IndexError(group)

    def groupdict(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for part in reversed(self._parts):
            out.update(part.groupdict())
        return out


def _main_span(
    m: re.Match[str], before: re.Match[str] | None, then: re.Match[str] | None, has_phi: bool
) -> tuple[int, int]:
    """The span a rule reports: ``phi`` of the continuation, the left part, or the anchor."""
    for match in (then, before):
        if match is not None and "phi" in match.re.groupindex and match.start("phi") >= 0:
            return match.span("phi")
    if has_phi:
        if m.start("phi") >= 0:
            return m.span("phi")
        return -1, -1
    # no phi group anywhere: the left extension, the anchor and the continuation together
    start = before.start() if before is not None else m.start()
    end = then.end() if then is not None else m.end()
    return start, end


class _Plan(NamedTuple):
    """A pattern rule's parts as ``_apply`` reads them, made once per rule (see ``_plan``)."""

    rule: PatternRule
    regex: re.Pattern[str]
    has_phi: bool
    lead: re.Pattern[str] | None
    before: re.Pattern[str] | None
    then: re.Pattern[str] | None
    reach: int
    validator: Any
    context: re.Pattern[str] | None
    window: int
    negative_before: re.Pattern[str] | None
    negative_after: re.Pattern[str] | None
    context_label: tuple[re.Pattern[str], str] | None
    trim: str
    post: tuple[Any, ...]
    group_labels: Mapping[str, str]
    source: str
    score: float
    label: str
    on_lower: bool


def _plan(rule: PatternRule) -> _Plan:
    return _Plan(
        rule,
        rule.regex,
        "phi" in rule.regex.groupindex,
        rule.lead,
        rule.before,
        rule.then,
        rule.before_reach,
        rule.validator,
        rule.context,
        rule.window,
        rule.negative_before,
        rule.negative_after,
        rule.context_label,
        rule.trim,
        rule.post,
        rule.group_labels,
        _source(rule.name),
        rule.score,
        rule.label,
        rule.on_lower,
    )


def _group_spans(
    group_labels: Mapping[str, str],
    matches: tuple[re.Match[str] | None, ...],
    src: str,
    score: float,
    out: list[Span],
) -> None:
    """The spans of a rule's labelled groups (``group_labels``) in the anchor or its left
    extension."""
    for group, group_label in group_labels.items():
        for match in matches:
            if match is not None and group in match.re.groupindex:
                gs, ge = match.span(group)
                if ge > gs >= 0:
                    out.append(Span(gs, ge, group_label, src, score))


@lru_cache(maxsize=1024)
def _source(rule: str) -> str:
    return f"rules:{rule}"


def _shift(cand: NameCandidate, delta: int) -> NameCandidate:
    return NameCandidate(cand.start + delta, cand.end + delta, cand.label, cand.rule, cand.score)


def _skip_space(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in " \t,(":
        pos += 1
    return pos


__all__ = ["NameCandidate", "RuleDetector"]
