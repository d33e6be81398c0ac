"""Clock times beside dates: the resolve step that keeps a time of day out of a DATE span.

Why: HIPAA Safe Harbor lists the *elements of dates* (day, month, full date) as identifiers, not
the time of day; the hand-written sets of every language leave the time out of the date, and a
time says nothing about who a patient is once its date is gone. So under ``safe_harbor`` (and
``limited_data_set``, which keeps dates anyway) a clock time is not PHI: ``[resolve] clock_times
= "keep"`` trims a leading or trailing time ("03/04/2025 14:32", "Nov 24 at 9:40am", "14.30 Uhr,
3. März", "le 3 mars à 14h30", "om 14.30 uur") off every DATE span, and a DATE span that holds
nothing but a time ("at 0800 hrs") is dropped. ``strict`` removes the time with the date
(``"remove"``, spans as the detectors made them).

The step only ever shortens a span at its edges, so it can never uncover a character of the date
itself: what it cuts must be a whole time expression (hour, minutes, optional seconds, am/pm or an
hour word, a zone) joined to the rest by a separator or a cue word ("at", "um", "ore", "a las"),
and a number that could still be part of the date stays. "14.3." is a date, not a time (a time
written with a period needs two-digit minutes and no period after them); a bare four-digit
"1930" after a day and month could be a year, so it is taken as a time only with an hour word
("hrs", "h", "Uhr"), a cue word or a leading zero ("0930"); "1015" or "2230" is a time. An ISO
timestamp ("2025-03-04T14:32:00Z") is cut at its "T": the date goes, "T14:32:00Z" stays, so
surrogate mode writes the shifted date with the original time.
"""

from __future__ import annotations

import re
from dataclasses import replace

from fairdeid.document import Span
from fairdeid.taxonomy import coarse

#: ``[resolve] clock_times`` values
KEEP = "keep"
REMOVE = "remove"
CLOCK_TIMES = (KEEP, REMOVE)
#: the value each preset implies when ``clock_times`` is not set (any other preset: keep)
PRESET_DEFAULTS = {"strict": REMOVE}

_HOUR = r"(?:[01]?\d|2[0-3])"
_MIN = r"[0-5]\d"
_AMPM = r"(?:[AaPp]\.?[Mm]\b\.?)"
#: hour words after a time: English, German, Dutch, French/Spanish/Italian "h", Spanish "horas"
_HOUR_WORD = r"(?:hrs?\b\.?|hours\b|h\b\.?|[Uu]hr\b|uur\b|[Hh]oras?\b|hs\b|Std\b\.?)"
_ZONE = r"(?:[ \t]?(?:Z|UTC|GMT|[ECMP][SD]T|CES?T|BST|IST|AEST|AEDT)\b|[+-](?:0\d|1[0-4]):?[0-5]\d)"


def _time(named: bool) -> str:
    """One clock time; ``named``: with the groups ``hhmm`` (a four-digit time written without
    anything else), ``hword`` (its hour word) and ``dot`` (matched, empty, when the time is
    "14.30" with nothing after it), which only one copy in a pattern may carry."""
    hhmm, hword, dot = ("?P<hhmm>", "?P<hword>", "?P<dot>") if named else ("?:",) * 3
    return (
        rf"(?:{_HOUR}:{_MIN}(?::{_MIN}(?:[.,]\d{{1,6}})?)?(?:[ \t]?{_AMPM}|[ \t]?{_HOUR_WORD})?"
        rf"|{_HOUR}\.{_MIN}(?:[ \t]?{_AMPM}|[ \t]?{_HOUR_WORD}|({dot}(?![.,]?\d)(?!\.)))"
        rf"|{_HOUR}[hH]{_MIN}?\b"
        rf"|(?:1[0-2]|0?[1-9])[ \t]?{_AMPM}"
        rf"|{_HOUR}[ \t]?(?:[Uu]hr|uur|hrs?)\b\.?"
        rf"|({hhmm}(?:[01]\d|2[0-3]){_MIN})(?:[ \t]?({hword}{_HOUR_WORD}))?"
        rf"){_ZONE}?"
    )


