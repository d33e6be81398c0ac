"""benchmarks/lang_fps.py lists a pack's false positives and refuses held-out sets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from fairdeid.document import Document, Span

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("lang_fps", BENCH / "lang_fps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_false_positives_full_and_part(bench: ModuleType) -> None:
    text = "Mme Chen Xiaoling, chambre 517."
    gold = Document("n", text, spans=(Span(4, 17, "PATIENT"),))
    pred = Document("n", text, spans=(
        Span(0, 17, "PATIENT", "transformer:minilm-mc-deid"),   # "Mme " runs past the gold
        Span(19, 26, "LOCATION", "transformer:minilm-mc-deid"),  # "chambre": no gold at all
        Span(4, 8, "PATIENT", "rules:name.title"),               # inside the gold: not listed
    ))
    found = bench.false_positives(gold, pred)
    assert [(f.start, f.chars, f.full) for f in found] == [(0, 3, False), (19, 7, True)]


def test_held_out_and_blind_sets_are_refused(bench: ModuleType) -> None:
    assert not bench.readable(Path("train/fr_w7.markup"), allow_blind=True)
    assert not bench.readable(Path("fr_blind3.markup"), allow_blind=False)
    assert bench.readable(Path("fr_blind3.markup"), allow_blind=True)
    assert bench.readable(Path("train/fr_w1.markup"), allow_blind=False)
    assert bench.main(["benchmarks/data/lang/fr_blind8.markup", "--allow-blind"]) == 2
