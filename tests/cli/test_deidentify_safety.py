"""`fairdeid deidentify` at its edges: paths, resume, odd bytes, what leaves, exit codes.

Each test is the regression test of one item of the "Trust at the edges" issue (number in the
test's docstring). Inputs must always stay byte-for-byte unchanged.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app

runner = CliRunner()
NOTE = "Seen by Dr. Lee on 2021-03-04. MRN 1234567."
KEY = "cli-io-test-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"


def _run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["deidentify", *args], env=env)


def _jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _toy_calls() -> int:
    from fairdeid.detect import build_detector

    return int(type(build_detector("toy")).calls)  # type: ignore[attr-defined]


# -- 1. output must never land on the input ------------------------------------------------------


@pytest.mark.parametrize("name", ["note.txt", "notes.jsonl", "notes.csv"])
def test_output_equal_to_input_is_refused(name: str, tmp_path: Path, toy_config_file: Path) -> None:
    """#1: `-o` equal to the input used to destroy it."""
    src = tmp_path / name
    content = {"note.txt": NOTE, "notes.jsonl": json.dumps({"text": NOTE}) + "\n"}.get(
        name, "id,text\n1,Dr. Lee\n"
    )
    src.write_text(content, encoding="utf-8")
    before = src.read_bytes()
    extra = ["--text-column", "text"] if name.endswith(".csv") else []
    for target in (src, tmp_path / "." / name):
        result = _run(str(src), "-o", str(target), "--config", str(toy_config_file), *extra)
        assert result.exit_code == 2, result.output
        assert "input itself" in result.output
    assert src.read_bytes() == before


