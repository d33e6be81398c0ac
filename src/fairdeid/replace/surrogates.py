"""Realistic surrogates: one generator per PHI type, consistent per patient, dates shifted.

Two layers:

* ``make_surrogate(label, original, rng, ...)``: stateless, one string in, one out. Other modules
  (synthetic notes, augmentation) use it directly.
* ``SurrogateEngine`` / ``SurrogateReplacer``: see the whole document and the patient. Every
  choice comes from HMAC(key, scope, label, original) (``store.py``), so the same name maps to the
  same pseudonym in every note of a patient, dates of a patient all move by one offset (intervals
  survive), and re-runs with the same key agree whatever the document order.

Shape is kept wherever it carries meaning: "J. Smith" → initial + surname, "SMITH, JOHN" stays
upper case in surname-first order, "03/04/2021" stays MM/DD/YYYY, an MRN keeps its digits and
letters where they were. Ages of 90 and over become "90+" (HIPAA Safe Harbor aggregates them;
a number would look exact when it is not); younger ages move by a small per-patient offset.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import re
import string
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.locales import LOCALE_CODES, Name, get_pool, infer_gender
from fairdeid.replace.base import Replacement, splice
from fairdeid.replace.store import (
    DEFAULT_CACHE_SCOPES,
    DEFAULT_KEY_ENV,
    SurrogateStore,
    patient_scope,
    pick_nonzero,
    resolve_key,
    scope_of,
)
from fairdeid.taxonomy import coarse

__all__ = [
    "SurrogateEngine",
    "SurrogateReplacer",
    "detect_gender",
    "make_surrogate",
    "shift_date",
]

log = logging.getLogger("fairdeid.replace")
TokenRng = Callable[[str, str], Any]  # (role, folded token) -> random.Random

# =============================================================================================
# Shape helpers
# =============================================================================================


def _match_case(template: str, value: str) -> str:
    """Give ``value`` the case style of ``template`` (UPPER, lower, or as generated)."""
    letters = [c for c in template if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return value.upper()
    if letters and all(c.islower() for c in letters):
        return value.lower()
    return value


_OPENERS = {"(": ")", "[": "]", "{": "}", "<": ">", "“": "”", "‘": "’", "«": "»"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}
_QUOTES = {'"', "'", "`"}
_EDGE_PUNCT = {",", ";", ":"}


def _nests(inner: str, opener: str) -> bool:
    """Whether ``opener``…``inner``…closer is one wrapping pair (``inner`` never closes it)."""
    closer, depth = _OPENERS[opener], 0
    for ch in inner:
        depth += (ch == opener) - (ch == closer)
        if depth < 0:
            return False
    return depth == 0


def split_edges(text: str) -> tuple[str, str, str]:
    """``(lead, core, trail)``: the whitespace, separators, wrapping brackets and quotes and
    unmatched brackets around a span's text, and what is left to replace.

    Why: a detector's span often takes in the punctuation around a value ("[Wei Zhang]",
    "Boston,", "(Hospital X"). Generators that build a fresh value (places, e-mails, logins)
    would drop it and a shape-keeping one would keep it only sometimes; a bracket that belongs
    to the surrounding text must survive either way. Brackets that are part of the value, like
    the parentheses in "(617) 555-1234", are matched inside it and stay in the core.
    """
    lo, hi = 0, len(text)
    while lo < hi:
        first, last = text[lo], text[hi - 1]
        if first.isspace() or first in _EDGE_PUNCT:
            lo += 1
        elif last.isspace() or last in _EDGE_PUNCT:
            hi -= 1
        elif hi - lo >= 2 and ((first in _OPENERS and last == _OPENERS[first]
                                and _nests(text[lo + 1 : hi - 1], first))
                               or (first in _QUOTES and last == first)):
            lo, hi = lo + 1, hi - 1
        elif first in _OPENERS and _OPENERS[first] not in text[lo + 1 : hi]:
            lo += 1
        elif last in _CLOSERS and _CLOSERS[last] not in text[lo : hi - 1]:
            hi -= 1
        elif first == '"' and text.count('"', lo, hi) % 2:
            lo += 1
        elif last == '"' and text.count('"', lo, hi) % 2:
            hi -= 1
        else:
            break
    return text[:lo], text[lo:hi], text[hi:]


def keep_shape(original: str, rng: Any) -> str:
    """Digits → digits, letters → letters of the same case, everything else kept.

    Used for IDs, ZIPs, rooms and as the fallback for anything unparseable. The first digit
    stays non-zero when it was (a leading zero can change how a number is read).
    """
    for _ in range(8):
        out = []
        for i, ch in enumerate(original):
            if ch.isdigit() and ch.isascii():
                low = 1 if (i == 0 or not original[i - 1].isdigit()) and ch != "0" else 0
                out.append(str(rng.randrange(low, 10)))
            elif ch.isascii() and ch.isalpha():
                letter = rng.choice(string.ascii_uppercase)
                out.append(letter if ch.isupper() else letter.lower())
            elif unicodedata.category(ch)[0] == "M":
                continue  # a combining mark of a replaced letter must not dangle
            elif ch.isalpha() or ch.isdigit():
                # Non-ASCII letters/digits: replace with a letter of the same script is out of
                # reach, so use a Latin letter; keeps length and never echoes the original.
                out.append(rng.choice(string.ascii_uppercase))
            else:
                out.append(ch)
        result = "".join(out)
        if result != original or not any(c.isalnum() for c in original):
            return result
    return result


# =============================================================================================
# Names
# =============================================================================================

_TITLES = {"dr": None, "doctor": None, "prof": None, "professor": None, "mr": "male",
           "mister": "male", "sir": "male", "mrs": "female", "ms": "female", "miss": "female",
           "madam": "female", "dame": "female", "mx": None, "sr": "male", "sra": "female",
           "srta": "female", "m": "male", "mme": "female", "mlle": "female", "shri": "male",
           "smt": "female"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "md", "phd", "rn", "do", "np", "pa", "dds", "mph",
             "msc", "mbbs", "frcs", "frcp", "esq"}
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_ZH_COMPOUND = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                "夏侯", "轩辕", "令狐", "宇文", "司徒", "端木", "万俟"}
_PRONOUNS = {
    "he": "male", "him": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "hers": "female", "herself": "female",
}
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class _NameToken:
    text: str
    kind: str  # "word", "initial", "title", "suffix", "sep"


def _is_letter(ch: str) -> bool:
    # Letters *and* combining marks: Devanagari/Bengali vowel signs are marks, not letters.
    return unicodedata.category(ch)[0] in "LM"


def _tokenise_name(text: str) -> list[_NameToken]:
    """Words (letters and marks, inner apostrophes/hyphens, optional final "."), spaces, and
    single punctuation characters, classified as title, suffix, initial, word or separator."""
    tokens = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            tokens.append(_NameToken(text[i:j], "sep"))
            i = j
            continue
        if not _is_letter(ch) or unicodedata.category(ch)[0] == "M":
            tokens.append(_NameToken(ch, "sep"))
            i += 1
            continue
        j = i
        while j < n and (_is_letter(text[j]) or (text[j] in "'’-" and j + 1 < n
                                                  and _is_letter(text[j + 1]))):
            j += 1
        if j < n and text[j] == ".":
            j += 1
        word = text[i:j]
        bare = word.rstrip(".").casefold()
        if bare in _TITLES and (word.endswith(".") or len(bare) > 1) and bare != "m":
            kind = "title"
        elif bare in _SUFFIXES and len(bare) > 1:
            kind = "suffix"
        elif len(bare) == 1:
            kind = "initial"
        else:
            kind = "word"
        tokens.append(_NameToken(word, kind))
        i = j
    return tokens


def _title_gender(tokens: Sequence[_NameToken]) -> str | None:
    for t in tokens:
        if t.kind == "title":
            g = _TITLES.get(t.text.rstrip(".").casefold())
            if g:
                return g
    return None


def detect_gender(
    text: str,
    start: int,
    end: int,
    *,
    use_pronouns: bool = True,
    window: int = 200,
) -> str | None:
    """Gender evidence for the name at ``text[start:end]``: a title in or just before the span,
    then the pooled first-name lists, then he/she pronouns near the span (clear majority only).
    """
    span_tokens = _tokenise_name(text[start:end])
    before = text[max(0, start - 12) : start]
    gender = _title_gender(span_tokens) or _title_gender(_tokenise_name(before.split("\n")[-1]))
    if gender:
        return gender
    words = [t for t in span_tokens if t.kind == "word"]
    has_comma = any(t.text == "," for t in span_tokens)
    if len(words) >= 2 or (words and not has_comma):
        given = words[-1] if has_comma else words[0]
        gender = infer_gender(given.text)
        if gender and (len(words) >= 2 or has_comma):
            return gender
    if use_pronouns:
        lo, hi = max(0, start - window // 2), min(len(text), end + window)
        counts = {"female": 0, "male": 0}
        for w in _WORD.findall(text[lo:start] + " " + text[end:hi]):
            g = _PRONOUNS.get(w.casefold())
            if g:
                counts[g] += 1
        f, m = counts["female"], counts["male"]
        if f >= 2 * m and f > 0:
            return "female"
        if m >= 2 * f and m > 0:
            return "male"
    if len(words) == 1 and not has_comma:
        return infer_gender(words[0].text)
    return None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class _NameMaker:
    """Builds a name surrogate of the original's shape from per-token draws.

    ``pick(role, token, gender)`` returns the ``Name`` for one original token; the stateful engine
    makes it consistent (the same "Zhang" → the same surname everywhere in a scope).
    """

    def __init__(self, locale: str, script: str,
                 pick: Callable[[str, str, str | None], Name]) -> None:
        self.pool = get_pool(locale)
        self.script = script
        self.pick = pick

    def _render(self, name: Name, template: str) -> str:
        value = name.in_script(self.script)
        return _match_case(template, value) if self.script == "romanised" or \
            name.native == name.romanised else value

    def make(self, original: str, gender: str | None, *, single_is_given: bool = False,
             swap_titles: bool = False) -> str:
        stripped = original.strip()
        if _HAN.match(stripped) and len(stripped) >= 2:
            return self._make_han(original, stripped, gender)
        tokens = _tokenise_name(original)
        words = [i for i, t in enumerate(tokens) if t.kind in ("word", "initial")]
        if not words:
            return self._single(original, gender)
        comma = next((i for i, t in enumerate(tokens) if t.text == ","), None)
        roles: dict[int, str] = {}
        if comma is not None and any(i < comma for i in words) and any(i > comma for i in words):
            before = [i for i in words if i < comma]
            after = [i for i in words if i > comma]
            for i in before:
                roles[i] = "surname"
            for j, i in enumerate(after):
                roles[i] = "given" if j == 0 else "middle"
        elif len(words) == 1:
            roles[words[0]] = "given" if single_is_given else "surname"
        else:
            roles[words[-1]] = "surname"
            roles[words[0]] = "given"
            for i in words[1:-1]:
                roles[i] = "middle"
        parts: dict[str, Name] = {}
        out: list[str] = []
        for i, tok in enumerate(tokens):
            role = roles.get(i)
            if role is None:
                out.append(_swap_title(tok, gender) if swap_titles else tok.text)
                continue
            if tok.kind == "initial":
                # Draw a full name for the initial's role, keep only its first letter.
                name = self.pick(role, tok.text.rstrip(".").casefold(), gender)
                letter = name.romanised[:1] or "A"
                out.append(_match_case(tok.text, letter.upper())
                           + ("." if tok.text.endswith(".") else ""))
                continue
            bare = tok.text.rstrip(".")
            name = self.pick(role, _fold(bare), gender)
            parts[role] = name
            out.append(self._render(name, bare) + tok.text[len(bare):])
        if self.script == "native" and self.pool.family_name_first and \
                "given" in parts and "surname" in parts:
            lead = "".join(t.text for t in tokens if t.kind == "title")
            lead = lead + " " if lead else ""
            return lead + parts["surname"].native + parts["given"].native
        return "".join(out)

    def _single(self, original: str, gender: str | None) -> str:
        name = self.pick("surname", _fold(original), gender)
        return self._render(name, original)

    def _make_han(self, original: str, stripped: str, gender: str | None) -> str:
        cut = 2 if stripped[:2] in _ZH_COMPOUND else 1
        family = self.pick("surname", stripped[:cut], gender)
        given = self.pick("given", stripped[cut:], gender)
        if self.script == "native" and self.pool.family_name_first:
            body = family.native + given.native
        elif self.script == "native":
            body = f"{given.native} {family.native}"
        else:
            body = f"{given.romanised} {family.romanised}"
        lead = original[: len(original) - len(original.lstrip())]
        trail = original[len(original.rstrip()):]
        return lead + body + trail


def _swap_title(tok: _NameToken, gender: str | None) -> str:
    """A gendered title that contradicts a forced gender becomes the neutral-ish Mr/Ms."""
    if tok.kind != "title" or gender not in ("female", "male"):
        return tok.text
    bare = tok.text.rstrip(".")
    current = _TITLES.get(bare.casefold())
    if current is None or current == gender:
        return tok.text
    new = "Ms" if gender == "female" else "Mr"
    return _match_case(bare, new) + tok.text[len(bare):]


def _draw_name(pool_code: str, role: str, gender: str | None, rng: Any) -> Name:
    pool = get_pool(pool_code)
    if role == "surname":
        return rng.choice(pool.surnames)  # type: ignore[no-any-return]
    g = gender if gender in ("female", "male") else rng.choice(("female", "male"))
    return rng.choice(pool.first_names[g])  # type: ignore[no-any-return]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "._-"))


def _username(original: str, locale: str, rng: Any) -> str:
    """A login of the original's shape: letters from a pool name, digits kept as digits."""
    pool = get_pool(locale)
    given = _ascii(pool.first_name(rng)).lower() or "user"
    family = _ascii(pool.surname(rng)).lower() or "name"
    letters = sum(c.isalpha() for c in original)
    base = (given[:1] + family) if letters <= len(family) + 2 else (given + family)
    base = base[: max(letters, 3)]
    digits = "".join(str(rng.randrange(10)) for c in original if c.isdigit())
    return _match_case(original, base + digits)