_TIME = _time(named=True)
#: words that introduce a time ("at 14:30", "um 14 Uhr", "a las 14:30", "à 14h30", "om 14.30")
_CUE = (
    r"(?:at|@|around|approx\.?|approximately|by|um|gegen|ab|à|a|vers|a[ \t]+las|a[ \t]+la"
    r"|alle(?:[ \t]+ore)?|ore|om|rond|kl\.?|às|ás|pelas|hacia|sobre[ \t]+las)"
)
#: a time range's second half ("14:00-15:30", "14:00 to 15:30", "14 bis 15 Uhr")
_RANGE = rf"(?:[ \t]*(?:-|–|to|bis|tot|à|a|al)[ \t]*{_time(named=False)})?"
#: what stands between a date and a time: a comma, spaces or one line break, maybe a dash; never
#: nothing, so digits glued to the date ("03042025") are never read as a time
_JOIN = r"(?:(?:[ \t]*[,;][ \t]*|[ \t]+)(?:-[ \t]+)?|[ \t]*\n[ \t]*)"

#: cues after which a bare hour is a time ("alle ore 14", "a las 9", "às 14")
_HOUR_CUE = r"(?:alle[ \t]+ore|ore|a[ \t]+las|a[ \t]+la|às|ás|kl\.?)"

_TRAILING = re.compile(
    rf"(?:(?P<join>{_JOIN}(?:(?P<cue>{_CUE})[ \t]*)?|[ \t]*(?P<at>@)[ \t]*)"
    rf"(?P<time>{_TIME}{_RANGE})"
    rf"|{_JOIN}{_HOUR_CUE}[ \t]+{_HOUR}(?![\w:.,]\w)){_ZONE}?[ \t]*\.?\Z",
    re.IGNORECASE,
)
_LEADING = re.compile(
    rf"\A(?:(?P<cue>{_CUE})[ \t]+)?(?P<time>{_TIME}{_RANGE})"
    rf"(?P<join>{_JOIN}(?:(?:on|le|am|el|il|op|del|the)[ \t]+)?)",
    re.IGNORECASE,
)
#: the whole span is a time (a cue may lead)
_ALONE = re.compile(rf"\A(?:(?P<cue>{_CUE})[ \t]+)?(?:{_TIME}{_RANGE})[ \t]*\.?\Z", re.IGNORECASE)
#: a cue word right before a span (``trim_clock_times`` reads it with the span)
_CUE_BEFORE = re.compile(rf"(?<![^\W\d_])(?P<cue>{_CUE})[ \t]*\Z", re.IGNORECASE)
#: an hour word right after a span
_WORD_AFTER = re.compile(rf"[ \t]?{_HOUR_WORD}", re.IGNORECASE)
_ISO_T = re.compile(r"(?<=\d)T(?=(?:[01]\d|2[0-3]):[0-5]\d)")
_DATE_EVIDENCE = re.compile(r"\d|[^\W\d_]{3,}")
#: a compact timestamp (HL7 v2 DTM, ISO 8601 basic): a whole span of a valid YYYYMMDD with the
#: time glued to it ("20261126031402", "202611250640+0100"): the time starts after 8 digits
_COMPACT = re.compile(
    r"\A(?:1[89]|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"(?=(?:[01]\d|2[0-3])(?:[0-5]\d(?:[0-5]\d(?:\.\d{1,4})?)?)?(?:[+-]\d{4})?\Z)"
)


def _bare_year(match: re.Match[str], rest: str, after: str = "") -> bool:
    """Whether a bare "time" could be part of the date: a four-digit one a year ("Nov 24 1930",
    "entre 2001 y 2005": even after a year, as in a list or range of years), a dotted one with a
    period after it or with no date before it its day and month ("il 19.10.", "19.10")."""
    cued = match.groupdict().get("cue") or match.groupdict().get("at")
    if match.groupdict().get("dot") is not None and not cued:
        return after.startswith(".") or not rest
    hhmm = match.groupdict().get("hhmm")
    if hhmm is None or match.group("hword") or cued:
        return False
    return not hhmm.startswith("0") and 1800 <= int(hhmm) <= 2100


