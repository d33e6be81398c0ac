"""Dates, ages and numbers written in words ("july ninth nineteen fifty two", "am dritten März
zweitausendfünfundzwanzig", "nonante-deux ans", "zero six one two ...").

Why a module of its own: dictation software, letters and certificates write these in words, and
no digit pattern can see them. A pattern per form would need every compound of every language
("dreiundzwanzigsten", "quatre-vingt-douze", "duemilaventicinque") spelled into regexes; instead
each language lists its number words with their values (``[spoken]`` in a rule file: the
packaged ``data/spoken.toml`` for English, ``spoken.toml`` in each language pack), and this
module reads any run of them as one number, the way a reader does: units add to tens,
"hundred"/"thousand" multiply, two two-digit numbers side by side are a year ("nineteen fifty
two"). Month names are the pack's own month macro, not a second copy.

What it proposes (sources ``rules:spoken.*``):

* ``spoken.date``: a day (a number or ordinal word, or digits) and a month name, in either order
  where the language allows it, with an optional year in words or digits. At least one part is
  in words; dates written in digits are the date rules' job.
* ``spoken.month_year``: a month name and a year in words ("März zweitausendfünfundzwanzig").
* ``spoken.age``: an age in words next to an age word ("ninety-three years old",
  "vierundneunzigjährig", "forty-five-year-old"). Resolve reads its value like that of an age in
  digits (``fairdeid.age_values``), so the preset decides on both alike: Safe Harbor keeps ages
  under 90, ``strict`` removes every one. An age word that also measures time ("years", "Jahren",
  "ans": ``duration_words``) proposes only 90 and over: "for three years" is no age, "ninety
  years" almost always is, and failing safe there costs a kept word at most.
* ``spoken.number``: six or more digit words in a row ("vier vier null neun ..."), a PHONE
  after a phone word, a MEDICALRECORD after a record word, else an IDNUM.

Everything runs on the lower-cased note (same offsets) and is anchored on a month name, an age
word or a digit word, so a note without them costs three regex scans.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from fairdeid.detect.rules.compiler import (
    context_regex,
    data_text,
    is_disabled,
    literal_alternation,
    lower_pattern,
)
from fairdeid.detect.rules.dictionary import lower_same_length
from fairdeid.detect.rules.prefilter import LazyPrefilter, RuleKey
from fairdeid.detect.rules.regex_speed import faster_regex
from fairdeid.document import Span
from fairdeid.errors import ConfigError

#: the rules this module implements; ``disabled`` may name them (or the group "spoken")
SPOKEN_RULES = frozenset({"spoken.date", "spoken.month_year", "spoken.age", "spoken.number"})
#: the packaged English data (the languages' own files live in their packs)
DATA_FILE = "spoken.toml"
#: a plausible year in words: birth years and dates of care
YEARS = range(1800, 2100)
DAYS = range(1, 32)
#: ages in words proposed next to an age-only word ("years old", "jährig", "âgé de")
AGES = range(1, 126)
#: ages proposed next to an age word that also measures time ("years", "Jahren", "ans")
OLD_AGES = range(90, 126)
#: digit words in a row that make a dictated number
MIN_DIGITS = 6
#: characters before a dictated number searched for a phone or record word
CUE_WINDOW = 40
_SCORES = {"spoken.date": 0.85, "spoken.month_year": 0.8, "spoken.age": 0.85,
           "spoken.number": 0.7}
_LIST_KEYS = ("joiners", "day_month_words", "month_year_words", "ambiguous_months",
              "month_macros", "age_before", "age_after", "age_suffixes", "duration_words",
              "phone_cues", "record_cues")
_TABLE_KEYS = ("numbers", "multipliers", "ordinals", "digits")
_KNOWN_KEYS = {*_LIST_KEYS, *_TABLE_KEYS, "language", "month_first", "ordinal_digits"}
# separators inside one number ("twenty-one", "vingt et un" takes a joiner word)
_SPACE = r"[ \t]+"
_DIGIT_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|e|º|°|\.)?"
_DIGIT_YEAR = r"(?:1[89]|20)\d\d"


@dataclass(frozen=True, slots=True)
class SpokenWords:
    """One language's number words and the words around spoken dates, ages and numbers."""

    language: str
    #: word -> value: 0-99 (every compound a language writes as one word), hundreds
    numbers: Mapping[str, int]
    #: "hundred" -> 100, "thousand"/"mil"/"mila" -> 1000
    multipliers: Mapping[str, int]
    #: ordinal word -> day ("dritten" -> 3); an ordinal ends a number
    ordinals: Mapping[str, int]
    #: the words of dictated digits ("null", "oh", "zéro") -> digit
    digits: Mapping[str, int]
    #: words joining the parts of one number ("and", "y", "et")
    joiners: tuple[str, ...]
    day_month_words: tuple[str, ...]
    month_year_words: tuple[str, ...]
    #: months that are also common words: written in lower case they need a day before them
    #: or a year after them ("you may first" is no date, "the first of may" is)
    ambiguous_months: tuple[str, ...]
    #: macros of the rule files whose alternation is the language's month names
    month_macros: tuple[str, ...]
    age_before: tuple[str, ...]
    age_after: tuple[str, ...]
    #: age words glued to the number ("vierundneunzigjährig", "negentigjarige")
    age_suffixes: tuple[str, ...]
    #: the age words that also measure time ("years", "Jahren", "ans"): next to one of them
    #: only an age of 90 or more is proposed ("for three years" is no age)
    duration_words: tuple[str, ...]
    phone_cues: tuple[str, ...]
    record_cues: tuple[str, ...]
    #: the day may follow the month ("July ninth")
    month_first: bool
    #: how the date surrogate writes an ordinal day in digits: "{day}." (German "3."),
    #: "{day}th" (English; the suffix follows the new day)
    ordinal_digits: str

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: str) -> SpokenWords:
        """The words of a merged ``[spoken]`` table; a bad key or value names ``where``."""
        unknown = set(table) - _KNOWN_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown [spoken] keys {sorted(unknown)}")
        lists: dict[str, tuple[str, ...]] = {}
        for key in _LIST_KEYS:
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: [spoken] {key} must be a list of strings")
            lists[key] = tuple(v if key == "month_macros" else v.lower() for v in value)
        tables: dict[str, dict[str, int]] = {}
        for key in _TABLE_KEYS:
            value = table.get(key, {})
            if not isinstance(value, Mapping) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
            ):
                raise ConfigError(f"{where}: [spoken.{key}] must map words to whole numbers")
            tables[key] = {lower_same_length(k): v for k, v in value.items()}
        if not tables["numbers"] or not lists["month_macros"]:
            raise ConfigError(f"{where}: [spoken] needs numbers and month_macros")
        return cls(
            language=str(table.get("language", "")),
            numbers=tables["numbers"],
            multipliers=tables["multipliers"],
            ordinals=tables["ordinals"],
            digits=tables["digits"],
            month_first=bool(table.get("month_first", False)),
            ordinal_digits=str(table.get("ordinal_digits", "{day}")),
            **lists,
        )


