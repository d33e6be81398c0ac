"""scripts/train_en_crf.py: the English many-writers CRF protocol (issues 12, 16).

A tiny run (three invented English notes, a handful of iterations, a few synthetic notes) checks
that the hand-written notes reach the model, that the held-out set is what gets scored with the
default pipeline with and without the CRF, that a set is never both trained on and scored on,
and that the kept last set (``en_blind4``) is neither trained on nor scored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from _scripts import load_script
from fairdeid.document import Document, Span

NOTES = """Invented notes for a test; no real person.

### en-t-01 lang=en type=letter
Dear [[DOCTOR:Dr. Morrow]], I saw [[PATIENT:Agnes Pettigrew]] (DOB [[DATE:03/14/1951]]) in
clinic today at [[HOSPITAL:Kettering General Hospital]].

### en-t-02 lang=en type=letter
Re: [[PATIENT:Callum Whitlock]], MRN [[MEDICALRECORD:449-2210]], lives in [[CITY:Wigan]].
Seen by [[DOCTOR:Dr. Helen Ashdown]] on [[DATE:12 March 2025]].

### en-t-03 lang=en type=note
Daughter [[PATIENT:Rosa Pettigrew]] called from [[CITY:Preston]] on [[DATE:4/2/2025]].
"""

HELD_OUT = """Invented held-out note.

