"""Turn the union of every detector's proposals into the final, non-overlapping spans.

The overlap rule is privacy-first and deterministic:

0. Cut every proposal at blank lines (dropping whitespace-only pieces): a paragraph break is
   never inside one identifier, whatever a detector (a word-level model, an LLM, a greedy
   pattern) proposed, and a span that ran over one would hide the next paragraph's words.
1. Drop spans under their detector's score threshold, and spans whose label their detector
   is not trusted with (``[resolve] detector_labels``). Where the preset keeps some fine labels of
   a category but not the category itself (``limited_data_set`` keeps CITY/STATE/ZIP but not
   LOCATION), refine each coarse span with the fine spans overlapping it: the covered parts take
   the fine labels, the uncovered words stay coarse (and so are removed: privacy first), and
   separators between pieces are dropped. Then drop spans whose text is on the allow list,
   spans from learned detectors whose whole text is a never-PHI word of ``config/not_phi.toml``
   ("Mon/Thu", "Email:", "admitted"), spans whose label the preset keeps, and
   (``safe_harbor``) ages under 90, in digits or in words (``fairdeid.age_values``). With
   ``[resolve] clock_times = "keep"`` (the default except under ``strict``), a clock time at
   either end of a DATE proposal is cut off and a DATE proposal that is only a time is dropped
   (``fairdeid.clock_times``): Safe Harbor lists date elements, not times of day. This happens
   before the union, so a time that any detector proposed as something else (a phone number a
   model called a date) is still removed.
2. Group spans that overlap (transitively). Each group becomes **one** span covering the union of
   its members, so a character any detector flagged is removed.
   With ``[resolve] boundaries = ["crf"]``, a group is first cut where one of those detectors
   ends one entity and starts the next with only punctuation or spaces between ("Hospital
   Doctor Peset" and "Avda. Gaspar Aguilar, 90" inside a rule's one long span): each piece
   becomes a span, and only the separator characters between them stay in the text. An entry
   may also name a source prefix ("rules:location.es_street"): those rules' spans cut too.
3. The group's (or piece's) label is the label of its *winner*: the longest member, then the
   highest score, then the label that comes first in the taxonomy order, then the smallest
   ``source`` string.
   A coarse winning label (``NAME``) is refined by the best fine label of the same category
   that another member carries (``DOCTOR``).
   The winner's source is kept and every other member's source is listed in ``attrs["also"]``.

Same input, same output, whatever order detectors ran in. The final spans are cut at blank lines
once more, because a union of spans that each stay inside a paragraph can still bridge one.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from operator import attrgetter
from typing import Protocol, runtime_checkable

from fairdeid.age_values import is_young_age
from fairdeid.clock_times import KEEP, PRESET_DEFAULTS, keep_clock_times
from fairdeid.document import Document, Span
from fairdeid.edge_separators import trim_edge_separators
from fairdeid.errors import ConfigError
from fairdeid.invisible import INVISIBLE
from fairdeid.taxonomy import (
    ALL_LABELS,
    COARSE_TO_FINE,
    FINE_TO_COARSE,
    Preset,
    coarse,
    get_preset,
)

_LABEL_RANK: dict[str, int] = {}
for _coarse, _fines in COARSE_TO_FINE.items():
    for _label in (*_fines, _coarse):
        _LABEL_RANK.setdefault(_label, len(_LABEL_RANK))


def _winner_key(span: Span) -> tuple[int, float, int, str]:
    # ``start - end`` is ``-span.length`` without the property call (every merged group asks)
    return (span.start - span.end, -span.score, _LABEL_RANK.get(span.label, len(ALL_LABELS)),
            span.source)


def _refine(label: str, group: list[Span]) -> str:
    """A coarse winning label takes the most specific fine label of its category in the group.

    Models trained on coarse labels ("NAME") often win on score over a rule that knew more
    ("DOCTOR" after "Dr."); the merged span keeps the category the winner chose and the detail
    another detector supplied.
    """
    if label not in COARSE_TO_FINE:
        return label
    fines = sorted(
        (s for s in group if s.label in COARSE_TO_FINE[label] and s.label != label),
        key=_winner_key,
    )
    return fines[0].label if fines else label


#: One line break (as ``str.splitlines`` counts them; ``\r\n`` is one).
_BREAK = r"(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])"
_LINE_BREAK = re.compile(_BREAK)
#: A blank line: two or more line breaks with only other whitespace between them, or invisible
#: characters (a line holding only a zero-width space, a BOM or a soft hyphen looks blank to
#: every reader, so it parts paragraphs as a blank line does).
#: The first line break is written as a class (and a "\n" after a "\r", which is what
#: ``_BREAK`` matches, in the same order): a pattern that starts with a class gets it in
#: ``re``'s search header, so the search for a blank line, run on every note, skips to line
#: breaks instead of trying a match at each position (less than half the time).
_BREAK_HEAD = r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029](?:(?<=\r)\n)?"
# A letter or a digit: no identifier is made of punctuation alone, but a learned model, read on
# an export's ruler line ("______", "----|----") or a lone bracket, may propose one.
_WORD_CHAR = re.compile(r"[^\W_]")

_BLANK_LINE = re.compile(
    rf"{_BREAK_HEAD}(?:(?:[^\S\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|{INVISIBLE.pattern})*{_BREAK})+"
)


def _blank_char(char: str) -> bool:
    """Whitespace or an invisible character: nothing a reader sees at a piece's edge."""
    return char.isspace() or INVISIBLE.match(char) is not None


