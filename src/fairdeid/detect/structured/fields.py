"""Inline export fields ("Name.......: Rohlfs, Hinrich | PID: 304188"), logins, and the
senders of chat messages and e-mails.

Why: an EHR export printed as text (ORBIS, HiX, Diraya, Axigate ...) has no header row, so the
table reader never sees it; it puts several "label: value" fields on one line, separated by
pipes, tabs or runs of spaces, often with dotted leaders ("Anschrift......: "). The label says
what the value is, in the same words a table header would, so the labels are the packs'
``table_headers.toml`` words (one data set for tables and fields). A value gets its label's type
only when it has the promised shape (a date starts like a date, a name is capitalised words,
an identifier has digits), and only the value part: the clinical text after it stays.

Two more shapes are read here because exports print them in their headers and footers: a
login after a user key ("Benutzer: GENO\\tmeyer04", "usuario: jlacasa", "codé par dim_mlouisy")
and a Windows domain login anywhere ("WIGEV\\pkrenn01"), which no prose rule knows. Threads
pasted into a note name their writers in message headers ("[24/11/26, 20:15] Bryan Moreira:")
and mail headers ("Von: Corinne Wälti <c.waelti@...>"); titles, roles and specialty words that
are no names are data (``data/chat.toml``). A portal or app thread names its writers by their
handles instead ("26/11/2026 10:03 dilani_f: ..."): a sender in login shape (``_is_chat_login``)
is a USERNAME, and so is every other occurrence of that handle in
the note (the participants' list above the thread). Hand-made XML exports and CDA documents
name a value by its element ("<Apellido1>BETANCOR</Apellido1>", "<city>Collalbo</city>"): an
element holding text only is read as a field whose label is its tag's words.

Only lines that look like an export are read: a line with a dotted leader, a pipe, or two or
more fields. A lone "Patient: ..." in a letter is left to the prose rules, and a clinical field
("Diagnose: Pneumonie") is no header word, so it is never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from fairdeid.detect.structured.common import Hit
from fairdeid.detect.structured.specs import load_data
from fairdeid.detect.structured.tables import (
    HeaderWords,
    _cell,
    _is_segment,
    _lines,
    normalise,
)
from fairdeid.errors import ConfigError

#: where one field of a line ends: a pipe, a tab, a middle dot, or two or more spaces
_SEPARATOR = re.compile(r"[ \t]*\|[ \t]*|\t+| +· +|[ \t]{2,}")
#: a field: a short label, then a dotted leader and/or a colon, then the value (maybe empty:
#: "Station/Zi ....| value" has its value in the next cell)
_LABEL = r"(?P<label>[^\W\d_][^\W\d_ .'/()-]*(?:[ .'/()-]{1,3}[^\W\d_]+){0,4}\.?)"
_FIELD = re.compile(_LABEL + r"(?P<leader>[ \t]*\.{2,}[ \t]*:?|[ \t]*:)[ \t]*")
#: a cell that is a label and nothing else, before a pipe ("REPARTO / LETTO | Cardiologia U")
_BARE = re.compile(_LABEL + r"(?P<leader>)[ \t]*(?=\|)")
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
_BEFORE_NAME = re.compile(r"\.?[ \t]+[^\W\d_a-z]")
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
    a user key, every domain login and every chat sender."""
    hits: list[Hit] = []
    if ":" in text or "|" in text or ".." in text:
        for start, end in _lines(text):
            line = text[start:end]
            if (":" in line or "|" in line or ".." in line) and not _is_segment(line):
                hits.extend(_fields(text, start, end, headers))
    hits.extend(_user_logins(text, headers))
    if "\\" in text and "{\\rtf" not in text:  # RTF: "Pesaro\\par" is syntax (markup.py)
        hits.extend(Hit(m.start(), m.end(), "USERNAME", "fields.login")
                    for m in _DOMAIN_LOGIN.finditer(text))
    if ":" in text:
        hits.extend(sender for match in _CHAT.finditer(text)
                    if (sender := _chat_sender(text, match)) is not None)
        hits.extend(_chat_logins(text))
    if "@" in text:
        hits.extend(person for match in _MAIL.finditer(text)
                    if (person := _mail_person(text, match)) is not None)
    if "</" in text:
        hits.extend(_xml_values(text, headers))
    return hits


#: an XML element that holds text only, on one line ("<Apellido1>BETANCOR</Apellido1>")
_XML_VALUE = re.compile(
    r"<(?P<name>[A-Za-z_][\w:.-]*)(?:\s[^<>]*)?>(?P<value>[^<>\n]{1,120})</(?P=name)>")


