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
