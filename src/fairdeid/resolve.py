"""Turn the union of every detector's proposals into the final, non-overlapping spans.

The overlap rule is privacy-first and deterministic:

1. Drop spans under their detector's score threshold, spans whose text is on the allow list,
   spans whose label the preset keeps, and (``safe_harbor``) ages under 90.
2. Group spans that overlap (transitively). Each group becomes **one** span covering the union of
   its members, so a character any detector flagged is removed.
3. The group's label is the label of its *winner*: the longest member, then the highest score,
   then the label that comes first in the taxonomy order, then the smallest ``source`` string.
   A coarse winning label (``NAME``) is refined by the best fine label of the same category
   that another member carries (``DOCTOR``).
   The winner's source is kept and every other member's source is listed in ``attrs["also"]``.

Same input, same output, whatever order detectors ran in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from fairdeid.document import Document, Span
from fairdeid.taxonomy import ALL_LABELS, COARSE_TO_FINE, Preset, coarse, get_preset

_LABEL_RANK: dict[str, int] = {}
for _coarse, _fines in COARSE_TO_FINE.items():
    for _label in (*_fines, _coarse):
        _LABEL_RANK.setdefault(_label, len(_LABEL_RANK))


def _winner_key(span: Span) -> tuple[int, float, int, str]:
    return (-span.length, -span.score, _LABEL_RANK.get(span.label, len(ALL_LABELS)), span.source)


def _refine(label: str, group: list[Span]) -> str:
    """A coarse winning label takes the most specific fine label of its category in the group.

    Models trained on coarse labels ("NAME") often win on score over a rule that knew more
    ("DOCTOR" after "Dr."); the merged span keeps the category the winner chose and the detail
    another detector supplied.
    """
    if label not in COARSE_TO_FINE:
        return label
    fines = sorted(
        (s for s in group if s.label in COARSE_TO_FINE[label] and s.label != label),
        key=_winner_key,
    )
    return fines[0].label if fines else label


def merge_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Union overlapping spans into one span each, labelled by the documented winner rule."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    groups: list[list[Span]] = []
    group_end = -1
    for span in ordered:
        if groups and span.start < group_end:
            groups[-1].append(span)
            group_end = max(group_end, span.end)
        else:
            groups.append([span])
            group_end = span.end
    merged: list[Span] = []
    for group in groups:
        if len(group) == 1:
            merged.append(group[0])
            continue
        winner = min(group, key=_winner_key)
        start = min(s.start for s in group)
        end = max(s.end for s in group)
        also = sorted({s.source for s in group if s.source != winner.source})
        attrs = dict(winner.attrs)
        if also:
            attrs["also"] = also
        label = _refine(winner.label, group)
        merged.append(replace(winner, start=start, end=end, label=label, attrs=attrs))
    return merged


@dataclass(frozen=True)
class ResolveConfig:
    """Settings of the resolve step (``[resolve]`` in a pipeline TOML)."""

    preset: str = "safe_harbor"
    min_score: float = 0.0
    #: Per-detector thresholds, e.g. ``{"transformer": 0.6}``; they override ``min_score``.
    thresholds: Mapping[str, float] = field(default_factory=dict)
    #: Exact strings (case-insensitive) that are never PHI in this deployment (a clinic's own
    #: department names that appear in every note, say).
    allow: Sequence[str] = ()
    #: Regular expressions whose matches are always PHI, with the label to give them.
    deny: Mapping[str, str] = field(default_factory=dict)
    #: Labels to drop entirely (on top of the preset).
    ignore_labels: Sequence[str] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ResolveConfig:
        """Settings from a ``[resolve]`` table, validated (keys, preset, labels, patterns)."""
        from fairdeid.config.schema import validate_resolve

        validate_resolve(data)
        return cls(**data)  # type: ignore[arg-type]


_NUMBER = re.compile(r"\d+")


def _is_young_age(span: Span, text: str, min_age: int) -> bool:
    """An AGE span whose first number is below ``min_age`` ("34-year-old" under Safe Harbor).

    Ages written without digits ("ninety") are kept as PHI: failing safe beats parsing words.
    """
    if coarse(span.label) != "AGE":
        return False
    match = _NUMBER.search(text, span.start, span.end)
    return match is not None and int(match.group()) < min_age


class Resolver:
    """The resolve step: thresholds, allow/deny lists, preset, overlap merging."""

    def __init__(self, config: ResolveConfig | None = None) -> None:
        self.config = config or ResolveConfig()
        self.preset: Preset = get_preset(self.config.preset)
        self._allow = {a.casefold() for a in self.config.allow}
        self._deny = [(re.compile(p), label) for p, label in self.config.deny.items()]
        self._ignore = set(self.config.ignore_labels)

    def resolve(self, doc: Document, proposals: Iterable[Span]) -> list[Span]:
        kept: list[Span] = []
        for span in proposals:
            threshold = self.config.thresholds.get(span.detector, self.config.min_score)
            if span.score < threshold:
                continue
            if span.label in self._ignore or not self.preset.removes(span.label):
                continue
            if self._allow and doc.text[span.start : span.end].casefold() in self._allow:
                continue
            if self.preset.min_age is not None and _is_young_age(
                span, doc.text, self.preset.min_age
            ):
                continue
            kept.append(span)
        for pattern, label in self._deny:
            for match in pattern.finditer(doc.text):
                if match.end() > match.start():
                    kept.append(Span(match.start(), match.end(), label, "deny:" + pattern.pattern))
        return merge_overlaps(kept)
