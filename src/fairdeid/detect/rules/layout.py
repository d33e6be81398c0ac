"""Where the page layout, not the wording, says that a word is a name.

Messy notes lose the cues the sentence rules read: a medication table puts the prescriber in a
bare cell ("| 2014 | s. datta"), dictation lowers everything ("dr pont", "surgeon: terán c."), a
sign-off has no credential ("Sincerely,\\nGanguli P."), an e-mail header has no colon ("From
Rowe, L. <lrowe@...>"). Each function here finds one such layout and returns where a name may
start (or the name's cell); ``names.NameFinder`` decides whether the words there look like a
name, with the same stop lists as every other name rule.

Why by layout rather than by dictionary: the names of these notes come from every culture, and
a dictionary misses many of them; the layout does not depend on where the name comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from fairdeid.detect.rules.compiler import literal_alternation
from fairdeid.detect.rules.propagation import fold

#: what may precede a field or a sign-off on its line: spaces, bullets, quote marks, numbering
LINE_PREFIX = r"[ \t]*(?:(?:[>·•*o\-]|\d{1,2}[.)])[ \t]*)*"
_LINE_PREFIX_ONLY = re.compile(rf"{LINE_PREFIX}\Z")
#: table cells are separated by pipes, tabs or runs of 2+ spaces
_CELL_SPLIT = re.compile(r"[ \t]*\|[ \t]*|\t+[ \t]*|[ ]{2,}")
#: the opening of an e-mail address in angle brackets ("Rowe, L. <lrowe@...")
_ANGLE_EMAIL = re.compile(r"<[\w.+'-]+@")
#: an e-mail header word written without its colon ("From Rowe, L. <...")
_MAIL_HEADER = re.compile(r"[ \t]*(?:[>·•*\-]|\d{1,2}\))?[ \t]*(?i:from|to|cc|bcc|sent by)[ \t]+")
#: a "--" signature delimiter opening a line (not a "-----" rule)
_SIG_DASHES = re.compile(r"(?m)^[ \t>]*--(?!-)[ \t]*(?:\n[ \t>]*)?")
_MAX_TABLE_LINES = 80
#: header words this long may have one wrong letter in a cell (OCR)
_NEAR_MIN = 8


def at_line_start(text: str, pos: int) -> bool:
    """Whether only bullets, quote marks or numbering precede ``pos`` on its line ("> from:",
    "1) Patient:", "· cc:"): pasted e-mails and lists put those before a field."""
    line = text.rfind("\n", 0, pos) + 1
    return bool(_LINE_PREFIX_ONLY.match(text, line, pos)) if pos - line <= 12 else False


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell that sits in a name column: offsets of its text and the column's label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class LayoutCues:
    """The words the layout rules read (``[names]`` of ``patterns.toml``), compiled once."""

    #: a sign-off line ("Sincerely,", "Kind regards", "Thanks,") before a name line
    closing: re.Pattern[str] | None
    #: lower-case table header cell -> label of the names in that column
    table_headers: dict[str, str]
    #: the same headers by length, for the one-wrong-letter comparison
    headers_by_length: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    #: each long header with one letter blanked out ("\0") -> (its place in the headers, its
    #: label): a cell one letter off a header blanks to the same key at that letter
    near_headers: dict[str, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, closings: Iterable[str], doctor_headers: Iterable[str], patient_headers: Iterable[str]
    ) -> LayoutCues:
        items = sorted({c.lower() for c in closings if c}, key=len, reverse=True)
        closing = (
            re.compile(
                rf"(?im)^{LINE_PREFIX}(?:{literal_alternation(items)})[ \t]*[,.!]?[ \t]*\n"
                rf"{LINE_PREFIX}(?=\S)"
            )
            if items
            else None
        )
        headers = {fold(h): "PATIENT" for h in patient_headers}
        headers.update({fold(h): "DOCTOR" for h in doctor_headers})
        by_length: dict[int, list[tuple[str, str]]] = {}
        near: dict[str, tuple[int, str]] = {}
        for order, (header, label) in enumerate(headers.items()):
            by_length.setdefault(len(header), []).append((header, label))
            if len(header) >= _NEAR_MIN:
                for i in range(len(header)):
                    near.setdefault(header[:i] + "\0" + header[i + 1 :], (order, label))
        return cls(closing, headers, by_length, near)

    def sign_offs(self, text: str) -> Iterator[int]:
        """Offsets where the name line after a sign-off or a "--" delimiter starts."""
        if self.closing is not None:
            for m in self.closing.finditer(text):
                yield m.end()
        if "--" in text:
            for m in _SIG_DASHES.finditer(text):
                if m.end() < len(text) and not text[m.end()].isspace():
                    yield m.end()

    def table_cells(self, text: str) -> Iterator[Cell]:
        """Cells in a name column ("Prescriber", "Patient") of the tables of ``text``."""
        if not self.table_headers or ("|" not in text and "\t" not in text and "  " not in text):
            return
        lines = _lines(text)
        i = 0
        while i < len(lines):
            column = None
            if _table_like(text[lines[i][0] : lines[i][1]]):
                column = self._name_column(text, lines, i)
            if column is None:
                i += 1
                continue
            index, count, label, used = column
            i += used
            rows: list[list[tuple[int, int]]] = []
            while i < len(lines) and len(rows) < _MAX_TABLE_LINES:
                s, e = lines[i]
                if not text[s:e].strip():
                    break
                rows.append(_cells(text, s, e))
                i += 1
            yield from _column_cells(text, rows, index, count, label)

    def _name_column(
        self, text: str, lines: list[tuple[int, int]], i: int
    ) -> tuple[int, int, str, int] | None:
        """(column index, number of columns, label, header lines) when line ``i`` starts a
        table header with a name column, else None. A header row may wrap onto a second line
        ("... | Started |\nPrescriber", "| started | pre-\nscriber |"), so the next line's
        cells are read with it when this one alone has no name column. A name column that
        ends the header is reported with index -1: after a wrap only its being last is known.
        """
        start, end = lines[i]
        line = text[start:end]
        if "|" not in line and "\t" not in line and "  " not in line:
            return None
        cells = [text[s:e] for s, e in _cells(text, start, end)]
        if len(cells) < 2:
            return None
        found = self._header_in(cells)
        used = 1
        if found is None and i + 1 < len(lines):
            nxt = [text[s:e] for s, e in _cells(text, *lines[i + 1])]
            if nxt and len(nxt) <= 2:
                if cells[-1].endswith("-") and nxt[0].isalpha():
                    cells = [*cells[:-1], cells[-1][:-1] + nxt[0], *nxt[1:]]
                else:
                    cells = [*cells, *nxt]
                found = self._header_in(cells)
                used = 2
        if found is None:
            return None
        k, label = found
        return (-1 if k == len(cells) - 1 else k), len(cells), label, used

    def _header_in(self, cells: list[str]) -> tuple[int, str] | None:
        for k, cell in enumerate(cells):
            label = self._header_label(cell)
            if label is not None:
                return k, label
        return None

    def _header_label(self, cell: str) -> str | None:
        """The label of a name column's header, allowing one wrong letter in a long header
        word: OCR turns "Prescriber" into "Prescribcr" and "prescríber"."""
        key = fold(cell.strip(" :"))
        label = self.table_headers.get(key)
        if label is not None or len(key) < _NEAR_MIN or not key.isalpha():
            return label
        # the first header (in their order) one letter off: one lookup per letter of the
        # cell rather than a letter-by-letter comparison with every header of its length
        near = self.near_headers
        best: tuple[int, str] | None = None
        for i in range(len(key)):
            found = near.get(key[:i] + "\0" + key[i + 1 :])
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return best[1] if best is not None else None


def _table_like(line: str) -> bool:
    """A line with a cell separator (a header row or a table row)."""
    return "|" in line or "\t" in line or "  " in line


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-empty cells of one line as offsets."""
    out = []
    pos = start
    for m in _CELL_SPLIT.finditer(text, start, end):
        if m.start() > pos and text[pos : m.start()].strip():
            out.append(_strip(text, pos, m.start()))
        pos = m.end()
    if end > pos and text[pos:end].strip():
        out.append(_strip(text, pos, end))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _column_cells(
    text: str, rows: list[list[tuple[int, int]]], index: int, count: int, label: str
) -> Iterator[Cell]:
    """The name column's cells. A row with every column gives its cell by position. When the
    name column is the last one (``index`` -1), each line's last cell is taken, wrapped rows
    included ("...| 2014 |\ns. datta"); a line holding one cell continues the line above:
    it is the name when that line ended before its name (on a separator or a date), or the
    rest of that line's name ("Welch\nTamati", "a will-\niams"), and the two join."""
    previous: Cell | None = None
    for k, cells in enumerate(rows):
        if not cells:
            previous = None
            continue
        if index >= 0:
            if len(cells) == count:
                yield Cell(*cells[index], label)
            continue
        s, e = cells[-1]
        cell = Cell(s, e, label)
        if len(cells) == 1 and k:
            above = rows[k - 1]
            if (
                not above
                or _ends_on_separator(text, text.rfind("\n", 0, s))
                or _has_digit(text, *above[-1])
            ):
                pass  # the line above ended before its name: this cell is the name
            elif previous is not None and previous.end == above[-1][1]:
                # the name above was cut by the line end: one name over two lines
                cell = Cell(previous.start, e, label)
            else:
                previous = None
                continue
        previous = cell
        yield cell


