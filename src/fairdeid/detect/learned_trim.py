"""Trim the words a learned detector puts at the edges of a name or place that are never PHI.

Why: the packs' CRFs and the multilingual encoder read capitalised nouns, titles and kinship
words as parts of names ("Mme Françoise Vasseur", "son mari Karim", "Dr Élodie Sarr, pédiatre")
and tag whole ordinary words of the language as names or places ("Mutuelle", "chambre",
"Maladie de"). The rules already know these words: a language pack's ``stopwords`` and
``clinical_words`` lists are words never taken as a name, and its ``common_words`` the most
frequent words of the language. On the hand-written sets (``benchmarks/lang_devsets.py``), the
encoder's spans were the largest single source of the fr and nl packs' false-positive characters
(1,450 of 3,280), most of them ordinary words, titles and kinship words
(docs/language-packs.md, "Precision").

Only spans of learned detectors (``LEARNED``) with a name or place label are judged, before
resolve, so a rule that finds the same words still removes them. Names lose their edge words
and are dropped when none is left; a word right after a title, an initial, a particle before a
name ("de Vries", the rules' ``[names] particles``) and a word of a name or place
list stay. Places are never cut (organisations and streets are made of ordinary words), only
dropped when they are one never word ("chambre") or a function word and never words ("de
clinique"). Enabled per pipeline by ``[resolve] trim_learned = true`` (the fr and nl packs; de,
es and it gained no precision from it); English is untouched. With ``[resolve]
trim_learned_lower`` (nl), the encoder's names and places that are one lower-case word of no
name or place list are dropped in a note written with capitals: the languages of the packs
capitalise names, and on the nl sets such spans were ordinary words ("darmspoelen",
"bedrijfsarts"); a lower-case record (triage, dictation, chat) keeps them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fairdeid.detect.titles import TitleWords
from fairdeid.document import Span
from fairdeid.taxonomy import COARSE_TO_FINE, coarse

#: detectors whose spans are trimmed (source prefixes): models, not rules written per word
LEARNED = frozenset({"crf", "transformer"})
#: labels trimmed: persons' names and places (dates, numbers and codes have no such edges)
_LABELS = frozenset(
    {"NAME", "LOCATION", *COARSE_TO_FINE["NAME"], *COARSE_TO_FINE["LOCATION"]}
)
#: words and numbers of a span (a span with a number in it is left alone)
_TOKEN = re.compile(r"\w(?:[\w'’-]*\w)?")
_COMMON = ("common_words",)
#: the encoder's source prefix: its lower-case words alone are ordinary words in a note written
#: with capitals ("herstel", "bedrijfsarts"); the CRF's are logins and staff initials it learned
#: from the notes' fields ("jv", "anijboer"), so they stay
_ENCODER = "transformer:"
_NAMES = ("first_names", "surnames", "ambiguous_names", "cities", "countries", "states")


@dataclass(frozen=True)
class LearnedTrim:
    """The word sets of one pack: trimmed always, trimmed unless a name or place, and names."""

    #: lower-case words never part of a name (the pack's clinical words, and its stopwords that
    #: no name list holds)
    never: frozenset[str]
    #: lower-case frequent words of the language (trimmed when not in ``names``)
    common: frozenset[str]
    #: lower-case words of the pack's name and place lists
    names: frozenset[str]
    #: the rule detector's titles: a word right after one is a name ("dr. koppen")
    titles: TitleWords | None = None
    #: lower-case name particles of the rules (``[names] particles``): one right before the
    #: name starts the surname ("de Vries", "van der Berg") and stays
    particles: frozenset[str] = frozenset()
    #: lower-case stopwords that a name list also holds ("mari", "neveu", "petit" in French):
    #: trimmed only written in lower case before a capitalised word ("son mari Karim"), never
    #: after a name ("julien petit")
    soft: frozenset[str] = frozenset()
    #: only spans scoring under this are trimmed (``[resolve] trim_learned_below``; None: all)
    below: float | None = None
    #: drop an encoder's name or place that is one lower-case word of no name or place list,
    #: in a note written with capitals (``[resolve] trim_learned_lower``)
    lower: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LearnedTrim:
        """The word lists of the first rule detector of pipeline ``config`` (its
        ``extra_dictionaries``: the pack's own lists, not the packaged English ones)."""
        from fairdeid.detect.crf import gazetteers
        from fairdeid.detect.rules.compiler import load_pattern_tables, load_word_file

        tables = config.get("detectors", {})
        order = config.get("pipeline", {}).get("detectors", list(tables))
        rules: Mapping[str, Any] = next((tables[n] for n in order
                      if n in tables and tables[n].get("kind", n) == "rules"), {})
        files: Mapping[str, Any] = rules.get("extra_dictionaries", {}) or {}

        def words(kinds: Iterable[str], split: bool) -> frozenset[str]:
            out: set[str] = set()
            for kind in kinds:
                paths = files.get(kind, ())
                for path in [paths] if isinstance(paths, str) else paths:
                    for entry in load_word_file(path, split_lines_only=not split):
                        out.update(w.lower() for w in entry.split())
            return frozenset(out)

        pools = gazetteers()  # the locale pools' names and places, as the CRF reads them
        names = words(_NAMES, False) | pools["first"] | pools["last"] | pools["place"]
        patterns = rules.get("patterns")
        extra = rules.get("extra_patterns", ())
        pattern_tables = load_pattern_tables(
            None if patterns is None else list(_as_list(patterns)), list(_as_list(extra)))
        particles = frozenset(w.lower() for p in pattern_tables["names"].get("particles", ())
                              for w in str(p).split())
        # a stopword is never a bare name but may be part of one ("julien petit", "de
        # Vries"): only those of no name list are never-PHI here; clinical words are never
        # part of a name at all
        stop = words(("stopwords",), True)
        never = words(("clinical_words",), True) | (stop - names)
        return cls(never, words(_COMMON, True), names,
                   TitleWords.from_rules_table(rules), particles, stop & names)

    def is_edge_word(self, word: str) -> bool:
        """Whether ``word`` may be trimmed off the edge of a learned name or place span."""
        low = word.lower()
        if low in self.never:
            return True
        return low in self.common and low not in self.names

    def apply(self, text: str, spans: Sequence[Span]) -> list[Span]:
        """``spans`` with learned name and place spans trimmed (dropped when no word is left)."""
        out: list[Span] = []
        cased = self.lower and _written_with_capitals(text)
        for span in spans:
            if (span.label not in _LABELS or span.source.split(":", 1)[0] not in LEARNED
                    or (self.below is not None and span.score >= self.below)):
                out.append(span)
                continue
            if cased and span.source.startswith(_ENCODER) and self._lower_word(text, span):
                continue
            trimmed = self.trim(text, span)
            if trimmed is not None:
                out.append(trimmed)
        return out

    def _lower_word(self, text: str, span: Span) -> bool:
        """Whether ``span`` is one lower-case word of no name or place list, not after a
        title: in a note written with capitals, an ordinary word ("herstel", "darmspoelen",
        "bedrijfsarts"), since the languages of the packs write names with a capital."""
        tokens = list(_TOKEN.finditer(text, span.start, span.end))
        if len(tokens) != 1:
            return False
        word = tokens[0].group()
        return (word.isalpha() and word.islower() and word not in self.names
                and not self._after_title(text, tokens[0].start()))

    def _after_title(self, text: str, pos: int) -> bool:
        """Whether a title of the language ends right before ``pos`` on its line ("dr. koppen":
        a word after a title is a name, whatever else it means)."""
        if self.titles is None:
            return False
        line = text.rfind("\n", 0, pos) + 1
        return self.titles.before.search(text, max(line, pos - 48), pos) is not None

    def _place_stays(self, tokens: Sequence[re.Match[str]]) -> bool:
        """Whether a learned place is kept: one word of the never lists goes ("chambre",
        "Pôle"), as do a function word and never words alone ("de clinique"); a frequent word
        may be a place ("Marokko", "Geel", dictated "aleppo") and stays, and so does a run of
        never words that does not start with a function word ("hôpital nord")."""
        words = [t.group() for t in tokens]
        if len(words) == 1:
            return words[0].lower() not in self.never
        return not (words[0].lower() in self.particles
                    and all(w.lower() in self.never or w.lower() in self.particles
                            for w in words[1:]))

    def _name_word(self, text: str, tokens: Sequence[re.Match[str]], i: int) -> bool:
        """Whether word ``i`` of a learned name stays: a word of no list, a word right after a
        title ("dr. koppen"), an initial ("R. A.", "SK"); a capitalised frequent word stays
        inside a longer name ("Le Petit Saigon") and alone unless it opens a line, clause or
        cell ("Mutuelle |", "Cher collègue": a name alone there is a header word)."""
        token = tokens[i]
        word = token.group()
        if (i + 1 < len(tokens) and self.titles is not None
                and self.titles.lead.match(text, token.start())):
            return False  # "M. LAFFARGUE", "Mme Chen": the title stays outside (name_titles)
        if word.lower() in self.particles:
            return False  # a particle never ends a name; one before the name is taken back
        if (word.islower() and word in self.soft and i + 1 < len(tokens)
                and tokens[i + 1].group()[:1].isupper()):
            return False  # "son mari Karim", "neveu Kévin Wahoulo"
        if not self.is_edge_word(word) or self._after_title(text, token.start()):
            return True
        if _initial(text, token) or (word.isupper() and len(word) <= 3):
            return True
        if word.lower() in self.never or word.islower():
            return False
        return len(tokens) > 1 or not _opens_clause(text, token.start())

    def trim(self, text: str, span: Span) -> Span | None:
        """``span`` without never-PHI words at its edges; None when nothing of it is left.

        Places (the CRF's coarse LOCATION covers streets, hospitals and organisations, whose
        names are made of ordinary words: "Maison de repos et de soins ...") are never cut,
        only dropped when they are one ordinary word or words of the never lists alone."""
        tokens = list(_TOKEN.finditer(text, span.start, span.end))
        if not tokens:
            # a box, a cross, a dash: no letter or digit is no name nor place ("✗", "☐")
            return None
        if any(not t.group()[:1].isalpha() for t in tokens):
            return span  # numbers, codes: not a word the lists can judge
        if coarse(span.label) != "NAME":
            return span if self._place_stays(tokens) else None
        keep = [self._name_word(text, tokens, i) for i in range(len(tokens))]
        # after a comma comes an apposition: a patient's occupation ("Goffinet, garde
        # forestier") is PHI and stays, a clinician's specialty ("Sarr, pédiatre") goes
        comma = next((i for i in range(1, len(tokens))
                      if "," in text[tokens[i - 1].end() : tokens[i].start()]), len(tokens))
        tail = [t.group().lower() in self.never for t in tokens[comma:]]
        if tail and not all(tail):
            keep[comma:] = [k or not never for k, never in zip(keep[comma:], tail, strict=True)]
        first = next((i for i, k in enumerate(keep) if k), None)
        if first is None:
            return None
        last = max(i for i, k in enumerate(keep) if k)
        # a particle right before the first kept word belongs to the name ("de Vries", dictated
        # "madame el amrani")
        while first > 0 and tokens[first - 1].group().lower() in self.particles:
            first -= 1
        start, end = tokens[first].start(), tokens[last].end()
        # an initial keeps its period ("M. K.")
        if end < span.end and text[end] == "." and len(tokens[last].group()) == 1:
            end += 1
        if (start, end) == (span.start, span.end):
            return span
        return Span(start, end, span.label, span.source, span.score, span.attrs)


#: words of two letters or more, for the share of capitalised words in a note
_WORD = re.compile(r"[^\W\d_]{2,}")
#: the share of capitalised words above which a note is written with capitals: ordinary
#: letters and reports hold 13-30 % on the nl sets, lower-case triage records, dictation and
#: chat 0-8 %
CASED_SHARE = 0.1


def _written_with_capitals(text: str) -> bool:
    """Whether ``text`` writes names with capitals: one word in ten or more starts with one
    (a lower-case record's names are lower case too, so a lower-case word may be a name)."""
    words = _WORD.findall(text)
    return bool(words) and sum(w[0].isupper() for w in words) >= CASED_SHARE * len(words)


def _initial(text: str, token: re.Match[str]) -> bool:
    """Whether ``token`` is an initial: one letter and a period ("R. A.", dictated "m.l.")."""
    return len(token.group()) == 1 and text[token.end() : token.end() + 1] == "."


def _opens_clause(text: str, pos: int) -> bool:
    """Whether ``pos`` starts a line, a sentence, a field value or a table cell."""
    before = text[:pos].rstrip(" \t")
    return not before or before[-1] in "\n.:;|!?\u2013\u2014-"


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def trim_learned(text: str, spans: Sequence[Span], trim: LearnedTrim | None) -> list[Span]:
    """``trim.apply`` when the pipeline trims learned spans, else ``spans`` as they are."""
    return list(spans) if trim is None else trim.apply(text, spans)
