"""SQL dumps pasted into a note (mysqldump, pg_dump with its COPY blocks or --inserts, a
query's INSERT script), labelled by column name.

Why by column: a help-desk ticket or a data-breach report pastes the rows of a patient table
as ``INSERT INTO `paciente` (`primer_apellido`,`fecha_nacimiento`,...) VALUES (...)``; each
value's column says what it is, in the language of whoever built the schema, while the value
sits between quotes and commas with no sentence around it (a surname in capitals, a login, a
postcode). The column names are read with the header words of tables and export fields (the
neutral list and every pack's ``table_headers.toml``, ``_`` and camel case read as spaces), so
a schema in a pack's language needs no entry of its own. An ``INSERT`` without a column list
takes the columns of a ``CREATE TABLE`` of the same table earlier in the note.

Each value gets the shape checks of an export field (a name is capitalised words, a login
has a login's marks, an identifier has digits): a value that does not fit is left to the
other detectors. As in a headed table, a weak column ("nombre", "name") counts only beside a
strong one of the same statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from fairdeid.detect.structured.common import Hit
from fairdeid.detect.structured.tables import HeaderWords

#: the head of an INSERT: the table, then an optional column list, then VALUES
_INSERT = re.compile(
    r"\bINSERT[ \t]+(?:IGNORE[ \t]+)?INTO[ \t]+(?P<table>[`\"\[]?[\w.$]+[`\"\]]?(?:\.[`\"\[]?"
    r"[\w$]+[`\"\]]?)?)[ \t\r\n]*(?:\((?P<columns>[^()]{1,4000})\)[ \t\r\n]*)?VALUES\b",
    re.IGNORECASE)
#: the head of a CREATE TABLE, whose column definitions follow in brackets
_CREATE = re.compile(
    r"\bCREATE[ \t]+TABLE[ \t]+(?:IF[ \t]+NOT[ \t]+EXISTS[ \t]+)?"
    r"(?P<table>[`\"\[]?[\w.$]+[`\"\]]?(?:\.[`\"\[]?[\w$]+[`\"\]]?)?)[ \t\r\n]*\(",
    re.IGNORECASE)
#: pg_dump's default: "COPY public.patient (id, nom, prenom) FROM stdin;", then one row per
#: line, tab-separated ("\\N" for NULL), up to a line "\\."
_COPY = re.compile(
    r"^[ \t]*COPY[ \t]+(?P<table>[\w.\"]+)[ \t]*\((?P<columns>[^()\n]{1,4000})\)[ \t]+FROM[ \t]+"
    r"stdin;?[ \t]*\r?\n", re.MULTILINE | re.IGNORECASE)
#: a column definition's name at the start of a CREATE TABLE line; constraints are no columns
_DEFINITION = re.compile(r"[ \t\r\n]*[`\"\[]?([A-Za-z_\u00c0-\u024f][\w$]*)[`\"\]]?[ \t]+\w")
_CONSTRAINTS = frozenset({"primary", "key", "unique", "index", "constraint", "foreign",
                          "check", "fulltext", "spatial"})
#: camel case and digits split into words, as in XML element names ("fechaNac", "adr1")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|[_\d]+")
_QUOTES = "`\"[]"
#: a statement read at most this far: a dump line can be long, a note is not a database
_MAX_STATEMENT = 200_000


def find(text: str, headers: HeaderWords) -> list[Hit]:
    """Every value of every INSERT in ``text`` whose column name is a known header."""
    hits: list[Hit] = []
    if "COPY" in text or "copy" in text:
        hits += _copies(text, headers)
    if "INSERT" not in text and "insert" not in text:
        return hits
    created: dict[str, list[str]] = {}
    for match in _CREATE.finditer(text):
        created[_name(match.group("table"))] = _definitions(text, match.end())
    for match in _INSERT.finditer(text):
        if match.group("columns") is not None:
            names = [_name(c) for c in match.group("columns").split(",")]
        else:
            names = created.get(_name(match.group("table")), [])
        columns = _columns(names, headers)
        if not columns:
            continue
        for row in _rows(text, match.end()):
            if len(row) != len(names):
                continue  # a row that does not fit its columns: not read at all
            for index, (label, entry) in columns.items():
                found = _cell(text, row[index], label, entry)
                if found is not None:
                    hits.append(found)
    return hits


def _copies(text: str, headers: HeaderWords) -> list[Hit]:
    """The rows of every ``COPY ... FROM stdin`` block: tab-separated values by column."""
    hits: list[Hit] = []
    for match in _COPY.finditer(text):
        names = [_name(c) for c in match.group("columns").split(",")]
        columns = _columns(names, headers)
        pos = match.end()
        while columns and pos < len(text):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            line = text[pos:end].rstrip("\r")
            if line.strip() in {"\\.", ""}:
                break
            cells = line.split("\t")
            if len(cells) == len(names):
                starts = [pos]
                for cell in cells[:-1]:
                    starts.append(starts[-1] + len(cell) + 1)
                for index, (label, entry) in columns.items():
                    if cells[index] != "\\N":
                        item = (starts[index], starts[index] + len(cells[index]), True)
                        found = _cell(text, item, label, entry)
                        if found is not None:
                            hits.append(found)
            pos = end + 1
    return hits


def _name(raw: str) -> str:
    """A table or column name without quotes and schema: "`db`.`paciente`" -> "paciente"."""
    return raw.strip().rsplit(".", 1)[-1].strip(_QUOTES + " \t\r\n").casefold()


def _definitions(text: str, pos: int) -> list[str]:
    """The column names of a CREATE TABLE's bracket starting at ``pos``, in order."""
    names: list[str] = []
    items, _end = _bracket(text, pos)
    for start, end, _quoted in items:
        definition = _DEFINITION.match(text, start, end)
        if definition is not None and definition.group(1).casefold() not in _CONSTRAINTS:
            names.append(definition.group(1).casefold())
    return names


