"""benchmarks/crf_thresholds.py: a row at threshold t is the pack's pipeline run with t.

The sweep runs the detectors once and resolves their proposals at each threshold; if it did not
resolve exactly as a pipeline built with that threshold does, its curves would choose a pack's
threshold from figures the pack never produces.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _scripts import load_script
from fairdeid.evaluate import predict
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[2]
#: five German notes in unusual formats (DICOM dumps, HL7, CSV...): the CRF scores vary there
SET = ROOT / "benchmarks" / "data" / "lang" / "de_blind6c.markup"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    bench = load_script("benchmarks/crf_thresholds.py")
    notes = list(bench.read_devset(SET).notes)
    return bench.sweep(bench.pack_pipeline("de", None), {"c": notes[:3], "d": notes[3:]},
                       [0.2, 0.9])


@pytest.mark.parametrize("threshold", [0.2, 0.9])
def test_a_row_equals_the_pack_run_at_its_threshold(rows: list[dict], threshold: float) -> None:
    bench = load_script("benchmarks/crf_thresholds.py")
    config = json.loads(json.dumps(load_pack("de").config))
    config["resolve"]["thresholds"]["crf"] = threshold
    notes = list(bench.read_devset(SET).notes)
    pred, _ = predict(Pipeline.from_config(config, mode="tag"), notes)
    expected = bench.score(notes, pred)
    got = next(r for r in rows if r["threshold"] == threshold and r["set"] == "all")
    assert {k: got[k] for k in expected} == expected
    parts = [r for r in rows if r["threshold"] == threshold and r["set"] in ("c", "d")]
    assert sum(r["notes"] for r in parts) == expected["notes"]


def test_the_threshold_moves_the_figures(rows: list[dict]) -> None:
    low, high = (next(r for r in rows if r["threshold"] == t and r["set"] == "all")
                 for t in (0.2, 0.9))
    assert low["char_recall"] > high["char_recall"]
    assert low["char_precision"] < high["char_precision"]
