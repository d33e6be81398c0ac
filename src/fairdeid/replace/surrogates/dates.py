"""Dates: moved by the patient's offset, each in its own format (DATE).

Numeric dates (03/04/2021, 3-4-21, 2021-03-04, 20210304), month names in English, Spanish and
French, ordinals, years alone, weekday names and times are parsed and re-emitted in the same
format, so every interval between one patient's dates survives. Dates the parser does not know
get a same-shape surrogate.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from fairdeid.replace.store import pick_nonzero
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import keep_shape, match_case

_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
_MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"]
_MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]
_WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTH_WORDS: dict[str, tuple[int, str, str]] = {}  # word -> (month, lang, form)
for _i, _m in enumerate(_MONTHS_EN, 1):
    _MONTH_WORDS[_m.casefold()] = (_i, "en", "full")
    _MONTH_WORDS.setdefault(_m[:3].casefold(), (_i, "en", "abbr"))
_MONTH_WORDS["sept"] = (9, "en", "sept")
for _i, _m in enumerate(_MONTHS_ES, 1):
    _MONTH_WORDS.setdefault(_m, (_i, "es", "full"))
_MONTH_WORDS["setiembre"] = (9, "es", "full")
for _i, _m in enumerate(_MONTHS_FR, 1):
    _MONTH_WORDS.setdefault(_m, (_i, "fr", "full"))
_MONTH_WORDS.setdefault("fevrier", (2, "fr", "full"))
_MONTH_WORDS.setdefault("aout", (8, "fr", "full"))
_WEEKDAY_WORDS: dict[str, tuple[int, str]] = {}
for _i, _d in enumerate(_WEEKDAYS_EN):
    _WEEKDAY_WORDS[_d.casefold()] = (_i, "full")
    _WEEKDAY_WORDS[_d[:3].casefold()] = (_i, "abbr")
for _w, _i in (("tues", 1), ("weds", 2), ("thur", 3), ("thurs", 3)):
    _WEEKDAY_WORDS[_w] = (_i, "abbr4")
_STOPWORDS = {"of", "the", "de", "del", "le", "on", "at", "am", "pm", "a.m", "p.m", "h"}
_ORDINALS = {"st", "nd", "rd", "th"}
_DATE_TOKEN = re.compile(r"\d+|[^\W\d_]+|\s+|.")


@dataclass
class _DTok:
    text: str
    kind: str  # num, month, weekday, ord, word, sep
    role: str = ""  # day, month, year, year2


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _parse_date(text: str, order: str) -> tuple[list[_DTok], dict[str, int]] | None:
    """Tokenise ``text`` and assign day/month/year roles; None when it is not a date we know."""
    toks = [_DTok(t, "") for t in _DATE_TOKEN.findall(text)]
    for i, t in enumerate(toks):
        low = t.text.casefold()
        if t.text.isdigit():
            t.kind = "num"
        elif low in _MONTH_WORDS:
            t.kind = "month"
        elif low in _WEEKDAY_WORDS:
            t.kind = "weekday"
        elif low in _ORDINALS and i > 0 and toks[i - 1].text.isdigit():
            t.kind = "ord"
        elif t.text.isalpha():
            if low not in _STOPWORDS:
                return None
            t.kind = "word"
        else:
            t.kind = "sep"
    # Times ("10:30", "10:30:15") are kept as they are.
    for i, t in enumerate(toks):
        if t.kind == "num" and i + 2 < len(toks) and toks[i + 1].text == ":" and \
                toks[i + 2].kind == "num":
            t.kind = toks[i + 2].kind = "time"
            j = i + 3
            while j + 1 < len(toks) and toks[j].text == ":" and toks[j + 1].kind == "num":
                toks[j + 1].kind = "time"
                j += 2
    nums = [t for t in toks if t.kind == "num"]
    months = [t for t in toks if t.kind == "month"]
    weekdays = [t for t in toks if t.kind == "weekday"]
    values: dict[str, int] = {}
    if len(months) > 1 or len(weekdays) > 1:
        return None
    if months:
        values["month"] = _MONTH_WORDS[months[0].text.casefold()][0]
        months[0].role = "month"
        for t in nums:
            v = int(t.text)
            apostrophe = toks.index(t) > 0 and toks[toks.index(t) - 1].text in "'’"
            if len(t.text) == 4 and "year" not in values:
                t.role, values["year"] = "year", v
            elif apostrophe and len(t.text) == 2 and "year" not in values:
                t.role, values["year"] = "year2", v
            elif "day" not in values and 1 <= v <= 31 and len(t.text) <= 2:
                t.role, values["day"] = "day", v
            elif "year" not in values and len(t.text) == 2:
                t.role, values["year"] = "year2", v
            else:
                return None
    else:
        has_time = any(t.kind == "time" for t in toks)
        seps = {t.text for t in toks if t.kind == "sep" and not t.text.isspace()}
        if has_time:
            seps -= {":"}
        if seps - set("/-.,") or any(t.kind == "ord" for t in toks):
            return None
        n = [int(t.text) for t in nums]
        lens = [len(t.text) for t in nums]
        roles: tuple[str, ...]
        if len(nums) == 3:
            if lens[0] == 4:
                roles = ("year", "month", "day")
            elif lens[2] in (2, 4):
                if order == "DMY":
                    roles = ("day", "month", "year") if n[1] <= 12 else ("month", "day", "year")
                else:
                    roles = ("month", "day", "year") if n[0] <= 12 else ("day", "month", "year")
            else:
                return None
        elif len(nums) == 2:
            if lens[1] == 4 and n[0] <= 12:
                roles = ("month", "year")
            elif lens[0] == 4 and n[1] <= 12:
                roles = ("year", "month")
            elif max(lens) <= 2:
                if order == "DMY":
                    roles = ("day", "month") if n[1] <= 12 else ("month", "day")
                else:
                    roles = ("month", "day") if n[0] <= 12 else ("day", "month")
            else:
                return None
        elif len(nums) == 1 and lens[0] == 4 and 1800 <= n[0] <= 2200:
            roles = ("year",)
        elif len(nums) == 1 and lens[0] == 8 and 1800 <= n[0] // 10000 <= 2200:
            t = nums[0]
            try:
                dt.date(n[0] // 10000, n[0] // 100 % 100, n[0] % 100)
            except ValueError:
                return None
            t.role = "compact"
            values.update(year=n[0] // 10000, month=n[0] // 100 % 100, day=n[0] % 100)
            roles = ()
        elif not nums and weekdays:
            roles = ()
        else:
            return None
        for t, role in zip(nums, roles, strict=False):
            if role == "year" and len(t.text) == 2:
                role = "year2"
            t.role = role
            values["year" if role == "year2" else role] = int(t.text)
    if weekdays:
        weekdays[0].role = "weekday"
        values["weekday"] = _WEEKDAY_WORDS[weekdays[0].text.casefold()][0]
    if not values or (set(values) == {"weekday"} and nums):
        return None
    if "month" in values and not 1 <= values["month"] <= 12:
        return None
    if "day" in values and "month" not in values:
        return None
    return toks, values


def _full_year(value: int, role: str) -> int:
    if role != "year2":
        return value
    return 2000 + value if value < 50 else 1900 + value


def shift_date(original: str, days: int, *, order: str = "MDY") -> str | None:
    """Move the date written in ``original`` by ``days``, re-emitting the same format.

    Handles numeric dates (03/04/2021, 3-4-21, 2021-03-04, 20210304), month names in English,
    Spanish and French (March 4th, 2021; 4 Mar; Mar 2019; 4 de marzo de 2021), years alone,
    weekday names, and times (kept). ``order`` resolves 03/04 as MDY or DMY. Returns None when
    the text is not a date this parser knows (the caller falls back to a same-shape surrogate).
    """
    parsed = _parse_date(original, order)
    if parsed is None:
        return None
    toks, values = parsed
    year_role = next((t.role for t in toks if t.role in ("year", "year2")), "year")
    has_year, has_month, has_day = "year" in values, "month" in values, "day" in values
    if has_month or has_year:
        year = _full_year(values.get("year", 2000), year_role) if has_year else 2000
        month = values.get("month", 7 if not has_month else 1)
        day = values.get("day", 15 if has_month else 2)
        try:
            base = dt.date(year, month, day)
        except ValueError:
            return None
        new = base + dt.timedelta(days=days)
        new_weekday = new.weekday()
    else:  # weekday alone
        new = None
        new_weekday = (values["weekday"] + days) % 7
    dm = [t.text for t in toks if t.role in ("day", "month") and t.kind == "num"]
    # "3/4/2021" stays unpadded, "03/04/2021" padded; "12/25/2021" gives no sign: pad.
    padded = not any(len(x) == 1 for x in dm)
    out = []
    for i, t in enumerate(toks):
        if t.role == "day" and new is not None:
            ordinal = i + 1 < len(toks) and toks[i + 1].kind == "ord"
            # "25th" + 12 days is "6th", never "06th": ordinals are not zero-padded.
            out.append(str(new.day) if ordinal else _pad(new.day, t.text, padded))
        elif t.role == "month" and new is not None:
            out.append(_render_month(new.month, t.text) if t.kind == "month"
                       else _pad(new.month, t.text, padded))
        elif t.role == "year" and new is not None:
            out.append(str(new.year))
        elif t.role == "year2" and new is not None:
            out.append(f"{new.year % 100:02d}")
        elif t.role == "compact" and new is not None:
            out.append(new.strftime("%Y%m%d"))
        elif t.role == "weekday":
            out.append(_render_weekday(new_weekday, t.text))
        elif t.kind == "ord" and new is not None and has_day:
            out.append(match_case(t.text, _ordinal(new.day)))
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


def _render_month(month: int, template: str) -> str:
    _, lang, form = _MONTH_WORDS[template.casefold()]
    if lang == "es":
        name = _MONTHS_ES[month - 1]
    elif lang == "fr":
        name = _MONTHS_FR[month - 1]
    else:
        full = _MONTHS_EN[month - 1]
        name = full if form == "full" else ("Sept" if month == 9 and form == "sept"
                                            else full[:3])
    if template[:1].isupper() and not template.isupper():
        name = name[:1].upper() + name[1:]
    return match_case(template, name) if template.isupper() or template.islower() else name


def _render_weekday(weekday: int, template: str) -> str:
    form = _WEEKDAY_WORDS[template.casefold()][1]
    full = _WEEKDAYS_EN[weekday]
    name = full if form == "full" else full[: len(template)] if form == "abbr4" else full[:3]
    return match_case(template, name)


_FRESH_FIRST = dt.date(1950, 1, 1).toordinal()
_FRESH_LAST = dt.date(2030, 12, 31).toordinal()


class Dates:
    """DATE: shifted by ``ctx.date_shift`` days (drawn from ``rng`` when None, never 0)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        days = ctx.date_shift if ctx.date_shift is not None else \
            pick_nonzero((-365, 365), rng.getrandbits(64))
        shifted = shift_date(original, days, order=ctx.date_order)
        return shifted if shifted is not None else _unparsed_date(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        day = dt.date.fromordinal(rng.randint(_FRESH_FIRST, _FRESH_LAST))
        return day.strftime("%d/%m/%Y" if ctx.date_order == "DMY" else "%m/%d/%Y")