class Part(NamedTuple):
    """One number word of a note: offsets, value, and whether it multiplies or is ordinal."""

    start: int
    end: int
    value: int
    kind: str  # "number", "multiplier" or "ordinal"


class Reading(NamedTuple):
    """A day or a year read from number words: where it is written and its value."""

    start: int
    end: int
    role: str  # "day" or "year"
    value: int
    ordinal: bool


def value_of(parts: Sequence[Part]) -> tuple[int, bool] | None:
    """The number a run of number words says, and whether it ends in an ordinal; None when the
    words make no number ("two fifty", "ninth nineteen").

    Units add to a round number ("fifty two"), multipliers multiply what came before ("nine
    hundred", "zwei tausend"), and a two-digit number followed by another one, or by "oh", is
    read as a year's two halves ("nineteen fifty two", "twenty oh five"), once per number.
    """
    total = current = 0
    halves = False
    for i, part in enumerate(parts):
        if part.kind == "ordinal" and i != len(parts) - 1:
            return None
        if part.kind == "multiplier":
            if part.value == 100:
                if current >= 100:  # "nine hundred hundred"
                    return None
                current = (current or 1) * 100
            else:
                total += (current or 1) * part.value
                current = 0
            continue
        value = part.value
        if current == 0 and (i == 0 or parts[i - 1].kind == "multiplier"):
            current = value
        elif value == 0 and 10 <= current <= 99 and not halves:
            current, halves = current * 100, True
        elif value and value < _free_place(current):
            current += value
        elif 10 <= current <= 99 and 10 <= value <= 99 and not halves:
            current, halves = current * 100 + value, True
        else:
            return None
    return total + current, bool(parts) and parts[-1].kind == "ordinal"