def _trailing_cut(piece: str, after: str) -> int | None:
    """Where a trailing clock time (with its separator) starts in ``piece``, if the part before
    it still says something of a date; the shortest such time is tried last ("2025 à 14h30" is
    a year and a time, not a range)."""
    pos = 1
    while True:
        match = _TRAILING.search(piece, pos)
        if match is None:
            return None
        rest = piece[: match.start()]
        if _DATE_EVIDENCE.search(rest) and not _bare_year(match, rest, after):
            return match.start()
        pos = match.start() + 1


def _trim_text(text: str, after: str = "") -> tuple[int, int] | None:
    """Offsets inside ``text`` (a DATE span's text, ``after``: the character after it) of what
    is left once leading and trailing clock times are cut; ``None`` when nothing but times is
    left."""
    compact = _COMPACT.match(text)
    if compact is not None:
        return 0, compact.end()
    alone = _ALONE.match(text)
    if alone is not None and not _bare_year(alone, "", after):
        return None
    start, end = 0, len(text)
    iso = _ISO_T.search(text)
    if iso is not None:
        end = iso.start()
    while True:
        piece = text[start:end]
        cut = _trailing_cut(piece, after if end == len(text) else text[end : end + 1])
        if cut is not None:
            end = start + cut
            continue
        leading = _LEADING.match(piece)
        if leading is not None and leading.end() < len(piece):
            rest = piece[leading.end() :]
            if _DATE_EVIDENCE.search(rest) and not _bare_year(leading, rest):
                start += leading.end()
                continue
        break
    if end < len(text):  # "03/04/2025," once ", 14:32" is cut: no separator left at the edge
        while end > start and not text[end - 1].isalnum() and text[end - 1] not in ".)":
            end -= 1
    return (start, end) if end > start else None


def trim_clock_times(text: str, span: Span) -> Span | None:
    """``span`` without a leading or trailing clock time if it is a DATE span; ``None`` when it
    held only a time (the span is dropped: a time of day alone is not PHI under this policy).

    Other labels come back unchanged (the same object), as does a DATE span without a time.
    """
    if coarse(span.label) != "DATE":
        return span
    # a detector may leave the cue or the hour word out of its span ("om [14.30] uur"): they
    # are read with it, so "14.30" is known for a time and "19.10" (no cue) for a date
    cue = _CUE_BEFORE.search(text, max(0, span.start - 16), span.start)
    word = _WORD_AFTER.match(text, span.end)
    lo = cue.start("cue") if cue is not None else span.start
    hi = word.end() if word is not None else span.end
    kept = _trim_text(text[lo:hi], text[hi : hi + 1])
    if kept is None:
        return None
    start, end = max(span.start, lo + kept[0]), min(span.end, lo + kept[1])
    if end <= start:
        return None
    if start == span.start and end == span.end:
        return span
    return replace(span, start=start, end=end)


def keep_clock_times(text: str, spans: list[Span]) -> list[Span]:
    """Every proposal with clock times cut off its DATE spans (see module).

    A span a ``[resolve] deny`` pattern made is the site's explicit order and stays whole. A
    proposal of another label that runs from before a cut time into its middle ("2013-04-22 04"
    read as a phone number in "2013-04-22 04:15") is a pattern that misread the timestamp: it
    ends where the time starts. One that covers the whole time, or starts inside it, stays: a
    detector saw something else there ("030 - 256 1211" is a phone number).
    """
    out: list[Span] = []
    cuts: list[tuple[int, int]] = []
    for span in spans:
        if span.source.startswith("deny:"):
            out.append(span)
            continue
        trimmed = trim_clock_times(text, span)
        if trimmed is not span:
            lo, hi = (span.end, span.end) if trimmed is None else (trimmed.start, trimmed.end)
            cuts += [(a, b) for a, b in ((span.start, lo), (hi, span.end)) if b > a]
        if trimmed is not None:
            out.append(trimmed)
    if not cuts:
        return out
    return [_clip_to_cuts(text, span, cuts) for span in out]


def _clip_to_cuts(text: str, span: Span, cuts: list[tuple[int, int]]) -> Span:
    """``span`` ended where a cut time starts, if it runs into the middle of one (see above)."""
    if coarse(span.label) == "DATE":
        return span
    for start, end in cuts:
        if span.start < start < span.end < end:
            cut = start
            while cut > span.start and not text[cut - 1].isalnum():
                cut -= 1
            if cut > span.start:
                return replace(span, end=cut)
    return span
