"""Helpers shared by the rule-detector tests: which labels the rules put over a part of a
sentence.

The class tests ask one question in several forms (does a span cover all of ``part``, or touch
it; fine or coarse labels; before or after overlapping spans are merged). One function answers
all of them so a test states its form by keywords instead of carrying its own copy.
"""

from __future__ import annotations

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.resolve import merge_overlaps
from fairdeid.taxonomy import coarse


def labels_at(det: RuleDetector, text: str, part: str, *, whole: bool = True,
              fine: bool = False, merged: bool = True) -> set[str]:
    """Labels of the spans over the first ``part`` of ``text``: covering all of it (``whole``)
    or overlapping it, fine or coarse, after ``merge_overlaps`` (``merged``) or as detected."""
    start = text.index(part)
    end = start + len(part)
    spans = det.detect(Document(id="t", text=text))
    if merged:
        spans = merge_overlaps(spans)
    hits = (s for s in spans
            if (s.start <= start and s.end >= end if whole else s.start < end and start < s.end))
    return {s.label if fine else coarse(s.label) for s in hits}
