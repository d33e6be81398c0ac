"""`fairdeid deidentify` through Typer's runner, including every kind of bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from fairdeid.cli import app

runner = CliRunner()
NOTE = "Seen by Dr. Lee on 2021-03-04. MRN 1234567."


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["deidentify", *args])


def test_txt_to_stdout(tmp_path: Path, toy_config_file: Path) -> None:
    src = tmp_path / "note.txt"
    src.write_text(NOTE, encoding="utf-8")
    result = _run(str(src), "--config", str(toy_config_file))
    assert result.exit_code == 0, result.output
    assert "Seen by Dr. [NAME] on [DATE]. [ID]." in result.stdout


def test_directory_keeps_names_and_reports_bad_files(tmp_path: Path, toy_config_file: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(NOTE, encoding="utf-8")
    (src / "b.txt").write_bytes(b"Dr. Lee \xff\xfe broken")
    (src / "c.txt").write_text("", encoding="utf-8")
    (src / "d.txt").write_bytes(b"\x00\x01\x02binary")
    (src / "e.txt").write_text("Dr. Kim on 2020-01-01", encoding="utf-8")
    out = tmp_path / "out"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "e.txt"]
    assert (out / "e.txt").read_text() == "Dr. [NAME] on [DATE]"
    report = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [r["record"] for r in report] == ["b.txt", "c.txt", "d.txt"]
    assert "UTF-8" in report[0]["reason"] and "empty" in report[1]["reason"]
    assert "binary" in report[2]["reason"]
    assert "Lee" not in result.output  # no PHI in messages


def test_jsonl_preserves_fields_order_and_reports_malformed_lines(
    tmp_path: Path, toy_config_file: Path
) -> None:
    src = tmp_path / "notes.jsonl"
    lines = [
        json.dumps({"id": "n1", "text": NOTE, "extra": 5}),
        "{not json",
        json.dumps({"id": "n3", "body": "no text field"}),
        json.dumps({"id": "n4", "text": "Dr. Ng", "meta": {"patient_id": "p1"}}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    spans = tmp_path / "spans.jsonl"
    result = _run(
        str(src), "-o", str(out), "--config", str(toy_config_file), "--spans-out", str(spans),
        "--keep-meta", "extra",
    )
    assert result.exit_code == 1
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["n1", "n4"]
    assert list(records[0]) == ["id", "text", "extra"]
    assert records[0]["extra"] == 5 and "[NAME]" in records[0]["text"]
    assert "meta" not in records[1]  # patient_id never leaves unless asked for
    detected = [json.loads(x) for x in spans.read_text().splitlines()]
    assert detected[0]["text"] == NOTE
    assert [s["label"] for s in detected[0]["spans"]] == ["DOCTOR", "DATE", "MEDICALRECORD"]
    assert detected[1]["meta"] == {"patient_id": "p1"}
    report = (tmp_path / "out.jsonl.errors.jsonl").read_text()
    assert "notes.jsonl:2" in report and "malformed JSON" in report
    assert "notes.jsonl:3" in report and "'text'" in report


def test_csv_requires_and_checks_text_column(tmp_path: Path, toy_config_file: Path) -> None:
    src = tmp_path / "notes.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["note_id", "body", "ward"])
        writer.writerow(["1", NOTE, "A"])
        writer.writerow(["2", "Dr. Ng\nline two", "B"])
    result = _run(str(src), "--config", str(toy_config_file))
    assert result.exit_code == 2 and "--text-column" in result.output
    result = _run(str(src), "--config", str(toy_config_file), "--text-column", "note")
    assert result.exit_code == 2 and "'note'" in result.output
    out = tmp_path / "out.csv"
    result = _run(
        str(src),
        "--config",
        str(toy_config_file),
        "--text-column",
        "body",
        "--id-column",
        "note_id",
        "--keep-columns",
        "ward",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [r["note_id"] for r in rows] == ["1", "2"]
    assert rows[1]["body"] == "Dr. [NAME]\nline two" and rows[1]["ward"] == "B"


def test_a_crashing_record_is_isolated(tmp_path: Path, toy_config_file: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text(
        "\n".join(
            json.dumps({"id": f"n{i}", "text": t})
            for i, t in enumerate(["Dr. Lee", "EXPLODE Dr. Secret", "Dr. Kim"])
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 1
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["n0", "n2"]
    assert "Secret" not in result.output
    assert "notes.jsonl:2" in (tmp_path / "out.jsonl.errors.jsonl").read_text()


def test_missing_input_and_bad_config(tmp_path: Path, toy_config_file: Path) -> None:
    result = _run(str(tmp_path / "missing.txt"), "--config", str(toy_config_file))
    assert result.exit_code == 2 and "not found" in result.output
    (tmp_path / "n.txt").write_text(NOTE, encoding="utf-8")
    result = _run(str(tmp_path / "n.txt"), "--detectors", "nope")
    assert result.exit_code == 2 and "unknown detector" in result.output


def test_mode_flag(tmp_path: Path, toy_config_file: Path) -> None:
    src = tmp_path / "n.txt"
    src.write_text("Dr. Lee", encoding="utf-8")
    result = _run(str(src), "--config", str(toy_config_file), "--mode", "redact")
    assert result.stdout.strip() == "Dr. ***"


def test_crash_mid_batch_resumes_without_redoing_work(
    tmp_path: Path, toy_config_file: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from fairdeid.detect import build_detector

    ToyDetector = type(build_detector("toy"))

    texts = ["Dr. Aa", "Dr. Bb", "Dr. Cc CRASH", "Dr. Dd", "Dr. Ee"]
    src = tmp_path / "notes.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"n{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    args = [str(src), "-o", str(out), "--config", str(toy_config_file), "--batch-size", "2"]
    monkeypatch.setenv("TOY_CRASH", "1")
    crashed = _run(*args)
    assert crashed.exit_code != 0
    assert not out.exists()  # no half-written output
    assert (tmp_path / ".out.jsonl.fairdeid-checkpoint.jsonl").exists()
    monkeypatch.delenv("TOY_CRASH")
    ToyDetector.calls = 0
    resumed = _run(*args, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "resuming: 2 records already done" in resumed.output
    assert ToyDetector.calls == 3  # only the three records not finished before the crash
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["n0", "n1", "n2", "n3", "n4"]
    assert all(r["text"].startswith("Dr. [NAME]") for r in records)
    assert not (tmp_path / ".out.jsonl.fairdeid-checkpoint.jsonl").exists()


def test_detector_failure_on_one_note_goes_to_error_report(tmp_path: Path) -> None:
    import sys

    from fairdeid.detect import register_detector

    sys.path.insert(0, str(Path(__file__).parent))
    from test_pipeline import _FlakyDetector

    register_detector("flaky", lambda cfg: _FlakyDetector())
    config = tmp_path / "c.toml"
    config.write_text('[pipeline]\ndetectors = ["toy", "flaky"]\n', encoding="utf-8")
    src = tmp_path / "notes.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "Dr. Lee"})
        + "\n"
        + json.dumps({"id": "b", "text": "Dr. Kim FAIL"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(config))
    assert result.exit_code == 1
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a"]
    report = json.loads((tmp_path / "out.jsonl.errors.jsonl").read_text())
    assert report == {
        "record": "notes.jsonl:2",
        "reason": "detector failed: flaky: server error 500",
    }


class _Explodes:
    """A careless detector: raises, quoting the note, on notes that say EXPLODE."""

    name = "explodes"

    def detect(self, doc):  # type: ignore[no-untyped-def]
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs):  # type: ignore[no-untyped-def]
        for doc in docs:
            if "EXPLODE" in doc.text:
                raise RuntimeError(f"cannot handle {doc.text!r}")
        return [[] for _ in docs]


def test_a_note_the_pipeline_raises_on_is_reported_by_type_and_the_rest_is_written(
    tmp_path: Path,
) -> None:
    """The shared runner: the batch is retried note by note and the message never leaves."""
    from fairdeid.detect import register_detector

    register_detector("explodes_cli", lambda config: _Explodes())
    config = tmp_path / "c.toml"
    config.write_text('[pipeline]\ndetectors = ["toy", "explodes_cli"]\n', encoding="utf-8")
    canary = "Wilhelmina Quarterfield"
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"n{i}", "text": t}) + "\n" for i, t in enumerate(
        [NOTE, f"EXPLODE {canary}", NOTE])), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(config))
    assert result.exit_code == 1, result.output
    assert [r["id"] for r in map(json.loads, out.read_text("utf-8").splitlines())] == ["n0", "n2"]
    report = (tmp_path / "out.jsonl.errors.jsonl").read_text("utf-8")
    assert json.loads(report) == {
        "record": "in.jsonl:2",
        "reason": "RuntimeError in the pipeline (message withheld: it may quote the note)",
    }
    assert canary not in result.output + report + out.read_text("utf-8")