def _xml_values(text: str, headers: HeaderWords) -> list[Hit]:
    """Each XML element whose tag, split into words ("streetAddressLine", "Apellido1",
    "pat:birthDate"), is a known header, and whose text has the shape the label promises."""
    hits: list[Hit] = []
    for m in _XML_VALUE.finditer(text):
        name = m.group("name").rsplit(":", 1)[-1]
        words = re.sub(r"(?<=[a-z])(?=[A-Z])|[_.\d-]+", " ", name)
        found = headers.label(words)
        if found is None or found[2]:
            continue
        a, b = m.span("value")
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b and (hit := _value(text, a, b, found[0], found[1])) is not None:
            hits.append(hit)
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
        match = _FIELD.match(text, a, b) or _BARE.match(text, a, b + 2)
        if match is None or match.end("label") > b:
            continue
        label_text = match.group("label")
        whole = headers.whole(label_text)
        parts = [headers.whole(part) for part in _SLASH.split(label_text)]
        if whole is None and (len(parts) < 2 or not any(parts)):
            continue
        known += 1
        dotted = "." in match.group("leader")
        value: tuple[int, int] | None = (match.end(), b) if match.end() < b else None
        bare = not match.group("leader")
        if value is None and index + 1 < len(segments) and (dotted or bare
                                                             or text[b:b + 1] != " "):
            nxt = _FIELD.match(text, *segments[index + 1])
            if headers.whole(text[slice(*segments[index + 1])]) is None and (
                    nxt is None or headers.whole(nxt.group("label")) is None):
                value = segments[index + 1]  # not the next label of a header row
        if value is None or (bare and whole is not None):
            continue  # "Nombre | Vínculo | Edad": a header row; key-value cells: tables.py
        if whole is not None:
            found.append((whole[0], whole[1], value, dotted))
            if whole[0] == "STREET" and value[1] == b:
                found.extend(_address_rest(text, segments[index + 1:index + 3], whole[1],
                                           headers, dotted))
        else:
            found.extend((part[0], part[1], region, dotted)
                         for part, region in _slash_values(text, value, parts))
    # a dotted leader ("Name.......:"), not any ".." ("Domicilio: C/ Vitruvio, 2..")
    export = "|" in line or any(dotted for *_, dotted in found) or known >= 2
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


def _user_logins(text: str, headers: HeaderWords) -> Iterator[Hit]:
    """A login after a user key of one or two words, with or without a colon ("usr
    SAS\\mrbenitez2", "operatore lbaldoni2", "codé par dim_mlouisy", "auteur msoubrier]")."""
    keys = _login_keys(headers)
    if keys is None:
        return
    for word in keys.finditer(text):
        candidates = [word.group()]
        # bounded look-arounds: a note without line breaks must not be scanned once per key
        line_start = text.rfind("\n", max(0, word.start() - 40), word.start()) + 1
        previous = _PREVIOUS_WORD.search(text, max(line_start, word.start() - 40),
                                         word.start())
        if previous is not None:
            candidates.insert(0, text[previous.start():word.end()])
        found_key = next((whole for key in candidates if (whole := headers.whole(key)) is not None
                          and whole[0] in ("USERNAME", "DOCTOR")), None)
        if found_key is None:
            continue
        line_end = text.find("\n", word.end(), word.end() + _LOGIN_WINDOW)
        line_end = min(len(text), word.end() + _LOGIN_WINDOW) if line_end < 0 else line_end
        pos = _KEY_GAP.match(text, word.end(), line_end).end()  # type: ignore[union-attr]
        if pos == word.end() or pos >= line_end:
            continue
        found = _value(text, pos, line_end, "USERNAME", found_key[1])
        # a staff key ("operatore") is followed by a name as often as by a login: only a
        # login with a digit, "_", "." or a backslash counts there
        if found is not None and (found_key[0] == "USERNAME"
                                  or _LOGIN_MARK.search(text[found.start:found.end])):
            yield found


#: how far after a user key its login may sit (a login is at most 31 characters)
_LOGIN_WINDOW = 80
_PREVIOUS_WORD = re.compile(r"[^\W\d_]+[ \t-]*$")
_KEY_GAP = re.compile(r"[ \t]*:?[ \t]*")
#: accented letters a key word may be written with ("codé", "Kürzel"); keys are stored
#: without accents
_ACCENTED = {"a": "aàáâäãå", "e": "eèéêë", "i": "iìíîï", "o": "oòóôöõ", "u": "uùúûü",
             "c": "cç", "n": "nñ"}
