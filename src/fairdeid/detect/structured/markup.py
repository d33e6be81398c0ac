"""A plain-text view of HTML and RTF source pasted into a note, with a map back to the note.

Why: a patient portal's visit summary or a letter exported as RTF reaches a note as its
source: "<td>Paciente:</td><td>GONZ&Aacute;LEZ, ESPERANZA</td>" or "\\b Paciente:\\b0
MIRCHANDANI, KISHORE\\tab\\b NHC:\\b0 0219874\\par". The fields are there, label then value,
but tags, control words and escapes sit between and inside them, so the export-field reader
(``fields.py``) sees neither a label nor a name ("GONZ&Aacute;LEZ" is no word). This module
renders the source as the text a browser or a word processor would show (table cells
separated by "|", paragraphs and rows by line breaks, entities and ``\\'e1`` escapes as their
letters) and keeps, for every character of that view, where it came from, so a value found in
the view becomes a span over the note's own characters (escapes inside a name stay inside it).
Only the structured detector reads the view; the other detectors read the note as it is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

#: an HTML tag or comment delimiter: (slash, name)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>|<!--|-->")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")
#: tags that end a cell: their place becomes "|"; tags that end a line become a line break;
#: all other tags (b, i, span, a, font, img ...) are inline and vanish
_CELLS = frozenset({"td", "th"})
_BLOCKS = frozenset({"tr", "p", "div", "br", "li", "ul", "ol", "table", "thead", "tbody",
                     "h1", "h2", "h3", "h4", "h5", "h6", "title", "head", "body", "html",
                     "hr", "pre", "dt", "dd", "dl", "section", "header", "footer", "caption"})
#: an RTF control word (with its numeric parameter and the one space it may swallow), a
#: control symbol, an escaped byte (\'e9), or a brace
_RTF = re.compile(r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([\\{}~_-])|[{}]")
_RTF_LINES = frozenset({"par", "line", "row", "sect", "page"})
_RTF_CELLS = frozenset({"tab", "cell"})
_RTF_TEXT = {"endash": "–", "emdash": "—", "bullet": "•", "lquote": "‘", "rquote": "’",
             "ldblquote": "“", "rdblquote": "”", "~": " ", "_": "-", "-": ""}
#: RTF groups that hold no text of the document (font and colour tables, generator, styles)
_RTF_SKIP = re.compile(r"\{\\(?:\*|fonttbl|colortbl|stylesheet|info|pict|listtable)")


@dataclass(frozen=True)
class View:
    """The rendered text and, per character, the note's (start, end) it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_note(self, start: int, end: int) -> tuple[int, int]:
        """The note's span of the view's ``[start, end)``."""
        return self.starts[start], self.ends[end - 1]


#: a line that holds markup: an HTML tag or entity, an RTF control word or brace
_MARKED = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>\n]*>|&#?\w{2,31};|\\[a-z]{1,32}|[{}]")
#: how many unmarked lines may sit inside one region (a blank line between two rows)
_GAP = 1


def regions(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each run of lines that hold markup: only these are rendered, so a
    long note with one pasted table costs no more than the table."""
    if not has_markup(text):
        return []
    out: list[tuple[int, int]] = []
    start = end = -1
    gap = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        if _MARKED.search(line) is not None:
            if start < 0:
                start = pos
            end, gap = pos + len(line), 0
        elif start >= 0:
            gap += 1
            if gap > _GAP:
                out.append((start, end))
                start = -1
        pos += len(line)
    if start >= 0:
        out.append((start, end))
    return out


def has_markup(text: str) -> bool:
    """Whether ``text`` holds HTML tags or RTF source worth rendering (cheap checks first)."""
    return ("</" in text and _TAG.search(text) is not None) or "{\\rtf" in text


def render(text: str, start: int = 0, end: int | None = None) -> View | None:
    """The view of ``text[start:end]``, or ``None`` when ``text`` holds neither HTML nor RTF;
    offsets in the view map to offsets in ``text``."""
    if not has_markup(text):
        return None
    end = len(text) if end is None else end
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chars: str, a: int, b: int) -> None:
        for ch in chars:
            out.append(ch)
            starts.append(a)
            ends.append(b)

    rtf = "{\\rtf" in text
    pos = start
    while pos < end:
        plain = _SPECIAL.search(text, pos, end)
        stop = end if plain is None else plain.start()
        if stop > pos:  # plain text: one character for one
            out.append(text[pos:stop])
            starts.extend(range(pos, stop))
            ends.extend(range(pos + 1, stop + 1))
            pos = stop
            if pos >= end:
                break
        ch = text[pos]
        if ch == "<" and (tag := _TAG.match(text, pos)) is not None:
            name = (tag.group(2) or "").casefold()
            if name in _CELLS:
                emit("|", tag.start(), tag.end())
            elif name in _BLOCKS or tag.group(2) is None:  # a block or a comment delimiter
                emit("\n", tag.start(), tag.end())
            pos = tag.end()
        elif ch == "&" and (entity := _ENTITY.match(text, pos)) is not None:
            decoded = html.unescape(entity.group())
            emit(" " if decoded == "\xa0" else decoded, entity.start(), entity.end())
            pos = entity.end()
        elif rtf and ch in "\\{}":
            if ch == "{" and _RTF_SKIP.match(text, pos):
                pos = _group_end(text, pos)
                continue
            control = _RTF.match(text, pos)
            if control is None:
                emit(ch, pos, pos + 1)
                pos += 1
                continue
            word, byte, symbol = control.group(1), control.group(3), control.group(4)
            if byte is not None:
                emit(bytes([int(byte, 16)]).decode("cp1252", "replace"), *control.span())
            elif symbol is not None:
                emit(_RTF_TEXT.get(symbol, symbol), *control.span())
            elif word in _RTF_LINES:
                emit("\n", *control.span())
            elif word in _RTF_CELLS:
                emit("|", *control.span())
            elif word in _RTF_TEXT:
                emit(_RTF_TEXT[word], *control.span())
            pos = control.end()
        else:
            emit(ch, pos, pos + 1)
            pos += 1
    return View("".join(out), tuple(starts), tuple(ends))


#: where plain text stops: a character that may open markup
_SPECIAL = re.compile(r"[<&\\{}]")


def _group_end(text: str, pos: int) -> int:
    """The position after the RTF group opened at ``pos`` (escaped braces do not count)."""
    depth = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return pos