# =============================================================================================
# Dates
# =============================================================================================

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
            out.append(_match_case(t.text, _ordinal(new.day)))
        else:
            out.append(t.text)
    return "".join(out)


_WORDS = re.compile(r"[^\W\d_]+|\d+")
_ORDINAL_DAY = re.compile(r"(?<![0-9])([0-9]{1,2})(st|nd|rd|th)(?![^\W\d_])", re.IGNORECASE)


def _unparsed_date(original: str, rng: Any) -> str:
    """A same-shape surrogate for a date the parser does not know ("the 25th", "25th-26th").

    Ordinal days become valid days with the right suffix ("7th", "22nd", never "06th" or
    "31th"), filler words ("the", "of") stay, everything else keeps its shape.
    """
    pieces: list[str] = []
    cursor = 0
    for m in _ORDINAL_DAY.finditer(original):
        pieces.append(_keep_shape_but_fillers(original[cursor : m.start()], rng))
        day = rng.randrange(1, 29)
        pieces.append(str(day) + _match_case(m.group(2), _ordinal(day)))
        cursor = m.end()
    pieces.append(_keep_shape_but_fillers(original[cursor:], rng))
    return "".join(pieces)


def _keep_shape_but_fillers(text: str, rng: Any) -> str:
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
    return _match_case(template, name) if template.isupper() or template.islower() else name


