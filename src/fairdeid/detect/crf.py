"""CRF detector (sklearn-crfsuite): fast to train, small, and cased -- a strong baseline.

Features per word: the lower-cased form, affixes, a word shape (``Xxxx``, ``dd/dd/dddd``), casing,
script, digit/punctuation flags, name and place dictionaries (from the locale pools, so Chinese,
Indian or Nigerian names are in the lexicon, not only Anglo ones) and the same cues for a window
of two words either side. Words and spans come from :mod:`fairdeid.detect.tokens`, exactly as for
the transformer, so offsets are exact and both detectors label the same units.

A model directory holds ``crf.model`` (crfsuite's own file) and ``fairdeid_model.json``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.tokens import Word, spans_from_tags, words_of
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

MODEL_FILE = "crf.model"
META_FILE = "fairdeid_model.json"


def word_shape(word: str) -> str:
    """``Zhang`` -> ``Xxxxx``, ``03/04`` -> ``dd/dd``; letters of caseless scripts -> ``a``."""
    out = []
    for ch in word:
        if ch.isdigit():
            out.append("d")
        elif ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isalpha():
            out.append("a")
        else:
            out.append(ch)
    return "".join(out)


def short_shape(word: str) -> str:
    """The shape with repeats collapsed (``Xxxxx`` -> ``Xx``)."""
    return re.sub(r"(.)\1+", r"\1", word_shape(word))


def script_of(word: str) -> str:
    ch = word[0]
    if ch.isascii():
        return "ascii"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    return name.split(" ", 1)[0].lower()


@lru_cache(maxsize=1)
def gazetteers() -> dict[str, frozenset[str]]:
    """Lower-cased first names, surnames and places of every locale pool (empty if unavailable)."""
    first: set[str] = set()
    last: set[str] = set()
    places: set[str] = set()
    try:
        from fairdeid.locales import LOCALE_CODES, get_pool
    except ImportError:  # pragma: no cover - locales are part of the package
        return {"first": frozenset(), "last": frozenset(), "place": frozenset()}
    for code in LOCALE_CODES:
        try:
            pool = get_pool(code)
        except Exception:  # noqa: BLE001 - a broken pool must not break detection
            continue
        for names in pool.first_names.values():
            for n in names:
                first.update(_parts(n.native) | _parts(n.romanised))
        for n in pool.surnames:
            last.update(_parts(n.native) | _parts(n.romanised))
        for city in (*pool.cities, *pool.native_places.get("cities", ())):
            places.update(_parts(city))
    return {"first": frozenset(first), "last": frozenset(last), "place": frozenset(places)}


def _parts(text: str) -> set[str]:
    return {w.text.lower() for w in words_of(text) if len(w.text) > 1 or not w.text.isascii()}


def _word_feats(word: str, gaz: Mapping[str, frozenset[str]]) -> dict[str, Any]:
    low = word.lower()
    return {
        "low": low,
        "shape": short_shape(word),
        "title": word[:1].isupper() and word[1:].islower(),
        "upper": word.isupper() and len(word) > 1,
        "digit": word.isdigit(),
        "punct": not any(c.isalnum() for c in word),
        "first": low in gaz["first"],
        "last": low in gaz["last"],
        "place": low in gaz["place"],
    }


def sentence_features(words: Sequence[Word]) -> list[dict[str, Any]]:
    """crfsuite feature dicts for each word of one document."""
    gaz = gazetteers()
    base = [_word_feats(w.text, gaz) for w in words]
    feats = []
    n = len(words)
    for i, w in enumerate(words):
        text = w.text
        f: dict[str, Any] = {
            "bias": 1.0,
            "w": base[i]["low"],
            "shape": word_shape(text)[:8],
            "sshape": base[i]["shape"],
            "p2": text[:2].lower(),
            "p3": text[:3].lower(),
            "s2": text[-2:].lower(),
            "s3": text[-3:].lower(),
            "len": min(len(text), 10),
            "title": base[i]["title"],
            "upper": base[i]["upper"],
            "digit": base[i]["digit"],
            "punct": base[i]["punct"],
            "script": script_of(text),
            "gaz_first": base[i]["first"],
            "gaz_last": base[i]["last"],
            "gaz_place": base[i]["place"],
            "space_before": i > 0 and words[i - 1].end < w.start,
            "space_after": i + 1 < n and words[i + 1].start > w.end,
        }
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                b = base[j]
                f[f"{off}:w"] = b["low"]
                f[f"{off}:shape"] = b["shape"]
                f[f"{off}:title"] = b["title"]
                f[f"{off}:name"] = b["first"] or b["last"]
            else:
                f[f"{off}:edge"] = True
        if i > 0:
            f["-1:w|w"] = base[i - 1]["low"] + "|" + base[i]["low"]
        if i + 1 < n:
            f["w|+1:w"] = base[i]["low"] + "|" + base[i + 1]["low"]
        feats.append(f)
    return feats


class CRFDetector(BaseDetector):
    """Linear-chain CRF over words; spans scored by the minimum marginal of their words."""

    name = "crf"

    def __init__(self, tagger: Any, model_name: str) -> None:
        self.tagger = tagger
        self.source = f"crf:{model_name}"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CRFDetector:
        """``[detectors.crf]`` with ``model`` = a directory holding ``crf.model``."""
        if "model" not in config:
            raise ConfigError("[detectors.crf] needs 'model' (a directory holding crf.model)")
        unknown = set(config) - {"model"}
        if unknown:
            raise ConfigError(f"unknown [detectors.crf] keys: {sorted(unknown)}")
        return cls.load(config["model"])

    @classmethod
    def load(cls, path: str | Path) -> CRFDetector:
        import pycrfsuite

        from fairdeid.detect.transformer import resolve_model_path

        directory = resolve_model_path(path)
        model_file = directory / MODEL_FILE
        if not model_file.is_file():
            raise ConfigError(f"{directory} has no {MODEL_FILE}")
        name = directory.name
        meta_file = directory / META_FILE
        if meta_file.is_file():
            name = str(json.loads(meta_file.read_text("utf-8")).get("name", name))
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_file))
        return cls(tagger, name)

    def detect(self, doc: Document) -> list[Span]:
        words = words_of(doc.text)
        if not words:
            return []
        tags = self.tagger.tag(sentence_features(words))
        scores = [self.tagger.marginal(t, i) for i, t in enumerate(tags)]
        return spans_from_tags(words, tags, scores, source=self.source, text=doc.text)
