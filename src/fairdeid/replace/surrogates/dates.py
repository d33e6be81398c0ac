"""Dates: moved by the patient's offset, each in its own format (DATE).

Numeric dates (03/04/2021, 3-4-21, 2021-03-04, 20210304), month names in English, German,
French, Dutch, Italian and Spanish (Babel's names, written back in the note's language),
ordinals, years alone, weekday names and times are parsed and re-emitted in the same
format, so every interval between one patient's dates survives. Dates the parser does not know
get a same-shape surrogate.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from fairdeid.replace.store import pick_nonzero
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import keep_shape, match_case

#: Languages whose month and weekday names are known, in lookup order after the note's own.
DATE_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "nl", "it")
_SKIP_ABBR = {"ago", "set", "gen", "mag", "do", "di", "ma", "zo", "wo", "za", "vr"}


class DateWord(NamedTuple):
    """A month or weekday name: its value (month 1-12, weekday 0 = Monday), language and form.

    ``form`` is "full", "abbr" (stand-alone abbreviation, "Mär", "janv") or "fmt" (the
    abbreviation used inside a date, "Sept", "Juni"), so a shifted date writes its new month in
    the same language and the same form.
    """

    value: int
    lang: str
    form: str


@cache
def _babel_names(lang: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Month and weekday names of ``lang`` from Babel (CLDR), trailing dots removed.

    The dot after an abbreviation is a separator piece of the written date, kept as written.
    """
    from babel.dates import get_day_names, get_month_names

    def months(width: Literal["abbreviated", "wide"],
               context: Literal["format", "stand-alone"]) -> tuple[str, ...]:
        names = get_month_names(width, context=context, locale=lang)
        return tuple(names[i] for i in range(1, 13))

    def days(width: Literal["abbreviated", "wide"]) -> tuple[str, ...]:
        names = get_day_names(width, locale=lang)
        return tuple(names[i].rstrip(".") for i in range(7))

    def undotted(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(n.rstrip(".") for n in names)

    abbr, fmt = months("abbreviated", "stand-alone"), months("abbreviated", "format")
    return {
        "dotted": {"month": tuple(n for n in abbr + fmt if n.endswith("."))},
        "month": {"full": months("wide", "format"), "abbr": undotted(abbr),
                  "fmt": undotted(fmt)},
        "weekday": {"full": days("wide"), "abbr": days("abbreviated")},
    }


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _english_words() -> tuple[dict[str, DateWord], dict[str, DateWord]]:
    """English month and weekday words, as this module has always read them."""
    months: dict[str, DateWord] = {}
    for i, m in enumerate(_babel_names("en")["month"]["full"], 1):
        months[m.casefold()] = DateWord(i, "en", "full")
        months.setdefault(m[:3].casefold(), DateWord(i, "en", "abbr"))
    months["sept"] = DateWord(9, "en", "sept")
    weekdays: dict[str, DateWord] = {}
    for i, d in enumerate(_babel_names("en")["weekday"]["full"]):
        weekdays[d.casefold()] = DateWord(i, "en", "full")
        weekdays[d[:3].casefold()] = DateWord(i, "en", "abbr")
    for w, i in (("tues", 1), ("weds", 2), ("thur", 3), ("thurs", 3)):
        weekdays[w] = DateWord(i, "en", "abbr4")
    return months, weekdays


@cache
def _lexicon(lang: str) -> dict[str, dict[str, DateWord]]:
    """Every month and weekday word a date may contain when the note is in ``lang``.

    The note's own language comes first (so "April" in a Dutch note stays Dutch), then
    English, then the full names of the other languages. Abbreviations of other languages are
    left out: many are ordinary words elsewhere ("ago", "set", "do").
    """
    en_months, en_weekdays = _english_words()
    table: dict[str, dict[str, DateWord]] = {"month": {}, "weekday": {}}
    order = [lang] + [x for x in DATE_LANGUAGES if x != lang]
    for rank, code in enumerate(order):
        if code == "en":
            for kind, words in (("month", en_months), ("weekday", en_weekdays)):
                for word, value in words.items():
                    table[kind].setdefault(word, value)
            continue
        if code not in DATE_LANGUAGES:
            continue
        names = _babel_names(code)
        for kind in ("month", "weekday"):
            forms = ("full", "fmt", "abbr") if rank == 0 else ("full",)
            for form in forms:
                if form not in names[kind]:
                    continue
                for i, name in enumerate(names[kind][form]):
                    value = DateWord(i + 1 if kind == "month" else i, code, form)
                    for key in (name.casefold(), _fold(name)):
                        if form != "full" and rank and key in _SKIP_ABBR:
                            continue
                        table[kind].setdefault(key, value)
    # Accent-free spellings the English path always accepted.
    table["month"].setdefault("setiembre", DateWord(9, "es", "full"))
    return table


def note_language(locales: Sequence[str]) -> str:
    """The language of notes whose surrogates come from ``locales``: the one language they all
    share (["de_DE"] → "de", ["es_ES", "es_MX"] → "es"), else English.

    A language pack names its country's pools; an English pipeline names en_US or a mix of
    origins, whose people still appear in English notes.
    """
    languages = {code.split("_", 1)[0] for code in locales}
    if len(languages) == 1:
        (language,) = languages
        if language in DATE_LANGUAGES:
            return language
    return "en"


def __getattr__(name: str) -> Any:
    """``_MONTH_WORDS`` / ``_WEEKDAY_WORDS``: the English-note lexicon, built on first use so
    that importing this module does not load Babel's data."""
    if name == "_MONTH_WORDS":
        return _lexicon("en")["month"]
    if name == "_WEEKDAY_WORDS":
        return _lexicon("en")["weekday"]
    raise AttributeError(name)


_STOPWORDS = {"of", "the", "de", "del", "le", "on", "at", "am", "pm", "a.m", "p.m", "h",
              # fillers of dates in German, French, Dutch, Italian, Spanish
              "el", "den", "der", "vom", "il", "du", "au", "op", "van", "lo", "l"}
_ORDINALS = {"st", "nd", "rd", "th"}
#: ordinal marks of the first of the month ("1er mars", "1º de marzo")
_FIRST_MARKS = {"er", "º"}
_DATE_TOKEN = re.compile(r"\d+|[^\W\d_]+|\s+|.")


@dataclass(frozen=True)
class DateToken:
    """One piece of a written date and the date field it carries.

    Rendering walks these pieces in order and rewrites only the date fields (and ordinal
    suffixes), which is how a shifted date keeps every separator, word and letter case of the
    original.
    """

    text: str
    #: num, month, weekday, ord, word (a filler such as "of"), sep, or time (kept as it is)
    kind: str
    #: "" (copied through), day, month, year, year2 (two digits), compact (YYYYMMDD), weekday
    role: str = ""


@dataclass(frozen=True)
class ParsedDate:
    """A date we know how to move: its pieces and the values of the fields it names.

    ``fields`` maps day, month, year (as written: two digits for a ``year2`` piece) and
    weekday (0 = Monday) to their values; a field the text does not name is absent.
    """

    tokens: tuple[DateToken, ...]
    fields: Mapping[str, int]
    #: the note's language, whose words the month and weekday pieces were read with
    lang: str = "en"


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def parse_date(text: str, order: str, lang: str = "en") -> ParsedDate | None:
    """Split ``text`` into pieces and say which piece holds which date field.

    None when ``text`` is not a date this parser knows, so the caller can fall back to a
    same-shape surrogate instead of guessing (a wrong guess would break the patient's
    intervals). ``order`` ("MDY" or "DMY") settles numeric dates such as 03/04 that read
    both ways. ``lang`` is the note's language: its month names and abbreviations are read
    first ("April" in a Dutch note is Dutch), the other languages' full names after English.
    """
    words = _lexicon(lang)
    pieces = _DATE_TOKEN.findall(text)
    kinds = _classify(pieces, words, first_marks=lang != "en")
    if kinds is None:
        return None
    _mark_times(pieces, kinds)
    nums = [i for i, kind in enumerate(kinds) if kind == "num"]
    months = [i for i, kind in enumerate(kinds) if kind == "month"]
    weekdays = [i for i, kind in enumerate(kinds) if kind == "weekday"]
    if len(months) > 1 or len(weekdays) > 1:
        return None
    assigned = (_roles_around_month_name(pieces, nums, months[0], words) if months
                else _roles_of_numbers(pieces, kinds, nums, order))
    if assigned is None:
        return None
    roles, fields = assigned
    if weekdays:
        roles[weekdays[0]] = "weekday"
        fields["weekday"] = words["weekday"][pieces[weekdays[0]].casefold()].value
    if not _fields_make_a_date(fields, bool(nums)):
        return None
    tokens = tuple(DateToken(piece, kind, roles.get(i, ""))
                   for i, (piece, kind) in enumerate(zip(pieces, kinds, strict=True)))
    return ParsedDate(tokens, fields, lang)


def _classify(pieces: list[str], words: Mapping[str, Mapping[str, DateWord]], *,
              first_marks: bool = False) -> list[str] | None:
    """The kind of every piece; None as soon as a word is neither a date word nor a filler.

    An unknown word ("last week", "Christmas") means the text is not a date we can move.
    ``first_marks`` accepts "1er"/"1º" (notes in French, Italian, Spanish).
    """
    kinds: list[str] = []
    for i, piece in enumerate(pieces):
        low = piece.casefold()
        if piece.isdigit():
            kinds.append("num")
        elif low in words["month"]:
            kinds.append("month")
        elif low in words["weekday"]:
            kinds.append("weekday")
        elif (low in _ORDINALS or (first_marks and low in _FIRST_MARKS)) and i > 0 \
                and pieces[i - 1].isdigit():
            kinds.append("ord")
        elif piece.isalpha():
            if low not in _STOPWORDS:
                return None
            kinds.append("word")
        else:
            kinds.append("sep")
    return kinds


def _mark_times(pieces: list[str], kinds: list[str]) -> None:
    """Turn the numbers of a time ("10:30", "10:30:15") into ``time`` pieces, kept as written.

    Moving a date never moves its time of day, and its numbers must not be read as a day or
    a year.
    """
    for i, kind in enumerate(kinds):
        if kind == "num" and i + 2 < len(kinds) and pieces[i + 1] == ":" and \
                kinds[i + 2] == "num":
            kinds[i] = kinds[i + 2] = "time"
            j = i + 3
            while j + 1 < len(kinds) and pieces[j] == ":" and kinds[j + 1] == "num":
                kinds[j + 1] = "time"
                j += 2


_Assigned = tuple[dict[int, str], dict[str, int]]  # piece index -> role, field -> value


def _roles_around_month_name(pieces: list[str], nums: list[int], month: int,
                             words: Mapping[str, Mapping[str, DateWord]]) -> _Assigned | None:
    """Roles when the month is a word ("4 March 2021", "Mar '19"): the numbers are a day and
    a year, told apart by their length and an apostrophe before a two-digit year."""
    roles = {month: "month"}
    fields = {"month": words["month"][pieces[month].casefold()].value}
    for i in nums:
        text = pieces[i]
        value = int(text)
        apostrophe = i > 0 and pieces[i - 1] in "'’"
        if len(text) == 4 and "year" not in fields:
            roles[i], fields["year"] = "year", value
        elif apostrophe and len(text) == 2 and "year" not in fields:
            roles[i], fields["year"] = "year2", value
        elif "day" not in fields and 1 <= value <= 31 and len(text) <= 2:
            roles[i], fields["day"] = "day", value
        elif "year" not in fields and len(text) == 2:
            roles[i], fields["year"] = "year2", value
        else:
            return None
    return roles, fields


def _roles_of_numbers(pieces: list[str], kinds: list[str], nums: list[int],
                      order: str) -> _Assigned | None:
    """Roles when the date is all numbers (03/04/2021, 2021-03, 20210304) or a weekday alone.

    Only the separators / - . , (and : inside a time) are allowed, so that ranges, ratios and
    ordinals ("3rd") are not mistaken for dates.
    """
    has_time = "time" in kinds
    seps = {piece for piece, kind in zip(pieces, kinds, strict=True)
            if kind == "sep" and not piece.isspace()}
    if has_time:
        seps -= {":"}
    if seps - set("/-.,") or "ord" in kinds:
        return None
    values = [int(pieces[i]) for i in nums]
    lengths = [len(pieces[i]) for i in nums]
    if len(nums) == 1 and lengths[0] == 8 and 1800 <= values[0] // 10000 <= 2200:
        return _compact_roles(nums[0], values[0])
    if not nums:
        return ({}, {}) if "weekday" in kinds else None
    numeric_roles = _numeric_roles(values, lengths, order)
    if numeric_roles is None:
        return None
    roles: dict[int, str] = {}
    fields: dict[str, int] = {}
    for i, role in zip(nums, numeric_roles, strict=False):
        if role == "year" and len(pieces[i]) == 2:
            role = "year2"
        roles[i] = role
        fields["year" if role == "year2" else role] = int(pieces[i])
    return roles, fields


def _numeric_roles(values: list[int], lengths: list[int], order: str) -> tuple[str, ...] | None:
    """Which field each number is, in order; a number above 12 cannot be the month, whatever
    ``order`` says, and a four-digit number is the year."""
    if len(values) == 3:
        if lengths[0] == 4:
            return ("year", "month", "day")
        if lengths[2] not in (2, 4):
            return None
        return ("month", "day", "year") if _month_first(values, order) else \
            ("day", "month", "year")
    if len(values) == 2:
        if lengths[1] == 4 and values[0] <= 12:
            return ("month", "year")
        if lengths[0] == 4 and values[1] <= 12:
            return ("year", "month")
        if max(lengths) > 2:
            return None
        return ("month", "day") if _month_first(values, order) else ("day", "month")
    if len(values) == 1 and lengths[0] == 4 and 1800 <= values[0] <= 2200:
        return ("year",)
    return None


def _month_first(values: list[int], order: str) -> bool:
    """Whether a day-and-month pair is written month first (03/04 in MDY; 25/12 in any)."""
    if order == "DMY":
        return values[1] > 12
    return values[0] <= 12


def _compact_roles(index: int, value: int) -> _Assigned | None:
    """YYYYMMDD in one number: a date only when it names a real day."""
    year, month, day = value // 10000, value // 100 % 100, value % 100
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return {index: "compact"}, {"year": year, "month": month, "day": day}


def _fields_make_a_date(fields: dict[str, int], has_numbers: bool) -> bool:
    """A day needs a month, a month must exist, and numbers next to a lone weekday are not a
    date we understand."""
    if not fields or (set(fields) == {"weekday"} and has_numbers):
        return False
    if "month" in fields and not 1 <= fields["month"] <= 12:
        return False
    return not ("day" in fields and "month" not in fields)


def _full_year(value: int, role: str) -> int:
    if role != "year2":
        return value
    return 2000 + value if value < 50 else 1900 + value


def shift_date(original: str, days: int, *, order: str = "MDY", lang: str = "en",
               unpadded: bool = False) -> str | None:
    """Move the date written in ``original`` by ``days``, re-emitting the same format.

    Handles numeric dates (03/04/2021, 3-4-21, 2021-03-04, 20210304), month names in English,
    German, French, Dutch, Italian and Spanish (March 4th, 2021; 4 Mar; 3. März 2021; le 1er
    mars; 4 de marzo de 2021), years alone, weekday names, and times (kept). A month name is
    re-emitted in its own language and form (Babel's names). ``order`` resolves 03/04 as MDY
    or DMY; ``lang`` is the note's language (see ``parse_date``). Returns None when the text is
    not a date this parser knows (the caller falls back to a same-shape surrogate).
    ``unpadded`` writes days and months without a leading zero (a date read from words has no
    padding to copy).
    """
    parsed = parse_date(original, order, lang)
    if parsed is None:
        return None
    fields = parsed.fields
    if "month" in fields or "year" in fields:
        base = _anchor_date(parsed)
        if base is None:
            return None
        new = base + dt.timedelta(days=days)
        return _render(parsed, new, new.weekday(), unpadded)
    # A weekday alone: only the weekday moves.
    return _render(parsed, None, (fields["weekday"] + days) % 7, unpadded)


def _anchor_date(parsed: ParsedDate) -> dt.date | None:
    """The calendar day the text names; None for a day that does not exist (2/30/2021).

    What the text leaves out is filled with the middle of the period it names (the 15th of a
    month given without a day, July 2 of a year given alone), so whether a shift moves the
    written month or year depends on the length of the shift, not on an arbitrary edge.
    """
    fields = parsed.fields
    year_role = next((t.role for t in parsed.tokens if t.role in ("year", "year2")), "year")
    has_year, has_month = "year" in fields, "month" in fields
    year = _full_year(fields.get("year", 2000), year_role) if has_year else 2000
    month = fields.get("month", 7 if not has_month else 1)
    day = fields.get("day", 15 if has_month else 2)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _render(parsed: ParsedDate, new: dt.date | None, new_weekday: int,
            unpadded: bool = False) -> str:
    """Write ``new`` with the pieces of the original: each field piece rewritten in its own
    style (padding, month word, two-digit year, ordinal suffix), every other piece copied."""
    tokens = parsed.tokens
    has_day = "day" in parsed.fields
    day_month = [t.text for t in tokens if t.role in ("day", "month") and t.kind == "num"]
    # "3/4/2021" stays unpadded, "03/04/2021" padded; "12/25/2021" gives no sign: pad.
    padded = not unpadded and not any(len(x) == 1 for x in day_month)
    out = []
    drop_dot = False
    for i, t in enumerate(tokens):
        if drop_dot:
            drop_dot = False
            if t.text == ".":
                continue
        if t.role == "day" and new is not None:
            ordinal = i + 1 < len(tokens) and tokens[i + 1].kind == "ord"
            # "25th" + 12 days is "6th", never "06th": ordinals are not zero-padded.
            out.append(str(new.day) if ordinal else _pad(new.day, t.text, padded))
        elif t.role == "month" and new is not None:
            out.append(_render_month(new.month, t.text, parsed.lang) if t.kind == "month"
                       else _pad(new.month, t.text, padded))
            drop_dot = t.kind == "month" and _undotted_abbreviation(out[-1], t.text, parsed.lang)
        elif t.role == "year" and new is not None:
            out.append(str(new.year))
        elif t.role == "year2" and new is not None:
            out.append(f"{new.year % 100:02d}")
        elif t.role == "compact" and new is not None:
            out.append(new.strftime("%Y%m%d"))
        elif t.role == "weekday":
            out.append(_render_weekday(new_weekday, t.text, parsed.lang))
        elif t.kind == "ord" and new is not None and has_day:
            out.append(_render_ordinal(t.text, new.day))
        else:
            out.append(t.text)
    return "".join(out)


_WORDS = re.compile(r"[^\W\d_]+|\d+")
_ORDINAL_DAY = re.compile(r"(?<![0-9])([0-9]{1,2})(st|nd|rd|th)(?![^\W\d_])", re.IGNORECASE)


def _unparsed_date(original: str, rng: random.Random) -> str:
    """A same-shape surrogate for a date the parser does not know ("the 25th", "25th-26th").

    Ordinal days become valid days with the right suffix ("7th", "22nd", never "06th" or
    "31th"), filler words ("the", "of") stay, everything else keeps its shape.
    """
    pieces: list[str] = []
    cursor = 0
    for m in _ORDINAL_DAY.finditer(original):
        pieces.append(_keep_shape_but_fillers(original[cursor : m.start()], rng))
        day = rng.randrange(1, 29)
        pieces.append(str(day) + match_case(m.group(2), _ordinal(day)))
        cursor = m.end()
    pieces.append(_keep_shape_but_fillers(original[cursor:], rng))
    return "".join(pieces)


def _keep_shape_but_fillers(text: str, rng: random.Random) -> str:
    if not any(w.casefold() in _STOPWORDS for w in _WORDS.findall(text)):
        return keep_shape(text, rng)
    return _WORDS.sub(lambda m: m.group(0) if m.group(0).casefold() in _STOPWORDS
                      else keep_shape(m.group(0), rng), text)


def _pad(value: int, template: str, padded: bool) -> str:
    """Zero-pad to two digits when the original did (``padded``: the date's own style)."""
    return f"{value:02d}" if len(template) == 2 and padded else str(value)


def _undotted_abbreviation(name: str, template: str, lang: str) -> bool:
    """Whether ``name`` is an abbreviation written without a dot ("Juni" after "Sept."), so
    the dot of the original must go."""
    word = _lexicon(lang)["month"][template.casefold()]
    if word.lang == "en" or word.form == "full":
        return False
    names = _babel_names(word.lang)
    return f"{name.casefold()}." not in {n.casefold() for n in names["dotted"]["month"]}


def _render_ordinal(template: str, day: int) -> str:
    """English suffixes follow the day ("3rd" → "6th"); "1er" and "1º" only mark the first."""
    if template.casefold() in _FIRST_MARKS:
        return template if day == 1 else ""
    return match_case(template, _ordinal(day))


def _render_month(month: int, template: str, lang: str = "en") -> str:
    word = _lexicon(lang)["month"][template.casefold()]
    if word.lang == "en":
        full = _babel_names("en")["month"]["full"][month - 1]
        name = full if word.form == "full" else ("Sept" if month == 9 and word.form == "sept"
                                                 else full[:3])
    else:
        name = _babel_names(word.lang)["month"][word.form][month - 1]
    if template[:1].isupper() and not template.isupper():
        name = name[:1].upper() + name[1:]
    return match_case(template, name) if template.isupper() or template.islower() else name


def _render_weekday(weekday: int, template: str, lang: str = "en") -> str:
    word = _lexicon(lang)["weekday"][template.casefold()]
    if word.lang == "en":
        full = _babel_names("en")["weekday"]["full"][weekday]
        name = full if word.form == "full" else full[: len(template)] if word.form == "abbr4" \
            else full[:3]
    else:
        name = _babel_names(word.lang)["weekday"][word.form][weekday]
    if template[:1].isupper() and not template.isupper():
        name = name[:1].upper() + name[1:]
    return match_case(template, name) if template.isupper() or template.islower() else name


def spoken_in_digits(original: str, language: str) -> str:
    """``original`` with its day and year in words written in digits, by the language's
    ``[spoken]`` number words (``detect/rules/spoken.py``); unchanged without such words."""
    from fairdeid.detect.rules.spoken import finder_for

    finder = finder_for(language)
    return original if finder is None else finder.digits_for(original)


_FRESH_FIRST = dt.date(1950, 1, 1).toordinal()
_FRESH_LAST = dt.date(2030, 12, 31).toordinal()


class Dates:
    """DATE: shifted by ``ctx.date_shift`` days (drawn from ``rng`` when None, never 0)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        days = ctx.date_shift if ctx.date_shift is not None else \
            pick_nonzero((-365, 365), rng.getrandbits(64))
        shifted = shift_date(original, days, order=ctx.date_order, lang=ctx.language)
        if shifted is not None:
            return shifted
        # a date in words ("dritten März zweitausendfünfundzwanzig") is moved in digits
        # ("17. April 2025"): its number words never reach the output
        in_digits = spoken_in_digits(original, ctx.language)
        if in_digits != original:
            shifted = shift_date(in_digits, days, order=ctx.date_order, lang=ctx.language,
                                 unpadded=True)
            return shifted if shifted is not None else _unparsed_date(in_digits, rng)
        return _unparsed_date(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        day = dt.date.fromordinal(rng.randint(_FRESH_FIRST, _FRESH_LAST))
        return day.strftime("%d/%m/%Y" if ctx.date_order == "DMY" else "%m/%d/%Y")
