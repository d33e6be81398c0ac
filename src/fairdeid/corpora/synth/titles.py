"""Personal titles in the generated gold: inside the name span or outside it, as the pipeline does.

Why: the pipeline puts a title right before a name inside the name span (``[resolve]
name_titles = "include"``, ``fairdeid.detect.titles``) in English, and leaves it out ("keep") in
the language packs, whose annotated sets do. Gold that followed another convention would make
every "Dr. Smith" one false positive of three characters and hide real precision changes behind
a convention (about five points on the synthetic dev sets). So the generator follows the
convention of the pipeline it would be scored with: the same config (the packaged one, or a
pack's for ``--lang``), the same ``name_titles`` setting, and the same title lists and
attachment rule, applied by the same function (``include_titles``) to the finished note. A title
is therefore inside a gold name exactly where the pipeline would put it inside a found one: on
the same line, directly before the name, after every noise transform has run.

The note writers never draw a random number for this, so a seed gives the same text under
either convention; only the name spans differ.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairdeid.config.schema import NAME_TITLE_MODES
from fairdeid.detect.titles import TITLE_ADDED, TITLE_CHARS, TitleWords, include_titles
from fairdeid.document import Document, Span

__all__ = ["NAME_TITLE_MODES", "TitleConvention"]


ConfigSource = str | Path | Mapping[str, Any] | None


@dataclass(frozen=True)
class TitleConvention:
    """Where the gold puts a personal title that stands right before a name."""

    #: one of ``NAME_TITLE_MODES``: "include", inside the name span; "keep", outside it (the
    #: spans as the note writers wrote them)
    mode: str
    #: the pipeline's title lists (None with "keep")
    words: TitleWords | None = None

    @classmethod
    def of(
        cls, lang: str = "en", name_titles: str | None = None, config: ConfigSource = None
    ) -> TitleConvention:
        """The convention of the pipeline that scores ``lang`` notes: built from ``config``
        (None: the packaged config) as ``Pipeline.from_config(config, language=lang)`` builds
        it, with ``name_titles`` (when given) instead of the config's setting.

        A ``ConfigError`` names a bad ``name_titles``, config or language."""
        from fairdeid.errors import ConfigError
        from fairdeid.resolve import ResolveConfig

        if name_titles is not None and name_titles not in NAME_TITLE_MODES:
            raise ConfigError(
                f"name_titles {name_titles!r} is not one of: {', '.join(NAME_TITLE_MODES)}")
        pipeline_config = _pipeline_config(lang, config)
        mode = name_titles or ResolveConfig.from_mapping(
            pipeline_config.get("resolve", {})).name_titles
        if mode != "include":
            return cls(mode)
        return cls(mode, TitleWords.from_config(pipeline_config))

    def apply(self, doc: Document) -> Document:
        """``doc`` with its name spans following this convention (itself with "keep").

        A name span that took in a title gets ``attrs["title_chars"]`` (how many of its first
        characters are that title and its separator), which the surrogate replacers and ``fairdeid
        localize`` read to keep the title and replace only the name; ``attrs["text"]`` (the
        ``with_text`` check) is brought up to date."""
        if self.words is None or not doc.spans:
            return doc
        ordered = sorted(doc.spans, key=lambda s: (s.start, s.end))
        extended = include_titles(doc.text, ordered, self.words)
        spans = [_gold(doc.text, old, new) for old, new in zip(ordered, extended, strict=True)]
        if all(a is b for a, b in zip(spans, ordered, strict=True)):
            return doc
        return dataclasses.replace(doc, spans=tuple(spans))


def _gold(text: str, old: Span, new: Span) -> Span:
    """The gold span: ``old`` when the step took in no title (a name that merely starts with a
    title-like word, "Don Smith", is marked by the step but not changed), else ``new`` with
    ``title_chars`` counting only the title it took in (the writer knows the rest is name: the
    "M." of "Dr. M. Smith" is an initial, not "Monsieur"), without ``title_added``
    (provenance of a pipeline step), and with its ``text`` check, when it has one, equal to
    what it now covers."""
    added = new.attrs.get(TITLE_ADDED)
    if not added:
        return old
    attrs = {k: v for k, v in new.attrs.items() if k != TITLE_ADDED}
    attrs[TITLE_CHARS] = added
    if "text" in attrs:
        attrs["text"] = text[new.start : new.end]
    return Span(new.start, new.end, new.label, new.source, new.score, attrs)


def _pipeline_config(lang: str, config: ConfigSource) -> Mapping[str, Any]:
    """The config the pipeline for ``lang`` notes is built from (a pack's with the caller's
    policy carried over, as the pipeline's language routing does)."""
    from fairdeid.lang.routing import BASE_LANGUAGE, pack_config
    from fairdeid.pipeline import load_config

    main = load_config(config)
    return main if lang == BASE_LANGUAGE else pack_config(lang, main)
