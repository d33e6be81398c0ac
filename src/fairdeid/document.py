"""Documents and spans: the one data model every step reads and writes.

Offsets are Python string indices (code points), end exclusive, as in the canonical JSONL format
(see DESIGN.md). Spans are frozen so a detector's output can never be mutated by a later step;
steps build new spans instead, which keeps provenance honest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fairdeid.errors import InvalidSpanError

#: Span keys that the canonical format defines; anything else is kept in ``Span.attrs``.
_CORE_SPAN_KEYS = frozenset({"start", "end", "label", "source", "score"})


_NO_ATTRS: Any = object()


@dataclass(frozen=True, slots=True, init=False)
class Span:
    """One stretch of PHI.

    ``source`` is provenance: ``"<detector>:<rule or model>"`` (``"rules:date.numeric"``,
    ``"transformer:minilm-mc"``) or ``"gold"`` for annotations. ``attrs`` carries optional extra
    keys of the canonical format (``text``, ``locale``, ``gender`` ...); it takes no part in
    equality or hashing so that two detectors finding the same stretch compare equal.
    """

    start: int
    end: int
    label: str
    source: str = "gold"
    score: float = 1.0
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __init__(
        self,
        start: int,
        end: int,
        label: str,
        source: str = "gold",
        score: float = 1.0,
        attrs: Mapping[str, Any] = _NO_ATTRS,
    ) -> None:
        # written out rather than generated: a frozen dataclass's ``__init__`` sets each field
        # through ``object.__setattr__``, and a huge note or a batch builds millions of spans
        # (the slot setters below cost half as much); the checks are the same
        if not isinstance(start, int) or not isinstance(end, int):
            raise InvalidSpanError("span offsets must be integers")
        if start < 0 or end <= start:
            raise InvalidSpanError(f"span [{start}, {end}) is empty or negative")
        if not label:
            raise InvalidSpanError("span label is empty")
        _set_start(self, start)
        _set_end(self, end)
        _set_label(self, label)
        _set_source(self, source)
        _set_score(self, score)
        _set_attrs(self, {} if attrs is _NO_ATTRS else attrs)

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def detector(self) -> str:
        """The detector part of ``source`` (``"rules"`` for ``"rules:date.numeric"``)."""
        return self.source.split(":", 1)[0]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def with_label(self, label: str) -> Span:
        return replace(self, label=label)

    def shifted(self, delta: int) -> Span:
        return replace(self, start=self.start + delta, end=self.end + delta)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        if self.source != "gold":
            out["source"] = self.source
        if self.score != 1.0:
            out["score"] = round(self.score, 6)
        for key, value in self.attrs.items():
            out.setdefault(key, value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        try:
            start, end, label = data["start"], data["end"], data["label"]
        except KeyError as exc:
            raise InvalidSpanError(f"span is missing key {exc.args[0]!r}") from None
        attrs = {k: v for k, v in data.items() if k not in _CORE_SPAN_KEYS}
        raw_score = data.get("score", 1.0)
        if isinstance(raw_score, bool) or not isinstance(raw_score, int | float | str):
            raise InvalidSpanError("span 'score' must be a number")
        try:
            score = float(raw_score)
        except ValueError:  # Python's message would quote the value, which may be note text
            raise InvalidSpanError("span 'score' must be a number") from None
        return cls(
            start=start,
            end=end,
            label=str(label),
            source=str(data.get("source", "gold")),
            score=score,
            attrs=attrs,
        )


_set_start, _set_end, _set_label, _set_source, _set_score, _set_attrs = (
    Span.__dict__[name].__set__ for name in ("start", "end", "label", "source", "score", "attrs")
)


@dataclass(frozen=True, slots=True)
class Document:
    """A note and (optionally) its spans. Write-once: steps return new documents."""

    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)
    spans: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise InvalidSpanError(f"document {self.id!r}: text must be a string")
        n = len(self.text)
        for span in self.spans:
            if span.end > n:
                raise InvalidSpanError(
                    f"document {self.id!r}: span [{span.start}, {span.end}) exceeds text length {n}"
                )
        if any(b.start < a.start for a, b in zip(self.spans, self.spans[1:], strict=False)):
            object.__setattr__(self, "spans", tuple(sorted(self.spans, key=_span_order)))

    @property
    def patient_id(self) -> str | None:
        value = self.meta.get("patient_id")
        return None if value is None else str(value)

    def with_spans(self, spans: Iterable[Span]) -> Document:
        return replace(self, spans=tuple(sorted(spans, key=_span_order)))

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.meta:
            out["meta"] = dict(self.meta)
        out["spans"] = [s.to_dict() for s in self.spans]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, default_id: str | None = None) -> Document:
        if not isinstance(data, Mapping):
            raise InvalidSpanError("record is not a JSON object")
        if "text" not in data:
            raise InvalidSpanError("record has no 'text' field")
        doc_id = data.get("id")
        if doc_id is None or (default_id is not None and isinstance(doc_id, str)
                              and not doc_id.strip()):
            doc_id = default_id  # null or blank is no id: the caller's (a line's) id
        if doc_id is None:
            raise InvalidSpanError("record has no 'id' field")
        meta = data.get("meta") or {}
        if not isinstance(meta, Mapping):
            raise InvalidSpanError("'meta' must be an object")
        raw_spans = data.get("spans") or []
        if not isinstance(raw_spans, Sequence):
            raise InvalidSpanError("'spans' must be a list")
        spans = tuple(Span.from_dict(s) for s in raw_spans)
        return cls(id=str(doc_id), text=data["text"], meta=dict(meta), spans=spans)


def _span_order(span: Span) -> tuple[int, int, str, str]:
    return (span.start, span.end, span.label, span.source)
