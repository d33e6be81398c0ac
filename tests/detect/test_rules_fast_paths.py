"""The rule engine's fast paths find exactly what the plain forms they replace found.

Issue 14 (rules at 150,000 words per CPU-second) rewrote hot spots of the rule detector for
speed; each must leave every span as it was. The whole-corpus check is
``benchmarks/bench_rules.py --dump-spans`` (two dumps compared with ``cmp``); these tests pin
each rewrite against its plain form on tricky and random text.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.detect.rules import names

#: the header delimiter as it was written before it was reordered for ``re``'s fast scan
_PLAIN_DELIMITER = re.compile(r"[:=]|(?<=[ \t])-(?=[ \t])|(?<=\w)\.{3,}(?![.:=])")

_DELIMITER_TEXTS = (
    "Name: John\nMRN=123 - x\nNAME.....: Smith\nA....\n....b\nx...:\nx....=\n- a -\t-\t",
    "ASSISTANT.....: x; Tech - Standard; a.b...c...; é....: ü - ß\n:=-.. ...",
    "",
    "...",
    "a...",
    "a.. .",
)
_DELIMITER_ALPHABET = st.text(alphabet=" \t\n:=-.aZ9_é", max_size=60)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_delimiter_matches_the_plain_alternation() -> None:
    for text in _DELIMITER_TEXTS:
        assert _spans(names._DELIMITER, text) == _spans(_PLAIN_DELIMITER, text), text


@settings(max_examples=400, deadline=None)
@given(_DELIMITER_ALPHABET)
def test_delimiter_matches_the_plain_alternation_on_any_text(text: str) -> None:
    assert _spans(names._DELIMITER, text) == _spans(_PLAIN_DELIMITER, text)