def _free_place(value: int) -> int:
    """The largest number that can be added to ``value`` without overwriting a digit: 10 for
    "twenty", 100 for "nineteen hundred", 1 for "twenty-two"."""
    place = 1
    while value and value % (place * 10) == 0:
        place *= 10
    return place if value else 1


class NumberReader:
    """Finds runs of one language's number words and reads their values."""

    def __init__(self, words: SpokenWords) -> None:
        self.words = words
        kinds: dict[str, tuple[int, str]] = {}
        for table, kind in ((words.numbers, "number"), (words.multipliers, "multiplier"),
                            (words.ordinals, "ordinal")):
            for word, value in table.items():
                kinds.setdefault(word, (value, kind))
        self._kinds = kinds
        # longest first at every position: "dreiundzwanzig" before "drei"
        ordered = sorted(kinds, key=len, reverse=True)
        self.word = f"(?:{literal_alternation(ordered)})"
        joiners = "".join(f"|{_SPACE}{re.escape(j)}{_SPACE}" for j in words.joiners)
        # words of one number follow each other with a space, a hyphen, a joiner word or
        # nothing (German, Dutch and Italian compounds: "zweitausend", "duemilaventi")
        self.joint = rf"(?:[ \t]*-[ \t]*{joiners}|{_SPACE}|)"
        self.run = f"{self.word}(?:{self.joint}{self.word})*"
        self._by_first: dict[str, list[str]] = {}
        for word in ordered:
            self._by_first.setdefault(word[0], []).append(word)
        self._joint_re = re.compile(self.joint)
        self._run_re = re.compile(self.run)
        # a run that ends where the text ends (searched in the stretch before an anchor)
        self._run_before = re.compile(rf"(?<![\w])(?:{self.run})\Z")

    def parts(self, lower: str, start: int, end: int) -> list[Part]:
        """The number words of a run from ``start`` to ``end``, split as the run regex can
        match them ("cent" + "ottanta" when "cento" leaves "ttanta"); empty when none."""
        return self._split(lower, start, end) or []

    def _split(self, lower: str, pos: int, end: int) -> list[Part] | None:
        for word in self._by_first.get(lower[pos], ()) if pos < end else ():
            stop = pos + len(word)
            if stop > end or not lower.startswith(word, pos):
                continue
            part = Part(pos, stop, *self._kinds[word])
            if stop == end:
                return [part]
            joint = self._joint_re.match(lower, stop, end)
            after = joint.end() if joint is not None else stop
            for nxt in (after, stop) if after > stop else (stop,):
                rest = self._split(lower, nxt, end) if nxt < end else None
                if rest is not None:
                    return [part, *rest]
        return None

    def run_at(self, lower: str, pos: int) -> tuple[int, int] | None:
        """The run of number words starting at ``pos`` (the longest one that ends a word)."""
        m = self._run_re.match(lower, pos)
        if m is None:
            return None
        end = m.end()
        parts = self.parts(lower, pos, end)
        while parts and _letter_at(lower, parts[-1].end):
            parts.pop()  # "sept" of "septembre": a run ends with a word
        return (pos, parts[-1].end) if parts else None

    def run_glued(self, lower: str, pos: int,
                  suffix: re.Pattern[str]) -> tuple[int, int] | None:
        """The run of number words at ``pos`` glued to a word ``suffix`` matches
        ("vierundneunzig" of "vierundneunzigjährige"), or None."""
        m = self._run_re.match(lower, pos)
        if m is None:
            return None
        parts = self.parts(lower, pos, m.end())
        while parts and suffix.match(lower, parts[-1].end) is None:
            parts.pop()
        return (pos, parts[-1].end) if parts else None

    def run_before(self, lower: str, end: int, reach: int = 80) -> tuple[int, int] | None:
        """The longest run of number words ending at ``end``."""
        # cheap test first: any such run holds the whole last word, which must be one alone
        # (most age and month words follow a digit or an ordinary word: "seit 3 Jahren")
        start = end
        while start > 0 and end - start < 40 and lower[start - 1].isalpha():
            start -= 1
        if start == end or self._run_re.fullmatch(lower, start, end) is None:
            return None
        m = self._run_before.search(lower, max(0, end - reach), end)
        return (m.start(), end) if m else None


