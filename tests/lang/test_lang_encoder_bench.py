"""benchmarks/lang_encoder.py picks which sets it scores pooled (``--pool``).

The it/es encoder decision of the blind3 round is made on blind3 + blind3c pooled, with blind1
and blind2 (dev sets for the rules) left out of the pool; the other sets are still scored one by
one so that a precision fall on any of them shows. The encoder itself is stubbed out here: these
tests check which notes reach the pooled score, not the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from _scripts import load_script
from fairdeid.document import Document


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_script("benchmarks/lang_encoder.py")


def test_main_passes_the_pool_glob_and_the_chosen_sets(
        bench: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, list[str], str]] = []

    def fake_measure(language: str, model: str, paths: Sequence[Path],
                     pool: str = "*_blind*") -> dict[str, Any]:
        calls.append((language, [p.stem for p in paths], pool))
        return {}

    monkeypatch.setattr(bench, "measure", fake_measure)
    assert bench.main(["--lang", "it", "--only", "it_blind3*", "--pool", "*_blind3*"]) == 0
    assert calls == [("it", ["it_blind3", "it_blind3c"], "*_blind3*")]


def _stub_encoder(bench: ModuleType, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """No pipeline; every option "predicts" the gold spans. Returns the note counts of every
    ``score`` call."""
    sizes: list[int] = []
    real_score = bench.score

    def counting_score(gold: Sequence[Document], pred: Sequence[Document]) -> dict[str, Any]:
        sizes.append(len(gold))
        return dict(real_score(gold, pred))

    monkeypatch.setattr(bench, "_pipeline", lambda language, model: (None, ["rules"]))
    monkeypatch.setattr(bench, "_propose",
                        lambda pipeline, names, notes: ([[] for _ in notes], 0.0))
    monkeypatch.setattr(bench, "_resolve",
                        lambda pipeline, own, notes, spans: list(notes))
    monkeypatch.setattr(bench, "score", counting_score)
    return sizes


@pytest.mark.parametrize("pool, pooled_sets", [
    ("*_blind3*", ["it_blind3", "it_blind3c"]),
    ("*_blind*", ["it_blind2", "it_blind3", "it_blind3c"]),  # the default: every blind set
])
def test_only_the_sets_matching_the_pool_are_scored_pooled(
        bench: ModuleType, monkeypatch: pytest.MonkeyPatch,
        pool: str, pooled_sets: list[str]) -> None:
    sizes = _stub_encoder(bench, monkeypatch)
    paths = [bench.DEV_DIR / f"{name}.markup" for name in ("it_blind2", "it_blind3", "it_blind3c")]
    results = bench.measure("it", "unused", paths, pool)
    assert "blind_pooled" in results
    expected = sum(len(bench.read_devset(bench.DEV_DIR / f"{name}.markup").notes)
                   for name in pooled_sets)
    variants = len(results["it_blind2"]["options"])
    assert sizes[-variants:] == [expected] * variants
