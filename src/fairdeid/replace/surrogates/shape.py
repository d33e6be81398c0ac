"""Shape helpers every generator shares, and the generator of last resort.

Why shapes: a surrogate that keeps the original's layout (digits for digits, the case style, the
punctuation around it) reads like the note it came from, and parsers downstream (dates, MRN
formats) keep working.
"""

from __future__ import annotations

import random
import string
import unicodedata

from fairdeid.replace.surrogates.context import SurrogateContext


def match_case(template: str, value: str) -> str:
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


def keep_shape(original: str, rng: random.Random) -> str:
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


def fold(text: str) -> str:
    """The identity of a string for consistency: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def to_ascii(text: str) -> str:
    """Latin letters, digits and ``._-`` only: logins and e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "._-"))


class KeepShape:
    """IDs, contact details without a format of their own, OTHER and unknown labels: digits
    stay digits and letters letters, everything else as written."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return keep_shape(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return keep_shape("AB-0000000", rng)