_KEY_PATTERNS: dict[int, tuple[HeaderWords, re.Pattern[str] | None]] = {}


def _trie_pattern(words: Iterable[str]) -> str:
    """An alternation of ``words`` nested by common prefixes ("co(?:der|ded)"): the regex
    engine then fails on the first letter at most places, not once per word."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict) -> str:  # type: ignore[type-arg]
    branches = []
    optional = False
    for ch, child in sorted(node.items()):
        if ch == "":
            optional = True
            continue
        letter = f"[{_ACCENTED[ch]}]" if ch in _ACCENTED else re.escape(ch)
        branches.append(letter + _trie_node(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        body = f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body


def _login_keys(headers: HeaderWords) -> re.Pattern[str] | None:
    """One pattern for the last words of the user and staff keys: the note is scanned once,
    in C, instead of word by word."""
    cached = _KEY_PATTERNS.get(id(headers))
    if cached is None or cached[0] is not headers:
        ends = sorted({entry.split()[-1] for entry, label in
                       (*headers.cells.items(), *headers.weak.items())
                       if label in ("USERNAME", "DOCTOR") and entry}, key=lambda w: (-len(w), w))
        pattern = (re.compile(r"(?i)\b(?:" + _trie_pattern(ends) + r")\b") if ends else None)
        cached = _KEY_PATTERNS[id(headers)] = (headers, pattern)
    return cached[1]


#: the cells after a street in an export ("adres....: Hoofdstraat 84 | 7872 PE | Valthe"): a
#: postcode (Dutch with its letters, or with a country prefix), maybe with the town after it
_POSTCODE = re.compile(r"(?:[A-Z]{1,2}-)?\d{4,5}(?: ?[A-Z]{2}(?![^\W\d_]))?")


def _address_rest(
    text: str, following: list[tuple[int, int]], entry: str, headers: HeaderWords,
    dotted: bool,
) -> Iterator[tuple[str, str, tuple[int, int], bool]]:
    """ZIP and CITY from the unlabelled cells after an address field: a cell that starts
    with a postcode, then a cell of capitalised words after it (the town)."""
    zip_seen = False
    for a, b in following:
        label = _FIELD.match(text, a, b)
        if label is not None and headers.whole(label.group("label")) is not None:
            return  # the next field
        code = _POSTCODE.match(text, a, b)
        if code is not None:
            zip_seen = True
            yield "ZIP", entry, (a, code.end()), dotted
            if code.end() < b:
                yield "CITY", entry, (code.end(), b), dotted
        elif zip_seen:
            yield "CITY", entry, (a, b), dotted
            return
        else:
            return


_SLASH = re.compile(r"[ \t]*/[ \t]*")


def _slash_values(
    text: str, value: tuple[int, int], parts: list[tuple[str, str] | None]
) -> Iterator[tuple[tuple[str, str], tuple[int, int]]]:
    """The values of a composite field ("Servicio/Cama: Neumología / planta 4ª / 412-A"):
    the label's parts name the value's parts from the right, the last part the last value;
    a value without as many slashes is not split and gives nothing."""
    cuts = [value[0]]
    for match in _SLASH.finditer(text, *value):
        cuts += [match.start(), match.end()]
    cuts.append(value[1])
    pieces = list(zip(cuts[::2], cuts[1::2], strict=True))
    if len(pieces) < len(parts):
        return
    for part, piece in zip(reversed(parts), reversed(pieces), strict=False):
        if part is not None:
            yield part, piece


def _value(text: str, a: int, b: int, label: str, entry: str) -> Hit | None:
    """The value of one field when it has the shape its label promises."""
    where = "fields." + entry.replace(" ", "_")
    value = text[a:b]
    if label == "USERNAME":
        login = _LOGIN.match(value)
        if login is None:
            return None
        name = login.group().rstrip(".-")
        rest = value[len(name):]
        if len(name) < 3 or (not _LOGIN_MARK.search(name) and not _LOGIN_END.match(rest)):
            return None  # "dr. Reijnen": a title, not a login
        if _BEFORE_NAME.match(rest):
            return None  # "mmg dr.ssa Frison": a title before a name
        return Hit(a, a + len(name), label, where)
    found = _cell(text, (a, b), label, entry)
    if found is None:
        return None
    if label in _ID_LABELS or label == "AGE":
        found = _id_part(text, found)
    elif label in {"PATIENT", "DOCTOR"}:
        found = _untitled(text, found)
    elif label in {"CITY", "PROFESSION"}:
        # "Willemstad, Curaçao", "Rentner (früher Schlosser)": the first value only
        cut = re.search(r"[ \t]*[(,;]", text[found.start:found.end])
        if cut is not None:
            found = Hit(found.start, found.start + cut.start(), label, found.where)
        if len(text[found.start:found.end].split()) > 4:
            return None
    elif label == "STREET":
        found = _street_part(text, found)
    elif label == "DATE":
        numeric = _NUMERIC_DATE.match(text, found.start, found.end)
        if numeric is not None:
            found = Hit(found.start, numeric.end(), label, found.where)
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
    while end > found.start and text[end - 1] in " \t-–—,;:":
        end -= 1
    if not any(ch.isdigit() for ch in text[found.start:end]):
        return None  # "MGEN – adhérent 0291847730": a name before the number, not the number
    return Hit(found.start, end, found.label, found.where)


#: a date written in digits: the value ends with it ("12/03/1951 a Napoli")
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _street_part(text: str, found: Hit) -> Hit:
    """A street up to the first comma after both its name and its number ("Via Duomo 218,
    80138 Napoli"); a number first ("2215, chemin Sainte-Foy, app. 8") keeps its name."""
    pos = found.start
    while (comma := text.find(",", pos, found.end)) >= 0:
        before = text[found.start:comma]
        if any(ch.isdigit() for ch in before) and any(ch.isalpha() for ch in before):
            return Hit(found.start, comma, found.label, found.where)
        pos = comma + 1
    return found


def _untitled(text: str, found: Hit) -> Hit | None:
    """A name without the form of address or title before it ("M. GIRAUD Bernard",
    "D.ª Encarnación Sáez"): the resolve step's ``name_titles`` decides about titles."""
    words = chat_words()
    for pattern in (_TITLE_WORD, _TITLE):  # "Dr C. Vasseur": "Dr", not "Dr C."
        title = pattern.match(text, found.start, found.end)
        if title is None:
            continue
        key = normalise(text[title.start():title.end()])
        rest = text[title.end():found.end].split()
        if (key in words.person_titles or key in words.doctor_titles) and len(rest) >= 1 and (
                len(key) > 1 or len(rest) >= 2):
            return Hit(title.end(), found.end, found.label, found.where)
    return found


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


#: a chat or SMS message header: a day and month (maybe a year), a time, a bracket or a dash,
#: the sender, a colon ("[24/11/26, 20:15] Bryan Moreira:", "22/11/26, 07:41 - Vicky Lau:")
_CHAT = re.compile(
    r"(?<![^\s\[(])\[?\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\.?,?[ \t]+"
    r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?"
    r"(?:\][ \t]*(?:[-–—][ \t]*)?|[ \t]*[-–—][ \t]*)"
    r"(?P<sender>[^:\n\d]{2,40}?|[A-Za-z][\w.\\-]{2,30}?)[ \t]*:(?:[ \t]|$)")
#: a message header whose sender is an account ("26/11/2026 10:03 dilani_f:", "[24/11 20:15]
#: maria.r82:", "22/11/26, 07:41 - k.demir:"): a date, a time, a bracket, a dash or only
#: spaces, then one word and a colon; the word counts only in login shape (``_is_chat_login``)
_CHAT_LOGIN = re.compile(
    r"(?<![^\s\[(])\[?\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\.?,?[ \t]+"
    r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?"
    r"(?:\][ \t]*(?:[-–—][ \t]*)?|[ \t]*[-–—][ \t]*|[ \t]+)"
    r"(?P<sender>[^\W\d_][^\W_]*(?:[._-][^\W_]+)*)[ \t]*:(?:[ \t]|$)")
#: a login's number at its end ("mrossi71", "lbaldoni2")
_LOGIN_NUMBER = re.compile(r"\d+$")


def _is_chat_login(sender: str) -> bool:
    """A message sender written as an account, not as a word. Why this shape: portal and
    messenger exports print the writer's login, and with no bracket or dash before it only
    the shape tells a login from a log entry's word ("14:00 visite:"). A "_" is a login's
    alone (no name, title or test name has one: "dilani_f", "Marco_R"). Otherwise a login
    begins in lower case, as accounts are written, where names, titles and test names are
    capitalised ("Dr.Smith", "CA125"), and is joined by "." ("k.demir") or is six characters
    or more ending in a number ("lbaldoni2", "mrossi71"): a shorter word with a number is as
    often a measurement ("spo2", "etco2")."""
    if len(sender) < 4:
        return False
    if "_" in sender:
        return True
    return sender[0].islower() and ("." in sender or (
        len(sender) >= 6 and _LOGIN_NUMBER.search(sender) is not None))


_TITLE_WORD = re.compile(r"[^\W\d_]+\.?[ \t]+")
_TITLE = re.compile(r"[^\W\d_]+(?:[ .]?[^\W\d_]{1,3})?\.?[ \t]+")


@dataclass(frozen=True)
class ChatWords:
    """Titles and non-names of message senders (``data/chat.toml``), normalised."""

    doctor_titles: frozenset[str]
    person_titles: frozenset[str]
    not_names: frozenset[str]
    mail_keys: frozenset[str]


@lru_cache(maxsize=1)
def chat_words() -> ChatWords:
    """The packaged sender words, read and checked once."""
    data = load_data("chat.toml")
    lists = {}
    for key in ("doctor_titles", "person_titles", "not_names", "mail_keys"):
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"structured data chat.toml: {key} must be a list of strings")
        lists[key] = frozenset(normalise(v) for v in value)
    return ChatWords(**lists)


