"""Helpers shared by the language-pack rule tests: a pack's rules-only pipeline, built once per
language, and the (text, label) pairs it finds in a sentence."""

from __future__ import annotations

from functools import cache

from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline
from fairdeid.taxonomy import coarse


@cache
def pack_rules(code: str) -> Pipeline:
    """The ``code`` pack's rules alone (no learned model: the tests pin the rules' behaviour)."""
    return Pipeline.from_config(load_pack(code).config, detectors=["rules"])


def found(pipeline: Pipeline, text: str) -> set[tuple[str, str]]:
    """Each final span of ``text`` as its covered text and label."""
    return {(text[s.start : s.end], s.label) for s in pipeline.detect(text).spans}


def found_coarse(pipeline: Pipeline, text: str) -> set[tuple[str, str]]:
    """Each final span of ``text`` as its covered text and coarse label (NAME, LOCATION, ...):
    for tests that pin what is removed, not which fine label a rule chose."""
    return {(text[s.start : s.end], coarse(s.label)) for s in pipeline.detect(text).spans}