def _render_weekday(weekday: int, template: str) -> str:
    form = _WEEKDAY_WORDS[template.casefold()][1]
    full = _WEEKDAYS_EN[weekday]
    name = full if form == "full" else full[: len(template)] if form == "abbr4" else full[:3]
    return _match_case(template, name)


# =============================================================================================
# Other types
# =============================================================================================

_PROFESSIONS = ["teacher", "accountant", "electrician", "nurse", "engineer", "chef", "plumber",
                "librarian", "carpenter", "pharmacist", "mechanic", "architect", "farmer",
                "lawyer", "journalist", "bus driver", "software developer", "cashier",
                "police officer", "firefighter", "social worker", "painter", "tailor",
                "dentist", "baker", "security guard", "receptionist", "translator", "welder",
                "shop owner", "bank clerk", "taxi driver", "photographer", "musician"]
_DEPARTMENTS = ["Cardiology", "Oncology", "Neurology", "Nephrology", "Orthopedics", "Radiology",
                "Emergency Department", "Internal Medicine", "Pediatrics", "Dermatology",
                "Gastroenterology", "Pulmonology", "Endocrinology", "Rheumatology", "Urology",
                "Obstetrics", "Psychiatry", "Surgical ICU", "Medical ICU", "Hematology"]
_ORG_PATTERNS = ["{surname} & Sons", "{city} Logistics", "{surname} Holdings", "{city} Council",
                 "{surname} Consulting", "{city} Textiles", "{city} Water Board",
                 "{surname} Engineering", "{city} School District", "{surname} Foods"]
_EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "inbox.example"]
_URL_WORDS = ["clinic", "health", "care", "portal", "records", "family", "city", "north",
              "valley", "central", "river", "park"]
_US_STATE_CODES = ["AL", "AZ", "CA", "CO", "CT", "FL", "GA", "IA", "IL", "IN", "KS", "KY", "MA",
                   "MD", "ME", "MI", "MN", "MO", "NC", "NE", "NJ", "NM", "NV", "NY", "OH", "OK",
                   "OR", "PA", "SC", "TN", "TX", "UT", "VA", "WA", "WI"]
_AGE_NUMBER = re.compile(r"\d+")


def _age(original: str, rng: Any, offset: int | None) -> str:
    m = _AGE_NUMBER.search(original)
    if m is None:
        return keep_shape(original, rng)
    value = int(m.group(0))
    if value >= 90:
        new = "90+"
    else:
        delta = offset if offset is not None else rng.choice([-3, -2, -1, 1, 2, 3])
        shifted = min(89, max(0, value + delta))
        if shifted == value:
            shifted = value - 1 if value > 0 else value + 1
        new = str(shifted)
    return original[: m.start()] + new + original[m.end():]


def _phone(original: str, locale: str, rng: Any, shape: str) -> str:
    if shape == "locale":
        return get_pool(locale).phone(rng)
    # Keep a leading "+CC" country code as written; it identifies nobody.
    m = re.match(r"^\s*\+\d{1,3}(?=[\s\-(.])", original)
    head = m.group(0) if m else ""
    return head + keep_shape(original[len(head):], rng)