def _not_name(word: str, words: ChatWords) -> bool:
    """A role, a place or a pronoun, or a compound ending in one ("Hausarztpraxis")."""
    return word in words.not_names or any(
        (word.endswith(role) and len(role) >= 5) or (word.startswith(role) and len(role) >= 6)
        for role in words.not_names)


def _chat_sender(text: str, match: re.Match[str]) -> Hit | None:
    """The sender of a message header, as DOCTOR after a doctor's title and as PATIENT
    otherwise; a sender that is a role, a pronoun or no name is left alone."""
    words = chat_words()
    a, b = match.span("sender")
    label, titled = "PATIENT", False
    for pattern in (_TITLE_WORD, _TITLE):
        title = pattern.match(text, a, b)
        if title is None:
            continue
        key = normalise(text[title.start():title.end()])
        if key in words.doctor_titles or key in words.person_titles:
            label = "DOCTOR" if key in words.doctor_titles else label
            a, titled = title.end(), True
            break
    name = text[a:b].split("(")[0].strip()  # "Kristine (Kris)": the name before a bracket
    if not _is_name(name) or any(_not_name(normalise(w), words) for w in name.split()):
        return None
    if not titled and len(name.split()) < 2:
        return None  # one capitalised word ("Visite", "Jana") is too often a role or a word
    return Hit(a, a + len(name), label, "fields.chat_sender")


