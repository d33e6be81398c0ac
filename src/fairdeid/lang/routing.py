"""Send each note to the pipeline of its language (``[pipeline] language = "auto"``).

Why here and not in every entry point: the CLI, the service, batch jobs and evaluation all call
``Pipeline`` methods, so routing inside the pipeline gives every one of them the same behaviour
and the same per-note record of the language used (``LanguageChoice``).

A pack's pipeline is built from its ``pack.toml`` on the first note in that language (models
load then, not at start), with the caller's choices carried over where they are choices about
the output or the policy rather than about the language (``pack_config``): the replacement
mode, the surrogate key settings and output format, the resolve preset and allow/deny lists,
and the detector narrowing (``--detectors``) intersected with the detectors the pack has.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairdeid.document import Document
from fairdeid.errors import ConfigError
from fairdeid.lang.identify import LanguageChoice, LanguageIdentifier
from fairdeid.lang.packs import PACKS_DIR, available_languages, load_pack

if TYPE_CHECKING:
    from fairdeid.pipeline import Pipeline

AUTO = "auto"
BASE_LANGUAGE = "en"
#: [replace] keys that belong to the language (the pack's own value wins)
_LANGUAGE_REPLACE_KEYS = frozenset({"locales", "date_order"})
#: [resolve] keys that are the user's policy, carried into every pack (``preset``: the stricter;
#: ``name_titles`` and ``clock_times`` only where the user's config sets them, else each pack
#: keeps its own)
_POLICY_RESOLVE_KEYS = ("allow", "deny", "ignore_labels", "name_titles", "clock_times")
#: presets from the one that removes least to the one that removes most
_PRESET_ORDER = ("limited_data_set", "safe_harbor", "strict")


class PackLacksDetectors(ConfigError):
    """A pack has none of the detectors a run or call was narrowed to (``--detectors``).

    With a fixed language this is the error the user sees; with ``auto`` routing the notes of
    that language go through the configured pipeline instead, with a warning (reason
    ``no_detector``): a narrowed run (evaluating one detector) must not fail because one note
    was identified as another language."""


def language_choices(root: Path = PACKS_DIR) -> tuple[str, ...]:
    """Values ``--lang`` and ``[pipeline] language`` accept."""
    return (AUTO, BASE_LANGUAGE, *available_languages(root))


def check_language(value: object, root: Path = PACKS_DIR) -> str:
    choices = language_choices(root)
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"[pipeline] language {value!r} is not one of: {', '.join(choices)}")
    return value


def pack_config(
    language: str,
    main: Mapping[str, Any],
    *,
    detectors: Sequence[str] | None = None,
    root: Path = PACKS_DIR,
) -> dict[str, Any]:
    """The config a pack's pipeline is built from: the pack's, plus the caller's policy.

    ``main`` is the caller's config after overrides; ``detectors`` the caller's narrowing
    (``None``: the pack's own list). A narrowing that leaves the pack no detector is refused.
    """
    pack = load_pack(language, root)
    config: dict[str, Any] = {k: dict(v) if isinstance(v, Mapping) else v
                              for k, v in pack.config.items()}
    pipeline = config.setdefault("pipeline", {})
    own = list(pipeline.get("detectors", ["rules"]))
    if detectors is not None:
        chosen = [name for name in own if name in detectors]
        if not chosen:
            raise PackLacksDetectors(
                f"language pack {language!r} has none of the detectors {list(detectors)} "
                f"(it has {own}); choose some of those, or --lang en")
        pipeline["detectors"] = chosen
    replace = main.get("replace", {})
    if replace.get("mapping_file"):
        raise ConfigError(
            "[replace] mapping_file is not supported with language routing yet: "
            "run with --lang en, or split the notes by language")
    carried = {k: v for k, v in replace.items() if k not in _LANGUAGE_REPLACE_KEYS}
    config["replace"] = {**config.get("replace", {}), **carried}
    resolve = main.get("resolve", {})
    own_resolve = config.get("resolve", {})
    config["resolve"] = {**own_resolve,
                         **{k: resolve[k] for k in _POLICY_RESOLVE_KEYS if k in resolve}}
    if "preset" in resolve:
        config["resolve"]["preset"] = stricter_preset(
            str(own_resolve.get("preset", "safe_harbor")), str(resolve["preset"]))
    return config


def stricter_preset(a: str, b: str) -> str:
    """Privacy first: of a pack's preset and the caller's, the one that removes more."""
    rank = {name: i for i, name in enumerate(_PRESET_ORDER)}
    return max(a, b, key=lambda name: rank.get(name, len(rank)))


class LanguageRouter:
    """Chooses each note's language and holds the pack pipelines (built on first use)."""

    def __init__(
        self,
        build: Callable[[str], Pipeline],
        *,
        base_language: str = BASE_LANGUAGE,
        root: Path = PACKS_DIR,
        identifier: LanguageIdentifier | None = None,
    ) -> None:
        self._build = build
        self.base_language = base_language
        self.languages = available_languages(root)
        self.identifier = identifier or LanguageIdentifier(self.languages, default=base_language)
        self._bases: dict[str, Pipeline] = {}
        self._by_mode: dict[tuple[str, str], Pipeline] = {}
        #: packs that cannot honour the detector narrowing (not rebuilt for every batch)
        self._lacking: dict[str, PackLacksDetectors] = {}
        self._lock = threading.Lock()

    def choose(self, docs: Sequence[Document]) -> list[LanguageChoice]:
        """One choice per note; a note's ``meta["language"]`` (a supported code) is obeyed."""
        out = []
        for doc in docs:
            given = doc.meta.get("language")
            if isinstance(given, str) and given in (self.base_language, *self.languages):
                out.append(LanguageChoice(given, "fixed"))
            else:
                out.append(self.identifier.identify(doc.text))
        return out

    def pipeline(self, language: str, mode: str) -> Pipeline:
        """The pack pipeline for ``language`` replacing in ``mode`` (detectors shared by modes)."""
        from fairdeid.pipeline import Pipeline
        from fairdeid.replace import build_replacer

        with self._lock:
            found = self._by_mode.get((language, mode))
            if found is not None:
                return found
            if language in self._lacking:
                raise self._lacking[language]
            base = self._bases.get(language)
            if base is None:
                try:
                    base = self._bases[language] = self._build(language)
                except PackLacksDetectors as exc:
                    self._lacking[language] = exc
                    raise
            if base.replacer.mode == mode:
                found = base
            else:
                replacer = build_replacer(base.config.get("replace", {}), mode=mode)
                found = Pipeline(base.detectors, base.resolver, replacer, base.config,
                                 language=language)
            self._by_mode[(language, mode)] = found
            return found


def with_language(source: str | Path | Mapping[str, Any] | None, language: str) -> dict[str, Any]:
    """A config (path, mapping or ``None`` for the packaged default) with ``[pipeline]
    language`` set: how ``--lang`` reaches code that takes a config rather than a pipeline."""
    from fairdeid.pipeline import load_config

    check_language(language)
    config = load_config(source)
    return {**config, "pipeline": {**config.get("pipeline", {}), "language": language}}