def _email(original: str, locale: str, rng: Any) -> str:
    local, _, domain = original.partition("@")
    pool = get_pool(locale)
    given = _ascii(pool.first_name(rng)).lower() or "user"
    family = _ascii(pool.surname(rng)).lower() or "mail"
    sep = next((c for c in local if c in "._-"), "")
    user = f"{given}{sep}{family}" if sep else (given[:1] + family)
    user += "".join(str(rng.randrange(10)) for c in local if c.isdigit())[:4]
    tld = domain.rsplit(".", 1)[-1] if "." in domain else "com"
    host = rng.choice(_URL_WORDS) + rng.choice(_URL_WORDS)
    new_domain = f"{host}.{tld}" if tld.isalpha() and len(tld) <= 6 else rng.choice(_EMAIL_DOMAINS)
    return _match_case(original, f"{user}@{new_domain}")


def _url(original: str, rng: Any) -> str:
    m = re.match(r"^(?P<scheme>[a-zA-Z][\w+.-]*://)?(?P<www>www\.)?(?P<host>[^/:?#\s]+)"
                 r"(?P<rest>.*)$", original)
    if m is None:
        return keep_shape(original, rng)
    host = m.group("host")
    labels = host.split(".")
    tld = labels[-1] if len(labels) > 1 and labels[-1].isalpha() else "org"
    new_host = f"{rng.choice(_URL_WORDS)}{rng.choice(_URL_WORDS)}.{tld}"
    rest = re.sub(r"[A-Za-z0-9]", lambda c: keep_shape(c.group(0), rng), m.group("rest"))
    return (m.group("scheme") or "") + (m.group("www") or "") + new_host + rest


def _ip(original: str, rng: Any) -> str:
    try:
        addr = ipaddress.ip_address(original.strip())
    except ValueError:
        return keep_shape(original, rng)
    if addr.version == 4:
        octets = [rng.randrange(1, 224)] + [rng.randrange(0, 256) for _ in range(2)] + \
                 [rng.randrange(1, 255)]
        return ".".join(map(str, octets))
    groups = original.strip().count(":")
    return ":".join(f"{rng.randrange(0x10000):x}" for _ in range(max(groups + 1, 8)))[:39]


