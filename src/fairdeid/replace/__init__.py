"""Replacement: tag, redact, or realistic consistent surrogates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fairdeid.errors import ConfigError
from fairdeid.replace.base import Replacement, Replacer, splice
from fairdeid.replace.tags import RedactReplacer, TagReplacer

MODES = ("tag", "redact", "surrogate")


def build_replacer(config: Mapping[str, Any] | None = None, mode: str | None = None) -> Replacer:
    """Build the replacer for ``mode`` (or ``config["mode"]``, default ``tag``)."""
    config = dict(config or {})
    mode = mode or str(config.get("mode", "tag"))
    if mode == "tag":
        return TagReplacer.from_config(config)
    if mode == "redact":
        return RedactReplacer.from_config(config)
    if mode == "surrogate":
        from fairdeid.replace.surrogates import SurrogateReplacer

        return SurrogateReplacer.from_config(config)
    raise ConfigError(f"unknown replacement mode {mode!r}; choose one of {MODES}")


__all__ = [
    "MODES",
    "Replacement",
    "Replacer",
    "build_replacer",
    "splice",
    "RedactReplacer",
    "TagReplacer",
]