def split_at_blank_lines(text: str, span: Span) -> list[Span]:
    """``span`` cut at every blank line inside it; pieces are trimmed, whitespace-only ones go.

    A span without a blank line comes back unchanged (same object), so the common case costs one
    regex scan of the span.
    """
    cuts = list(_BLANK_LINE.finditer(text, span.start, span.end))
    if not cuts:
        return [span]
    bounds = [span.start, *(x for m in cuts for x in (m.start(), m.end())), span.end]
    pieces = []
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        while start < end and _blank_char(text[start]):
            start += 1
        while end > start and _blank_char(text[end - 1]):
            end -= 1
        if end > start:
            pieces.append(replace(span, start=start, end=end))
    return pieces


def refine_coarse(text: str, span: Span, fines: Iterable[Span]) -> list[Span]:
    """A coarse span re-cut along the fine spans of its category that overlap it.

    A model trained on coarse labels says LOCATION for "Boston, MA 02114"; the rules say CITY
    "Boston", STATE "MA", ZIP "02114". A preset that keeps cities but not streets can only decide
    on the fine pieces, so the covered parts become pieces with the fine labels (and the coarse
    span's source and score), runs of the span that no fine span covers stay coarse if they hold
    a letter or digit (no fine label known: the preset decides privacy-first; trimmed to their
    first and last letter or digit), and bare separators (", ") between pieces are dropped. Only
    where an uncovered word sits next to a fine piece with nothing but spaces between them is
    the fine piece a word of a longer name ("Bristol Gardens"): then the span stays whole.
    """
    category = set(COARSE_TO_FINE.get(span.label, ())) - {span.label}
    inside = [
        replace(span, start=max(f.start, span.start), end=min(f.end, span.end), label=f.label)
        for f in fines
        if f.label in category and f.overlaps(span)
    ]
    if not inside:
        return [span]
    pieces = merge_overlaps(inside)
    covered = [span.start]
    for piece in pieces:
        covered += [piece.start, piece.end]
    covered.append(span.end)
    rest = []
    for start, end in zip(covered[::2], covered[1::2], strict=True):
        alnum = [i for i in range(start, end) if text[i].isalnum()]
        if alnum:  # trimmed to its letters and digits: ", Elbonia" -> "Elbonia"
            rest.append(replace(span, start=alnum[0], end=alnum[-1] + 1))
    ordered = sorted([*pieces, *rest], key=lambda s: (s.start, s.end))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if (a in rest) != (b in rest) and _glued(text[a.end : b.start]):
            # "Bristol Gardens", "Hospital Civil de Tijuana": the fine piece is a word of a
            # longer name, not a component of an address list; keep the name whole.
            return [span]
    return ordered


def _glued(gap: str) -> bool:
    """Whether two pieces are joined by plain spaces only (no punctuation, no line break)."""
    return gap == "" or (gap.isspace() and not _LINE_BREAK.search(gap))


#: Longest run of separators between two entities a boundary detector tells apart
_MAX_ENTITY_GAP = 3


