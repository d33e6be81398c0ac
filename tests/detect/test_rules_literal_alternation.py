"""``literal_alternation`` (the trie the name rules scan with) matches as the longest-first
alternation it replaced, including where what follows forces a shorter word."""

from __future__ import annotations

import random
import re

import pytest

from fairdeid.detect.rules.compiler import literal_alternation
from fairdeid.detect.rules.names import NameFinder

_WORDS = ["dr", "dr.", "drs", "d/w", "son", "sons", "seen by", "seen", "see", "s", "mr", "mrs"]


def _plain(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@pytest.mark.parametrize("tail", ["", r"[ \t]{1,2}(?=[A-Z])", r"(?![\w.])", r"\.?[ \t]"])
def test_same_matches_as_the_longest_first_alternation(tail: str) -> None:
    rng = random.Random(5)
    alphabet = "drsonemb./w yY \tS"
    for _ in range(300):
        words = rng.sample(_WORDS, rng.randint(1, len(_WORDS)))
        text = "".join(rng.choice(alphabet) for _ in range(60))
        trie = re.compile(f"(?P<w>{literal_alternation(words)}){tail}")
        plain = re.compile(f"(?P<w>{_plain(words)}){tail}")
        got = [(m.span(), m.group("w")) for m in trie.finditer(text)]
        assert got == [(m.span(), m.group("w")) for m in plain.finditer(text)]


def test_no_words_is_the_empty_pattern() -> None:
    assert literal_alternation([]) == literal_alternation([""]) == ""


def test_name_cues_and_titles_scan_as_before() -> None:
    finder = NameFinder(
        {
            "titles": ["Dr", "Dra", "Mr", "Mrs", "Prof", "Professor"],
            "soft_patient": ["son", "her son", "patient", "patient name"],
            "naming_cues": ["named"],
            "credentials": ["MD", "M.D.", "MBBS"],
        },
        frozenset(),
        frozenset(),
        (),
        frozenset(),
    )
    text = "Seen by Prof. Adams and PROFESSOR LEE; her son  Rahul, patient name: Ana. J Roe, M.D."
    lower = text.lower()
    assert [m.group("title") for m in finder.title_re.finditer(text)] == ["Prof", "PROFESSOR"]
    assert [m.group("cue") for m in finder.soft_re.finditer(lower)] == [
        "her son",
        "patient name",
    ]
    assert [m.group() for m in finder.cred_re.finditer(text)] == ["M.D."]
