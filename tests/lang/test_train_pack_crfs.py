"""scripts/train_pack_crfs.py with hand-written notes: --markup, --markup-weight, --eval.

A tiny run (3 invented German notes, a handful of iterations, no synthetic notes) checks that the
notes reach the model, that the held-out set is what gets scored, and that a set is never both
trained on and scored on, nor the sixth writers' blind sets (kept for the last measurement)
trained on, and that a final model's card calls round A's figures an estimate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from _scripts import load_script

ROOT = Path(__file__).resolve().parents[2]

NOTES = """Invented notes for a test; no real person.

### de-t-01 lang=de type=brief
Sehr geehrte Frau Kollegin, wir berichten über Herrn [[PATIENT:Lukas Brandstätter]], geb. am
[[DATE:14.03.1957]], wohnhaft in [[CITY:Regensburg]].

### de-t-02 lang=de type=brief
Patientin: [[PATIENT:Greta Hohenfeld]], geb. [[DATE:02.11.1948]], aus [[CITY:Passau]].
Befund: unauffällig.

### de-t-03 lang=de type=befund
Untersuchung von Herrn [[PATIENT:Jonas Wiesmeier]] am [[DATE:05.06.2023]] in [[CITY:Landshut]].
"""

HELD_OUT = """Invented held-out note.

### de-h-01 lang=de type=brief
Wir berichten über Frau [[PATIENT:Anna Leitner]], geb. [[DATE:21.07.1961]], aus [[CITY:Straubing]].
"""


def _script() -> Any:
    return load_script("scripts/train_pack_crfs.py")


@pytest.fixture()
def sets(tmp_path: Path) -> tuple[Path, Path]:
    train = tmp_path / "de_writer1.markup"
    held = tmp_path / "de_writer2.markup"
    train.write_text(NOTES, "utf-8")
    held.write_text(HELD_OUT, "utf-8")
    return train, held


def test_tiny_run_trains_on_markup_and_scores_the_held_out_set(
        sets: tuple[Path, Path], tmp_path: Path) -> None:
    train, held = sets
    script = _script()
    report = tmp_path / "report.json"
    rc = script.main(["--langs", "de", "--notes", "0", "--markup", str(train),
                      "--markup-weight", "3", "--eval", str(held), "--thresholds", "0.5",
                      "--max-iterations", "5", "--work", str(tmp_path / "work"),
                      "--json", str(report)])
    assert rc == 0
    model = tmp_path / "work" / "crf-de-mw"
    meta = json.loads((model / "fairdeid_model.json").read_text("utf-8"))
    assert meta["training"]["documents"] == {"synthetic": 0, "markup": 3}
    assert meta["training"]["markup_sets"] == [train.name]
    assert meta["training"]["markup_weight"] == 3
    # 3 notes repeated 3 times: the words of 9 notes
    words = json.loads((model / "train_log.jsonl").read_text("utf-8").splitlines()[-1])
    one_pass = sum(len(script.words_of(n.text)) for n in script.read_markup([train]))
    assert words["train_words"] == 3 * one_pass
    scores = json.loads(report.read_text("utf-8"))["de"]
    assert scores["eval_sets"] == [held.name]
    assert [r["pipeline"] for r in scores["dev"]] == ["rules", "crf", "rules+crf@0.5"]
    assert {r["notes"] for r in scores["dev"]} == {1}


def test_markup_files_go_to_the_language_they_are_named_after(sets: tuple[Path, Path]) -> None:
    script = _script()
    train, held = sets
    fr = train.with_name("fr_writer1.markup")
    assert script.files_of("de", [train, fr, held]) == [train, held]
    assert script.files_of("fr", [train, fr, held]) == [fr]


def test_a_set_is_never_trained_on_and_scored_on(sets: tuple[Path, Path]) -> None:
    train, held = sets
    with pytest.raises(SystemExit, match="trained on and scored on: de_writer1.markup"):
        _script().main(["--langs", "de", "--notes", "0", "--markup", str(train), str(held),
                        "--eval", str(train)])


@pytest.mark.parametrize("name", ["de_blind6", "de_blind6c", "de_blind7", "de_blind7c",
                                  "de_blind8"])
def test_the_last_blind_sets_are_never_trained_on(sets: tuple[Path, Path], name: str) -> None:
    train, _ = sets
    blind = train.with_name(f"{name}.markup")
    blind.write_text(HELD_OUT, "utf-8")
    with pytest.raises(SystemExit, match=f"never trained on .*{name}.markup"):
        _script().main(["--langs", "de", "--notes", "0", "--markup", str(blind)])


@pytest.mark.parametrize("name", ["de_blind8", "de_blind8c"])
def test_the_eighth_blind_sets_are_never_scored_here(sets: tuple[Path, Path], name: str) -> None:
    """The eighth writers' sets stay unseen until their one measurement: not even a score."""
    train, _ = sets
    blind = train.with_name(f"{name}.markup")
    blind.write_text(HELD_OUT, "utf-8")
    with pytest.raises(SystemExit, match=f"never scored here .*{name}.markup"):
        _script().main(["--langs", "de", "--notes", "0", "--markup", str(train),
                        "--eval", str(blind)])