def is_boundary_source(span: Span, boundaries: frozenset[str]) -> bool:
    """Whether ``span`` comes from a ``boundaries`` entry: a detector name (``"crf"``) or a
    source prefix naming some of a detector's rules (``"rules:location.es_street"``).

    Why rules by prefix: a word-level model can join two entities itself ("Hospital X. Doctor
    Y, 46"), while a few anchored rules (a street before its postcode, a name after a title)
    end exactly where the corpus does; the rule detector as a whole is too greedy to cut by.
    """
    if span.detector in boundaries:
        return True
    return any(":" in entry and span.source.startswith(entry) for entry in boundaries)


def entity_cuts(text: str, group: Sequence[Span], boundaries: frozenset[str]) -> list[int]:
    """Offsets ``[end1, start2, end2, start3, ...]`` where a ``boundaries`` detector's spans in
    ``group`` end one entity and start another, separated by 1-3 characters that are neither
    letters nor digits.

    Why: privacy first means a character any detector flagged is removed, so overlapping spans
    are unioned; but a greedy rule running over two entities ("Hospital X Avda. Y, 90") would
    make them one, and a word-level model trained on the corpus conventions knows where one
    stops. Cutting there removes the same letters and digits; only the separators between the
    two stay, and each entity keeps its own label.
    """
    members = [s for s in group if is_boundary_source(s, boundaries)]
    ends = sorted({s.end for s in members})
    starts = {s.start for s in members}
    last = max(s.end for s in group)
    cuts: list[int] = []
    for end in ends:
        if end >= last or (cuts and end <= cuts[-1]):
            continue
        for start in range(end + 1, min(end + _MAX_ENTITY_GAP, last - 1) + 1):
            if start in starts and not any(ch.isalnum() for ch in text[end:start]):
                cuts.extend((end, start))
                break
    return cuts


def _merge_group(group: list[Span]) -> Span:
    """One span covering ``group``, labelled by the documented winner rule."""
    if len(group) == 1:
        return group[0]
    winner = min(group, key=_winner_key)
    # groups come in start order (``merge_overlaps`` sorts, ``_pieces`` keeps the order)
    start = group[0].start
    end = max([s.end for s in group])
    sources = {s.source for s in group}
    sources.discard(winner.source)
    also = sorted(sources)
    attrs = dict(winner.attrs)
    if also:
        attrs["also"] = also
    label = _refine(winner.label, group)
    # a new Span rather than ``dataclasses.replace``: the same fields, a third of the cost
    return Span(start, end, label, winner.source, winner.score, attrs)


#: the sort key of ``merge_overlaps`` (C-level, no Python call per span)
_START_END = attrgetter("start", "end")


def _pieces(group: list[Span], cuts: list[int]) -> list[list[Span]]:
    """The members of ``group`` clipped to each piece between the cuts."""
    bounds = [min(s.start for s in group), *cuts, max(s.end for s in group)]
    out = []
    for lo, hi in zip(bounds[::2], bounds[1::2], strict=True):
        out.append([Span(max(s.start, lo), min(s.end, hi), s.label, s.source, s.score, s.attrs)
                    for s in group if s.start < hi and lo < s.end])
    return out


def merge_overlaps(
    spans: Iterable[Span], *, text: str = "", boundaries: frozenset[str] = frozenset()
) -> list[Span]:
    """Union overlapping spans into one span each, labelled by the documented winner rule;
    with ``boundaries`` (and the ``text``), cut at those detectors' entity boundaries."""
    ordered = sorted(spans, key=_START_END)
    groups: list[list[Span]] = []
    group: list[Span] = []
    group_end = -1
    for span in ordered:
        if span.start < group_end:  # (the first span never: its start is >= 0)
            group.append(span)
            if span.end > group_end:
                group_end = span.end
        else:
            group = [span]
            groups.append(group)
            group_end = span.end
    if not boundaries:  # one span per group (most groups hold one span: returned as is)
        return [group[0] if len(group) == 1 else _merge_group(group) for group in groups]
    merged: list[Span] = []
    for group in groups:
        cuts = entity_cuts(text, group, boundaries) if len(group) > 1 else []
        if cuts:
            merged.extend(_merge_group(piece) for piece in _pieces(group, cuts))
        else:
            merged.append(_merge_group(group))
    return merged


