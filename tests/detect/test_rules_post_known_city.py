"""``known_city``: a post step that keeps only the leading words of a span the city dictionary
knows, whatever their case (es-letters: towns of dictated notes written in lower case)."""

from __future__ import annotations

import re

from fairdeid.detect.rules.post import POST_STEPS, PlaceWords, known_city

CITIES = {"juliaca", "san juan", "burjassot"}


def _words() -> PlaceWords:
    return PlaceWords.build({}, (), frozenset(), lambda phrase: phrase.lower() in CITIES)


def _run(text: str, phrase: str) -> str | None:
    m = re.search(re.escape(phrase), text)
    assert m is not None
    kept = known_city(_words(), text, m, None, m.start(), m.end())
    return None if kept is None else text[kept[0] : kept[1]]


def test_keeps_the_longest_known_prefix() -> None:
    assert _run("natural de juliaca puno", "juliaca puno") == "juliaca"
    assert _run("vive en san juan centro", "san juan centro") == "san juan"
    assert _run("reside en burjassot, calle", "burjassot,") == "burjassot"


def test_rejects_words_the_dictionary_does_not_know() -> None:
    assert _run("vive en pareja con su hija", "pareja con su") is None
    assert _run("vive en", "en") is None


def test_is_a_named_step() -> None:
    assert POST_STEPS["known_city"] == (known_city, frozenset())
