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
clinique"). Enabled per pipeline by ``[resolve] trim_learned = true`` (the fr and nl packs and
the English default; de, es and it gained no precision from it). English reads the packaged
lists (``detect/rules/data``: clinical words with specialties, clinical abbreviations, degrees,
greetings) and judges more (``LearnedTrim.english``): on the hand-written English sets its
encoder tagged services, abbreviations, degrees and clinical shorthand (docs/rules.md, "Learned
spans in English"). With ``[resolve]
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

from fairdeid.detect.learned_dates import impossible_date
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
    #: lower-case nouns that make a learned "name" a place: English notes name wards and
    #: clinics after people ("Hollins Ward") and the encoder's coarse label calls them NAME; such
    #: a span is judged as a place (never cut). Empty for the packs.
    facility: frozenset[str] = frozenset()
    #: True (the packaged English lists, whose encoder labels coarse NAME/LOCATION and cuts
    #: names into pieces): a learned place made of never words and no ``facility`` noun is
    #: dropped ("Internal Medicine": English gold leaves a service without a proper name
    #: untagged), but not a place another proposal touches (a piece of a longer name: "Hospital"
    #: + "Rd", "HOSPITAL" + "KUALA LUMPUR"); a clinical abbreviation alone or a degree after a
    #: name goes even in capitals ("CHW", "Rao, SHO"); a learned name of digits alone and a
    #: learned date no calendar has ("GCS 13/15", ``learned_dates``) are dropped.
    english: bool = False
    #: English: what before a learned service places the patient there (``[places]
    #: service_cues``: "known to Oncology"), so the service stays; None: no such cue
    placing: re.Pattern[str] | None = None
    #: drop an encoder's name or place that is one lower-case word of no name or place list,
    #: in a note written with capitals (``[resolve] trim_learned_lower``)
    lower: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LearnedTrim:
        """The word lists of the first rule detector of pipeline ``config`` (its
        ``extra_dictionaries``: the pack's own lists, not the packaged English ones); a rule
        detector with no lists of its own (the English default) gets the packaged English
        lists and the ``english`` judgement."""
        from fairdeid.detect.crf import gazetteers
        from fairdeid.detect.rules.compiler import (
            data_text,
            load_pattern_tables,
            load_word_file,
            read_words,
        )
        from fairdeid.detect.rules.detector import packaged_file

        tables = config.get("detectors", {})
        order = config.get("pipeline", {}).get("detectors", list(tables))
        rules: Mapping[str, Any] = next((tables[n] for n in order
                      if n in tables and tables[n].get("kind", n) == "rules"), {})
        files: Mapping[str, Any] = rules.get("extra_dictionaries", {}) or {}

        def words(kinds: Iterable[str], split: bool) -> frozenset[str]:
            out: set[str] = set()
            for kind in kinds:
                if not files:  # no lists of its own: English, the packaged lists
                    entries = read_words(data_text(packaged_file(kind)),
                                         split_lines_only=not split)
                    out.update(w.lower() for entry in entries for w in entry.split())
                    continue
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
        places = pattern_tables["places"]
        english = not files
        facility = frozenset(str(w).lower() for key in ("facility_nouns", "complete_heads")
                             for w in places.get(key, ())) if english else frozenset()
        cues = [re.escape(str(c)).replace(r"\ ", r"[ \t]+") for c in places.get("service_cues", ())]
        placing = (re.compile(rf"(?i)(?<![\w'’-])(?:{'|'.join(cues)})[ \t]+(?:the[ \t]+)?\Z")
                   if english and cues else None)
        return cls(never, words(_COMMON, True), names,
                   TitleWords.from_rules_table(rules), particles, stop & names,
                   facility=facility, english=english, placing=placing)

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
        # only learned spans are judged: a rules-only run pays nothing for the neighbours
        judged = [i for i, span in enumerate(spans)
                  if self.english and span.source.split(":", 1)[0] in LEARNED]
        touching = _touching(text, spans, judged) if judged else set()
        for index, span in enumerate(spans):
            learned = span.source.split(":", 1)[0] in LEARNED
            if (self.english and learned and span.label == "DATE" and index not in touching
                    and impossible_date(text[span.start : span.end],
                                        text[span.end : span.end + 3])):
                continue  # "GCS 13/15", "at 34/40": see ``learned_dates``
            if (span.label not in _LABELS or not learned
                    or (self.below is not None and span.score >= self.below)):
                out.append(span)
                continue
            if cased and span.source.startswith(_ENCODER) and self._lower_word(text, span):
                continue
            trimmed = self.trim(text, span, touched=index in touching)
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
        if (self.english and not any(w.lower() in self.facility for w in words)
                and all(w.lower() in self.never or w.lower() in self.particles for w in words)):
            return False  # "Internal Medicine"; "General Hospital" has a facility noun
        return not (words[0].lower() in self.particles
                    and all(w.lower() in self.never or w.lower() in self.particles
                            for w in words[1:]))

    def _placed(self, text: str, pos: int) -> bool:
        """Whether a service cue ends right before ``pos`` on its line ("known to Oncology")."""
        if self.placing is None:
            return False
        line = text.rfind("\n", 0, pos) + 1
        return self.placing.search(text, max(line, pos - 40), pos) is not None

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
        if self.english and i > 0 and _initial(text, tokens[i - 1]):
            return True  # a surname after an initial ("I. Day", "R. Young")
        if (word.isupper() and self.english and word.lower() in self.never
                and (len(tokens) == 1 or (i == len(tokens) - 1 and (
                    i >= 2 or "," in text[tokens[i - 1].end() : token.start()])))):
            # a clinical abbreviation alone ("SMS from CHW") or a grade or degree after the
            # name ("Lerato Khumalo ENA", "Rao, SHO"), not an initial
            return False
        if _initial(text, token) or (word.isupper() and len(word) <= 3):
            return True
        if word.lower() in self.never or word.islower():
            return False
        return len(tokens) > 1 or not _opens_clause(text, token.start())

    def trim(self, text: str, span: Span, *, touched: bool = False) -> Span | None:
        """``span`` without never-PHI words at its edges; None when nothing of it is left.

        Places (the CRF's coarse LOCATION covers streets, hospitals and organisations, whose
        names are made of ordinary words: "Maison de repos et de soins ...") are never cut,
        only dropped when they are one ordinary word or words of the never lists alone, and
        not then when ``touched`` (another span touches it: see ``english``)."""
        tokens = list(_TOKEN.finditer(text, span.start, span.end))
        if not tokens:
            # a box, a cross, a dash: no letter or digit is no name nor place ("✗", "☐")
            return None
        name = coarse(span.label) == "NAME"
        if self.english and name and not any(c.isalpha() for t in tokens for c in t.group()):
            return None  # a row or list number read as a name ("1 | 412788D | SELVARAJ")
        if any(not t.group()[:1].isalpha() for t in tokens):
            return span  # numbers, codes: not a word the lists can judge
        if not name or any(t.group().lower() in self.facility for t in tokens):
            return span if (touched or self._place_stays(tokens)
                            or self._placed(text, span.start)) else None
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
        if self.english and last == len(tokens) - 1 and text[end : span.end].strip() == ",":
            end = span.end  # "Chacón,\nGenaro": resolve's edge_separators judges the comma
        # an initial keeps its period ("M. K.")
        if end < span.end and text[end] == "." and len(tokens[last].group()) == 1:
            end += 1
        if (start, end) == (span.start, span.end):
            return span
        return Span(start, end, span.label, span.source, span.score, span.attrs)


#: what may stand between two pieces of one name the encoder cut apart: spaces, a hyphen and
#: one line break, after the "s" of a possessive ("Hospital Rd", "Kuruvaki - ward", "GENERAL'S
#: DEPARTMENT", "Metcalfe Private\nHospital")
_JOIN = re.compile(r"(?:['’]?[sS])?[ \t]{0,2}-?[ \t]{0,2}\n?[ \t]{0,2}\Z")


def _touching(text: str, spans: Sequence[Span], indexes: Iterable[int]) -> set[int]:
    """Those of ``indexes`` whose span another span touches: one ends right before the span's
    start or starts right after its end, with only spaces, a hyphen or a line break between
    (``_JOIN``)."""
    ends = {span.end for span in spans}
    starts = {span.start for span in spans}
    return {index for index in indexes if (span := spans[index]).end > span.start and any(
        (span.start - gap in ends and _JOIN.match(text, span.start - gap, span.start))
        or (span.end + gap in starts and _JOIN.match(text, span.end, span.end + gap))
        for gap in range(8))}


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