def test_output_through_a_symlink_or_hard_link_to_the_input_is_refused(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#1: real paths and inodes are compared, not names."""
    src = tmp_path / "note.txt"
    src.write_text("", encoding="utf-8")  # a failing record: the old code wrote 0 bytes over it
    before = src.read_bytes()
    (tmp_path / "link.txt").symlink_to(src)
    os.link(src, tmp_path / "hard.txt")
    for target in ("link.txt", "hard.txt"):
        result = _run(str(src), "-o", str(tmp_path / target), "--config", str(toy_config_file))
        assert result.exit_code == 2, result.output
    assert src.read_bytes() == before


def test_directory_output_inside_input_or_around_it_is_refused(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#1: an output dir inside the input dir (or the input inside the output) is refused."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(NOTE, encoding="utf-8")
    (tmp_path / "alias").symlink_to(src)
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    for out in (src, src / "out", tmp_path, tmp_path / "alias", tmp_path / "a_file"):
        result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
        assert result.exit_code == 2, (out, result.output)
    assert sorted(p.name for p in src.iterdir()) == ["a.txt"]
    assert (src / "a.txt").read_text(encoding="utf-8") == NOTE


def test_a_symlink_that_escapes_cannot_make_output_overwrite_input(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#13: in/x.txt -> out/x.txt: writing out/x.txt would replace an input file."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.txt").write_text(NOTE, encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.txt").symlink_to(out / "x.txt")
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 2, result.output
    assert (out / "x.txt").read_text(encoding="utf-8") == NOTE


def test_a_failed_txt_gets_no_output_file(tmp_path: Path, toy_config_file: Path) -> None:
    """#1/#18: a failed .txt used to leave a 0-byte output file."""
    src = tmp_path / "note.txt"
    src.write_bytes(b"Dr. Lee \xff broken")
    out = tmp_path / "out.txt"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 1
    assert not out.exists()
    assert "UTF-8" in (tmp_path / "out.txt.errors.jsonl").read_text(encoding="utf-8")


# -- 18. impossible output paths are refused before any work -------------------------------------


def test_impossible_output_paths_are_refused_before_any_work(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#18: these used to end in a traceback (exit 1) after all the work."""
    src = _jsonl(tmp_path / "notes.jsonl", [{"id": "a", "text": NOTE}])
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    a_dir = tmp_path / "dir"
    a_dir.mkdir()
    cases = [
        ["-o", str(a_file / "out.jsonl")],
        ["-o", str(a_dir)],
        ["-o", str(tmp_path / "o.jsonl"), "--errors", str(a_file / "e.jsonl")],
        ["-o", str(tmp_path / "o.jsonl"), "--spans-out", str(a_dir)],
        ["-o", str(tmp_path / "o.jsonl"), "--errors", str(tmp_path / "o.jsonl")],
    ]
    for case in cases:
        before = _toy_calls()
        result = _run(str(src), *case, "--config", str(toy_config_file))
        assert result.exit_code == 2, (case, result.output)
        assert "Traceback" not in result.output and "error:" in result.output
        assert _toy_calls() == before  # refused before the pipeline ran
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output_directory_is_refused(tmp_path: Path, toy_config_file: Path) -> None:
    """#18: an output directory without write permission."""
    src = _jsonl(tmp_path / "notes.jsonl", [{"id": "a", "text": NOTE}])
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = _run(str(src), "-o", str(locked / "o.jsonl"), "--config", str(toy_config_file))
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2 and "not writable" in result.output


def test_mapping_file_outside_surrogate_mode_is_refused(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """Minor: --mapping-file used to be ignored silently in tag/redact mode."""
    src = tmp_path / "n.txt"
    src.write_text(NOTE, encoding="utf-8")
    result = _run(
        str(src), "--config", str(toy_config_file), "--mapping-file", str(tmp_path / "m.bin")
    )
    assert result.exit_code == 2 and "--mapping-file" in result.output


# -- 17. nothing is written beside the input unless asked ----------------------------------------


def test_without_output_the_errors_go_to_stderr_not_beside_the_input(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#17: without -o the error report used to be written into the input's folder."""
    src = _jsonl(
        tmp_path / "notes.jsonl", [{"id": "a", "text": "Dr. Lee"}, {"id": "b", "text": 5}]
    )
    result = _run(str(src), "--config", str(toy_config_file))
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.jsonl", "toy.toml"]
    assert "notes.jsonl:2" in result.stderr and "'text'" in result.stderr
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a"]


# -- 2 and 9(CLI). resume only what the checkpoint was made from ---------------------------------


def _crash(tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_CRASH", "1")
    crashed = _run(*args)
    monkeypatch.delenv("TOY_CRASH")
    assert crashed.exit_code != 0
    assert list(tmp_path.glob(".*.fairdeid-checkpoint.jsonl"))


def _crash_setup(tmp_path: Path, toy_config_file: Path) -> tuple[Path, Path, list[str]]:
    texts = ["Dr. Aa", "Dr. Bb", "Dr. Cc CRASH", "Dr. Dd"]
    records: list[dict[str, object]] = [{"id": f"n{i}", "text": t} for i, t in enumerate(texts)]
    src = _jsonl(tmp_path / "notes.jsonl", records)
    out = tmp_path / "out.jsonl"
    args = [str(src), "-o", str(out), "--config", str(toy_config_file), "--batch-size", "2"]
    return src, out, args


def test_resume_after_a_same_size_edit_with_mtime_restored_is_refused(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#2: the old checkpoint mixed the old run's text under the new input's ids."""
    src, out, args = _crash_setup(tmp_path, toy_config_file)
    stat = src.stat()
    edited = src.read_bytes().replace(b'"n0", "text": "Dr. Aa"', b'"m0", "text": "Dr. Zz"')
    _crash(tmp_path, args, monkeypatch)
    assert len(edited) == stat.st_size
    src.write_bytes(edited)
    os.utime(src, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    resumed = _run(*args, "--resume")
    assert resumed.exit_code == 2, resumed.output
    assert "input changed" in resumed.output
    assert not out.exists()
    fresh = _run(*args)  # starting over is always possible
    assert fresh.exit_code == 0, fresh.output
    assert _lines(out)[0] == {"id": "m0", "text": "Dr. [NAME]"}


def test_resume_of_a_directory_after_a_same_size_edit_is_refused(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#2: the same for a directory: one file edited in place, its mtime put back."""
    src = tmp_path / "in"
    src.mkdir()
    for name, text in (("a.txt", "Dr. Aa"), ("b.txt", "Dr. Bb CRASH"), ("c.txt", "Dr. Cc")):
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = [str(src), "-o", str(out), "--config", str(toy_config_file), "--batch-size", "1"]
    _crash(tmp_path, args, monkeypatch)
    stat = (src / "a.txt").stat()
    (src / "a.txt").write_text("Dr. Zz", encoding="utf-8")
    os.utime(src / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    resumed = _run(*args, "--resume")
    assert resumed.exit_code == 2 and "input changed" in resumed.output


def test_resume_with_another_mode_is_refused(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#2: resuming a tag run in redact mode mixed both modes in one output."""
    _, out, args = _crash_setup(tmp_path, toy_config_file)
    _crash(tmp_path, args, monkeypatch)
    resumed = _run(*args, "--resume", "--mode", "redact")
    assert resumed.exit_code == 2 and "settings differ" in resumed.output
    resumed = _run(*args, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert [r["text"] for r in _lines(out)] == ["Dr. [NAME]", "Dr. [NAME]",
                                                "Dr. [NAME] CRASH", "Dr. [NAME]"]


def test_surrogate_resume_needs_a_key_and_the_same_key(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#9 (CLI): a resumed surrogate run without a key gave resumed records other surrogates."""
    monkeypatch.delenv("FAIRDEID_KEY", raising=False)
    _, out, args = _crash_setup(tmp_path, toy_config_file)
    args = [*args, "--mode", "surrogate"]
    no_key = _run(*args, "--resume")
    assert no_key.exit_code == 2 and "FAIRDEID_KEY" in no_key.output
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    _crash(tmp_path, args, monkeypatch)
    checkpoint = (tmp_path / ".out.jsonl.fairdeid-checkpoint.jsonl").read_text(encoding="utf-8")
    assert KEY not in checkpoint  # only a keyed check of it, inside the settings hash
    monkeypatch.setenv("FAIRDEID_KEY", KEY[::-1])
    other_key = _run(*args, "--resume")
    assert other_key.exit_code == 2 and "settings differ" in other_key.output
    assert KEY not in other_key.output and KEY[::-1] not in other_key.output
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    resumed = _run(*args, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert len(_lines(out)) == 4


def test_resume_from_a_checkpoint_without_fingerprint_is_refused(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#2: a checkpoint from before fingerprints cannot prove what it was made from."""
    _, out, args = _crash_setup(tmp_path, toy_config_file)
    (tmp_path / ".out.jsonl.fairdeid-checkpoint.jsonl").write_text(
        json.dumps({"index": 0, "text": "old text", "spans": []}) + "\n", encoding="utf-8"
    )
    resumed = _run(*args, "--resume")
    assert resumed.exit_code == 2 and "fingerprint" in resumed.output
    assert not out.exists()


# -- 7. lone surrogates --------------------------------------------------------------------------


def test_a_lone_surrogate_rejects_only_its_record(tmp_path: Path, toy_config_file: Path) -> None:
    """#7: a "\\ud800" escape used to crash the CLI: no output and no report for any record."""
    src = tmp_path / "notes.jsonl"
    src.write_text(
        '{"id": "a", "text": "Dr. Lee"}\n'
        '{"id": "b", "text": "Dr. Kim \\ud800"}\n'
        '{"id": "c\\udfff", "text": "Dr. Ng"}\n'
        '{"id": "d", "text": "Dr. Wu", "meta": {"x": ["\\udc00"]}}\n'
        '{"id": "e", "text": "Dr. Li"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 1, result.output
    assert [r["id"] for r in _lines(out)] == ["a", "e"]
    report = _lines(tmp_path / "out.jsonl.errors.jsonl")
    assert [r["record"] for r in report] == ["notes.jsonl:2", "notes.jsonl:3", "notes.jsonl:4"]
    assert all("lone surrogate" in str(r["reason"]) for r in report)


# -- 10/11. only id and text leave by default ----------------------------------------------------


def test_jsonl_output_keeps_only_id_and_text_by_default(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#10/#11: patient_id, patient_name and meta.mrn used to be copied verbatim."""
    src = _jsonl(
        tmp_path / "notes.jsonl",
        [
            {"id": "a", "text": NOTE, "patient_name": "Jane Roe", "patient_id": "P-1",
             "meta": {"mrn": "7654321", "ward": "B"}, "spans": []},
            {"text": "Dr. Kim"},
        ],
    )
    out = tmp_path / "out.jsonl"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 0, result.output
    records = _lines(out)
    assert records[0] == {"id": "a", "text": "Seen by Dr. [NAME] on [DATE]. [ID]."}
    assert records[1] == {"id": "notes-2", "text": "Dr. [NAME]"}
    result = _run(
        str(src), "-o", str(out), "--config", str(toy_config_file),
        "--keep-meta", "ward,patient_name",
    )
    assert result.exit_code == 0, result.output
    assert _lines(out)[0] == {
        "id": "a", "text": "Seen by Dr. [NAME] on [DATE]. [ID].", "patient_name": "Jane Roe",
        "meta": {"ward": "B"},
    }
    assert "'patient_name' looks identifying" in result.stderr
    assert "'ward'" not in result.stderr and "Jane" not in result.stderr


def test_csv_output_keeps_only_id_and_text_columns_by_default(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#11: every other CSV column (the mrn column itself) used to be copied verbatim."""
    src = tmp_path / "notes.csv"
    src.write_text("note_id,mrn,body,ward\n1,7654321,Dr. Lee,A\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    base = [str(src), "-o", str(out), "--config", str(toy_config_file), "--text-column", "body"]
    result = _run(*base, "--id-column", "note_id", "--patient-column", "mrn")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"note_id,body\r\n1,Dr. [NAME]\r\n"
    result = _run(*base, "--keep-columns", "ward,mrn")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(out.open(newline="", encoding="utf-8"))) == [
        ["mrn", "body", "ward"], ["7654321", "Dr. [NAME]", "A"]
    ]
    assert "'mrn' looks identifying" in result.stderr and "7654321" not in result.stderr
    result = _run(*base, "--keep-columns", "nope")
    assert result.exit_code == 2 and "'nope'" in result.output


# -- 12. strict CSV, per-row decoding, BOMs ------------------------------------------------------


def test_csv_unterminated_quote_is_an_error_for_that_row_only(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#12: an unterminated quote silently merged the next rows into the text."""
    src = tmp_path / "notes.csv"
    src.write_text('id,text\n1,"Dr. Lee said\n2,Dr. Kim\n3,Dr. Ng\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    args = [str(src), "-o", str(out), "--config", str(toy_config_file), "--text-column", "text",
            "--id-column", "id"]
    result = _run(*args)
    assert result.exit_code == 1, result.output
    assert list(csv.reader(out.open(newline="", encoding="utf-8"))) == [
        ["id", "text"], ["2", "Dr. [NAME]"], ["3", "Dr. [NAME]"]
    ]
    report = _lines(tmp_path / "out.csv.errors.jsonl")
    assert report == [{"record": "notes.csv:row 1",
                       "reason": "unterminated quoted field (starts at line 2)"}]


def test_csv_stray_quote_closed_on_a_later_row_is_reported(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#12: a quote closed by a stray quote on the next row parses cleanly but merges two rows."""
    src = tmp_path / "notes.csv"
    src.write_text('id,text,ward\n1,"Dr. Lee,A\n2,Dr. Kim",B\n3,"Dr. Ng\nsecond line",C\n',
                   encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file),
                  "--text-column", "text", "--id-column", "id")
    assert result.exit_code == 1, result.output
    rows = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert rows[-1] == ["3", "Dr. [NAME]\nsecond line"]  # a real multi-line note is fine
    report = (tmp_path / "out.csv.errors.jsonl").read_text(encoding="utf-8")
    assert "notes.csv:row 1" in report and "unterminated quote" in report


def test_csv_bad_bytes_or_nul_in_one_row_reject_only_that_row(
    tmp_path: Path, toy_config_file: Path
) -> None:
    """#12: invalid UTF-8 or a NUL in one row used to refuse the whole file."""
    src = tmp_path / "notes.csv"
    src.write_bytes(
        b"\xef\xbb\xbfid,text\n1,Dr. Lee\n2,Dr. \xff Kim\n3,Dr. \x00 Ng\n"
        b"4,\xed\xa0\x80 surrogate\n5,Dr. Wu\n"
    )
    out = tmp_path / "out.csv"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file),
                  "--text-column", "text", "--id-column", "id")
    assert result.exit_code == 1, result.output
    rows = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert [r[0] for r in rows] == ["id", "1", "5"]  # the BOM did not spoil the header
    report = _lines(tmp_path / "out.csv.errors.jsonl")
    assert [r["record"] for r in report] == ["notes.csv:row 2", "notes.csv:row 3",
                                             "notes.csv:row 4"]
    reasons = [str(r["reason"]) for r in report]
    assert "UTF-8" in reasons[0] and "NUL" in reasons[1] and "UTF-8" in reasons[2]


def test_jsonl_with_a_bom_reads_its_first_record(tmp_path: Path, toy_config_file: Path) -> None:
    """#12: a UTF-8 BOM made the first JSONL record "malformed"."""
    src = tmp_path / "notes.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + b'{"id": "a", "text": "Dr. Lee"}\n{"id": "b", "text": "x"}\n')
    result = _run(str(src), "--config", str(toy_config_file))
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a", "b"]


# -- 13. directories ----------------------------------------------------------------------------


def _tree(root: Path) -> None:
    root.mkdir()
    (root / "a.txt").write_text("Dr. Lee", encoding="utf-8")
    (root / "notes.md").write_text("Dr. Kim", encoding="utf-8")
    (root / "gone.txt").symlink_to(root / "missing.txt")
    (root / "sub").mkdir()
    (root / "sub" / "b.txt").write_text("Dr. Ng", encoding="utf-8")
    (root / "sub" / "deeper").mkdir()
    (root / "sub" / "deeper" / "c.txt").write_text("Dr. Wu", encoding="utf-8")
    (root / "linkdir").symlink_to(root / "sub")


def test_directory_lists_every_skipped_entry(tmp_path: Path, toy_config_file: Path) -> None:
    """#13: subdirectories, broken symlinks, symlinked dirs and non-.txt files were skipped
    silently."""
    src = tmp_path / "in"
    _tree(src)
    out = tmp_path / "out"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file))
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
    report = {r["record"]: r["reason"] for r in _lines(tmp_path / "out.errors.jsonl")}
    assert report == {
        "gone.txt": "broken symlink",
        "linkdir": "symlink to a directory (not followed)",
        "notes.md": "not a .txt file",
        "sub": "subdirectory (use --recursive)",
    }
    assert "4 of 5 records failed" in result.output


def test_directory_recursive_mirrors_the_tree(tmp_path: Path, toy_config_file: Path) -> None:
    """#13: --recursive reads subdirectories and mirrors them in the output."""
    src = tmp_path / "in"
    _tree(src)
    (src / "gone.txt").unlink()
    (src / "notes.md").unlink()
    (src / "linkdir").unlink()
    out = tmp_path / "out"
    result = _run(str(src), "-o", str(out), "--config", str(toy_config_file), "--recursive")
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.txt"))
    assert written == ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]
    assert (out / "sub" / "deeper" / "c.txt").read_text(encoding="utf-8") == "Dr. [NAME]"
