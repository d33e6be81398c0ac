"""Tell a learned DATE span that cannot be a date: a bare number or an impossible day/month.

Why: the English encoder tags numbers of clinical shorthand as dates ("GCS 13/15", "at 34/40"
weeks of gestation, "Mixtard 30/70", "Cr peaked 164", "Creon 25000"): on the hand-written
English sets these were a tenth of its false positives. A date written in digits alone names a
day and a month (or a year), so a span of one to three or five digits, or two numbers no day
and month can be ("32/40", "13/15"), is no date whatever the model read. Spans with a letter, a
year or three parts are left to the model; a span another span touches is part of a longer one
(``learned_trim._touching``) and stays too. Used by ``learned_trim.LearnedTrim`` for English.
"""

from __future__ import annotations

import re

#: one to three digits, or five: no date element written alone in digits ("164", "25000")
_BARE = re.compile(r"\d{1,3}|\d{5}")
#: a word right after a number (a month, maybe cut by a line end)
_WORD_NEXT = re.compile(r"[ \t]?[^\W\d_]")
#: two numbers of one or two digits with a date separator between ("13/15", "34/40", "5/5")
_PAIR = re.compile(r"(\d{1,2})\s?[/.-]\s?(\d{1,2})")


def impossible_date(text: str, after: str = "") -> bool:
    """Whether ``text`` (a span's text) is digits that no day, month or pair of them can be;
    ``after``: the text right after the span, where a word makes a day of one or two digits
    ("20 no-\nvember" cut by a line end)."""
    text = text.strip()
    if _BARE.fullmatch(text):
        return not (len(text) <= 2 and 1 <= int(text) <= 31 and _WORD_NEXT.match(after))
    pair = _PAIR.fullmatch(text)
    if pair is None:
        return False
    first, second = int(pair.group(1)), int(pair.group(2))
    if not (1 <= first <= 31 and 1 <= second <= 31):
        return True
    return first > 12 and second > 12
