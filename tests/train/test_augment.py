"""Multicultural augmentation: each epoch re-draws a note's identifiers, deterministically."""

from __future__ import annotations

import pytest

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.train.augment import Augmenter, parse_locales

TEXT = "Seen by Dr. Wei Zhang's team on 03/04/2021."


def _doc() -> Document:
    s = TEXT.index("Wei")
    d = TEXT.index("03/")
    return Document("d", TEXT, spans=(Span(s, s + 9, "DOCTOR"), Span(d, d + 10, "DATE")))


def test_augmenter_is_deterministic_and_survives_failures() -> None:
    calls = []

    def fake(doc: Document, locale: str, *, gender: str, script: str, seed: int) -> Document:
        calls.append((locale, script))
        if doc.id == "bad":
            raise ValueError("boom")
        return Document(doc.id + "-" + locale, doc.text, {}, doc.spans)

    aug = Augmenter(["en_US", "zh_CN", "hi_IN"], seed=3, localizer=fake)
    docs = [_doc(), Document("bad", "x")]
    first = aug.epoch(docs, 0)
    assert [d.id for d in first] == [d.id for d in aug.epoch(docs, 0)]
    assert first[1].id == "bad" and aug.failures == 2
    assert first[0].meta["locale"] in {"en_US", "zh_CN", "hi_IN"}
    assert all(s in ("romanised", "native") for _, s in calls)
    with pytest.raises(ConfigError):
        Augmenter([], localizer=fake)
    assert parse_locales("en_US, zh_CN") == ["en_US", "zh_CN"]
    assert parse_locales(None) == []
