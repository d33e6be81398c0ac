"""Tag and redact modes: replace PHI by its label, or by a fixed mask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fairdeid.document import Document, Span
from fairdeid.replace.base import Replacement, splice
from fairdeid.taxonomy import coarse


class TagReplacer:
    """``[NAME]`` (coarse, the default) or ``[DOCTOR]`` (``fine = true``).

    ``template`` is a format string with ``{label}``; ``[{label}]`` by default.
    """

    mode = "tag"

    def __init__(self, *, fine: bool = False, template: str = "[{label}]") -> None:
        self.fine = fine
        self.template = template

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TagReplacer:
        return cls(
            fine=bool(config.get("fine_labels", False)),
            template=str(config.get("tag_template", "[{label}]")),
        )

    def replace(self, doc: Document, spans: Sequence[Span]) -> Replacement:
        strings = [
            self.template.format(label=s.label if self.fine else coarse(s.label)) for s in spans
        ]
        text, moved = splice(doc.text, spans, strings)
        return Replacement(text, tuple(moved), tuple(doc.text[s.start : s.end] for s in spans))


class RedactReplacer:
    """Replace each PHI character with ``mask_char`` (length kept) or the whole span with
    ``mask`` (``keep_length = false``). Keeping length keeps table layouts readable."""

    mode = "redact"

    def __init__(
        self, *, mask_char: str = "*", keep_length: bool = True, mask: str = "***"
    ) -> None:
        self.mask_char = mask_char
        self.keep_length = keep_length
        self.mask = mask

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RedactReplacer:
        return cls(
            mask_char=str(config.get("mask_char", "*")),
            keep_length=bool(config.get("keep_length", True)),
            mask=str(config.get("mask", "***")),
        )

    def _mask(self, original: str) -> str:
        if not self.keep_length:
            return self.mask
        # Line breaks stay so that layouts (headers, tables) survive redaction.
        return "".join(c if c in "\n\r" else self.mask_char for c in original)

    def replace(self, doc: Document, spans: Sequence[Span]) -> Replacement:
        originals = tuple(doc.text[s.start : s.end] for s in spans)
        text, moved = splice(doc.text, spans, [self._mask(o) for o in originals])
        return Replacement(text, tuple(moved), originals)
