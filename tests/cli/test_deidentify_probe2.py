"""`fairdeid deidentify` and `batch` on inputs the first probe left open: CSV separators,
patient ids and null ids in both commands, Ctrl-C, and hostile option combinations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.errors import ConfigError
from fairdeid.io.readers import csv_delimiter, open_input

runner = CliRunner()
NOTE = "Seen by Dr. Lee on 2021-03-04; call 617-555-0142."


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["deidentify", *args])


# -- item 2: CSV separators ---------------------------------------------------------------------


def test_a_semicolon_csv_is_read_and_written_with_semicolons(
    tmp_path: Path, toy_config_file: Path
) -> None:
    src = tmp_path / "notes.csv"
    src.write_text(f'id;note;ward\nn1;"{NOTE}";A\nn2;"Dr. Kim, 2021-01-02";B\n',
                   encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file),
                  "--text-column", "note", "--id-column", "id", "--delimiter", ";")
    assert result.exit_code == 0, result.output
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "id;note"
    assert lines[1].startswith("n1;") and "Lee" not in lines[1] and "[DATE]" in lines[1]
    assert lines[2] == "n2;Dr. [NAME], [DATE]"


def test_without_the_flag_a_semicolon_header_names_the_flag(
    tmp_path: Path, toy_config_file: Path
) -> None:
    src = tmp_path / "notes.csv"
    src.write_text(f"id;note\nn1;{NOTE}\n", encoding="utf-8")
    result = _run(str(src), "-o", str(tmp_path / "o.csv"), "--config", str(toy_config_file),
                  "--text-column", "note")
    assert result.exit_code == 2
    assert "--delimiter semicolon" in result.output


@pytest.mark.parametrize(("given", "char"), [
    (None, ","), (";", ";"), ("semicolon", ";"), ("tab", "\t"), ("\\t", "\t"), ("\t", "\t"),
    ("|", "|"), ("PIPE", "|"),
])
def test_delimiter_names_and_characters(given: str | None, char: str) -> None:
    assert csv_delimiter(given, Path("x.csv")) == char


@pytest.mark.parametrize("given", ["ab", "a", "1", '"', " ", "\n", ";;"])
def test_unusable_delimiters_are_refused_without_echo(given: str) -> None:
    with pytest.raises(ConfigError, match="--delimiter must be one character"):
        csv_delimiter(given)


def test_a_tsv_keeps_its_tab_default(tmp_path: Path) -> None:
    src = tmp_path / "n.tsv"
    src.write_text("id\ttext\nn1\ta, b\n", encoding="utf-8")
    records = list(open_input(src, text_column="text", id_column="id").iter_records())
    assert records[0].document is not None and records[0].document.text == "a, b"


def test_batch_reads_a_semicolon_csv(tmp_path: Path) -> None:
    from fairdeid.scale.sources import Columns, plan_chunks, read_chunk

    src = tmp_path / "in.csv"
    src.write_text('id;note;patient\nn1;"a; b";p1\n\nn2;c, d;p2\n', encoding="utf-8")
    columns = Columns(text="note", id="id", patient="patient", delimiter=";")
    [chunk] = plan_chunks(src, "csv", 10, columns)
    rows = read_chunk(src, "csv", chunk, columns)
    assert [(r.document.id, r.document.text, r.document.patient_id)
            for r in rows if r.document] == [("n1", "a; b", "p1"), ("n2", "c, d", "p2")]
    with pytest.raises(ConfigError, match="--delimiter semicolon"):
        plan_chunks(src, "csv", 10, Columns(text="note"))


# -- items 3 and 4: patient ids and null ids agree between deidentify and batch ------------------

KEY = "probe2-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"


def _records() -> list[dict[str, object]]:
    return [
        {"id": "a1", "patient_id": "p1", "text": "Dr. Lee saw her on 2021-03-04."},
        {"id": "a2", "patient_id": "p1", "text": "Dr. Lee again on 2021-03-09."},
        {"id": "b1", "patient_id": "p2", "text": "Dr. Lee saw him on 2021-03-04."},
        {"id": None, "text": "Dr. Lee, 2021-01-01."},
        {"id": "", "text": "Dr. Lee, 2021-01-02."},
        {"id": "   ", "text": "Dr. Lee, 2021-01-03."},
    ]


def _batch(tmp_path: Path, src: Path) -> dict[str, str]:
    from fairdeid.pipeline import load_config
    from fairdeid.scale.job import run_batch
    from fairdeid.scale.worker import JobSpec

    config = load_config({"pipeline": {"detectors": ["toy"]},
                          "resolve": {"name_titles": "keep"}, "replace": {"mode": "surrogate"}})
    spec = JobSpec(input=str(src), fmt="jsonl", output=str(tmp_path / "batch"), config=config)
    run_batch(spec, chunk_size=10, engine="local")
    rows = [json.loads(line) for part in sorted((tmp_path / "batch").glob("part-*.jsonl"))
            for line in part.read_text("utf-8").splitlines()]
    return {r["id"]: r["text"] for r in rows}


def test_deidentify_and_batch_give_a_top_level_patient_id_one_date_shift(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()[:3]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file),
                  "--mode", "surrogate")
    assert result.exit_code == 0, result.output
    cli = {r["id"]: r["text"] for r in map(json.loads, out.read_text("utf-8").splitlines())}
    batch = _batch(tmp_path, src)
    # same key, same patient scope: both commands write the same surrogates and dates
    assert batch == cli
    # and the patient's two notes moved by one shift (5 days apart before and after)
    import datetime as dt
    import re

    def day(text: str) -> dt.date:
        found = re.search(r"\d{4}-\d{2}-\d{2}", text)
        assert found is not None
        return dt.date.fromisoformat(found.group(0))

    assert (day(cli["a2"]) - day(cli["a1"])).days == 5


def test_a_null_or_blank_id_is_no_id_in_every_reader(
    tmp_path: Path, toy_config_file: Path
) -> None:
    from fairdeid.corpora.jsonl import iter_jsonl
    from fairdeid.scale.sources import Chunk, Columns, read_chunk

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()[3:]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file),
                  "--spans-out", str(tmp_path / "spans.jsonl"))
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()]
    assert ids == ["in-1", "in-2", "in-3"]
    spans_ids = [json.loads(line)["id"]
                 for line in (tmp_path / "spans.jsonl").read_text("utf-8").splitlines()]
    assert spans_ids == ids
    rows = read_chunk(src, "jsonl", Chunk(0, 0, 3, 0, src.stat().st_size), Columns())
    assert [r.document.id for r in rows if r.document] == ["row-0", "row-1", "row-2"]
    assert [d.id for d in iter_jsonl(src)] == ["in-1", "in-2", "in-3"]  # type: ignore[union-attr]


def test_the_service_treats_a_blank_id_as_none(toy_config: dict[str, object]) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from fairdeid.pipeline import Pipeline
    from fairdeid.serve.api import create_app

    app_ = create_app(Pipeline.from_config(toy_config), background_load=False)
    with TestClient(app_) as client:
        body = {"documents": [{"id": "  ", "text": "Dr. Lee"}, {"id": None, "text": "x"}]}
        got = client.post("/v1/deidentify", json=body)
    assert got.status_code == 200, got.text
    assert [d["id"] for d in got.json()["documents"]] == ["doc-0", "doc-1"]


# -- item 5: Ctrl-C says how to continue ---------------------------------------------------------


def _crashing_input(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    texts = ["Dr. Lee 2021-01-01", "Dr. Kim 2021-01-02", "CRASH Dr. Ode", "Dr. Ray 2021-01-04"]
    src.write_text("".join(json.dumps({"id": f"n{i}", "text": t}) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    return src


def test_ctrl_c_prints_the_exact_resume_command_and_it_finishes_the_run(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex
    import sys

    src = _crashing_input(tmp_path)
    out = tmp_path / "out dir" / "out.jsonl"
    args = ["deidentify", str(src), "-o", str(out), "--config", str(toy_config_file),
            "--batch-size", "1"]
    monkeypatch.setattr(sys, "argv", ["/usr/bin/fairdeid", *args])
    monkeypatch.setenv("TOY_CRASH", "1")
    result = runner.invoke(app, args)
    assert result.exit_code == 130
    assert "interrupted after 2 records" in result.output
    command = result.output.split("run the same command with --resume:")[1].split("\n")[1].strip()
    assert command == "fairdeid " + shlex.join([*args, "--resume"])
    assert "Lee" not in result.output and "Ode" not in result.output
    monkeypatch.delenv("TOY_CRASH")
    resumed = runner.invoke(app, shlex.split(command)[1:])
    assert resumed.exit_code == 0, resumed.output
    assert "resuming: 2 records already done" in resumed.output
    assert [json.loads(x)["id"] for x in out.read_text("utf-8").splitlines()] == [
        "n0", "n1", "n2", "n3"]


def test_ctrl_c_without_an_output_file_says_nothing_was_saved(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOY_CRASH", "1")
    result = _run(str(_crashing_input(tmp_path)), "--config", str(toy_config_file))
    assert result.exit_code == 130
    assert "nothing was saved to resume from (no -o)" in result.output


def test_ctrl_c_with_a_random_surrogate_key_says_a_resume_cannot_work(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAIRDEID_KEY", raising=False)
    monkeypatch.setenv("TOY_CRASH", "1")
    result = _run(str(_crashing_input(tmp_path)), "-o", str(tmp_path / "o.jsonl"),
                  "--config", str(toy_config_file), "--mode", "surrogate")
    assert result.exit_code == 130
    assert "random surrogate key" in result.output and "without --resume" in result.output


def test_ctrl_c_during_batch_says_to_rerun_the_same_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fairdeid.scale.job as job

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(job, "run_batch", interrupted)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Dr. Lee"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(src), str(tmp_path / "out"), "--local",
                                 "-d", "rules"])
    assert result.exit_code == 130
    assert "run the same command again (without --restart)" in result.output


def test_spans_out_says_it_holds_the_original_notes_and_is_owner_only(
    tmp_path: Path, toy_config_file: Path
) -> None:
    import os
    import re

    help_text = re.sub(r"[\s│]+", " ", runner.invoke(app, ["deidentify", "--help"]).output)
    assert "the ORIGINAL notes (with their PHI and meta)" in help_text
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": NOTE}) + "\n", encoding="utf-8")
    spans = tmp_path / "spans.jsonl"
    result = _run(str(src), "-o", str(tmp_path / "o.jsonl"), "--config", str(toy_config_file),
                  "--spans-out", str(spans))
    assert result.exit_code == 0, result.output
    assert os.stat(spans).st_mode & 0o077 == 0


@pytest.mark.parametrize("flag", ["--id-column", "--patient-column"])
def test_the_text_column_cannot_be_the_id_or_patient_column(
    tmp_path: Path, toy_config_file: Path, flag: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_text(f'note,x\n"{NOTE}",1\n', encoding="utf-8")
    result = _run(str(src), "-o", str(tmp_path / "o.csv"), "--config", str(toy_config_file),
                  "--text-column", "note", flag, "note")
    assert result.exit_code == 2 and f"{flag} names the text column" in result.output
    out = tmp_path / "batch"
    result = runner.invoke(app, ["batch", str(src), str(out), "--local", "-d", "rules",
                                 "--text-column", "note", flag, "note"])
    assert result.exit_code == 2 and f"{flag} names the text column" in result.output
    assert not out.exists()


def test_parquet_ids_and_patient_ids_of_other_types(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from fairdeid.scale.sources import Columns, plan_chunks, read_chunk

    src = tmp_path / "in.parquet"
    texts = ["a", "b", "c", "d"]
    table = pa.table({
        "text": texts,
        "pid": pa.array([1.0, float("nan"), None, 2.5], pa.float64()),
        "flag": [True, True, False, True],
        "id": pa.array([{"name": "Ann Lee"}, None, None, None]),
    })
    pq.write_table(table, src)
    floats = Columns(text="text", patient="pid")
    [chunk] = plan_chunks(src, "parquet", 10, floats)
    rows = read_chunk(src, "parquet", chunk, floats)
    got = [r.document.patient_id if r.document else r.error for r in rows]
    # 1.0 is patient "1" (as in a CSV); NaN and null are no patient; a fraction is refused
    assert got[:3] == ["1", None, None] and "must be a string or an integer" in str(got[3])
    booleans = read_chunk(src, "parquet", chunk, Columns(text="text", patient="flag"))
    assert all(r.document is None for r in booleans)  # True would be one patient for all
    structs = read_chunk(src, "parquet", chunk, Columns(text="text", id="id"))
    assert structs[0].document is None and "Ann" not in str(structs[0].error)
    assert [r.document.id for r in structs[1:]] == ["row-1", "row-2", "row-3"]  # type: ignore[union-attr]


def test_a_resume_with_another_delimiter_is_refused_but_the_default_spelled_out_is_not(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.csv"  # one column: it parses under any separator
    src.write_text("text\nDr. Lee 2021-01-01\nCRASH\nDr. Kim\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    args = [str(src), "-o", str(out), "--config", str(toy_config_file), "--batch-size", "1"]
    for first, other, same in ((";", "|", "semicolon"), (None, ";", "comma")):
        monkeypatch.setenv("TOY_CRASH", "1")
        given = [] if first is None else ["--delimiter", first]
        assert _run(*args, *given).exit_code == 130
        monkeypatch.delenv("TOY_CRASH")
        refused = _run(*args, "--delimiter", other, "--resume")
        assert refused.exit_code == 2 and "settings" in refused.output, refused.output
        resumed = _run(*args, "--delimiter", same, "--resume")
        assert resumed.exit_code == 0, resumed.output
        assert "resuming: 1 record already done" in resumed.output
        out.unlink()


def test_a_meta_that_is_no_object_is_a_record_error_in_both_commands(
    tmp_path: Path, toy_config_file: Path
) -> None:
    from fairdeid.scale.sources import Chunk, Columns, read_chunk

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "patient_id": "p1", "meta": "Ann Lee", "text": "x"})
                   + "\n" + json.dumps({"id": "b", "text": "Dr. Lee"}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 1
    report = (tmp_path / "o.jsonl.errors.jsonl").read_text("utf-8")
    assert "'meta' must be an object" in report and "Ann" not in report
    rows = read_chunk(src, "jsonl", Chunk(0, 0, 2, 0, src.stat().st_size), Columns())
    assert rows[0].document is None and "'meta' must be an object" in str(rows[0].error)


class _TermDetector:
    """Tags nothing; sends this process SIGTERM on a note holding "TERM" (a scheduler's stop)."""

    name = "termtoy"

    def detect(self, doc: object) -> list[object]:
        import os
        import signal

        if "TERM" in getattr(doc, "text", ""):
            os.kill(os.getpid(), signal.SIGTERM)
        return []

    def detect_batch(self, docs: list[object]) -> list[list[object]]:
        return [self.detect(d) for d in docs]


def test_sigterm_keeps_progress_removes_the_temporary_output_and_prints_the_resume_command(
    tmp_path: Path
) -> None:
    import signal

    from fairdeid.detect import register_detector

    register_detector("termtoy", lambda cfg: _TermDetector())
    config = tmp_path / "c.toml"
    config.write_text('[pipeline]\ndetectors = ["termtoy"]\n[replace]\nmode = "tag"\n',
                      encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"n{i}", "text": t}) + "\n"
                           for i, t in enumerate(["a", "b", "TERM", "c"])), encoding="utf-8")
    def unhandled(signum: int, frame: object) -> None:
        # what a run without its own handler meets here (instead of dying with the test run)
        raise RuntimeError("SIGTERM reached the default handler")

    before = signal.signal(signal.SIGTERM, unhandled)
    try:
        result = _run(str(src), "-o", str(tmp_path / "o.jsonl"), "--config", str(config),
                      "--batch-size", "1")
        assert signal.getsignal(signal.SIGTERM) is unhandled  # put back after the run
    finally:
        signal.signal(signal.SIGTERM, before)
    assert result.exit_code == 143, result.output
    assert "interrupted after 2 records" in result.output and "--resume" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".o.jsonl.fairdeid-checkpoint.jsonl", "c.toml", "in.jsonl"]
