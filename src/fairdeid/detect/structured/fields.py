"""Inline export fields ("Name.......: Rohlfs, Hinrich | PID: 304188") and login names.

Why: an EHR export printed as text (ORBIS, HiX, Diraya, Axigate ...) has no header row, so the
table reader never sees it; it puts several "label: value" fields on one line, separated by
pipes, tabs or runs of spaces, often with dotted leaders ("Anschrift......: "). The label says
what the value is, in the same words a table header would, so the labels are the packs'
``table_headers.toml`` words (one data set for tables and fields). A value gets its label's type
only when it has the promised shape (a date starts like a date, a name is capitalised words,
an identifier has digits), and only the value part: the clinical text after it stays.

Two more shapes are read here because exports print them in their headers and footers: a
login after a user key ("Benutzer: GENO\\tmeyer04", "usuario: jlacasa", "codé par dim_mlouisy")
and a Windows domain login anywhere ("WIGEV\\pkrenn01"), which no prose rule knows.

Only lines that look like an export are read: a line with a dotted leader, a pipe, or two or
more fields. A lone "Patient: ..." in a letter is left to the prose rules, and a clinical field
("Diagnose: Pneumonie") is no header word, so it is never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fairdeid.detect.structured.common import Hit
from fairdeid.detect.structured.tables import HeaderWords, _cell, _lines

#: where one field of a line ends: a pipe, a tab, a middle dot, or two or more spaces
_SEPARATOR = re.compile(r"[ \t]*\|[ \t]*|\t+| +· +|[ \t]{2,}")
#: a field: a short label, then a dotted leader and/or a colon, then the value (maybe empty:
#: "Station/Zi ....| value" has its value in the next cell)
_FIELD = re.compile(
    r"(?P<label>[^\W\d_][^\W\d_ .'/()-]*(?:[ .'/()-]{1,3}[^\W\d_]+){0,4}\.?)"
    r"(?P<leader>[ \t]*\.{2,}[ \t]*:?|[ \t]*:)[ \t]*")
#: a Windows domain login ("GENO\tmeyer04"): a short domain, a backslash, the account
_DOMAIN_LOGIN = re.compile(
    r"(?<![\w\\])[A-Za-z][A-Za-z0-9-]{1,15}\\[A-Za-z][A-Za-z0-9._-]{1,30}(?![\w\\])")
#: an account name: lower case (maybe with digits, "_", "." or "-"), a domain login, or one
#: word in capitals of five letters or more ("DVDBERGHE")
_LOGIN = re.compile(
    r"[A-Za-z][A-Za-z0-9-]{1,15}\\[A-Za-z][A-Za-z0-9._-]{1,30}"
    r"|[a-z][a-z0-9._-]{2,30}|[A-Z][A-Z0-9_]{4,19}")
#: a login has one of these, or is followed by the end of its field
_LOGIN_MARK = re.compile(r"[\d_\\.]")
_LOGIN_END = re.compile(r"[ \t]*(?:$|[|·\])},;]|[–—-][ \t]|\n)")
#: a personal name: capitalised words, initials, lower-case particles ("van der", "de la")
_NAME_WORD = re.compile(
    r"(?:[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?|\([^\W\d_]+\))")
_PARTICLES = frozenset({"von", "van", "der", "den", "de", "del", "della", "di", "da", "du",
                        "des", "la", "le", "lo", "y", "e", "zu", "ten", "ter", "dos", "das",
                        "do", "al", "el", "bin", "ben", "née", "nee", "geb", "geb.", "ép."})
_MIN_AGE = 90
#: a word that ends an identifier or an age: lower-case letters, maybe with a period
_UNIT = re.compile(r"[^\W\d_A-Z]+\.?")
_ID_LABELS = frozenset({"MEDICALRECORD", "ACCOUNT", "SSN", "HEALTHPLAN", "LICENSE", "IDNUM"})


def find(text: str, headers: HeaderWords) -> list[Hit]:
    """Every field value of an export line whose label is a known header, every login after
    a user key, and every domain login."""
    hits: list[Hit] = []
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            continue
        if ":" in line or "." in line:
            hits.extend(_fields(text, start, end, headers))
        hits.extend(_user_logins(text, start, end, headers))
    hits.extend(Hit(m.start(), m.end(), "USERNAME", "field.login")
                for m in _DOMAIN_LOGIN.finditer(text))
    return hits


def _segments(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for match in _SEPARATOR.finditer(text, start, end):
        if match.start() > pos:
            yield _lstrip(text, pos, match.start()), match.start()
        pos = match.end()
    if pos < end and text[pos:end].strip():
        yield _lstrip(text, pos, end), end


def _lstrip(text: str, start: int, end: int) -> int:
    while start < end and text[start] in " \t":
        start += 1
    return start


def _fields(text: str, start: int, end: int, headers: HeaderWords) -> list[Hit]:
    """The fields of one line: (label, entry, value region, dotted) per known label."""
    line = text[start:end]
    segments = list(_segments(text, start, end))
    found: list[tuple[str, str, tuple[int, int], bool]] = []
    known = 0
    for index, (a, b) in enumerate(segments):
        match = _FIELD.match(text, a, b)
        if match is None:
            continue
        whole = headers.whole(match.group("label"))
        if whole is None:
            continue
        known += 1
        dotted = "." in match.group("leader")
        value: tuple[int, int] | None = (match.end(), b) if match.end() < b else None
        if value is None and index + 1 < len(segments) and (dotted or text[b:b + 1] != " "):
            nxt = segments[index + 1]
            if _FIELD.match(text, *nxt) is None or headers.whole(
                    _FIELD.match(text, *nxt).group("label")) is None:  # type: ignore[union-attr]
                value = nxt
        if value is not None:
            found.append((whole[0], whole[1], value, dotted))
    export = "|" in line or ".." in line or known >= 2
    hits: list[Hit] = []
    for label, entry, (a, b), dotted in found:
        if label == "USERNAME" or not export:
            continue  # logins: _user_logins, with or without a colon
        if entry in headers.weak and not (dotted or known >= 2):
            continue
        hit = _value(text, a, b, label, entry)
        if hit is not None:
            hits.append(hit)
    return hits


_WORD = re.compile(r"[^\W\d_]+")


def _user_logins(text: str, start: int, end: int, headers: HeaderWords) -> Iterator[Hit]:
    """A login after a user key of one or two words, with or without a colon ("usr
    SAS\\mrbenitez2", "operatore lbaldoni2", "codé par dim_mlouisy", "auteur msoubrier]")."""
    words = list(_WORD.finditer(text, start, end))
    for i, word in enumerate(words):
        keys = [word.group()]
        if i > 0 and text[words[i - 1].end():word.start()].strip() in ("", "-"):
            keys.insert(0, text[words[i - 1].start():word.end()])
        found_key = next((whole for key in keys if (whole := headers.whole(key)) is not None
                          and whole[0] in ("USERNAME", "DOCTOR")), None)
        if found_key is None:
            continue
        entry = found_key[1]
        after = re.compile(r"[ \t]*:?[ \t]*").match(text, word.end(), end)
        pos = after.end() if after is not None else word.end()
        if pos == word.end() or pos >= end:
            continue
        found = _value(text, pos, end, "USERNAME", entry)
        # a staff key ("operatore") is followed by a name as often as by a login: only a
        # login with a digit, "_", "." or a backslash counts there
        if found is not None and (found_key[0] == "USERNAME"
                                  or _LOGIN_MARK.search(text[found.start:found.end])):
            yield found