def _letter_at(text: str, pos: int) -> bool:
    return pos < len(text) and (text[pos].isalnum() or text[pos] == "_")


def _after_word(text: str, pos: int) -> bool:
    return pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_")


def _longest(parts: Sequence[Part], accept: Callable[[int, bool], bool],
             from_end: bool) -> tuple[Sequence[Part], int, bool] | None:
    n = len(parts)
    for size in range(n, 0, -1):
        chunk = parts[n - size:] if from_end else parts[:size]
        read = value_of(chunk)
        if read is not None and accept(*read):
            return chunk, read[0], read[1]
    return None


def _is_day(value: int, ordinal: bool) -> bool:
    return value in DAYS


def _is_year(value: int, ordinal: bool) -> bool:
    return value in YEARS and not ordinal


def _is_age(value: int, ordinal: bool) -> bool:
    return value in AGES and not ordinal


def _is_old_age(value: int, ordinal: bool) -> bool:
    return value in OLD_AGES and not ordinal


def _not_ordinal(value: int, ordinal: bool) -> bool:
    return not ordinal


def read_after_month(reader: NumberReader, lower: str, pos: int,
                     day_allowed: bool) -> list[Reading]:
    """A day and/or a year in words right at ``pos``: "ninth nineteen fifty two", "dos mil
    veinte"; empty when none."""
    run = reader.run_at(lower, pos)
    if run is None:
        return []
    parts = reader.parts(lower, *run)
    whole = value_of(parts)
    if whole is not None and _is_year(*whole):
        return [Reading(parts[0].start, parts[-1].end, "year", whole[0], False)]
    if not day_allowed:
        return []
    for cut in range(len(parts) - 1, 0, -1):  # a day, then a year ("ninth nineteen fifty two")
        head, tail = value_of(parts[:cut]), value_of(parts[cut:])
        if head is not None and tail is not None and _is_day(*head) and _is_year(*tail):
            return [Reading(parts[0].start, parts[cut - 1].end, "day", *head),
                    Reading(parts[cut].start, parts[-1].end, "year", tail[0], False)]
    day = _longest(parts, _is_day, from_end=False)
    if day is None:
        return []
    chunk, value, ordinal = day
    return [Reading(chunk[0].start, chunk[-1].end, "day", value, ordinal)]


