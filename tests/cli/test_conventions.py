"""Command-line conventions shared by every command (issue 13, item 1).

Results on stdout, diagnostics on stderr; user and config text survives Rich markup; missing
extras are named before any work; one option name per concept; ``-`` for stdin/stdout.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.document import Document, Span

runner = CliRunner()
NOTE = "Seen by Dr. Lee on 2021-03-04. MRN 1234567."
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    from fairdeid.corpora.jsonl import write_jsonl

    text = "Seen on 2021-03-04 by Dr. Lee."
    docs = [
        Document(f"d{i}", text, spans=(Span(8, 18, "DATE", source="gold"),)) for i in range(3)
    ]
    path = tmp_path / "gold.jsonl"
    write_jsonl(docs, path)
    return path


def _block(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` unimportable, as on a machine without the extra."""
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


# -- Rich markup never eats user or config text ---------------------------------------------------


@pytest.mark.parametrize("command", ["deidentify", "batch", "evaluate"])
def test_config_error_keeps_square_brackets(tmp_path: Path, command: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[resolve]\nbogus = 1\n", encoding="utf-8")
    note = tmp_path / "n.jsonl"
    note.write_text(json.dumps({"id": "a", "text": NOTE}) + "\n", encoding="utf-8")
    args = {
        "deidentify": [str(note)],
        "batch": [str(note), str(tmp_path / "out"), "--local"],
        "evaluate": [str(note), "--no-progress"],
    }[command]
    result = runner.invoke(app, [command, *args, "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert "[resolve]" in result.stderr, result.stderr


def test_missing_extra_hint_keeps_square_brackets(monkeypatch: pytest.MonkeyPatch) -> None:
    _block(monkeypatch, "fastapi", "uvicorn")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'fairdeid[serve]'" in result.stderr


def test_evaluate_error_with_brackets_in_path(tmp_path: Path) -> None:
    missing = tmp_path / "[gold].jsonl"
    result = runner.invoke(app, ["evaluate", str(missing), "-d", "rules"])
    assert result.exit_code == 2
    assert "[gold].jsonl" in result.stderr


# -- a missing optional dependency is named before any work ---------------------------------------


def test_evaluate_report_without_matplotlib(
    monkeypatch: pytest.MonkeyPatch, gold: Path, tmp_path: Path
) -> None:
    _block(monkeypatch, "matplotlib")
    report = tmp_path / "rep"
    result = runner.invoke(
        app, ["evaluate", str(gold), "-d", "rules", "--report", str(report), "--no-progress"]
    )
    assert result.exit_code == 2, result.output
    assert "matplotlib" in result.stderr and "pip install 'fairdeid[eval]'" in result.stderr
    assert not report.exists()  # nothing started, no empty folder left behind


def test_meddocan_config_without_pycrfsuite(
    monkeypatch: pytest.MonkeyPatch, gold: Path, tmp_path: Path
) -> None:
    _block(monkeypatch, "pycrfsuite")
    config = str(ROOT / "configs" / "meddocan-crf.toml")
    result = runner.invoke(app, ["evaluate", str(gold), "-c", config, "--no-progress"])
    assert result.exit_code == 2, result.output
    assert "pip install 'fairdeid[crf]'" in result.stderr
    note = tmp_path / "n.txt"
    note.write_text(NOTE, encoding="utf-8")
    result = runner.invoke(app, ["deidentify", str(note), "-c", config])
    assert result.exit_code == 2, result.output
    assert "pip install 'fairdeid[crf]'" in result.stderr


@pytest.mark.parametrize(
    ("kind", "module", "extra"), [("transformer", "torch", "train"), ("crf", "pycrfsuite", "crf")]
)
def test_train_without_its_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str, module: str, extra: str
) -> None:
    _block(monkeypatch, module)
    out = tmp_path / "model"
    result = runner.invoke(
        app, ["train", "--train", str(tmp_path / "none.jsonl"), "-o", str(out), "--kind", kind]
    )
    assert result.exit_code == 2, result.output
    # Named before the (missing) training data is even looked at.
    assert f"pip install 'fairdeid[{extra}]'" in result.stderr
    assert not out.exists()


# -- results on stdout, diagnostics on stderr ----------------------------------------------------


def test_locales_go_to_stdout_as_plain_text_in_a_pipe() -> None:
    result = runner.invoke(app, ["locales"])
    assert result.exit_code == 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("en_US"))
    assert line.split("\t")[:3] == ["en_US", "United States", "371"]
    assert result.stderr == ""


def test_locales_table_fits_80_columns_on_a_terminal() -> None:
    for args in (["locales"], ["locales", "--sample"]):
        result = runner.invoke(app, args, env={"TTY_COMPATIBLE": "1", "COLUMNS": "80"})
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert "…" not in result.stdout, result.stdout
        assert max(cell_len(_plain(x)) for x in lines) <= 80  # terminal cells, not code points
        header = next(x for x in lines if "country" in x)
        for column in ("locale", "country", "female", "male", "surnames"):
            assert column in header


def _plain(line: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", line)


def test_evaluate_results_on_stdout(gold: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(gold), "-d", "rules", "--no-progress",
                                 "--resamples", "10"])
    assert result.exit_code == 0, result.output
    assert "binary_token\t" in result.stdout and "leak_rate" in result.stdout
    assert "binary_token" not in result.stderr


# -- arguments -------------------------------------------------------------------------------------


def test_version_and_completion_and_python_m() -> None:
    import subprocess

    from fairdeid import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"fairdeid {__version__}"
    help_text = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    proc = subprocess.run(
        [sys.executable, "-m", "fairdeid", "--version"], capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"fairdeid {__version__}"


def test_help_reads_like_unix_metavars() -> None:
    commands = [[c] for c in ("deidentify", "batch", "bench", "evaluate", "convert", "audit",
                              "train", "serve", "generate", "localize")] + [["llm", "serve"]]
    for command in commands:
        text = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).stdout
        for typed in ("<bool>", "<int>", "<str>", "<float>"):  # Typer's own type names
            assert typed not in text, (command, typed)
        assert "{" not in text.split("\n\n")[1], command  # the usage line: INPUT, not {input_path}
    text = runner.invoke(app, ["deidentify", "--help"], env={"COLUMNS": "200"}).stdout
    assert "[OPTIONS] INPUT" in text and "strict" in text  # --preset lists strict


def test_generate_count_and_hidden_old_n(tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    result = runner.invoke(app, ["generate", "-n", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 2
    assert "wrote 2 notes" in result.stderr
    result = runner.invoke(app, ["generate", "--count", "1", "-o", str(out)])
    assert result.exit_code == 0 and "wrote 1 note " in result.stderr
    result = runner.invoke(app, ["generate", "--n", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3 and "deprecated" in result.stderr
    assert "--n " not in runner.invoke(app, ["generate", "--help"]).stdout


def test_directory_without_output_is_refused_before_the_model_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(NOTE, encoding="utf-8")

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pipeline was built before the arguments were checked")

    monkeypatch.setattr("fairdeid.pipeline.Pipeline.from_config", no_model)
    result = runner.invoke(app, ["deidentify", str(tmp_path / "notes")])
    assert result.exit_code == 2 and "-o" in result.stderr
    result = runner.invoke(app, ["deidentify", str(tmp_path / "notes" / "a.txt"), "--json"])
    assert result.exit_code == 2 and "--json" in result.stderr


# -- stdin and stdout ------------------------------------------------------------------------------


def test_stdin_text_and_jsonl_are_sniffed(toy_config_file: Path) -> None:
    result = runner.invoke(app, ["deidentify", "-", "-c", str(toy_config_file)], input=NOTE)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Seen by Dr. [NAME] on [DATE]. [ID]."
    line = json.dumps({"id": "n1", "text": NOTE}) + "\n"
    result = runner.invoke(
        app, ["deidentify", "-", "-o", "-", "-c", str(toy_config_file)], input=line
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": "n1", "text": "Seen by Dr. [NAME] on [DATE]. [ID]."}


def test_stdin_format_flag_and_csv(toy_config_file: Path, tmp_path: Path) -> None:
    data = "id,text\nr1," + NOTE + "\n"
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["deidentify", "-", "--format", "csv", "-o", str(out), "-c", str(toy_config_file)],
        input=data,
    )
    assert result.exit_code == 0, result.output
    assert "Seen by Dr. [NAME] on [DATE]. [ID]." in out.read_text()
    result = runner.invoke(app, ["deidentify", str(out), "--format", "csv"])
    assert result.exit_code == 2 and "stdin" in result.stderr


def test_stdin_errors_name_stdin_not_text(toy_config_file: Path) -> None:
    lines = json.dumps({"id": "ok", "text": NOTE}) + "\n{not json\n"
    result = runner.invoke(app, ["deidentify", "-", "-c", str(toy_config_file)], input=lines)
    assert result.exit_code == 1
    assert "stdin.jsonl:2" in result.stderr and "Lee" not in result.stderr


# -- --json summary --------------------------------------------------------------------------------


def test_json_summary(toy_config_file: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": NOTE}) + "\n{broken\n"
        + json.dumps({"id": "b", "text": "Dr. Kim"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["deidentify", str(src), "-o", str(out), "--json", "-c", str(toy_config_file)]
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["records"] == 3 and summary["done"] == 2
    assert summary["skipped"] == 1 and summary["failed"] == 0
    assert summary["labels"] == {"DATE": 1, "DOCTOR": 2, "MEDICALRECORD": 1}
    assert summary["seconds"] >= 0 and summary["output"] == str(out)
    assert summary["errors_report"] == str(tmp_path / "out.jsonl.errors.jsonl")


# -- one name per concept --------------------------------------------------------------------------


def test_evaluate_old_spellings_still_work_with_a_note(gold: Path, tmp_path: Path) -> None:
    args = ["evaluate", str(gold), "--json", "--no-progress", "--resamples", "10"]
    new = runner.invoke(app, [*args, "-d", "rules"])
    old = runner.invoke(app, [*args, "--detector", "rules"])
    assert new.exit_code == old.exit_code == 0, old.output
    assert json.loads(new.stdout)["binary_token"] == json.loads(old.stdout)["binary_token"]
    assert "deprecated" in old.stderr and "deprecated" not in new.stderr
    config = tmp_path / "p.toml"
    config.write_text('[pipeline]\ndetectors = ["rules"]\n', encoding="utf-8")
    for flag in ("-c", "--config", "-p", "--pipeline"):
        result = runner.invoke(app, [*args, flag, str(config)])
        assert result.exit_code == 0, (flag, result.output)
        assert ("deprecated" in result.stderr) == (flag in ("-p", "--pipeline"))
    assert "--pipeline" not in runner.invoke(app, ["evaluate", "--help"]).stdout


def test_deidentify_and_batch_report_a_bad_row_alike(
    toy_config_file: Path, tmp_path: Path
) -> None:
    src = tmp_path / "notes.csv"
    src.write_text("id,text\nr1," + NOTE + "\nr2,too,many,cells\nr3,Dr. Kim\n", encoding="utf-8")
    result = runner.invoke(
        app, ["deidentify", str(src), "-o", str(tmp_path / "o.csv"), "-c", str(toy_config_file)]
    )
    assert result.exit_code == 1
    (mine,) = [json.loads(x) for x in (tmp_path / "o.csv.errors.jsonl").read_text().splitlines()]
    result = runner.invoke(
        app, ["batch", str(src), str(tmp_path / "b"), "--local", "-c", str(toy_config_file)]
    )
    assert result.exit_code == 1, result.output
    (theirs,) = [json.loads(x) for x in (tmp_path / "b" / "errors.jsonl").read_text().splitlines()]
    assert mine["record"] == theirs["record"] == "notes.csv:row 2"
    assert set(mine) <= set(theirs) and theirs["row"] == 1  # 0-based, as in the part files


# -- third-party noise and plurals -----------------------------------------------------------------


def test_quiet_third_party_drops_onnxruntime_advice_unless_verbose(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from fairdeid.cli.app import _drop_preprocessing_advice, quiet_third_party

    root = logging.getLogger()
    monkeypatch.setattr(
        root, "filters", [f for f in root.filters if f is not _drop_preprocessing_advice]
    )
    token_logger = logging.getLogger("ray._private.authentication.authentication_token_setup")
    monkeypatch.setattr(logging.getLogger("ray._private.authentication"), "level", logging.NOTSET)
    advice = "Please consider to run pre-processing before quantization. Refer to example"
    quiet_third_party(verbose=True)
    with caplog.at_level(logging.WARNING):
        logging.warning(advice)
    assert advice in caplog.text
    assert token_logger.getEffectiveLevel() <= logging.WARNING
    caplog.clear()
    quiet_third_party(verbose=False)
    with caplog.at_level(logging.WARNING):
        logging.warning(advice)
        logging.warning("something else")
    assert advice not in caplog.text and "something else" in caplog.text
    assert token_logger.getEffectiveLevel() == logging.ERROR


def test_counts_read_as_english(toy_config_file: Path, tmp_path: Path) -> None:
    note = tmp_path / "n.txt"
    note.write_text(NOTE, encoding="utf-8")
    result = runner.invoke(app, ["deidentify", str(note), "-c", str(toy_config_file)])
    assert "de-identified 1 record\n" in result.stderr


@pytest.mark.parametrize("command", ["deidentify", "evaluate", "audit", "bench", "batch", "serve"])
def test_lang_help_keeps_square_brackets(command: str) -> None:
    """Regression: every --lang help read "a --config without  language is English" (Rich took
    "[pipeline]" for markup)."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert "[pipeline] language" in result.output
