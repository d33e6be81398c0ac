"""A forgiving JSON reader that remembers where every string value sits in the note.

Why not ``json``: it gives values, not offsets, and it gives up on the first flaw. A FHIR
fragment pasted into a note is often cut off, carries a trailing comma or an ellipsis, and
its strings hold escapes (``\\u00e9``, ``\\"``), so the decoded value's length is not the
length in the note. This reader keeps, for every string, its raw offsets (between the quotes)
next to its decoded value, and on a flaw it stops and returns what it has read so far: keys and
values it has completed still count, the rest of the note is left to the other detectors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union

#: a parsed value: a string with its offsets, a list, an object, or another scalar (``None``
#: for numbers, booleans and null: no structured reading looks at them)
Value = Union["Str", list["Value"], "Obj", None]


@dataclass(frozen=True, slots=True)
class Str:
    """A JSON string: its decoded value and its raw offsets in the note (between the quotes)."""

    value: str
    start: int
    end: int


class Obj(dict[str, "Value"]):
    """A JSON object (keys decoded); ``end`` is where it closed, or where reading stopped."""

    end: int = 0


class _Stop(Exception):
    """Reading stopped at a flaw; the partial result stays in what the caller built."""


_WS = " \t\r\n"
_SCALAR_STOP = frozenset(",}]" + _WS)


def objects(text: str) -> Iterator[tuple[int, Obj]]:
    """Every JSON object of ``text`` (a ``{`` followed by a quoted key), with where it starts;
    reading goes on after the end of each, or after its ``{`` when nothing could be read."""
    pos = 0
    while True:
        start = text.find("{", pos)
        if start < 0:
            return
        after = start + 1
        while after < len(text) and text[after] in _WS:
            after += 1
        if text[after : after + 1] != '"':
            pos = start + 1
            continue
        root = parse_object(text, start)
        yield start, root
        pos = max(start + 1, root.end)


def parse_object(text: str, start: int) -> Obj:
    """The object opening at ``text[start] == "{"``, as far as it can be read."""
    reader = _Reader(text)
    root = Obj()
    try:
        reader.object_into(start, root)
    except (_Stop, IndexError, RecursionError):
        root.end = max(root.end, reader.pos)
    return root


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def _skip(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WS:
            pos += 1
        self.pos = pos

    def object_into(self, start: int, out: Obj) -> Obj:
        self.depth += 1
        if self.depth > 64:
            raise _Stop
        self.pos = start + 1
        while True:
            self._skip()
            ch = self.text[self.pos]
            if ch == "}":
                self.pos += 1
                out.end = self.pos
                self.depth -= 1
                return out
            if ch == ",":  # a stray or trailing comma
                self.pos += 1
                continue
            if ch != '"':
                raise _Stop
            key = self.string()
            self._skip()
            if self.text[self.pos] != ":":
                raise _Stop
            self.pos += 1
            self._skip()
            out[key.value] = None
            out[key.value] = self.value(out, key.value)
            out.end = self.pos

    def value(self, parent: Obj | None = None, key: str = "") -> Value:
        ch = self.text[self.pos]
        if ch == '"':
            return self.string()
        if ch == "{":
            child = Obj()
            if parent is not None:
                parent[key] = child  # kept even if reading stops inside it
            return self.object_into(self.pos, child)
        if ch == "[":
            items: list[Value] = []
            if parent is not None:
                parent[key] = items
            self.array_into(items)
            return items
        self.scalar()
        return None

    def array_into(self, items: list[Value]) -> None:
        self.depth += 1
        if self.depth > 64:
            raise _Stop
        self.pos += 1
        while True:
            self._skip()
            ch = self.text[self.pos]
            if ch == "]":
                self.pos += 1
                self.depth -= 1
                return
            if ch == ",":
                self.pos += 1
                continue
            if ch == "{":
                child = Obj()
                items.append(child)
                self.object_into(self.pos, child)
            elif ch == "[":
                inner: list[Value] = []
                items.append(inner)
                self.array_into(inner)
            else:
                items.append(self.value())

    def string(self) -> Str:
        text, start = self.text, self.pos + 1
        pos = start
        while True:
            ch = text[pos]
            if ch == '"':
                break
            if ch == "\\":
                pos += 2
                continue
            if ch in "\r\n":  # a string never spans lines: this quote was not JSON
                raise _Stop
            pos += 1
        self.pos = pos + 1
        raw = text[start:pos]
        try:
            value = json.loads(f'"{raw}"') if "\\" in raw else raw
        except ValueError:
            value = raw
        return Str(value, start, pos)

    def scalar(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] not in _SCALAR_STOP:
            pos += 1
        if pos == self.pos:
            raise _Stop
        word = text[self.pos : pos]
        if word not in ("true", "false", "null") and not _is_number(word):
            raise _Stop
        self.pos = pos


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True