def _columns(names: Sequence[str], headers: HeaderWords) -> dict[int, tuple[str, str]]:
    """Column index -> (label, matched header entry); none without a strong column."""
    found: dict[int, tuple[str, str, bool]] = {}
    for index, name in enumerate(names):
        match = headers.label(_CAMEL.sub(" ", name))
        if match is not None:
            found[index] = match
    if not any(not weak for _label, _entry, weak in found.values()):
        return {}
    return {index: (label, entry) for index, (label, entry, _weak) in found.items()}


def _rows(text: str, pos: int) -> Iterator[list[tuple[int, int, bool]]]:
    """The value tuples after VALUES, up to the statement's ``;`` (or text that is no
    tuple): each value as (start, end, quoted), inside its quotes when quoted."""
    limit = min(len(text), pos + _MAX_STATEMENT)
    while True:
        while pos < limit and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= limit or text[pos] != "(":
            return
        row, pos = _bracket(text, pos + 1, limit)
        if pos < 0:
            return  # a tuple cut off: the dump was truncated
        yield row


def _bracket(
    text: str, pos: int, limit: int | None = None
) -> tuple[list[tuple[int, int, bool]], int]:
    """The comma-separated items of a bracket whose inside starts at ``pos`` (quotes, escaped
    quotes and nested brackets respected) and the position after its closing bracket (-1 when
    it never closes)."""
    limit = len(text) if limit is None else limit
    items: list[tuple[int, int, bool]] = []
    depth = 0
    start = pos
    quoted_item: tuple[int, int] | None = None
    while pos < limit:
        ch = text[pos]
        if ch == "'":
            close = _closing(text, pos + 1, limit)
            if close < 0:
                return items, -1
            if not text[start:pos].strip():  # the item is the string (not "DEFAULT 'x'")
                quoted_item = (pos + 1, close)
            pos = close + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif (ch == "," and not depth) or ch == ")":
            if quoted_item is not None:
                items.append((quoted_item[0], quoted_item[1], True))
            else:
                items.append((start, pos, False))
            if ch == ")":
                return items, pos + 1
            start, quoted_item = pos + 1, None
        pos += 1
    return items, -1


def _closing(text: str, pos: int, limit: int) -> int:
    """The closing quote of an SQL string opened before ``pos`` ('' and \\' are escapes)."""
    while pos < limit:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "'":
            if pos + 1 < limit and text[pos + 1] == "'":
                pos += 2
                continue
            return pos
        if ch == "\n":
            return -1  # a string does not run over a line in a pasted dump: it was cut
        pos += 1
    return -1


def _cell(text: str, item: tuple[int, int, bool], label: str, entry: str) -> Hit | None:
    """One value with the shape checks of an export field, ``NULL`` and numbers of a name
    column left out."""
    from fairdeid.detect.structured.fields import _value

    start, end, quoted = item
    if not quoted and text[start:end].strip().upper() in {"NULL", "DEFAULT", ""}:
        return None
    found = _value(text, start, end, label, entry)
    if found is None:
        return None
    return Hit(found.start, found.end, found.label, "sql." + entry.replace(" ", "_"))
