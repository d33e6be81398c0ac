"""Delimited tables with a header row (CSV, ``;``, tab, ``|``) pasted into a note.

Why by header: an exported list ("PAT_NAME|MRN|DOB") says what each column holds in its first
row; a name in the PAT_NAME column is a name whether or not any word list knows it, and a cell
has no sentence around it for the prose rules to read. Header words are data: a neutral list in
``data/table_headers.toml`` plus one ``table_headers.toml`` per language pack folder, all read
for every note.

A table is a header line with at least two cells, one of them a known header, followed by one
or more lines with the same delimiter and the same number of cells; it ends at the first line
that is not such a row. Cells are labelled only when they look like what their header
promises (a digit in a date, a number or an ID; a letter in a name).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fairdeid.detect.structured.common import Hit, Region, name_hit, trimmed
from fairdeid.detect.structured.specs import check_label, load_data
from fairdeid.errors import ConfigError

_DELIMITERS = ("\t", "|", ";", ",")
_PUNCT = re.compile(r"[\W_]+")
_RULE_LINE = re.compile(r"[\s|:+=-]*")
#: an HL7 segment line ("PID|1||..."): read by the HL7 reader, never a header row
# a "Label : value" cell: a field of a form line ("Adresse : 45, rue de Hollerich, L-1741 ..."),
# whose commas separate the parts of one value, not the cells of a header row
_FIELD_CELL = re.compile(r"[^\W\d_][^:]*?[ \t]?:[ \t]*\S")
_SEGMENT = re.compile(r"[ \t]*([A-Z][A-Z0-9]{2})\|")
#: labels a cell must hold a digit for
_NUMERIC = frozenset({"DATE", "AGE", "ZIP", "PHONE", "FAX", "MEDICALRECORD", "ACCOUNT", "SSN",
                      "HEALTHPLAN", "LICENSE", "IDNUM", "ROOM"})
_NAMES = frozenset({"PATIENT", "DOCTOR"})
_ORGANISATIONS = frozenset({"ORGANIZATION", "HOSPITAL"})
#: a cell longer than this, or a name cell of more words, is prose and is left to the others
_MAX_CELL = 60
_MAX_NAME_WORDS = 5
#: identifier columns whose cells must hold at least this many digits ("36F" under "MRN" is a
#: shifted column, an age and sex, not a record number)
_ID_LABELS = frozenset({"MEDICALRECORD", "ACCOUNT", "SSN", "HEALTHPLAN", "LICENSE", "IDNUM"})
_MIN_ID_DIGITS = 3
#: where a name cell's value ends: a parenthesis, a semicolon, or a comma before more text that
#: holds a digit or a '#' ("J Villanueva, DEA# RN-413286", "Denis Hutchinson, MD, 55 2797");
#: "Duarte, Ana" (surname first) keeps its comma
_NAME_END = re.compile(r"[ \t]*(?:[(\[;]|,(?=[^,]*[\d#]))")
#: credentials after a name ("N Sodhi, M.D", "i bird md", "Xin Hua, DO", "K. Wong RN CDE",
#: "M. Torres RD"): not PHI; every one of a row of them goes, so each must be listed
_CREDENTIALS = re.compile(
    r"(?i)(?:,?[ \t]+(?:md|m\.d\.?|do|d\.o\.?|rn|np|pa(?:-c)?|phd|ph\.d\.?|dds|mbbs|frcp|"
    r"frcs|mrcp|mrcgp|lpn|crna|aprn|fnp(?:-c)?|dnp|pharmd|rd|cde|lcsw|msw|rpn|cnm|rph|bsn|msn))+"
    r"[ \t.]*$")
#: where a date cell's value ends: "27.05.1947 (Age 68)" -- an age under 90 is no date element
_DATE_END = re.compile(r"[ \t]*[(\[;|]")
#: a date cell starts with a digit or with a month word and a digit ("Nov 5 2015", "3 mars")
_DATE_START = re.compile(r"\d|[^\W\d_]{3,10}\.?[ \t]*\d")
_KINDS = ("cells", "words", "weak", "id_suffixes")



@lru_cache(maxsize=8192)
def normalise(header: str) -> str:
    """A header as the word lists hold it: casefolded, accents off, punctuation as spaces.
    Cached: the same labels ("Name", "DOB", "Tel.") come back in every note."""
    folded = header.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_PUNCT.sub(" ", folded).split())


@dataclass(frozen=True)
class HeaderWords:
    """What each header means: ``kind -> normalised entry -> label``."""

    cells: Mapping[str, str]
    words: Mapping[str, str]
    weak: Mapping[str, str]
    id_suffixes: Mapping[str, str]

    def whole(self, header: str) -> tuple[str, str] | None:
        """(label, entry) when the whole cell is a known header (weak ones too)."""
        key = normalise(header)
        label = self.cells.get(key) or self.weak.get(key)
        return None if label is None else (label, key)

    def label(self, header: str) -> tuple[str, str, bool] | None:
        """(label, the entry that matched, whether it is weak) for a header cell."""
        key = normalise(header)
        if not key:
            return None
        if key in self.cells:
            return self.cells[key], key, False
        if key in self.weak:
            return self.weak[key], key, True
        tokens = key.split()
        matched = [(self.words[t], t) for t in tokens if t in self.words]
        if matched:
            doctor = [m for m in matched if m[0] == "DOCTOR"]
            label, entry = (doctor or matched)[0]
            return label, entry, False
        if len(tokens) >= 2 and tokens[-1] in self.id_suffixes:
            return self.id_suffixes[tokens[-1]], tokens[-1], False
        return None


def _read_file(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"header words {path}: cannot read ({type(exc).__name__})") from None


def pack_files() -> tuple[Path, ...]:
    """Every language pack's ``table_headers.toml`` (a new language is one more file)."""
    from fairdeid.lang.packs import PACKS_DIR

    return tuple(sorted(PACKS_DIR.glob("*/table_headers.toml")))


