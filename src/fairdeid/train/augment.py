"""Multicultural augmentation (the BERT-MultiCulture-DEID recipe).

A model trained on notes whose names are all Anglo-American learns "capitalised English first
name" rather than "name", and its recall drops for Chinese, Indian or Nigerian patients. The fix
is cheap: keep the clinical text, re-draw every gold identifier from another locale's pool (names
by gender in romanised or native script, places, phone and ID shapes) with
``fairdeid.corpora.multicultural.localize_document``. Each epoch sees each note under a freshly
drawn locale, so the model sees the same context with many identifier cultures.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from fairdeid.document import Document
from fairdeid.errors import ConfigError

#: Locales whose pools have a native (non-Latin) script as well as a romanised one.
NATIVE_SCRIPT_LOCALES = frozenset({"zh_CN", "hi_IN", "bn_BD"})
#: Share of copies in a native-script locale that use the native script.
NATIVE_SHARE = 0.3

Localizer = Callable[..., Document]


def _default_localizer() -> Localizer:
    try:
        from fairdeid.corpora.multicultural import localize_document
    except ImportError as exc:  # pragma: no cover - depends on the installed package
        raise ConfigError(
            "augmentation needs fairdeid.corpora.multicultural (not installed)"
        ) from exc
    return localize_document


def parse_locales(value: str | Sequence[str] | None) -> list[str]:
    """``"en_US,zh_CN"`` or a list -> validated locale codes (``all`` = every known locale)."""
    if value is None:
        return []
    items = [
        v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()
    ]
    if items == ["all"]:
        try:
            from fairdeid.locales import LOCALE_CODES
        except ImportError as exc:  # pragma: no cover
            raise ConfigError("'all' needs fairdeid.locales.LOCALE_CODES") from exc
        return list(LOCALE_CODES)
    return items


class Augmenter:
    """Re-draws identifiers of documents per epoch from a random locale of ``locales``."""

    def __init__(
        self, locales: Sequence[str], *, seed: int = 0, localizer: Localizer | None = None
    ) -> None:
        if not locales:
            raise ConfigError("augmentation needs at least one locale")
        self.locales = list(locales)
        self.seed = seed
        self._localize = localizer or _default_localizer()
        #: Documents that could not be localized and were used unchanged.
        self.failures = 0

    def variant(self, doc: Document, epoch: int, index: int) -> Document:
        """The copy of ``doc`` used in ``epoch`` (deterministic in seed, epoch and index)."""
        rng = random.Random(f"{self.seed}:{epoch}:{index}")
        locale = rng.choice(self.locales)
        script = (
            "native"
            if locale in NATIVE_SCRIPT_LOCALES and rng.random() < NATIVE_SHARE
            else "romanised"
        )
        try:
            out = self._localize(
                doc, locale, gender="keep", script=script, seed=rng.randrange(2**31)
            )
        except Exception:  # noqa: BLE001 - one odd document must not stop training
            self.failures += 1
            return doc
        meta = dict(out.meta)
        meta.setdefault("locale", locale)
        return Document(out.id, out.text, meta, out.spans)

    def epoch(self, docs: Sequence[Document], epoch: int) -> list[Document]:
        return [self.variant(d, epoch, i) for i, d in enumerate(docs)]
