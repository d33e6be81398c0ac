"""Logins written in brackets after their owner's name, and their other mentions.

Why: tickets, audit reports and work notes name a member of staff with their account,
"Demandeur : Céline Rabier (crabier)", "Assegnatario: Francesco Scalise (fscalise)", and then
use the account alone ("19/11/2026 08:31 - fscalise (nota di lavoro)"). An account has no
shape a prose rule could tell from a word, but one made from its owner's name carries the name
in it: a lower-case token in brackets right after a name is a login when it holds the name's
last word (accents and case aside), maybe with an initial, a digit or a separator
("becker-yildiz_l", "liebscherc", "mrossi2"). Every other whole-word mention of that login in
the note is the same account.
"""

from __future__ import annotations

import re
import unicodedata

from fairdeid.detect.structured.common import Hit

#: a bracketed lower-case token, and the capitalised word right before it (the surname)
_BRACKETED = re.compile(r"\((?P<login>[a-z][a-z0-9._-]{2,30})\)")
_SURNAME = re.compile(r"(?P<name>[^\W\d_a-z][^\W\d_]*(?:[-'][^\W\d_]+)*)[ \t]*$")
_MIN_SURNAME = 3


def _folded(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def find(text: str) -> list[Hit]:
    """Each bracketed login made from the name before it, and its other whole-word mentions."""
    if "(" not in text:
        return []
    logins: set[str] = set()
    for m in _BRACKETED.finditer(text):
        before = _SURNAME.search(text, max(0, m.start() - 40), m.start())
        if before is None:
            continue
        surname = _folded(before.group("name"))
        login = m.group("login")
        if len(surname) >= _MIN_SURNAME and surname in _folded(login):
            logins.add(login)
    hits: list[Hit] = []
    for login in sorted(logins):
        for m in re.finditer(rf"(?<![\w.@\\-]){re.escape(login)}(?![\w@]|[.-]\w)", text):
            hits.append(Hit(m.start(), m.end(), "USERNAME", "login.named"))
    return hits
