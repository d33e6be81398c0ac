"""Multicultural variants of an annotated corpus: the same notes, identifiers from another locale.

This module rewrites corpora; it holds no locale data. The name, place and format pools it
draws from, and the transliteration of names, live in ``fairdeid.locales``; the surrogates
themselves come from the registry in ``fairdeid.replace.surrogates``. ``fairdeid localize``
(``cli/localize.py``) is the command line over :func:`localize_documents`; ``fairdeid locales``
(``cli/locales.py``) lists the pools.

This is the fairness experiment's instrument: a detector that finds "John Smith" but misses
"Wei Zhang" or "Chukwuemeka Okafor" in the *same sentence* shows a locale gap that no ordinary
test set can isolate. Every gold span's text is rewritten with a surrogate of the same label from
one locale (names by gender, phones/IDs/postcodes in that locale's shapes), offsets are recomputed,
and each span's ``attrs`` record ``locale`` and, for names, the ``gender`` used.

Dates and ages stay as they are by default: they carry no culture, and changing them would mix a
second variable into the comparison (``shift_dates=True`` moves them by one per-document offset).
Consistency is per document (same original → same surrogate), deterministic per ``seed``.
"""

from __future__ import annotations

from collections.abc import Iterable

from fairdeid.detect.titles import TITLE_CHARS, title_chars
from fairdeid.document import Document, Span
from fairdeid.locales import get_pool
from fairdeid.replace.store import SurrogateStore
from fairdeid.replace.surrogates import SurrogateEngine
from fairdeid.replace.surrogates.names import swap_titles

__all__ = ["localize_document", "localize_documents"]


def _engine(locale: str, gender: str, script: str, seed: int, shift_dates: bool,
            date_order: str) -> SurrogateEngine:
    get_pool(locale)  # unknown locale -> clear error before any work
    store = SurrogateStore(key=f"fairdeid-localize:{seed}".encode(), locales=(locale,))
    return SurrogateEngine(store, locale=locale, script=script, shape="locale",
                           shift_dates=shift_dates, gender=gender, date_order=date_order)


def _localize(engine: SurrogateEngine, doc: Document) -> Document:
    # Scope by document id: consistency within the document, independent of corpus order.
    scope = f"doc:{doc.id}"
    ordered = sorted(doc.spans, key=lambda s: (s.start, s.end))
    results = [engine.surrogate(doc, span, scope) for span in ordered]
    pieces: list[str] = []
    new_spans: list[Span] = []
    cursor = 0
    out_len = 0
    for span, result in zip(ordered, results, strict=True):
        if span.start < cursor:
            raise ValueError(f"document {doc.id!r}: gold spans overlap; cannot localize")
        gap = doc.text[cursor : span.start]
        pieces.append(gap)
        out_len += len(gap)
        text = result.text or doc.text[span.start : span.end]
        pieces.append(text)
        attrs = dict(span.attrs)
        attrs["locale"] = result.locale
        if result.gender is not None:
            attrs["gender"] = result.gender
        if "text" in attrs:
            attrs["text"] = text
        if TITLE_CHARS in attrs:
            _move_title_chars(attrs, doc.text[span.start : span.start + title_chars(span)], text)
        new_spans.append(Span(out_len, out_len + len(text), span.label, span.source, span.score,
                              attrs))
        out_len += len(text)
        cursor = span.end
    pieces.append(doc.text[cursor:])
    meta = dict(doc.meta)
    meta["locale"] = engine.locale
    return Document(doc.id, "".join(pieces), meta, tuple(new_spans))


def _move_title_chars(attrs: dict[str, object], title: str, text: str) -> None:
    """``title_chars`` for the rewritten span ``text``: a forced gender may have changed the
    title's length ("Mrs. " became "Mr. "); dropped when the title is no longer recognisable."""
    for new in (title, swap_titles(title, "male"), swap_titles(title, "female")):
        if new and text.startswith(new) and len(new) < len(text):
            attrs[TITLE_CHARS] = len(new)
            return
    attrs.pop(TITLE_CHARS, None)


def localize_document(
    doc: Document,
    locale: str,
    *,
    gender: str = "keep",
    script: str = "romanised",
    seed: int = 0,
    shift_dates: bool = False,
    date_order: str = "MDY",
) -> Document:
    """``doc`` with every gold span rewritten from ``locale``'s pool.

    ``gender="keep"`` takes each name's gender from its span's ``gender`` attr, else from
    context (titles, then the pooled first-name lists, then pronouns), else assigns one
    deterministically; ``"female"``/``"male"`` forces it. ``script="native"`` writes names and
    places in the locale's own script (张伟) instead of Latin letters (Wei Zhang).
    """
    return _localize(_engine(locale, gender, script, seed, shift_dates, date_order), doc)


def localize_documents(
    docs: Iterable[Document],
    locale: str,
    *,
    gender: str = "keep",
    script: str = "romanised",
    seed: int = 0,
    shift_dates: bool = False,
    date_order: str = "MDY",
) -> list[Document]:
    """``localize_document`` over many documents, sharing one engine (and its pool cache)."""
    engine = _engine(locale, gender, script, seed, shift_dates, date_order)
    return [_localize(engine, doc) for doc in docs]
