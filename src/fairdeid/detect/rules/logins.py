"""Login propagation: a login found once is a login wherever it stands in the note.

Why: ticket threads, audit reports and chat exports name the same person's login in a field
the detectors read ("Assignee: kpham", an audit table's user column) and again where no cue
says so (a comment line "11/23 14:40 kpham: ...", "access for DJACKS03 suspended"). The second
mention identifies the person as well as the first, as with names (``propagation.py``).

Why these guards: only a login's own shape spreads, compared case-sensitively and as a whole
word: lower-case letters with digits, dots or underscores, or lower-case letters alone of four
or more that are no ordinary, clinical or header word; or capitals with digits ("DJACKS03").
A detector's USERNAME span over an ordinary word ("nursing") therefore never spreads.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence

from fairdeid.document import Span

_LOWER_LOGIN = re.compile(r"[a-z][a-z0-9._-]{3,30}")
_UPPER_LOGIN = re.compile(r"[A-Z][A-Z]{2,15}[0-9]{1,4}")


def is_login_shape(value: str, ordinary: Collection[str]) -> bool:
    """A login's own shape (module docstring): safe to look for elsewhere in the note."""
    if _UPPER_LOGIN.fullmatch(value):
        return True
    if not _LOWER_LOGIN.fullmatch(value) or not value[-1].isalnum():
        return False
    return any(not c.isalpha() for c in value) or value not in ordinary


def login_mentions(
    text: str, spans: Sequence[Span], ordinary: Collection[str]
) -> Iterator[tuple[int, int]]:
    """Other whole-word mentions of the USERNAME spans' logins, outside every given span."""
    logins = {text[s.start : s.end] for s in spans if s.label == "USERNAME"}
    logins = {v for v in logins if is_login_shape(v, ordinary)}
    if not logins:
        return
    taken = sorted((s.start, s.end) for s in spans)
    pattern = re.compile(
        r"(?<![\w@./-])(?:" + "|".join(map(re.escape, sorted(logins, key=len, reverse=True)))
        + r")(?![\w@-]|[./]\w)"
    )
    for m in pattern.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            yield m.start(), m.end()
