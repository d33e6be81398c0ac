"""Personal titles inside name spans: "Dr. Smith" is one NAME span, not "Dr." + "Smith".

Why: a title carries a profession ("Dr.", "Prof.", "Sgt.", "Rev.": profession is a category
this project removes) and gender or marital status ("Mrs.", "Herr", "Sra."), which narrow down
who a person is; ASQ-PHI and several other corpora annotate the title inside the name span, and
recall comes first. Corpora that leave titles out of their gold (i2b2, MEDDOCAN, the synthetic
notes of ``fairdeid generate``) are scored with ``[resolve] name_titles = "keep"``, which leaves
every span as the detectors and resolve made it.

The step runs after resolve (and after the detectors' own ``after_resolve`` steps), so a name any
detector found gets its title, in every language: the titles are the rule detector's own lists
(``[names] titles`` and ``lower_titles`` of ``patterns.toml`` and of a language pack's rule
files, with their ``[extend.names]``/``[remove.names]`` edits), never a third list. Only a title
on the same line, directly before the name and separated from it by spaces or one period, is
taken; chains ("Prof. Dr. Weber") are taken whole.

Provenance: an extended span keeps its detector, rule, label and score; ``attrs["title_chars"]``
says how many of its first characters are title and separator (also set when a detector's span
already started with a title), and ``attrs["title_added"]`` how many this step added. Replacers
read ``title_chars``: surrogate mode keeps the title's text and replaces only the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fairdeid.document import Span
from fairdeid.taxonomy import COARSE_TO_FINE

#: span attribute: how many leading characters of a name span are title(s) and separator
TITLE_CHARS = "title_chars"
#: span attribute: how many of those characters the title step added (provenance)
TITLE_ADDED = "title_added"
#: how far back on its line a title chain may start (longest listed title chains, with spaces)
_REACH = 48
#: a title is separated from the name by one period and up to two spaces, or by 1-2 spaces
_SEPARATOR = r"(?:\.[ \t\u00a0]{0,2}|[ \t\u00a0]{1,2})"
_MAX_CHAIN = 4
_NAME_LABELS = frozenset({"NAME", *COARSE_TO_FINE["NAME"]})


@dataclass(frozen=True)
class TitleWords:
    """The compiled title lists of one pipeline's language."""

    #: a title and its separator ending where the name starts (searched in the line before it)
    before: re.Pattern[str]
    #: a title and its separator at the start of a span, followed by more of the name
    lead: re.Pattern[str]

    @classmethod
    def build(cls, titles: Iterable[str], lower_titles: Iterable[str] = ()) -> TitleWords:
        """Titles as the rule detector matches them: as listed and in upper case ("Dr", "DR"),
        plus the lower-case forms of ``lower_titles`` ("dr" in dictation)."""
        from fairdeid.detect.rules.compiler import literal_alternation

        words = {w for t in titles if t for w in (t, t.upper())}
        words |= {t.lower() for t in lower_titles if t}
        # no titles listed (a site's rule file emptied the list): nothing ever matches
        alternation = literal_alternation(words) if words else "(?!)"
        return cls(
            before=re.compile(rf"(?<!\w)(?:{alternation}){_SEPARATOR}\Z"),
            lead=re.compile(rf"(?:{alternation}){_SEPARATOR}(?=\w)"),
        )

    @classmethod
    def from_rules_table(cls, table: Mapping[str, Any] | None) -> TitleWords:
        """The title lists the rule detector configured by ``table`` (a ``[detectors.rules]``
        table; None: the packaged rules) reads."""
        table = table or {}
        patterns = table.get("patterns")
        extra = table.get("extra_patterns", ())
        return _cached(
            None if patterns is None else tuple(_as_list(patterns)), tuple(_as_list(extra))
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TitleWords:
        """The title lists of the rule detector of pipeline config ``config`` (the first
        ``rules`` detector it runs; the packaged rules when it runs none): what the pipeline
        built from ``config`` puts inside name spans, and what ``fairdeid generate`` puts
        inside its gold names."""
        tables = config.get("detectors", {})
        names = config.get("pipeline", {}).get("detectors", list(tables))
        rules = next((tables[n] for n in names
                      if n in tables and tables[n].get("kind", n) == "rules"), None)
        return cls.from_rules_table(rules)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


@lru_cache(maxsize=16)
def _cached(patterns: tuple[str, ...] | None, extra: tuple[str, ...]) -> TitleWords:
    # imported here: replacers read ``title_chars`` without loading the rule detector
    from fairdeid.detect.rules.compiler import load_pattern_tables

    names = load_pattern_tables(patterns, extra)["names"]
    return TitleWords.build(names.get("titles", ()), names.get("lower_titles", ()))


def is_name_label(label: str) -> bool:
    """Whether spans of ``label`` are persons' names (PATIENT, DOCTOR, USERNAME, NAME)."""
    return label in _NAME_LABELS


def include_titles(text: str, spans: Sequence[Span], words: TitleWords) -> list[Span]:
    """``spans`` (resolved: sorted, not overlapping) with each name span extended over the
    titles right before it on its line; spans that already start with a title get it marked."""
    out: list[Span] = []
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for span in ordered:
        if not is_name_label(span.label):
            out.append(span)
            continue
        floor = out[-1].end if out else 0
        out.append(_with_title(text, span, words, floor))
    return out


def exclude_titles(text: str, spans: Sequence[Span], words: TitleWords) -> list[Span]:
    """``spans`` with the titles at the start of each name span cut off ("Dr. Smith" ->
    "Smith"), other spans as they are; the inverse of ``include_titles`` on gold data.

    Why: gold that puts titles inside names (ASQ-PHI, the hand-written English sets) must be
    brought to the convention of the models' training data (titles outside, ``name_titles =
    "keep"``) before a model trains on it; otherwise the model learns to tag the title, which
    the pipeline's title step adds anyway. A span that is only a title is left whole, and a
    one-letter "title" after a first one is an initial ("Dr. M. Smith" -> "M. Smith")."""
    out: list[Span] = []
    for span in spans:
        cut = _cut_titles(text, span, words) if is_name_label(span.label) else 0
        if not cut:
            out.append(span)
            continue
        attrs = {k: v for k, v in span.attrs.items() if k not in (TITLE_CHARS, TITLE_ADDED)}
        out.append(Span(span.start + cut, span.end, span.label, span.source, span.score, attrs))
    return out


def _cut_titles(text: str, span: Span, words: TitleWords) -> int:
    """How many leading characters of ``span`` ``exclude_titles`` cuts: the title chain, up to
    a one-letter title after the first (an initial); 0 when nothing of the name would be left."""
    pos = span.start
    for i in range(_MAX_CHAIN):
        found = words.lead.match(text, pos, span.end)
        if found is None or (i and len(found.group().strip(" .\t\u00a0")) == 1):
            break
        pos = found.end()
    return pos - span.start if pos < span.end else 0


def _with_title(text: str, span: Span, words: TitleWords, floor: int) -> Span:
    """``span`` started at the first title of the chain before it (not before ``floor``, the
    end of the previous span, nor before its own line), with the title attributes set."""
    inside = _leading_titles(text, span, words)
    line = max(text.rfind("\n", 0, span.start) + 1, text.rfind("\r", 0, span.start) + 1)
    lo = max(line, floor, span.start - _REACH)
    start = span.start
    for _ in range(_MAX_CHAIN):
        found = words.before.search(text, lo, start)
        if found is None:
            break
        start = found.start()
    if start == span.start and inside == 0:
        return span
    attrs = dict(span.attrs)
    attrs[TITLE_CHARS] = inside + (span.start - start)
    if start < span.start:
        attrs[TITLE_ADDED] = span.start - start
    return Span(start, span.end, span.label, span.source, span.score, attrs)


def _leading_titles(text: str, span: Span, words: TitleWords) -> int:
    """How many characters at the start of ``span`` are titles and separators ("Dr. " of a
    model's "Dr. Smith"); 0 when none, or when nothing of the name would be left."""
    pos = span.start
    for _ in range(_MAX_CHAIN):
        found = words.lead.match(text, pos, span.end)
        if found is None:
            break
        pos = found.end()
    return pos - span.start if pos < span.end else 0


def title_chars(span: Span) -> int:
    """The ``title_chars`` attribute when it is usable (an int leaving part of the span as the
    name), else 0. Spans read from files may carry anything in their attributes."""
    value = span.attrs.get(TITLE_CHARS)
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value if 0 < value < span.length else 0


def name_part(span: Span) -> Span:
    """``span`` without its leading titles (itself when it has none), title attributes gone.

    Why: surrogates, genders and consistency keys are decided on the name alone, exactly as
    when the title stood outside the span, so "Dr. Smith" and a later "Smith" get one surrogate.
    """
    n = title_chars(span)
    if not n:
        return span
    attrs = {k: v for k, v in span.attrs.items() if k not in (TITLE_CHARS, TITLE_ADDED)}
    return Span(span.start + n, span.end, span.label, span.source, span.score, attrs)