def _ends_on_separator(text: str, line_end: int) -> bool:
    """Whether the line ending at ``line_end`` ends on a cell separator ("... | Jan 5 |")."""
    i = line_end
    while i > 0 and text[i - 1] == " ":
        i -= 1
    return i > 0 and text[i - 1] in "|\t"


def _has_digit(text: str, start: int, end: int) -> bool:
    return any(c.isdigit() for c in text[start:end])


def email_display_names(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the text before an address in angle brackets, back to the field's start
    ("From Rowe, L. <...", "TO: Musa Okeke <...", "cc: a, b <..."), for the caller to check."""
    for m in _ANGLE_EMAIL.finditer(text):
        end = m.start()
        while end > 0 and text[end - 1] in " \t":
            end -= 1
        if end > 0 and text[end - 1] == "\n":  # the address wrapped to its own line
            end -= 1
            while end > 0 and text[end - 1] in " \t":
                end -= 1
        line = text.rfind("\n", 0, end) + 1
        seg_start = max(line, end - 60)
        seg = text[seg_start:end]
        cut = max(seg.rfind(c) for c in ":=;>\t")
        start = seg_start + cut + 1
        # "From Rowe, L." / "to Lakshit SINGH": a header word without its colon
        head = _MAIL_HEADER.match(text, start, end)
        if head is not None:
            start = head.end()
        while start < end and text[start] in " \t·•*-,":
            start += 1
        if end - start >= 2:
            yield start, end


#: the rest of a word a line end cut after a hyphen ("Va-\nrghese", "health com-\nplex")
_WRAP_TAIL = re.compile(r"-[ \t]*\r?\n[ \t>]*([^\W\d_][^\W_]*)")
#: the start of a word a line end cut before a span ("Neuros-\nurgery" found as "urgery")
_WRAP_HEAD = re.compile(r"([^\W\d_][^\W_]*)-[ \t]*\r?\n[ \t>]*\Z")


#: what both of the above need somewhere in the note
_WRAP = re.compile(r"-[ \t]*\r?\n")


def may_wrap(text: str) -> bool:
    """Whether ``wrapped_words`` can find anything in ``text``: most notes have no hyphen at
    a line end, and one scan for it spares a look at every span."""
    return _WRAP.search(text) is not None


def wrapped_words(text: str, spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """For each span cut by a hyphenated line break, the span widened to the whole word.

    Why: OCR and narrow exports break words at a line end with a hyphen ("gazipur upazila
    health com-\nplex", "D Va-\nrghese"). A detector that stops at the break leaves the other
    half of an identifier in the text, which reads back as the whole once the lines are
    joined."""
    for start, end in spans:
        if end <= start:
            continue
        pos = end - 1 if text[end - 1] == "-" else end
        if pos > start and text[pos - 1].isalpha():
            tail = _WRAP_TAIL.match(text, pos)
            if tail is not None:
                yield start, tail.end(1)
        if start and text[start].isalpha() and not text[start - 1].isalnum():
            head = _WRAP_HEAD.search(text, max(0, start - 40), start)
            if head is not None:
                yield head.start(1), end



#: the labels of a place a facility may be named by ("our Dallas clinic", "NYU Langone clinic");
#: not streets, ZIPs, rooms or departments ("Cardiology clinic" is a service, not a place)
FACILITY_PLACE_LABELS = frozenset(
    {"CITY", "STATE", "COUNTRY", "LOCATION", "LOCATION_OTHER", "HOSPITAL", "ORGANIZATION"}
)


def facility_nouns(nouns: Iterable[str]) -> re.Pattern[str] | None:
    """One space and a facility noun ("clinic", "office"), matched where a place span ends."""
    items = sorted({n.lower() for n in nouns if n}, key=len, reverse=True)
    if not items:
        return None
    return re.compile(rf"[ \t](?i:{literal_alternation(items)})(?![\w-])")


def facilities_after_places(
    text: str, places: Iterable[tuple[int, int]], nouns: re.Pattern[str]
) -> Iterator[tuple[int, int]]:
    """For each place span followed directly by a facility noun, the span over both.

    Why: "our Dallas clinic", "the Chicago office" name one facility by its town. The town alone
    is found (by the dictionaries or a model), but the noun after it stays, and "Dallas" +
    "clinic" reads back as the place the patient is treated; corpora annotate the pair as one
    location. Only a place some detector already found counts, so "the Cardiology clinic" stays.
    """
    for start, end in places:
        found = nouns.match(text, end)
        if found is not None:
            yield start, found.end()