def _street(original: str, locale: str, rng: Any, script: str) -> str:
    pool = get_pool(locale)
    street = pool.place("streets", rng, script)
    m = re.match(r"^\s*(\d+[A-Za-z]?)\s*,?\s+", original)
    number = keep_shape(m.group(1), rng) + " " if m else ""
    tail_m = re.search(r",\s*((?:apt|apartment|unit|suite|ste|flat|#)\.?\s*\S+)\s*$", original,
                       re.IGNORECASE)
    tail = ", " + keep_shape(tail_m.group(1), rng) if tail_m else ""
    return _match_case(original, number + street + tail)


def _state(original: str, locale: str, rng: Any, script: str) -> str:
    stripped = original.strip()
    pool = get_pool(locale)
    if stripped.isupper() and len(stripped) <= 3:
        codes = [s for s in pool.states if s.isupper() and len(s) <= 3]
        if not codes and locale == "en_US":
            codes = _US_STATE_CODES
        if codes:
            return rng.choice(codes)  # type: ignore[no-any-return]
        return keep_shape(original, rng)
    return _match_case(original, pool.place("states", rng, script))


def _country(original: str, locale: str, rng: Any, script: str) -> str:
    pool = get_pool(locale)
    name = pool.country_native if script == "native" else pool.country
    if _fold(name) == _fold(original):
        others = [get_pool(c).country for c in LOCALE_CODES if _fold(get_pool(c).country)
                  != _fold(original)]
        name = rng.choice(sorted(set(others)))
    return _match_case(original, name)


def _organization(original: str, locale: str, rng: Any, script: str) -> str:
    pool = get_pool(locale)
    pattern = rng.choice(_ORG_PATTERNS)
    return _match_case(original, pattern.format(surname=pool.surname(rng),
                                                city=pool.place("cities", rng)))


_ROOM_WORDS = {"room", "rm", "bed", "ward", "floor", "unit", "suite", "bay", "wing", "level",
               "building", "bldg", "tower", "pod", "north", "south", "east", "west", "icu",
               "ccu", "nicu", "picu", "or", "er", "ed"}
_WORD_OR_NUMBER = re.compile(r"[^\W\d_]+|\d+")


def _room(original: str, locale: str, rng: Any) -> str:
    """Numbers and letters change, generic words ("Room", "Bed") stay, names become other
    names (a ward named after a donor identifies the hospital)."""
    pool = get_pool(locale)

    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.isdigit() or len(token) <= 2:
            return keep_shape(token, rng)
        if token.casefold() in _ROOM_WORDS:
            return token
        return _match_case(token, _ascii(pool.surname(rng)) or "North")

    out = _WORD_OR_NUMBER.sub(swap, original)
    if out == original:
        # Only generic words ("Ward"): swap them for other generic words rather than echo.
        generic = sorted(w.title() for w in _ROOM_WORDS if len(w) > 3)
        out = _WORD_OR_NUMBER.sub(lambda m: _match_case(m.group(0), rng.choice(
            [g for g in generic if g.casefold() != m.group(0).casefold()])), original)
    return out


def _department(original: str, locale: str, rng: Any) -> str:
    if any(c.isdigit() for c in original):
        return _room(original, locale, rng)
    return _match_case(original, rng.choice(_DEPARTMENTS))


def _profession(original: str, rng: Any) -> str:
    choice = rng.choice(_PROFESSIONS)
    if original[:1].isupper():
        choice = choice[:1].upper() + choice[1:]
    return _match_case(original, choice)


# =============================================================================================
# The stateless entry point
# =============================================================================================

_NAME_LABELS = {"PATIENT", "DOCTOR", "NAME"}


