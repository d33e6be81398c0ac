"""Person names: part by part, shape and gender kept (PATIENT, DOCTOR, NAME).

"J. Smith" → initial + surname, "SMITH, JOHN" stays upper case in surname-first order, titles and
suffixes stay, a Chinese name in Han characters is split into family and given name. Each part is
drawn through a ``pick(role, token, gender)`` callback: stateless draws here, consistent keyed
draws in the engine (the same "Zhang" → the same surname everywhere in a scope).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fairdeid.locales import Name, get_pool, infer_gender
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import fold, match_case

#: Labels whose surrogates are person names (USERNAME is a login: see ``contact``).
NAME_LABELS = frozenset({"PATIENT", "DOCTOR", "NAME"})

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
class NameToken:
    text: str
    kind: str  # "word", "initial", "title", "suffix", "sep"


def _is_letter(ch: str) -> bool:
    # Letters *and* combining marks: Devanagari/Bengali vowel signs are marks, not letters.
    return unicodedata.category(ch)[0] in "LM"


def tokenise_name(text: str) -> list[NameToken]:
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
            tokens.append(NameToken(text[i:j], "sep"))
            i = j
            continue
        if not _is_letter(ch) or unicodedata.category(ch)[0] == "M":
            tokens.append(NameToken(ch, "sep"))
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
        tokens.append(NameToken(word, kind))
        i = j
    return tokens


def _title_gender(tokens: Sequence[NameToken]) -> str | None:
    for t in tokens:
        if t.kind == "title":
            g = _TITLES.get(t.text.rstrip(".").casefold())
            if g:
                return g
    return None


@dataclass(frozen=True, slots=True)
class GenderEvidence:
    """A gender and how strong the evidence for it is: 3 a title (or a given attr), 2 the pooled
    first name of a full name, 1 pronouns near the span or a lone pooled first name, 0 none."""

    gender: str | None
    strength: int


def gender_evidence(
    text: str,
    start: int,
    end: int,
    *,
    use_pronouns: bool = True,
    window: int = 200,
) -> GenderEvidence:
    """Gender evidence for the name at ``text[start:end]``: a title in or just before the span,
    then the pooled first-name lists, then he/she pronouns near the span (clear majority only).
    """
    span_tokens = tokenise_name(text[start:end])
    before = text[max(0, start - 12) : start]
    gender = _title_gender(span_tokens) or _title_gender(tokenise_name(before.split("\n")[-1]))
    if gender:
        return GenderEvidence(gender, 3)
    words = [t for t in span_tokens if t.kind == "word"]
    has_comma = any(t.text == "," for t in span_tokens)
    if len(words) >= 2 or (words and not has_comma):
        given = words[-1] if has_comma else words[0]
        gender = infer_gender(given.text)
        if gender and (len(words) >= 2 or has_comma):
            return GenderEvidence(gender, 2)
    if use_pronouns:
        lo, hi = max(0, start - window // 2), min(len(text), end + window)
        counts = {"female": 0, "male": 0}
        for w in _WORD.findall(text[lo:start] + " " + text[end:hi]):
            g = _PRONOUNS.get(w.casefold())
            if g:
                counts[g] += 1
        f, m = counts["female"], counts["male"]
        if f >= 2 * m and f > 0:
            return GenderEvidence("female", 1)
        if m >= 2 * f and m > 0:
            return GenderEvidence("male", 1)
    if len(words) == 1 and not has_comma:
        gender = infer_gender(words[0].text)
        return GenderEvidence(gender, 1 if gender else 0)
    return GenderEvidence(None, 0)


def detect_gender(
    text: str,
    start: int,
    end: int,
    *,
    use_pronouns: bool = True,
    window: int = 200,
) -> str | None:
    """The gender ``gender_evidence`` finds for one mention (None: no evidence)."""
    return gender_evidence(text, start, end, use_pronouns=use_pronouns, window=window).gender


def given_name_key(original: str, *, single_is_given: bool) -> str | None:
    """The folded token ``NameMaker`` treats as the given name of ``original`` (None: no given
    name, or only an initial). Why: a person's gender belongs to their given name, and the
    engine keeps one gender per given name across a note ("Mr. Anil Shah" ... "Anil")."""
    stripped = original.strip()
    if _HAN.match(stripped) and len(stripped) >= 2:
        return stripped[2:] if stripped[:2] in _ZH_COMPOUND else stripped[1:]
    tokens = tokenise_name(original)
    words = [i for i, t in enumerate(tokens) if t.kind in ("word", "initial")]
    if not words:
        return None
    comma = next((i for i, t in enumerate(tokens) if t.text == ","), None)
    if comma is not None and any(i < comma for i in words) and any(i > comma for i in words):
        given = next(i for i in words if i > comma)
    elif len(words) == 1:
        if not single_is_given:
            return None
        given = words[0]
    else:
        given = words[0]
    token = tokens[given]
    return None if token.kind == "initial" else fold(token.text.rstrip("."))


class NameMaker:
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
        return match_case(template, value) if self.script == "romanised" or \
            name.native == name.romanised else value

    def make(self, original: str, gender: str | None, *, single_is_given: bool = False,
             swap_titles: bool = False) -> str:
        stripped = original.strip()
        if _HAN.match(stripped) and len(stripped) >= 2:
            return self._make_han(original, stripped, gender)
        tokens = tokenise_name(original)
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
                out.append(match_case(tok.text, letter.upper())
                           + ("." if tok.text.endswith(".") else ""))
                continue
            bare = tok.text.rstrip(".")
            name = self.pick(role, fold(bare), gender)
            parts[role] = name
            out.append(self._render(name, bare) + tok.text[len(bare):])
        if self.script == "native" and self.pool.family_name_first and \
                "given" in parts and "surname" in parts:
            lead = "".join(t.text for t in tokens if t.kind == "title")
            lead = lead + " " if lead else ""
            return lead + parts["surname"].native + parts["given"].native
        return "".join(out)

    def _single(self, original: str, gender: str | None) -> str:
        name = self.pick("surname", fold(original), gender)
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


def swap_titles(text: str, gender: str) -> str:
    """``text`` with its gendered titles that contradict ``gender`` made Mr/Ms (the title part
    of a span with a title inside, when the gender is forced)."""
    return "".join(_swap_title(tok, gender) for tok in tokenise_name(text))


def _swap_title(tok: NameToken, gender: str | None) -> str:
    """A gendered title that contradicts a forced gender becomes the neutral-ish Mr/Ms."""
    if tok.kind != "title" or gender not in ("female", "male"):
        return tok.text
    bare = tok.text.rstrip(".")
    current = _TITLES.get(bare.casefold())
    if current is None or current == gender:
        return tok.text
    new = "Ms" if gender == "female" else "Mr"
    return match_case(bare, new) + tok.text[len(bare):]


def draw_name(pool_code: str, role: str, gender: str | None, rng: random.Random) -> Name:
    pool = get_pool(pool_code)
    if role == "surname":
        return rng.choice(pool.surnames)
    g = gender if gender in ("female", "male") else rng.choice(("female", "male"))
    return rng.choice(pool.first_names[g])


class Names:
    """PATIENT, DOCTOR, NAME."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        locale = ctx.locale
        maker = NameMaker(locale, ctx.script,
                          lambda role, tok, g: draw_name(locale, role, g, rng))
        return maker.make(original, ctx.gender)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return get_pool(ctx.locale).full_name(rng, ctx.gender, script=ctx.script)