class SpokenFinder:
    """The four ``spoken.*`` rules of one language, compiled once per detector."""

    def __init__(self, words: SpokenWords, months: str, *, prefilter: bool = True) -> None:
        self.words = words
        self.reader = NumberReader(words)
        self._month = faster_regex(re.compile(rf"(?:{months})(?![\w])"))
        self._ambiguous = frozenset(words.ambiguous_months)
        fill = literal_alternation(words.day_month_words)
        # between a day and its month: a comma, "of", "de", "the" ("ninth of July", "July
        # the ninth", "veinte de mayo")
        self._day_gap = (rf"(?:{_SPACE}(?:{fill}){_SPACE}|[ \t]*,?[ \t]*)" if fill
                         else r"[ \t]*,?[ \t]*")
        self._day_before = re.compile(rf"(?<![\w])(?P<day>{_DIGIT_DAY}){self._day_gap}\Z")
        self._gap_before = re.compile(rf"(?:{self._day_gap})\Z")
        self._gap_after = re.compile(self._day_gap)
        self._digit_day_after = re.compile(rf"{_DIGIT_DAY}(?![\w])")
        year_fill = literal_alternation(words.month_year_words)
        self._year_gap = re.compile(
            rf"[ \t]*,?[ \t]*(?:(?:{year_fill}){_SPACE})?" if year_fill else r"[ \t]*,?[ \t]*")
        self._digit_year = re.compile(rf"{_DIGIT_YEAR}(?![\w])")
        self._age_after = _word_regex(words.age_after, attached=False)
        self._age_suffix = _word_regex(words.age_suffixes, attached=True)
        self._age_before = _word_regex(words.age_before, attached=False)
        self._durations = frozenset(words.duration_words)
        digits = sorted(words.digits, key=len, reverse=True)
        digit = f"(?:{literal_alternation(digits)})" if digits else None
        self._digit_run = (
            faster_regex(re.compile(
                rf"{digit}(?:(?:[ \t]*[,-][ \t]*|{_SPACE}){digit}){{{MIN_DIGITS - 1},}}"
                r"(?![\w])"))
            if digit else None
        )
        self._phone = context_regex(words.phone_cues)
        self._record = context_regex(words.record_cues)
        # which anchors a note holds, from one hyperscan scan (when installed): most notes have
        # no month name, age word or digit-word run, and ``re`` spent 0.2 CPU-s per million
        # words finding that out
        anchors = [("date", self._month), ("number", self._digit_run), ("age", self._age_after),
                   ("age", self._age_suffix), ("age", self._age_before)]
        self._prefilter = LazyPrefilter(
            [RuleKey(f"spoken.{kind}#{i}", regex, True) for i, (kind, regex) in enumerate(anchors)
             if regex is not None],
            enabled=prefilter,
        )

    @classmethod
    def from_tables(cls, tables: Mapping[str, Any], *, prefilter: bool = True) -> SpokenFinder:
        """The finder of merged rule tables: their ``[spoken]`` table over the packaged English
        one, and the month names of their ``[macros]``."""
        table = dict(english_table())
        table.update(tables.get("spoken", {}))
        words = SpokenWords.from_table(table, "rule files")
        return cls(words, month_alternation(words, tables.get("macros", {})), prefilter=prefilter)

    # -- the rules ------------------------------------------------------------------------

    def find(self, text: str, lower: str, disabled: frozenset[str], out: list[Span]) -> None:
        """Append the spoken dates, ages and numbers of ``text`` (``lower`` is its lower-cased
        copy, same offsets) to ``out``, leaving out the rules ``disabled`` names."""
        may = self._prefilter.candidates(text, lower)
        kinds = None if may is None else {name.split("#", 1)[0] for name in may}
        if kinds is not None and not kinds:
            return
        if (kinds is None or "spoken.date" in kinds) and not (
            is_disabled("spoken.date", disabled) and is_disabled("spoken.month_year", disabled)
        ):
            for start, end, rule in self.dates(text, lower):
                if not is_disabled(rule, disabled):
                    out.append(_span(start, end, "DATE", rule))
        if (kinds is None or "spoken.age" in kinds) and not is_disabled("spoken.age", disabled):
            for start, end in self.ages(lower):
                out.append(_span(start, end, "AGE", "spoken.age"))
        if (kinds is None or "spoken.number" in kinds) and not is_disabled(
            "spoken.number", disabled
        ):
            for start, end, label in self.numbers(lower):
                out.append(_span(start, end, label, "spoken.number"))

    def dates(self, text: str, lower: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, rule) of each date with a part in words, anchored on month names."""
        for m in word_starts(self._month, lower):
            found = self._date_at(text, lower, m.start(), m.end())
            if found is not None:
                yield found

    def _date_at(self, text: str, lower: str, m_start: int,
                 m_end: int) -> tuple[int, int, str] | None:
        """The date around the month name at ``m_start``; None without a part in words."""
        day = self._day_before_month(lower, m_start)
        start = day[0] if day is not None else m_start
        in_words = day is not None and day[1]
        has_day = day is not None
        has_year = False
        end = m_end
        if day is None and self.words.month_first:  # "July ninth", "July 9 nineteen fifty"
            at = self._gap_after.match(lower, m_end)
            pos = at.end() if at is not None else m_end
            readings = read_after_month(self.reader, lower, pos, day_allowed=True)
            if readings:
                end, in_words = readings[-1].end, True
                has_day = any(r.role == "day" for r in readings)
                has_year = any(r.role == "year" for r in readings)
            elif (digit := self._digit_day_after.match(lower, pos)) is not None:
                end, has_day = digit.end(), True
        if not has_year:
            year = self._year_after(lower, end)
            if year is not None:
                end, has_year, in_words = year[1], True, in_words or year[2]
        if not in_words or not (has_day or has_year):
            return None
        if lower[m_start:m_end] in self._ambiguous and text[m_start].islower() and (
            day is None and not has_year
        ):
            return None  # "you may first ...": a verb, not a month
        return start, end, "spoken.date" if has_day else "spoken.month_year"

    def _day_before_month(self, lower: str, m_start: int) -> tuple[int, bool] | None:
        """Where a day right before the month starts, and whether it is in words."""
        gap = self._gap_before.search(lower, max(0, m_start - 12), m_start)
        gap_start = gap.start() if gap is not None else m_start
        run = self.reader.run_before(lower, gap_start)
        if run is not None:
            parts = self.reader.parts(lower, *run)
            day = _longest(parts, _is_day, from_end=True)
            if day is not None:
                return day[0][0].start, True
        digit = self._day_before.search(lower, max(0, m_start - 16), m_start)
        if digit is not None:
            return digit.start(), False
        return None

    def _year_after(self, lower: str, pos: int) -> tuple[int, int, bool] | None:
        """A year in words or digits right after ``pos``: (start, end, in words)."""
        gap = self._year_gap.match(lower, pos)
        at = gap.end() if gap is not None else pos
        run = self.reader.run_at(lower, at)
        if run is not None:
            parts = self.reader.parts(lower, *run)
            whole = value_of(parts)
            if whole is not None and _is_year(*whole):
                return at, parts[-1].end, True
        digits = self._digit_year.match(lower, at)
        if digits is not None:
            return at, digits.end(), False
        return None

    def ages(self, lower: str) -> Iterator[tuple[int, int]]:
        """The number words of each age next to an age word, once each (90 and over only
        next to a word that also measures time)."""
        return iter(sorted(set(self._ages(lower))))

    def _accept(self, cue: str) -> Callable[[int, bool], bool]:
        """Which values an age word ``cue`` (as matched) makes an age."""
        return _is_old_age if cue in self._durations else _is_age

    def _ages(self, lower: str) -> Iterator[tuple[int, int]]:
        reader = self.reader
        for regex, glued in ((self._age_after, False), (self._age_suffix, True)):
            if regex is None:
                continue
            for m in regex.finditer(lower) if glued else word_starts(regex, lower):
                end = m.start()
                if not glued:
                    while end > 0 and lower[end - 1] in " \t-" and m.start() - end < 3:
                        end -= 1
                run = reader.run_before(lower, end)
                if run is None:
                    continue
                age = _longest(reader.parts(lower, *run), self._accept(m.group()),
                               from_end=True)
                if age is not None:
                    yield age[0][0].start, age[0][-1].end
        if self._age_before is not None:
            for m in word_starts(self._age_before, lower):
                pos = m.end()
                while pos < len(lower) and lower[pos] in " \t:" and pos - m.end() < 3:
                    pos += 1
                run = reader.run_at(lower, pos)
                if run is None:
                    continue
                age = _longest(reader.parts(lower, *run), self._accept(m.group()),
                               from_end=False)
                if age is not None:
                    yield age[0][0].start, age[0][-1].end

    def numbers(self, lower: str) -> Iterator[tuple[int, int, str]]:
        """Each run of six or more digit words, labelled by the word before it."""
        if self._digit_run is None:
            return
        for m in word_starts(self._digit_run, lower):
            before = max(0, m.start() - CUE_WINDOW)
            if self._phone is not None and self._phone.search(lower, before, m.start()):
                label = "PHONE"
            elif self._record is not None and self._record.search(lower, before, m.start()):
                label = "MEDICALRECORD"
            else:
                label = "IDNUM"
            yield m.start(), m.end(), label

    # -- for the surrogates ---------------------------------------------------------------

    def digits_for(self, text: str) -> str:
        """``text`` (a date) with its numbers in words written in digits: "dritten März
        zweitausendfünfundzwanzig" -> "3. März 2025", so the date surrogate can move it."""
        lower = lower_same_length(text)
        out: list[str] = []
        cursor = 0
        pos = 0
        while pos < len(lower):
            if _after_word(lower, pos) or (run := self.reader.run_at(lower, pos)) is None:
                pos += 1
                continue
            readings = read_after_month(self.reader, lower, run[0], day_allowed=True)
            if not readings:
                pos = run[1]
                continue
            for r in readings:
                out.append(text[cursor:r.start])
                out.append(self._digits(r))
                cursor = r.end
            pos = cursor
        out.append(text[cursor:])
        return "".join(out)

    def number(self, text: str) -> int | None:
        """The number ``text`` says when it is number words and nothing else ("vierundneunzig"
        -> 94), else None."""
        lower = lower_same_length(text.strip())
        parts = self.reader.parts(lower, 0, len(lower)) if lower else []
        read = value_of(parts) if parts else None
        return read[0] if read is not None and not read[1] else None

    def first_number(self, text: str) -> tuple[int, int, int] | None:
        """(value, start, end) of the first number in words of ``text`` that is no ordinal
        ("sesenta y tres años" -> 63 over "sesenta y tres"), or None: how the age surrogate
        reads an AGE span written in words (``fairdeid.age_values``)."""
        return next(self.numbers_in(text), None)

    def numbers_in(self, text: str, start: int = 0,
                   end: int | None = None) -> Iterator[tuple[int, int, int]]:
        """(value, start, end) of each number in words of ``text[start:end]`` that is no
        ordinal, in order; a number glued to an age word counts ("vierundneunzig" of
        "vierundneunzigjährige")."""
        lower = lower_same_length(text)
        stop = len(lower) if end is None else end
        reader = self.reader
        pos = start
        while pos < stop:
            if _after_word(lower, pos) or not lower[pos].isalpha():
                pos += 1
                continue
            run = reader.run_at(lower, pos)
            if run is None and self._age_suffix is not None:
                run = reader.run_glued(lower, pos, self._age_suffix)
            read = (_longest(reader.parts(lower, *run), _not_ordinal, from_end=False)
                    if run is not None and run[1] <= stop else None)
            if read is None:
                pos += 1
                continue
            chunk, value, _ = read
            yield value, chunk[0].start, chunk[-1].end
            pos = chunk[-1].end

    def _digits(self, reading: Reading) -> str:
        if reading.role == "year":
            return str(reading.value)
        if reading.ordinal:
            return self.words.ordinal_digits.format(day=reading.value)
        return str(reading.value)