@lru_cache(maxsize=8)
def load_headers(extra: tuple[str, ...] = ()) -> HeaderWords:
    """The neutral list, every pack's list and ``extra`` files, merged; checked once."""
    tables: list[tuple[str, Mapping[str, object]]] = [("table_headers.toml",
                                                       load_data("table_headers.toml"))]
    tables += [(str(p), _read_file(p)) for p in (*pack_files(), *map(Path, extra))]
    merged: dict[str, dict[str, str]] = {kind: {} for kind in _KINDS}
    for where, table in tables:
        unknown = set(table) - set(_KINDS)
        if unknown:
            raise ConfigError(f"header words {where}: unknown tables {sorted(unknown)}")
        for kind in _KINDS:
            section = table.get(kind, {})
            if not isinstance(section, Mapping):
                raise ConfigError(f"header words {where}: [{kind}] must be a table")
            for label, entries in section.items():
                check_label(str(label), f"header words {where} [{kind}]")
                for entry in _entries(entries, where, kind):
                    # first file wins: the neutral list, then the packs in name order
                    merged[kind].setdefault(normalise(entry), str(label))
    return HeaderWords(**merged)


def _entries(entries: object, where: str, kind: str) -> Iterable[str]:
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise ConfigError(f"header words {where} [{kind}]: each label needs a list of strings")
    return entries


def find(text: str, headers: HeaderWords | None = None) -> list[Hit]:
    """Every cell of every headed table in ``text`` whose column header is known, and every
    value of a key-value list ("Patient | Ana Duarte") whose key is."""
    from fairdeid.detect.structured.vcard import blocks

    headers = headers or load_headers()
    lines = _lines(text)
    cards = blocks(text)  # vCard and iCalendar lines: read by their own reader
    hits: list[Hit] = []
    i = 0
    while i < len(lines):
        if cards and any(a <= lines[i][0] < b for a, b in cards):
            i += 1
            continue
        found, used = _table_at(text, lines, i, headers)
        if not used:
            found, used = _pairs(text, lines, i, headers)
        hits.extend(found)
        i += max(used, 1)
    return hits


def _lines(text: str) -> list[Region]:
    """Each line's offsets, without its line break (a blank line is an empty region)."""
    out: list[Region] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body)))
        pos += len(line)
    return out


