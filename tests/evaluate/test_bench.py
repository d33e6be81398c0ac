"""Throughput benchmark: what is measured, and process isolation."""

from __future__ import annotations

import pytest

from fairdeid.document import Document
from fairdeid.evaluate.bench import System, bench_system, systems_from_options


def test_in_process_bench_counts_words_and_passes(gold_docs: list[Document]) -> None:
    result = bench_system(
        System("namelist", detector="namelist"), gold_docs, repeat=3, isolate=False, trace=True
    )
    out = result.to_json()
    assert out["words"] == 144 and out["documents"] == 12
    assert len(out["pass_seconds"]) == 3
    assert out["seconds_median"] == sorted(out["pass_seconds"])[1]
    assert out["tracemalloc_peak_mb"] is not None and out["peak_rss_mb"] > 0
    assert out["evaluation"]["binary_token"]["recall"] == 0.625


def test_systems_from_options() -> None:
    assert systems_from_options(None, None) == [System("default")]
    systems = systems_from_options(["conf/fast.toml"], ["presidio"])
    assert systems == [
        System("fast", config="conf/fast.toml"),
        System("presidio", detector="presidio"),
    ]


def test_isolated_bench_runs_in_a_fresh_process(gold_docs: list[Document]) -> None:
    """A spawned process only knows built-in detectors: use the rules."""
    pytest.importorskip("fairdeid.detect.rules")
    result = bench_system(System("rules", detector="rules"), gold_docs[:3], repeat=1)
    assert result.isolated and result.load_seconds > 0 and result.peak_rss_mb > 0
    assert result.evaluation is not None
