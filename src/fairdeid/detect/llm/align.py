"""Where the model's strings are: chunking long notes and locating entity strings in text.

A model returns strings, not offsets (asking for offsets gets wrong numbers). So every string is
searched for in the text the model saw; each occurrence becomes a span, and a string that is not
there is a hallucination and is dropped. Matching is tolerant of what models change (case and
runs of whitespace) and strict about word edges, so a two-letter name does not match inside every
longer word. Scripts written without spaces (CJK, Thai) get no word-edge check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

#: Scripts written without spaces between words: no word-edge check for these characters.
_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # kana
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xAC00, 0xD7AF),  # hangul
    (0x20000, 0x2FFFF),
)
_EDGE_PUNCT = " \t\r\n.,;:!?\"'()[]{}<>«»“”‘’"


def _needs_edge(ch: str) -> bool:
    if not ch.isalnum():
        return False
    cp = ord(ch)
    return not any(lo <= cp <= hi for lo, hi in _NO_SPACE_RANGES)


def chunk_text(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Cut ``text`` into ``(start, end)`` windows of at most ``size`` characters.

    Cuts fall on whitespace where the last half of a window has any (else mid-word, for text
    without spaces), and consecutive windows share about ``overlap`` characters, starting on a
    word, so an entity cut by one boundary is whole in the neighbouring window.
    """
    n = len(text)
    if n <= size:
        return [(0, n)] if n else []
    chunks: list[tuple[int, int]] = []
    start = 0
    while start < n:
        end = min(start + size, n)
        if end < n:
            cut = _last_space(text, start + size // 2, end)
            if cut is not None:
                end = cut
        chunks.append((start, end))
        if end >= n:
            break
        nxt = max(end - overlap, start + 1)
        # Start the next window at a word start (after whitespace) if one lies in the overlap.
        while nxt < end and not (text[nxt - 1].isspace() and not text[nxt].isspace()):
            nxt += 1
        start = nxt
    return chunks


def _last_space(text: str, lo: int, hi: int) -> int | None:
    for i in range(hi, lo, -1):
        if text[i - 1].isspace():
            return i
    return None


@lru_cache(maxsize=4096)
def entity_pattern(entity: str, match_case: bool, match_whitespace: bool) -> re.Pattern[str] | None:
    """A regex for every occurrence of ``entity``; ``None`` if nothing searchable is left."""
    entity = entity.strip()
    if not entity:
        return None
    if match_whitespace:
        body = r"\s+".join(re.escape(part) for part in entity.split())
    else:
        body = re.escape(entity)
    if _needs_edge(entity[0]):
        body = r"(?<!\w)" + body
    if _needs_edge(entity[-1]):
        body += r"(?!\w)"
    return re.compile(body, 0 if match_case else re.IGNORECASE)


def locate(
    entity: str, text: str, *, match_case: bool = False, match_whitespace: bool = True
) -> list[tuple[int, int]]:
    """Offsets of every occurrence of ``entity`` in ``text``.

    If the exact string is absent, punctuation the model may have added or dropped at the ends
    (``"Smith,"``, ``"(555) 201"``) is stripped and the search repeated once. Case-insensitive
    matching skips all-lowercase occurrences of an entity the model wrote with capitals when a
    capitalised occurrence exists: the month "May" must not take every "may" with it, while
    "SMITH" in a header still matches "Smith".
    """
    found = list(_find(entity, text, match_case, match_whitespace))
    if not found:
        trimmed = entity.strip(_EDGE_PUNCT)
        if trimmed and trimmed != entity.strip():
            entity = trimmed
            found = list(_find(entity, text, match_case, match_whitespace))
    if not match_case and not entity.islower():
        cased = [(s, e) for s, e in found if not text[s:e].islower()]
        if cased:
            return cased
    return found


def _find(entity: str, text: str, match_case: bool, ws: bool) -> Iterator[tuple[int, int]]:
    pattern = entity_pattern(entity, match_case, ws)
    if pattern is None:
        return
    for m in pattern.finditer(text):
        if m.end() > m.start():
            yield m.start(), m.end()