def make_surrogate(
    label: str,
    original: str,
    rng: Any,
    *,
    locale: str = "en_US",
    gender: str | None = None,
    script: str = "romanised",
    shape: str = "keep",
    date_shift: int | None = None,
    date_order: str = "MDY",
) -> str:
    """A surrogate for ``original`` of type ``label`` drawn from ``rng`` (a ``random.Random``).

    ``shape="keep"`` keeps the original's layout for phones and IDs; ``"locale"`` draws them
    from the locale's formats. Dates move by ``date_shift`` days (random when None); unparseable
    dates get a same-shape surrogate. Stateless: consistency is the caller's (or
    ``SurrogateEngine``'s) business.
    """
    get_pool(locale)  # fail early on an unknown locale
    lead, core, trail = split_edges(original)
    if not core:
        return original
    if label in _NAME_LABELS:
        maker = _NameMaker(locale, script, lambda role, tok, g: _draw_name(locale, role, g, rng))
        return lead + maker.make(core, gender) + trail
    return lead + _other_surrogate(label, core, rng, locale=locale, script=script, shape=shape,
                                   date_shift=date_shift, date_order=date_order,
                                   age_offset=None) + trail


def _coarse(label: str) -> str:
    """Coarse label, with anything outside the taxonomy treated as OTHER (never an error here:
    a replacer must not leave PHI in place because a label was unexpected)."""
    try:
        return coarse(label)
    except ValueError:
        return "OTHER"


def _other_surrogate(label: str, original: str, rng: Any, *, locale: str, script: str,
                     shape: str, date_shift: int | None, date_order: str,
                     age_offset: int | None) -> str:
    group = _coarse(label)
    pool = get_pool(locale)
    if label == "USERNAME":
        return _username(original, locale, rng)
    if group == "DATE":
        days = date_shift if date_shift is not None else pick_nonzero((-365, 365),
                                                                      rng.getrandbits(64))
        shifted = shift_date(original, days, order=date_order)
        return shifted if shifted is not None else _unparsed_date(original, rng)
    if group == "AGE":
        return _age(original, rng, age_offset)
    if label in ("PHONE", "FAX"):
        return _phone(original, locale, rng, shape)
    if label == "EMAIL":
        return _email(original, locale, rng)
    if label == "URL":
        return _url(original, rng)
    if label == "IPADDR":
        return _ip(original, rng)
    if group == "ID":
        # Only national IDs have a cultural shape; MRNs and accounts follow the hospital's.
        if shape == "locale" and label == "SSN":
            return pool.id_number(rng)
        return keep_shape(original, rng)
    if label == "ZIP":
        return pool.zip_code(rng) if shape == "locale" else keep_shape(original, rng)
    if label == "STREET":
        return _street(original, locale, rng, script)
    if label == "CITY" or label == "LOCATION_OTHER" or label == "LOCATION":
        return _match_case(original, pool.place("cities", rng, script))
    if label == "STATE":
        if shape == "locale":
            state = pool.place("states", rng, script)
            return state if len(original.strip()) <= 3 else _match_case(original, state)
        return _state(original, locale, rng, script)
    if label == "COUNTRY":
        return _country(original, locale, rng, script)
    if label == "HOSPITAL":
        return _match_case(original, pool.place("hospitals", rng, script))
    if label == "ORGANIZATION":
        return _organization(original, locale, rng, script)
    if label == "DEPARTMENT":
        return _department(original, locale, rng)
    if label == "ROOM":
        return _room(original, locale, rng)
    if group == "PROFESSION":
        return _profession(original, rng)
    if group == "CONTACT":
        return keep_shape(original, rng)
    return keep_shape(original, rng)


# =============================================================================================
# The stateful engine
# =============================================================================================


@dataclass(frozen=True, slots=True)
class SpanSurrogate:
    """What the engine decided for one span (kept for span attrs and the mapping file)."""

    text: str
    locale: str
    gender: str | None = None


def _echoes(original: str, *candidates: str) -> bool:
    """Whether a candidate repeats the original (or, for 3+ characters, contains it)."""
    key = _fold(original)
    if not key:
        return False
    return any(key == _fold(c) or (len(key) >= 3 and key in _fold(c)) for c in candidates)


def _looks_given(doc: Document, span: Span) -> bool:
    """A lone token is a given name when the pools know it as one and no title precedes it."""
    tokens = [t for t in _tokenise_name(doc.text[span.start : span.end]) if t.kind != "sep"]
    if len(tokens) != 1 or tokens[0].kind != "word":
        return False
    before = _tokenise_name(doc.text[max(0, span.start - 12) : span.start].split("\n")[-1])
    if any(t.kind == "title" for t in before):
        return False
    return infer_gender(tokens[0].text) is not None