def _value(text: str, a: int, b: int, label: str, entry: str) -> Hit | None:
    """The value of one field when it has the shape its label promises."""
    where = "field." + entry.replace(" ", "_")
    value = text[a:b]
    if label == "USERNAME":
        login = _LOGIN.match(value)
        if login is None:
            return None
        name = login.group().rstrip(".-")
        rest = value[len(name):]
        if len(name) < 3 or (not _LOGIN_MARK.search(name) and not _LOGIN_END.match(rest)):
            return None  # "dr. Reijnen": a title, not a login
        return Hit(a, a + len(name), label, where)
    found = _cell(text, (a, b), label, entry)
    if found is None:
        return None
    if label in _ID_LABELS or label == "AGE":
        found = _id_part(text, found)
        if found is None:
            return None
    shown = text[found.start:found.end]
    if label in {"PATIENT", "DOCTOR"} and not _is_name(shown):
        return None
    if label == "STREET" and not any(ch.isdigit() for ch in shown):
        return None
    if label == "CITY" and (any(ch.isdigit() for ch in shown) or not shown[:1].isupper()):
        return None
    if label == "AGE":
        digits = re.match(r"\d+", shown)
        if digits is None or int(digits.group()) < _MIN_AGE:
            return None
    return Hit(found.start, found.end, found.label, where)


def _id_part(text: str, found: Hit) -> Hit | None:
    """An identifier or an age without what an export prints after it: a bracket
    ("7260119344 (stationär)"), a word in lower case ("JEAM 4856 1213 exp. 2028-06",
    "93 jr", "91 a.")."""
    end = found.start
    for token in re.finditer(r"\S+", text[found.start:found.end]):
        word = token.group()
        if word.startswith(("(", "[")) or _UNIT.fullmatch(word):
            break
        end = found.start + token.end()
    if end == found.start:
        return None
    return Hit(found.start, end, found.label, found.where)


def _is_name(value: str) -> bool:
    """Capitalised words, initials and particles, five words at most: a name, not a phrase
    ("78-jähriger Mann", "wie besprochen")."""
    words = value.replace(",", " ").split()
    if not words or len(words) > 5 or any(ch.isdigit() for ch in value):
        return False
    capital = 0
    for word in words:
        if word.casefold() in _PARTICLES:
            continue
        if _NAME_WORD.fullmatch(word) is None:
            return False
        first = word.lstrip("(")[:1]
        if not first.isupper():
            return False
        capital += 1
    return capital > 0