def _table_at(
    text: str, lines: Sequence[Region], i: int, headers: HeaderWords
) -> tuple[list[Hit], int]:
    """The hits of a headed table starting at line ``i`` and the lines it took (0: none)."""
    start, end = lines[i]
    line = text[start:end]
    if _is_segment(line):
        return [], 1
    for delim in _DELIMITERS:
        if delim not in line:
            continue
        cells = split_cells(text, (start, end), delim)
        if len(cells) < 2 or not all(_header_like(text[a:b]) for a, b in cells):
            continue
        if delim == "," and _FIELD_CELL.match(text, *cells[0]):
            continue  # "Adresse : 45, rue X, 1741 Y": a form field's value, not a header row
        if not _next_row_fits(text, lines, i + 1, delim, len(cells)):
            continue  # checked first: most lines with a delimiter start no table
        columns = _columns(text, cells, headers)
        # a comma is in most prose lines, and a two-cell line whose second cell is no header
        # is a key and its value ("Profession | retired tailor"): both need every cell known
        if len(columns) < (2 if delim == "," or len(cells) == 2 else 1):
            continue
        rows = list(_rows(text, lines, i + 1, delim, len(cells)))
        if not rows or any(headers.whole(text[a:b]) for a, b in (row[0] for row in rows)):
            continue  # no rows, or the rows are keys too: a key-value list, read below
        hits = [
            found
            for row in rows
            for index, (label, entry) in columns.items()
            if (found := _cell(text, row[index], label, entry)) is not None
        ]
        return hits, 1 + _consumed(lines, i + 1, rows)
    return [], 0


def _next_row_fits(
    text: str, lines: Sequence[Region], first: int, delim: str, width: int
) -> bool:
    return next(iter(_rows(text, lines, first, delim, width)), None) is not None


def _header_like(cell: str) -> bool:
    """A header cell is a short label, not a sentence that happens to hold a delimiter; the
    padding of a fixed-width export ("Bemerkung" and 35 spaces) is no part of it."""
    cell = cell.strip()
    return len(cell) <= 40 and len(cell.split()) <= 5


def _pairs(
    text: str, lines: Sequence[Region], i: int, headers: HeaderWords
) -> tuple[list[Hit], int]:
    """Key-value cells from line ``i``: a cell that is a whole known header labels the next.

    A block of two-cell lines is a key-value list ("Patient | Ana Duarte" above "Phone | ...");
    a line on its own may alternate keys and values ("NIR | 2 63 ... | Prénom | Thi Hoa"). A
    wider grid whose header was not known is left alone: its first row is a header, not keys.
    Weak keys ("Name") count only beside a strong one, as in a headed table.
    """
    start, end = lines[i]
    line = text[start:end]
    for delim in ("|", "\t", ";"):
        if delim not in line:
            continue
        width = len(split_cells(text, (start, end), delim))
        if width < 2:
            continue
        block = [split_cells(text, lines[i], delim)]
        while i + len(block) < len(lines):
            cells = split_cells(text, lines[i + len(block)], delim)
            if len(cells) != width or not text[slice(*lines[i + len(block)])].strip():
                break
            block.append(cells)
        if width > 2 and len(block) > 1:
            return [], len(block)
        found: list[tuple[Hit, bool]] = []
        for cells in block:
            pairs = [(cells[0], cells[1])] if width == 2 else list(zip(cells, cells[1:],
                                                                         strict=False))
            for (a, b), value in pairs:
                whole = headers.whole(text[a:b]) if _header_like(text[a:b]) else None
                if whole is None or headers.whole(text[slice(*value)]):
                    continue
                cell = _cell(text, value, whole[0], whole[1])
                if cell is not None:
                    found.append((cell, whole[1] in headers.weak))
        strong = any(not weak for _, weak in found)
        return [h for h, weak in found if strong or not weak], len(block)
    return [], 1


def _is_segment(line: str) -> bool:
    """An HL7 segment ("PID|1||123^^^MR"), not a header row that starts with "PID|Name":
    a header has no empty cell and no digit."""
    match = _SEGMENT.match(line)
    if match is None:
        return False
    from fairdeid.detect.structured import hl7

    known = match.group(1) in hl7.load_spec().fields or match.group(1) == "MSH"
    return known and ("||" in line or any(ch.isdigit() for ch in line[match.end() :]))


def _columns(
    text: str, cells: Sequence[Region], headers: HeaderWords
) -> dict[int, tuple[str, str]]:
    """Column index -> (label, matched entry) for the known headers of a header row."""
    found: dict[int, tuple[str, str, bool]] = {}
    for index, (a, b) in enumerate(cells):
        match = headers.label(text[a:b])
        if match is not None:
            found[index] = match
    strong = [m for m in found.values() if not m[2]]
    if not strong:
        return {}
    return {index: (label, entry) for index, (label, entry, _weak) in found.items()}