@runtime_checkable
class AfterResolve(Protocol):
    """A detector that adds spans once the pipeline has resolved every detector's proposals.

    Why a step after resolve: some evidence only exists once all detectors have spoken. The
    rule detector propagates names (a name found once is found everywhere in the note), but
    it only sees its own findings; a name that only the model found ("Welch" in a table cell)
    would stay in the note's other places. The pipeline calls ``after_resolve`` with the
    resolved spans and resolves once more with what it returns added to the proposals.
    """

    def after_resolve(self, doc: Document, spans: Sequence[Span]) -> list[Span]:
        """Extra spans for ``doc`` given its resolved spans (none: an empty list)."""
        ...


@dataclass(frozen=True)
class ResolveConfig:
    """Settings of the resolve step (``[resolve]`` in a pipeline TOML)."""

    preset: str = "safe_harbor"
    min_score: float = 0.0
    #: Per-detector thresholds, e.g. ``{"transformer": 0.6}``; they override ``min_score``.
    thresholds: Mapping[str, float] = field(default_factory=dict)
    #: Per-detector label allow-lists, e.g. ``{"transformer": ["NAME", "LOCATION"]}``: that
    #: detector's other spans are dropped with the thresholds (a fine label passes when it or
    #: its group is listed). For a model trusted on some labels only: the English encoder on
    #: German notes finds places well but reads capitalised nouns as names.
    detector_labels: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: Exact strings (case-insensitive) that are never PHI in this deployment (a clinic's own
    #: department names that appear in every note, say).
    allow: Sequence[str] = ()
    #: Regular expressions whose matches are always PHI, with the label to give them.
    deny: Mapping[str, str] = field(default_factory=dict)
    #: Labels to drop entirely (on top of the preset).
    ignore_labels: Sequence[str] = ()
    #: Detectors whose entity boundaries cut a union of overlapping spans (``merge_overlaps``):
    #: a model trained on the target's conventions, beside greedier rules; or source prefixes
    #: naming a few anchored rules (``"rules:location.es_street"``).
    boundaries: Sequence[str] = ()
    #: ``"include"``: a personal title right before a name ("Dr.", "Mrs.", "Herr", "Sra.") goes
    #: inside the name span, since it tells profession and gender and corpora such as ASQ-PHI
    #: annotate it; ``"keep"``: spans stay as the detectors found them (i2b2, MEDDOCAN gold).
    name_titles: str = "include"
    #: ``"keep"``: a clock time next to a date stays in the text, outside the DATE span, and a
    #: time alone is not removed (Safe Harbor lists date elements, not times of day);
    #: ``"remove"``: it goes with the date. Unset: ``"remove"`` under ``strict``, else ``"keep"``
    #: (``fairdeid.clock_times``).
    clock_times: str | None = None
    #: trim never-PHI words (a language's stop, clinical and common words, titles, kinship
    #: words) off the edges of learned detectors' names and places before resolve, and drop
    #: those left with no word (``fairdeid.detect.learned_trim``); the fr and nl packs and the
    #: English default set it
    trim_learned: bool = False
    #: trim learned detectors' spans off machine syntax (GDT field prefixes, OIDs, XML tag and
    #: attribute names, DICOM tags) and drop those on never-PHI GDT fields and code values
    #: (``fairdeid.detect.machine_syntax``); every language pack sets it
    machine_syntax: bool = False
    #: trim as ``trim_learned`` does, but only learned spans scoring under this (a CRF's
    #: low-confidence common words: "Unterschrift", "Sitzungszimmer"); None: off
    trim_learned_below: float | None = None
    #: with ``trim_learned``, also drop an encoder's name or place that is one lower-case word
    #: of no name or place list in a note written with capitals ("herstel", "darmspoelen");
    #: the nl pack sets it
    trim_learned_lower: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ResolveConfig:
        """Settings from a ``[resolve]`` table, validated (keys, preset, labels, patterns)."""
        from fairdeid.config.schema import validate_resolve

        validate_resolve(data)
        return cls(**data)  # type: ignore[arg-type]


#: What may join never-PHI words inside one span ("Mon/Thu", "Email:", "Mon, Wed & Fri").
_NOT_PHI_SEP = r"[\s/,&+\-:;.]"


@dataclass(frozen=True)
class NotPhiWords:
    """Words learned detectors tag that are never PHI on their own (``config/not_phi.toml``).

    Models see words, not meaning: "Recheck" at a sentence start looks like a name, "Mon/Thu" in a
    dosing schedule like a date. Only spans from ``detectors`` whose whole text is made of an
    entry's words are dropped, so a rule that finds the same word still removes it, and a span
    with any other word in it stays.
    """

    detectors: frozenset[str]
    #: (coarse labels the entry applies to, empty = all; full-match pattern of its words)
    entries: tuple[tuple[frozenset[str], re.Pattern[str]], ...]

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> NotPhiWords:
        detectors = data.get("detectors", [])
        raw = data.get("entry", [])
        if not isinstance(detectors, list) or not isinstance(raw, list):
            raise ConfigError("not_phi: 'detectors' and 'entry' must be lists")
        entries = []
        for number, entry in enumerate(raw, start=1):
            if not isinstance(entry, Mapping):
                raise ConfigError(f"not_phi: entry {number} must be a table")
            words, labels = entry.get("words"), entry.get("labels", [])
            if not words or not isinstance(words, list) or not isinstance(labels, list):
                raise ConfigError(f"not_phi: entry {number} needs a list of words and of labels")
            unknown = [label for label in labels if label not in COARSE_TO_FINE]
            if unknown:
                raise ConfigError(f"not_phi: entry {number} has non-coarse labels {unknown}")
            alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
            word = f"(?:{alternatives})"
            pattern = rf"{_NOT_PHI_SEP}*{word}(?:{_NOT_PHI_SEP}+{word})*{_NOT_PHI_SEP}*"
            entries.append((frozenset(labels), re.compile(pattern, re.IGNORECASE)))
        return cls(frozenset(str(d) for d in detectors), tuple(entries))

    def matches(self, span: Span, text: str) -> bool:
        """Whether ``span`` (over ``text``) is one of these words from a learned detector."""
        if span.detector not in self.detectors:
            return False
        covered = text[span.start : span.end]
        category = coarse(span.label)
        return any(
            (not labels or category in labels) and pattern.fullmatch(covered)
            for labels, pattern in self.entries
        )


@lru_cache(maxsize=1)
def packaged_not_phi_words() -> NotPhiWords:
    """The list shipped in ``fairdeid/config/not_phi.toml`` (read once)."""
    source = resources.files("fairdeid").joinpath("config", "not_phi.toml")
    return NotPhiWords.from_mapping(tomllib.loads(source.read_text("utf-8")))


class Resolver:
    """The resolve step: thresholds, allow/deny lists, preset, overlap merging."""

    def __init__(self, config: ResolveConfig | None = None, *, language: str = "en") -> None:
        self.config = config or ResolveConfig()
        #: whose number words an age in words is read with (``fairdeid.age_values``)
        self.language = language
        self.preset: Preset = get_preset(self.config.preset)
        self._allow = {a.casefold() for a in self.config.allow}
        self._deny = [(re.compile(p), label) for p, label in self.config.deny.items()]
        self._ignore = set(self.config.ignore_labels)
        self._boundaries = frozenset(self.config.boundaries)
        self._detector_labels = {
            name: frozenset(labels) for name, labels in self.config.detector_labels.items()}
        self._not_phi = packaged_not_phi_words()
        clock = self.config.clock_times or PRESET_DEFAULTS.get(self.preset.name, KEEP)
        #: trim clock times off DATE spans (``fairdeid.clock_times``)
        self.keep_clock_times = clock == KEEP
        #: ``_drops`` and ``_splits`` per label: the answers only depend on the (fixed) preset
        #: and ignore list, and every span asks
        self._drops_memo: dict[str, bool] = {}
        self._splits_memo: dict[str, bool] = {}
        #: ``Span.detector`` per source string (``_detector_of``)
        self._detectors_memo: dict[str, str] = {}

    def _drops(self, label: str) -> bool:
        """Whether spans with this label stay in the text (ignored or kept by the preset)."""
        found = self._drops_memo.get(label)
        if found is None:
            found = label in self._ignore or not self.preset.removes(label)
            self._drops_memo[label] = found
        return found

    def _splits(self, label: str) -> bool:
        """Whether this coarse label's fine labels get different decisions (then refine it)."""
        found = self._splits_memo.get(label)
        if found is None:
            fines = COARSE_TO_FINE.get(label, ())
            found = any(self._drops(f) != self._drops(label) for f in fines if f != label)
            self._splits_memo[label] = found
        return found

    def resolve(self, doc: Document, proposals: Iterable[Span]) -> list[Span]:
        text = doc.text
        # most notes have no blank line at all: then no span can hold one (the pattern has no
        # look-around, so a match inside a span is a match in the text) and none is cut
        cut = _BLANK_LINE.search(text) is not None
        scored = self._passing(proposals)
        if cut:
            scored = [piece for span in scored for piece in split_at_blank_lines(text, span)]
        kept = self._not_dropped(text, self._refined(text, scored))
        for pattern, label in self._deny:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    kept.append(Span(match.start(), match.end(), label, "deny:" + pattern.pattern))
        if self.keep_clock_times:
            kept = keep_clock_times(text, kept)
        merged = merge_overlaps(kept, text=text, boundaries=self._boundaries)
        if self.language == "en":
            merged = trim_edge_separators(text, merged)
        if not cut:
            return merged
        return [piece for span in merged for piece in split_at_blank_lines(text, span)]

    def _passing(self, proposals: Iterable[Span]) -> list[Span]:
        """The proposals over their detector's threshold whose label their detector may give.

        Why one loop with the detector name looked up once per source: every proposal of every
        note passes here, and ``Span.detector`` splits the source string on each call."""
        thresholds, floor = self.config.thresholds, self.config.min_score
        if not thresholds and not self._detector_labels:
            return [span for span in proposals if span.score >= floor]
        out = []
        for span in proposals:
            detector = self._detector_of(span.source)
            if span.score >= thresholds.get(detector, floor) and self._label_allowed(span):
                out.append(span)
        return out

    def _detector_of(self, source: str) -> str:
        """``Span.detector`` for ``source``, memoised (sources are few: one per rule or model)."""
        found = self._detectors_memo.get(source)
        if found is None:
            found = self._detectors_memo[source] = source.split(":", 1)[0]
        return found

    def _not_dropped(self, text: str, spans: list[Span]) -> list[Span]:
        """``spans`` without those ``_dropped`` drops, with its per-label and per-source answers
        memoised: the same decisions, for a fraction of the calls."""
        out = []
        drops, min_age, not_phi = self._drops, self.preset.min_age, self._not_phi
        allow = self._allow
        word_char = _WORD_CHAR.search
        for span in spans:
            if drops(span.label):
                continue
            if word_char(text, span.start, span.end) is None:
                continue
            if allow and text[span.start : span.end].casefold() in allow:
                continue
            if min_age is not None and is_young_age(span, text, min_age, self.language):
                continue
            if self._detector_of(span.source) in not_phi.detectors and not_phi.matches(
                span, text
            ):
                continue
            out.append(span)
        return out

    def _label_allowed(self, span: Span) -> bool:
        """Whether ``[resolve] detector_labels`` lets ``span``'s detector give its label."""
        allowed = self._detector_labels.get(self._detector_of(span.source))
        return allowed is None or span.label in allowed or coarse(span.label) in allowed

    def _refined(self, text: str, spans: list[Span]) -> list[Span]:
        """Coarse spans the preset cannot judge re-cut along overlapping fine spans (step 1)."""
        if not any(map(self._splits, {s.label for s in spans})):  # each label asked once
            return spans
        fines = sorted((s for s in spans if s.label in FINE_TO_COARSE), key=lambda s: s.start)
        starts = [s.start for s in fines]
        out: list[Span] = []
        for span in spans:
            if not self._splits(span.label):
                out.append(span)
                continue
            # Only fine spans starting before this one ends can overlap it.
            near = fines[: bisect.bisect_left(starts, span.end)]
            out.extend(refine_coarse(text, span, (f for f in near if f.end > span.start)))
        return out

    def keeps(self, text: str, span: Span) -> bool:
        """Whether the policy leaves ``span`` in the text: its label ignored or kept by the
        preset, its text on the allow list, or (``safe_harbor``) an age under 90, in digits
        or in the words of the resolver's language.

        Public because evaluation scores against the gold a policy promises to remove
        (``fairdeid evaluate --scope preset``), and it must ask the same question as here.
        """
        if self._drops(span.label):
            return True
        if self._allow and text[span.start : span.end].casefold() in self._allow:
            return True
        return self.preset.min_age is not None and is_young_age(
            span, text, self.preset.min_age, self.language)

    def _dropped(self, text: str, span: Span) -> bool:
        """Step 1's filters after thresholds: no letter or digit, the policy's, then the
        never-PHI words (the same decisions as ``_not_dropped``, one span at a time)."""
        return (
            _WORD_CHAR.search(text, span.start, span.end) is None
            or self.keeps(text, span)
            or self._not_phi.matches(span, text)
        )