class SurrogateEngine:
    """Consistent surrogates for the spans of documents, scope by scope.

    ``locale``: a fixed locale, or None to use ``store.locale_for(scope)`` (the locale mix).
    ``shape``: "keep" (surrogate mode) or "locale" (localize). ``shift_dates``: False keeps dates
    (and ages) as they are. ``gender``: "keep" infers, "female"/"male" forces.
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
        self.keep_labels = frozenset(keep_labels)

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
        return detect_gender(doc.text, span.start, span.end,
                             use_pronouns=span.label in ("PATIENT", "NAME"))

    def surrogate(self, doc: Document, span: Span, scope: str) -> SpanSurrogate:
        """The surrogate of one span. ``scope`` comes from ``scope_of(doc)`` (or the caller's
        own keyed scope), taken once per document: all of its spans must share it."""
        whole = doc.text[span.start : span.end]
        lead, original, trail = split_edges(whole)
        result = self._surrogate_core(doc, span, scope, original)
        return SpanSurrogate(lead + result.text + trail, result.locale, result.gender)

    def _surrogate_core(self, doc: Document, span: Span, scope: str,
                        original: str) -> SpanSurrogate:
        locale = self._locale(scope)
        label = span.label
        if not original or label in self.keep_labels or _coarse(label) in self.keep_labels or (
                not self.shift_dates and _coarse(label) in ("DATE", "AGE")):
            return SpanSurrogate(original, locale)
        if label in _NAME_LABELS:
            gender = self.gender_for(doc, span)
            if gender is None:
                # Deterministic, recorded assignment so the variant says what it used.
                rng = self.store.rng(scope, "gender", _fold(original))
                gender = rng.choice(("female", "male"))
            maker = _NameMaker(locale, self.script, self._name_pick(scope, locale))
            text = maker.make(original, gender, single_is_given=_looks_given(doc, span),
                              swap_titles=self.gender in ("female", "male"))
            return SpanSurrogate(text, locale, gender)
        group = f"{_coarse(label)}:{label}:{locale}"
        norm = _fold(original)
        cached = self.store.lookup(scope, group, norm)
        if cached is not None:
            return SpanSurrogate(cached, locale)
        text = original
        for attempt in range(12):
            rng = self.store.rng(scope, label, norm, str(attempt))
            text = _other_surrogate(
                label, original, rng, locale=locale, script=self.script, shape=self.shape,
                date_shift=self.store.date_offset(scope), date_order=self.date_order,
                age_offset=self._age_offset(scope),
            )
            if attempt < 11 and (text == original or _echoes(original, text)):
                continue
            if self.store.claim(scope, group, norm, text) or attempt == 11:
                break
        return SpanSurrogate(text, locale)

    def _age_offset(self, scope: str) -> int:
        rng = self.store.rng(scope, "age-offset")
        return rng.choice([-3, -2, -1, 1, 2, 3])  # type: ignore[no-any-return]

    def replace_spans(self, doc: Document, spans: Sequence[Span]) -> tuple[str, list[Span],
                                                                          list[SpanSurrogate]]:
        scope = scope_of(doc)
        try:
            ordered = sorted(spans, key=lambda s: (s.start, s.end))
            results = [self.surrogate(doc, s, scope) for s in ordered]
            text, moved = splice(doc.text, ordered, [r.text for r in results])
            for span, result in zip(ordered, results, strict=True):
                self.store.note(scope, doc.id, span.label, doc.text[span.start : span.end],
                                result.text)
        finally:
            if patient_scope(doc) is None:
                self.store.forget(scope)  # single use: nothing will ever look it up again
        return text, moved, results


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
            if code not in LOCALE_CODES:
                raise ConfigError(f"unknown locale {code!r} in [replace] locales; "
                                  f"known: {', '.join(LOCALE_CODES)}")
        self.store = SurrogateStore(resolve_key(key, key_env, required=require_key),
                                    tuple(locales),
                                    (int(date_shift_days[0]), int(date_shift_days[1])),
                                    record=mapping_file is not None,
                                    cache_scopes=cache_scopes)
        self.engine = SurrogateEngine(self.store, script=script, date_order=date_order)
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