@pytest.mark.parametrize("name", ["de_blind3", "de_blind3c", "de_blind4", "de_blind4c",
                                  "de_blind5", "de_blind5c"])
def test_earlier_blind_sets_are_training_sets_now(sets: tuple[Path, Path], name: str) -> None:
    """blind3* were held out in the crf-all round, blind4* in crf10, blind5* in crf11's round A;
    the shipped models train on them (only the sixth writers' stay unread)."""
    train, held = sets
    blind = train.with_name(f"{name}.markup")
    blind.write_text(HELD_OUT, "utf-8")
    _script().check_split([train, blind], [held])  # no SystemExit
    with pytest.raises(SystemExit, match=f"trained on and scored on: {name}.markup"):
        _script().check_split([blind], [blind])


@pytest.mark.parametrize(("trained", "estimate"), [
    (["de.markup", "de_blind5.markup", "train/de_w1.markup"], True),
    (["de.markup", "train/de_w1.markup"], False)])
def test_a_card_calls_round_a_scores_an_estimate_when_the_model_read_their_sets(
        tmp_path: Path, trained: list[str], estimate: bool) -> None:
    """The final model of a round trains on the sets round A held out: its card shows round A's
    figures as an estimate, never as this model's held-out scores."""
    script = _script()
    model = tmp_path / "work" / "crf-de-mw"
    model.mkdir(parents=True)
    (model / "fairdeid_model.json").write_text(
        json.dumps({"training": {"markup_sets": trained}}), "utf-8")
    row = {"pipeline": "rules", "char_recall": 0.9, "char_precision": 0.95}
    earlier = tmp_path / "roundA.json"
    earlier.write_text(json.dumps({"de": {"eval_sets": ["de_blind5.markup"], "dev": [row],
                                          "left_out": []}}), "utf-8")
    args = script.build_parser().parse_args(
        ["--langs", "de", "--work", str(tmp_path / "work"), "--suffix", "mw",
         "--card-scores", str(earlier)])
    scores = script.card_scores(args, "de", [])
    assert scores["rows"] == [row] and scores["sets"] == ["de_blind5.markup"]
    assert scores["note"].startswith("Estimate:") is estimate
    assert ("title" in scores) is estimate


def test_a_card_counts_the_training_only_writers_a_model_read() -> None:
    script = _script()
    sets = ["de.markup", "de_blind3.markup", *(f"train/de_w{i}.markup" for i in range(1, 11))]
    assert "10 training-only writers" in script._writers(sets)
    assert script._writers(["de.markup"]) == "no training-only writers"


def test_a_broken_note_stops_the_run_named_by_file(sets: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "de_bad.markup"
    bad.write_text("### de-x lang=de\nHerr [[PATIENT:Lukas\n", "utf-8")
    with pytest.raises(SystemExit, match="de_bad.markup") as stop:
        _script().read_markup([bad])
    assert "Lukas" not in str(stop.value)


def test_numbered_wards_marked_by_a_writer_are_not_trained_on() -> None:
    from fairdeid.document import Document, Span

    script = _script()
    text = "Station 2 Ost, Station Lindenhof"
    doc = Document("t", text, spans=(Span(0, 13, "DEPARTMENT"), Span(15, 32, "DEPARTMENT")))
    assert [text[s.start:s.end] for s in script.packs_convention(doc).spans] == \
        ["Station Lindenhof"]


def test_a_run_trained_on_the_dev_set_without_eval_scores_nothing(tmp_path: Path) -> None:
    """With no --eval the dev set is scored; a run that trained on it must not print its
    (meaningless) scores as if they were held out."""
    script = _script()
    report = tmp_path / "report.json"
    dev = ROOT / "benchmarks" / "data" / "lang" / "de.markup"
    script.main(["--langs", "de", "--notes", "0", "--markup", str(dev), "--max-iterations", "2",
                 "--work", str(tmp_path / "work"), "--json", str(report)])
    assert json.loads(report.read_text("utf-8"))["de"]["dev"] == []