def _rows(
    text: str, lines: Sequence[Region], first: int, delim: str, width: int
) -> Iterator[list[Region]]:
    for j in range(first, len(lines)):
        start, end = lines[j]
        line = text[start:end]
        if not line.strip():
            return
        if delim == "|" and _RULE_LINE.fullmatch(line):  # a markdown rule under the header
            continue
        cells = split_cells(text, (start, end), delim)
        if len(cells) != width:
            return
        yield cells


def _consumed(lines: Sequence[Region], first: int, rows: list[list[Region]]) -> int:
    """How many lines after the header the rows took (rule lines included)."""
    last = rows[-1][-1][1]
    count = 0
    for j in range(first, len(lines)):
        count += 1
        if lines[j][1] >= last:
            break
    return count


def split_cells(text: str, region: Region, delim: str) -> list[Region]:
    """The cells of one line, each as the offsets of its value (inside quotes when quoted).

    Pipes at both ends of a line (a markdown table) frame the row and are no empty cells.
    """
    start, end = region
    if delim == "|":
        stripped = text[start:end].strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            start = text.index("|", start) + 1
            end = text.rindex("|", start - 1, end)
    cells: list[Region] = []
    pos = start
    while True:
        lead = pos
        while lead < end and text[lead] in " \t" and text[lead] != delim:
            lead += 1
        if delim != "|" and lead < end and text[lead] == '"':
            close = _closing_quote(text, lead + 1, end)
            if close is not None:
                cells.append((lead + 1, close))
                nxt = text.find(delim, close, end)
                if nxt < 0:
                    return cells
                pos = nxt + 1
                continue
        nxt = text.find(delim, pos, end)
        if nxt < 0:
            cells.append((pos, end))
            return cells
        cells.append((pos, nxt))
        pos = nxt + 1


def _closing_quote(text: str, pos: int, end: int) -> int | None:
    while pos < end:
        if text[pos] == '"':
            if pos + 1 < end and text[pos + 1] == '"':
                pos += 2
                continue
            return pos
        pos += 1
    return None


def _cell(text: str, region: Region, label: str, entry: str) -> Hit | None:
    found = name_hit(text, region[0], region[1], label, "table." + entry.replace(" ", "_"))
    if found is None:
        return None
    value = text[found.start : found.end]
    if len(value) > _MAX_CELL or (label in _NAMES and len(value.split()) > _MAX_NAME_WORDS):
        return None  # prose in a cell, not the value its header promises
    if label in _NUMERIC and not any(ch.isdigit() for ch in value):
        return None
    if label in _NAMES and not any(ch.isalpha() for ch in value):
        return None
    return _value_part(text, found)


def _value_part(text: str, found: Hit) -> Hit | None:
    """The part of a cell its header promises: a cell often holds more than the value.

    Why: a name cell carries credentials and licence numbers ("J Xin, MD", "J Villanueva, DEA#
    RN-413286") and a birth-date cell the age in brackets; taking the whole cell removed words
    that are no PHI ("MD", an age under 90) and gave a licence number the name's label. What
    does not fit the header's shape at all (a record-number cell without digits enough, a date
    cell that does not start like a date) is a shifted column and is left to the other detectors.
    """
    start, end = found.start, found.end
    value = text[start:end]
    if found.label in _NAMES or found.label in _ORGANISATIONS:
        # an insurer cell holds its member number too ("AOK PLUS, Vers.-Nr. R118842903")
        cut = _NAME_END.search(value)
        if cut is not None:
            end = start + cut.start()
        credentials = _CREDENTIALS.search(text, start, end)
        if credentials is not None and credentials.start() > start:
            end = credentials.start()
    elif found.label == "DATE":
        if "#" in value or _DATE_START.match(value) is None:
            return None
        cut = _DATE_END.search(value)
        if cut is not None:
            end = start + cut.start()
    elif found.label in _ID_LABELS and sum(ch.isdigit() for ch in value) < _MIN_ID_DIGITS:
        return None
    bounds = trimmed(text, start, end)
    if bounds is None or not any(ch.isalnum() for ch in text[bounds[0] : bounds[1]]):
        return None
    return Hit(bounds[0], bounds[1], found.label, found.where)