### en-h-01 lang=en type=letter
Dear [[DOCTOR:Dr. Fenwick]], thank you for seeing [[PATIENT:Martin Oduya]] from [[CITY:Leeds]].
"""


def _script() -> Any:
    return load_script("scripts/train_en_crf.py")


@pytest.fixture()
def sets(tmp_path: Path) -> tuple[Path, Path]:
    train = tmp_path / "en_writer1.markup"
    held = tmp_path / "en_writer2.markup"
    train.write_text(NOTES, "utf-8")
    held.write_text(HELD_OUT, "utf-8")
    return train, held


def test_tiny_run_trains_on_markup_and_scores_default_with_and_without_the_crf(
        sets: tuple[Path, Path], tmp_path: Path) -> None:
    train, held = sets
    script = _script()
    report = tmp_path / "report.json"
    rc = script.main(["--notes", "4", "--stress-notes", "2", "--vary", "0.3",
                      "--markup", str(train),
                      "--markup-weight", "3", "--eval", str(held), "--thresholds", "0.5", "0.9",
                      "--max-iterations", "5", "--work", str(tmp_path / "work"),
                      "--json", str(report)])
    assert rc == 0
    model = tmp_path / "work" / "crf-en-mw"
    meta = json.loads((model / "fairdeid_model.json").read_text("utf-8"))
    assert meta["training"]["documents"] == {"synthetic": 6, "markup": 3}
    assert meta["training"]["markup_weight"] == 3
    assert meta["training"]["vary"] == 0.3
    scores = json.loads(report.read_text("utf-8"))
    assert scores["eval_sets"] == [held.name]
    assert [r["pipeline"] for r in scores["rows"]] == \
        ["default", "crf", "default+crf@0.5", "default+crf@0.9"]
    assert {r["notes"] for r in scores["rows"]} == {1}
    assert all(held.name in r for r in scores["rows"])
    speed = script.crf_speed(model, dev=tmp_path / "no-such.jsonl", notes=3)
    assert speed["words"] > 0 and speed["crf_cpu_s_per_1k"] >= 0


def test_a_set_is_never_trained_on_and_scored_on(sets: tuple[Path, Path]) -> None:
    train, held = sets
    with pytest.raises(SystemExit, match="trained on and scored on: en_writer1.markup"):
        _script().main(["--notes", "0", "--markup", str(train), str(held), "--eval", str(train)])


@pytest.mark.parametrize("role", ["--markup", "--eval"])
def test_the_last_blind_set_is_neither_trained_on_nor_scored(
        sets: tuple[Path, Path], role: str) -> None:
    train, _ = sets
    kept = train.with_name("en_blind4.markup")  # never written: refused by its name alone
    with pytest.raises(SystemExit, match="never trained on nor scored.*en_blind4.markup"):
        _script().main(["--notes", "0", role, str(kept)])
    assert not kept.exists()


def test_sets_of_other_languages_are_refused(sets: tuple[Path, Path]) -> None:
    train, _ = sets
    german = train.with_name("de_blind1.markup")
    with pytest.raises(SystemExit, match=r"not English sets .*: de_blind1.markup"):
        _script().main(["--notes", "0", "--markup", str(german)])


def test_generator_spans_the_hand_written_sets_leave_unmarked_are_dropped() -> None:
    text = "Age 45, age 94, seen 2019 and 03/04/2019 on Urology, Dr. Lee"
    labels = [(4, 6, "AGE"), (12, 14, "AGE"), (21, 25, "DATE"), (30, 40, "DATE"),
              (44, 51, "DEPARTMENT"), (53, 60, "DOCTOR")]
    doc = Document("t", text, spans=tuple(Span(s, e, lab) for s, e, lab in labels))
    kept = [text[s.start:s.end] for s in _script().english_convention(doc).spans]
    assert kept == ["94", "03/04/2019", "Dr. Lee"]


def test_the_crf_config_is_the_default_plus_the_crf_at_its_threshold() -> None:
    script = _script()
    default = script.crf_config(None, None)
    with_crf = script.crf_config(Path("/m/crf-en-mw"), 0.7)
    assert with_crf["pipeline"]["detectors"] == [*default["pipeline"]["detectors"], "crf"]
    assert with_crf["detectors"]["crf"] == {"model": "/m/crf-en-mw"}
    assert with_crf["resolve"]["thresholds"] == {**default["resolve"]["thresholds"], "crf": 0.7}
    assert "crf" not in default["pipeline"]["detectors"]


@pytest.mark.parametrize("seed", [202, 302, 303])
def test_the_guard_rails_dev_seeds_are_never_trained_on(seed: int) -> None:
    with pytest.raises(SystemExit, match="dev set of seed"):
        _script().main(["--notes", "1", "--seed", str(seed)])


def test_bench_runs_a_script_with_the_crf_beside_the_default_pipeline(tmp_path: Path) -> None:
    """The guard rails measure "the default pipeline" (``Pipeline.from_config(None)``); --bench
    makes that the default + the CRF, and leaves explicit configs alone."""
    probe = tmp_path / "probe.py"
    out = tmp_path / "out.json"
    probe.write_text(
        "import json, sys\n"
        "from fairdeid.pipeline import load_config\n"
        "json.dump([load_config()['pipeline']['detectors'], load_config()['resolve'],"
        " load_config({'a': 1})], open(sys.argv[1], 'w'))\n", "utf-8")
    _script().main(["--model", "/m/crf-en-mw", "--threshold", "0.9",
                    "--bench", str(probe), str(out)])
    detectors, resolve, explicit = json.loads(out.read_text("utf-8"))
    assert detectors[-1] == "crf"
    assert resolve["thresholds"]["crf"] == 0.9
    assert explicit == {"a": 1}
    from fairdeid.pipeline import load_config

    assert "crf" not in load_config()["pipeline"]["detectors"]  # patched only during the run


def test_vocabulary_variation_swaps_in_ordinary_words_that_are_never_names() -> None:
    """--vary teaches the CRF that an unseen capitalised word is not PHI by itself (ASQ-PHI's
    questions start "Guidelines for ..."); a name or place swapped in would teach the opposite."""
    from fairdeid.detect.rules.compiler import load_word_file

    script = _script()
    pool = script.ordinary_words()
    assert {"ability", "abdomen"} <= set(pool)
    names = {w.lower() for f in ("names_first.txt", "names_last.txt", "cities.txt")
             for w in load_word_file(script.RULES_DATA / f, split_lines_only=False)}
    assert not names & set(pool)