def _chat_logins(text: str) -> list[Hit]:
    """Each login that writes a message of the note (``_CHAT_LOGIN``), at its header places
    and at every other place it stands as a whole word (the participants' list): a login
    names one person wherever it is written."""
    logins = {m.group("sender") for m in _CHAT_LOGIN.finditer(text)
              if _is_chat_login(m.group("sender"))}
    hits: list[Hit] = []
    for login in sorted(logins):
        for m in re.finditer(rf"(?<![\w.@]){re.escape(login)}(?![\w@]|\.\w)", text):
            hits.append(Hit(m.start(), m.end(), "USERNAME", "fields.chat_login"))
    return hits


#: an e-mail header line: a short key, a colon, a name, an address in angle brackets
_MAIL = re.compile(
    r"(?m)^[ \t>]*(?P<key>[^\W\d_]{1,12}(?: [^\W\d_]{1,12})?)[ \t]*:[ \t]*"
    r"(?P<name>[^<>\n:@]{2,60}?)[ \t]*<(?P<local>[^<>\s@]+)@[^<>\s]+>")


def _mail_person(text: str, match: re.Match[str]) -> Hit | None:
    """The name before the address of a From/To/Von/De/Van/Da header, DOCTOR; a role or a
    service ("Secrétariat Cardio") is left alone."""
    words = chat_words()
    if normalise(match.group("key")) not in words.mail_keys:
        return None
    if normalise(match.group("local")) in words.not_names:
        return None  # "noreply@...": a system's notification, not a person
    a, b = match.span("name")
    while a < b and text[a] in "\"'":
        a += 1
    while b > a and text[b - 1] in "\"' ":
        b -= 1
    found = _untitled(text, Hit(a, b, "DOCTOR", "fields.mail_name"))
    if found is None:
        return None
    name = text[found.start:found.end]
    if not _is_name(name) or any(_not_name(normalise(w), words) for w in name.split()):
        return None
    return found