def word_starts(regex: re.Pattern[str], lower: str) -> Iterator[re.Match[str]]:
    """The matches of ``regex`` that start a word, each searched from the one before.

    Why not a look-behind in the pattern: ``re`` only skips ahead to a pattern's first
    characters when the pattern starts with them, and a leading look-behind made it try a
    match at every position of every note (a third of these rules' time)."""
    pos = 0
    while (m := regex.search(lower, pos)) is not None:
        if _after_word(lower, m.start()):
            pos = m.start() + 1
            continue
        yield m
        pos = max(m.end(), m.start() + 1)


def _span(start: int, end: int, label: str, rule: str) -> Span:
    return Span(start, end, label, f"rules:{rule}", _SCORES[rule])


def _word_regex(words: Iterable[str], *, attached: bool) -> re.Pattern[str] | None:
    """Age words as one regex; ``attached`` ones may be glued to the number before them
    ("vierundneunzigjährig"), the others start a word (``word_starts`` checks it)."""
    items = sorted({w for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    body = literal_alternation(items)
    return faster_regex(re.compile(rf"(?:{body})(?![\w])"))


def month_alternation(words: SpokenWords, macros: Mapping[str, str]) -> str:
    """The language's month names from the rule files' macros, lower-cased."""
    parts = []
    for name in words.month_macros:
        if name not in macros:
            raise ConfigError(f"[spoken] month_macros: no macro {name!r} in the rule files")
        parts.append(lower_pattern(str(macros[name])))
    return "|".join(parts)


@cache
def english_table() -> Mapping[str, Any]:
    """The packaged English ``[spoken]`` table."""
    table = tomllib.loads(data_text(DATA_FILE)).get("spoken", {})
    return dict(table)


@cache
def finder_for(language: str) -> SpokenFinder | None:
    """The finder of a language by its code (English: the packaged data; another language: its
    pack's ``spoken.toml`` over it), for code that knows the note's language but has no rule
    detector (the date surrogate); None for a language without the data."""
    from fairdeid.detect.rules.compiler import load_pattern_tables
    from fairdeid.lang.packs import PACKS_DIR

    if language in ("", "en"):
        return SpokenFinder.from_tables(load_pattern_tables(None, []))
    pack_file = Path(PACKS_DIR) / language / DATA_FILE
    patterns = Path(PACKS_DIR) / language / "patterns.toml"
    if not pack_file.is_file():
        return None
    extra = [p for p in (patterns, pack_file) if p.is_file()]
    return SpokenFinder.from_tables(load_pattern_tables(None, extra))


__all__ = [
    "SPOKEN_RULES",
    "NumberReader",
    "Part",
    "Reading",
    "SpokenFinder",
    "SpokenWords",
    "finder_for",
    "value_of",
]
