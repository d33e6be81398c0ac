"""CRF detector (sklearn-crfsuite): fast to train, small, and cased -- a strong baseline.

Features per word: the lower-cased form, affixes, a word shape (``Xxxx``, ``dd/dd/dddd``), casing,
script, digit/punctuation flags, name and place dictionaries (from the locale pools, so Chinese,
Indian or Nigerian names are in the lexicon, not only Anglo ones) and the same cues for a window
of two words either side. Words and spans come from :mod:`fairdeid.detect.tokens`, exactly as for
the transformer, so offsets are exact and both detectors label the same units.

A model directory holds ``crf.model`` (crfsuite's own file) and ``fairdeid_model.json``.

Feature sets are versioned: the model's ``fairdeid_model.json`` names the set it was trained with
(``"features"``; a model without the key was trained with ``v1``), because a CRF's weights only
mean something for the features it was trained on, and the packs' models are retrained one at a
time. ``v2`` adds the full word shape and affixes of the neighbours, the position of the word
on its line (first, last, after a colon: headers such as "Domicilio:" and signature blocks), and
the word lists of a language pack (``"gazetteers": "es"``: its names, places, hospitals,
ordinary and clinical words).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.tokens import Word, spans_from_tags, words_of
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

MODEL_FILE = "crf.model"
META_FILE = "fairdeid_model.json"
#: feature sets a model may name in its metadata (``"features"``)
FEATURE_SETS = ("v1", "v2")
#: the set of a model whose metadata names none (every model trained before sets had names)
LEGACY_FEATURES = "v1"
#: pack word lists read as v2 gazetteers: feature name -> files of the pack folder
PACK_GAZETTEERS: dict[str, tuple[str, ...]] = {
    "first": ("first_names.txt",),
    "last": ("surnames.txt", "ambiguous_names.txt"),
    "place": ("cities.txt", "states.txt", "countries.txt"),
    "hosp": ("hospitals.txt",),
    "prof": ("professions.txt",),
    "common": ("common_words.txt",),
    "clin": ("clinical_words.txt", "function_words.txt", "stopwords.txt"),
}

#: A function from a document's text and words to one crfsuite feature dict per word.
Featurizer = Callable[[str, Sequence[Word]], list[dict[str, Any]]]


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


@lru_cache(maxsize=8)
def pack_gazetteers(language: str) -> dict[str, frozenset[str]]:
    """Lower-cased words of a language pack's word lists (every word of a multi-word entry)."""
    from fairdeid.detect.rules.compiler import load_word_file
    from fairdeid.lang.packs import load_pack

    folder = load_pack(language).folder
    out: dict[str, frozenset[str]] = {}
    for feature, files in PACK_GAZETTEERS.items():
        # the particles of "San Sebastián de los Reyes" are no evidence of a place
        proper_only = feature not in ("prof", "common", "clin")
        words: set[str] = set()
        for name in files:
            if (folder / name).is_file():
                for entry in load_word_file(folder / name):
                    words.update(w.text.lower() for w in words_of(entry)
                                 if not (proper_only and w.text.islower())
                                 and (len(w.text) > 1 or not w.text.isascii()))
        out[feature] = frozenset(words)
    return out


def _line_positions(text: str, words: Sequence[Word]) -> list[tuple[bool, bool, int]]:
    """Per word: first on its line, last on its line, and its index in the line (capped at 4)."""
    n = len(words)
    first = [i == 0 or "\n" in text[words[i - 1].end : words[i].start] for i in range(n)]
    last = [i + 1 == n or first[i + 1] for i in range(n)]
    out = []
    index = 0
    for i in range(n):
        index = 0 if first[i] else index + 1
        out.append((first[i], last[i], min(index, 4)))
    return out


def sentence_features_v2(
    text: str, words: Sequence[Word], gazetteer_pack: str | None = None
) -> list[dict[str, Any]]:
    """``v1`` plus neighbour shapes and affixes, line position and a pack's word lists.

    Why these: MEDDOCAN's errors are mostly boundaries in address and signature blocks ("Avda.
    Gaspar Aguilar, 90" after a hospital name, "Bajo A." before "Localidad:"), where the shape
    of the next words and the line layout tell where an entity stops; and names and places the
    locale pools lack are in the pack's lists (with the ordinary words that are not names).
    """
    feats = sentence_features(words)
    pack = pack_gazetteers(gazetteer_pack) if gazetteer_pack else {}
    lines = _line_positions(text, words)
    n = len(words)
    lows = [w.text.lower() for w in words]
    for i, f in enumerate(feats):
        bol, eol, index = lines[i]
        f["bol"] = bol
        f["eol"] = eol
        f["line_index"] = index
        f["after_colon"] = i > 0 and words[i - 1].text == ":"
        for feature, lexicon in pack.items():
            f[f"pk_{feature}"] = lows[i] in lexicon
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                other = words[j].text
                f[f"{off}:fshape"] = word_shape(other)[:8]
                f[f"{off}:bol"] = lines[j][0]
                if off in (-1, 1):
                    f[f"{off}:s3"] = other[-3:].lower()
                    f[f"{off}:p3"] = other[:3].lower()
                for feature in ("first", "last", "place", "common"):
                    if feature in pack:
                        f[f"{off}:pk_{feature}"] = lows[j] in pack[feature]
        if i > 1:
            f["-2:w|-1:w"] = lows[i - 2] + "|" + lows[i - 1]
        if i + 2 < n:
            f["+1:w|+2:w"] = lows[i + 1] + "|" + lows[i + 2]
    return feats


def featurizer(meta: Mapping[str, Any]) -> Featurizer:
    """The feature function a model was trained with, from its metadata."""
    name = str(meta.get("features", LEGACY_FEATURES))
    if name not in FEATURE_SETS:
        raise ConfigError(
            f"CRF model feature set {name!r} is unknown to this fairdeid (known: "
            f"{', '.join(FEATURE_SETS)}): a newer model needs a newer fairdeid")
    if name == "v1":
        return lambda text, words: sentence_features(words)
    pack = meta.get("gazetteers")
    return partial(sentence_features_v2, gazetteer_pack=str(pack) if pack else None)


class CRFDetector(BaseDetector):
    """Linear-chain CRF over words; spans scored by the minimum marginal of their words."""

    name = "crf"

    def __init__(self, tagger: Any, model_name: str, featurize: Featurizer | None = None) -> None:
        self.tagger = tagger
        self.source = f"crf:{model_name}"
        self.featurize = featurize or featurizer({})

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
        meta_file = directory / META_FILE
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.is_file() else {}
        name = str(meta.get("name", directory.name))
        featurize = featurizer(meta)  # before opening: an unknown feature set is refused
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_file))
        return cls(tagger, name, featurize)

    def detect(self, doc: Document) -> list[Span]:
        words = words_of(doc.text)
        if not words:
            return []
        tags = self.tagger.tag(self.featurize(doc.text, words))
        scores = [self.tagger.marginal(t, i) for i, t in enumerate(tags)]
        return spans_from_tags(words, tags, scores, source=self.source, text=doc.text)
