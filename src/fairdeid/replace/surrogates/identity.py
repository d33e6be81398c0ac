"""One surrogate per value, whatever its layout: phones, faxes and identifiers.

Why: a note (or a patient's notes) often writes one number twice, "(617) 555-0142" in the
header and "617.555.0142" in the text, or an MRN with and without its dashes. Keyed on the
written text, the two got unrelated surrogates, which both breaks the promise that a patient's
surrogates are consistent and tells a reader the two were different numbers. Here the identity
is the value's letters and digits (upper-cased; for phones, after a "+CC" country code and a
trunk prefix, both kept as written): the surrogate is drawn once for that identity and then
written in each original's own layout (separators in place, the original's case at each
position).

A phone's identity is its national number: "0161 496 0000", "+44 161 496 0000", "+44 (0)161
496 0000" and "(0161) 4960000" are one number, as are "06 12 34 56 78" and "+33 6 12 34 56 78",
and "1-555-201-0142", "+1 555 201 0142" and "555-201-0142". The trunk prefix (a leading 0; the
1 of an 11-digit number written without "+") is written back as it was, so each layout keeps
its own prefix. The same rule applies to every spelling, so numbers whose 0 belongs to the
number (Italy's "02 ...") still match their "+39 02 ..." spelling.

A phone's extension ("617-555-0142 ext. 214", "x12", "poste 23", "Durchwahl 17") is not part of
its identity: the number with and without it is one value with one surrogate. The extension's
word is written back as it was and its digits get their own keyed surrogate (one per number and
extension), so "ext." never turns into random letters.

Phones and faxes share their surrogates, and so do all identifier labels (``family``).

Which kind of national number a value is (a checksum to keep valid) is decided from the
identity and the label only, never from the layout, so both spellings take the same path. The
one number recognised by its layout alone, the US SSN, is therefore taken as one when the span
is labelled SSN; an MRN-labelled "123-45-6789" gets digits of its shape.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from fairdeid.locales.national_ids import NUMBERS, NationalNumber, identify
from fairdeid.replace.surrogates.shape import keep_shape

#: Labels outside the ID group whose value is a number written in a free layout.
_NUMBER_LABELS = frozenset({"PHONE", "FAX"})
_COUNTRY_CODE = re.compile(r"^\s*\+\d{1,3}(?=[\s\-(.])")
#: A trailing extension: its word (English, French, German, Dutch, Italian, Spanish) and 1-6
#: digits. "x" needs no space before it ("0142x12"); the words do.
_EXTENSION = re.compile(
    r"(?:\s*[,;/]?\s*(?:(?<=[\s,;/])(?:ext|extn|extension|poste|durchwahl|dw|toestel|tst|"
    r"interno|int|anexo|ext\.?)\.?|x)\s*[:.#-]?\s*)(\d{1,6})\s*$",
    re.IGNORECASE,
)
_TAIL_DIGITS = re.compile(r"\d+(?=\s*$)")
#: Digits the number must keep before an extension is split off (a short code is no phone).
_MIN_NUMBER_DIGITS = 7
_US_SSN = "us.ssn"


@dataclass(frozen=True, slots=True)
class Written:
    """A value split into what is kept as written (``head``), the part whose letters and
    digits are replaced (``body``) and the identity of the value (``key``)."""

    head: str
    body: str
    key: str
    #: leading letters and digits of ``body`` written back unchanged (a phone's trunk prefix)
    kept: int = 0
    #: a phone's extension as written ("" when none): its word kept, its digits replaced
    tail: str = ""
    #: the extension's digits
    tail_key: str = ""


def layout_free(label: str, coarse: str) -> bool:
    """Whether spans of ``label`` (coarse group ``coarse``) are identified by value, not by
    their written layout."""
    return label in _NUMBER_LABELS or coarse == "ID"


def family(label: str, coarse: str) -> str:
    """The labels that share surrogates for one value: a number labelled PHONE in one note and
    FAX in the next ("Tel/Fax: ..."), or MEDICALRECORD here and IDNUM there (a detector's fine
    ID label is often a guess), is still one number."""
    return "PHONE" if label in _NUMBER_LABELS else coarse


def written(label: str, original: str) -> Written | None:
    """``original`` split for ``label``; None when it holds no letter or digit (nothing to key
    on: the caller's usual path handles it)."""
    head = ""
    if label in _NUMBER_LABELS:
        m = _COUNTRY_CODE.match(original)
        head = m.group(0) if m else ""
    body = original[len(head):]
    tail = tail_key = ""
    if label in _NUMBER_LABELS:
        body, tail, tail_key = _split_extension(body)
    key = "".join(c for c in body if c.isalnum()).upper()
    if not key:
        return None
    kept = _trunk(key, international=bool(head)) if label in _NUMBER_LABELS else 0
    if kept >= len(key):
        kept = 0
    return Written(head, body, key[kept:], kept, tail, tail_key)


def _split_extension(body: str) -> tuple[str, str, str]:
    """``body`` cut before a trailing extension: (number, extension as written, its digits);
    the extension is "" when there is none or the number before it is too short to be one."""
    m = _EXTENSION.search(body)
    if m is None or m.start() == 0:
        return body, "", ""
    number = body[: m.start()]
    if sum(c.isdigit() for c in number) < _MIN_NUMBER_DIGITS or not number[-1:].isalnum():
        return body, "", ""
    return number, body[m.start():], m.group(1)


def _trunk(digits: str, *, international: bool) -> int:
    """How many leading digits of a phone are its trunk prefix: a 0 ("0161 ...", "+44 (0)161
    ..."), or the 1 of an 11-digit North American number written without "+" ("1-555-...")."""
    if digits.startswith("0") and not digits.startswith("00"):
        return 1
    if not international and len(digits) == 11 and digits.startswith("1"):
        return 1
    return 0


def _kind(label: str, key: str, country: str) -> NationalNumber | None:
    if label in _NUMBER_LABELS:
        return None
    number = identify(key, [country] if country else [])
    if number is not None:
        return number
    ssn = NUMBERS[_US_SSN]
    return ssn if label == "SSN" and ssn.valid(key) else None


def draw(label: str, key: str, rng: random.Random, locale: str) -> str:
    """A replacement identity for ``key``: a valid number of the same kind for a national
    number (see ``fairdeid.replace.surrogates.ids``), else letters for letters and digits for
    digits. Same length as ``key``."""
    number = _kind(label, key, locale.rpartition("_")[2])
    if number is not None:
        for _ in range(8):
            value = number.make(rng)
            if value != key and len(value) == len(key):
                return value
    return keep_shape(key, rng)


def pour(value: Written, surrogate: str, tail_surrogate: str = "") -> str:
    """``surrogate`` (an identity) written in ``value``'s layout: its head and separators kept,
    each letter or digit replaced in order, in the original's case at that position; a phone's
    extension follows with its word kept and its digits taken from ``tail_surrogate``."""
    return _pour_body(value, surrogate) + _pour_tail(value.tail, tail_surrogate)


def _pour_tail(tail: str, digits: str) -> str:
    """The extension's last digit run replaced by ``digits`` (its word and spacing kept)."""
    m = _TAIL_DIGITS.search(tail)
    if m is None:
        return tail
    return tail[: m.start()] + digits + tail[m.end():]


def _pour_body(value: Written, surrogate: str) -> str:
    chars = iter(surrogate)
    out = [value.head]
    kept = value.kept
    for ch in value.body:
        if ch.isalnum() and kept:
            kept -= 1
            out.append(ch)
        elif ch.isalnum():
            new = next(chars)
            out.append(new.lower() if ch.islower() else new)
        elif unicodedata.category(ch)[0] == "M":
            continue  # a combining mark of a replaced letter must not dangle
        else:
            out.append(ch)
    return "".join(out)
