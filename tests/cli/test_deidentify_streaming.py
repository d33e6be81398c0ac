"""`fairdeid deidentify` in bounded memory (issue 14): records are read lazily, de-identified in
batches of bounded size and written out in input order batch by batch.

The bounds are checked by counting, never by timing or RSS: a wrapped reader counts the records
read, weak references count the records alive, and a wrapped ``run_safely`` looks at both each
time a batch is de-identified.
"""

from __future__ import annotations

import gc
import json
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import fairdeid.io.readers as readers
import fairdeid.runner as runner_module
from fairdeid.cli import app
from fairdeid.cli.deidentify import deidentify

runner = CliRunner()
NOTE = "Seen by Dr. Lee on 2021-03-04. MRN 1234567. Follow-up in two weeks."


def _notes(path: Path, n: int) -> Path:
    path.write_text(
        "".join(json.dumps({"id": f"n{i}", "text": f"{NOTE} #{i}"}) + "\n" for i in range(n)),
        encoding="utf-8",
    )
    return path


class _Watch:
    """Counts records read and alive, and what was read when each batch reached the pipeline."""

    def _gone(self) -> None:
        self.alive -= 1

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read = 0
        self.processed = 0
        self.alive = 0
        self.max_alive = 0
        self.max_unwritten = 0
        self.read_at_first_batch: int | None = None
        real_record = readers._jsonl_record
        real_run = runner_module.run_safely

        def record(*args: Any, **kwargs: Any) -> Any:
            rec = real_record(*args, **kwargs)
            self.read += 1
            self.alive += 1
            weakref.finalize(rec, self._gone)
            return rec

        def run_safely(pipeline: Any, docs: Any, **kwargs: Any) -> Any:
            if self.read_at_first_batch is None:
                self.read_at_first_batch = self.read
            gc.collect()
            self.max_alive = max(self.max_alive, self.alive)
            self.max_unwritten = max(self.max_unwritten, self.read - self.processed)
            self.processed += len(docs)
            return real_run(pipeline, docs, **kwargs)

        monkeypatch.setattr(readers, "_jsonl_record", record)
        monkeypatch.setattr(runner_module, "run_safely", run_safely)


def test_records_alive_at_once_stay_within_a_batch_whatever_the_input_size(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the whole input was held in memory (964 MB peak for 10M words of notes)."""
    watch = _Watch(monkeypatch)
    src = _notes(tmp_path / "notes.jsonl", 400)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["deidentify", str(src), "-o", str(out), "-c",
                                 str(toy_config_file), "--batch-size", "8"])
    assert result.exit_code == 0, result.output
    assert watch.read == 400
    assert len(out.read_text(encoding="utf-8").splitlines()) == 400
    # one batch being read plus the one being processed, never the input (400)
    assert watch.max_unwritten <= 8
    assert watch.max_alive <= 2 * 8


def test_the_first_batch_is_written_before_the_last_record_is_read(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: every record was read before the first one was de-identified or written."""
    written: list[int] = []

    class Stdout:
        def write(self, text: str) -> int:
            written.append(len(text))
            return len(text)

        def flush(self) -> None:
            pass

    watch = _Watch(monkeypatch)
    seen_at_last_read: list[int] = []
    counting = readers._jsonl_record

    def last_read(*args: Any, **kwargs: Any) -> Any:
        rec = counting(*args, **kwargs)
        if watch.read == 50:
            seen_at_last_read.append(len(written))
        return rec

    monkeypatch.setattr(readers, "_jsonl_record", last_read)
    src = _notes(tmp_path / "notes.jsonl", 50)
    monkeypatch.setattr(sys, "stdout", Stdout())
    deidentify(src, config=toy_config_file, batch_size=4)
    assert watch.read_at_first_batch is not None and watch.read_at_first_batch <= 4
    assert seen_at_last_read and seen_at_last_read[0] >= 40  # 10+ batches already out
    assert len(written) == 50


class _Interrupted(BaseException):
    """Stands for a kill (Ctrl-C, OOM killer) in the middle of a run."""


def test_an_interrupted_streaming_run_resumes_into_the_same_output(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _notes(tmp_path / "notes.jsonl", 30)
    with (tmp_path / "notes.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    clean, out = tmp_path / "clean.jsonl", tmp_path / "out.jsonl"
    args = [str(src), "-c", str(toy_config_file), "--batch-size", "4", "--spans-out"]
    first = runner.invoke(app, ["deidentify", *args, str(tmp_path / "clean.spans.jsonl"),
                                "-o", str(clean)])
    assert first.exit_code == 1, first.output
    real_run = runner_module.run_safely
    calls: list[int] = []

    def crash_on_third(pipeline: Any, docs: Any, **kwargs: Any) -> Any:
        calls.append(len(docs))
        if len(calls) == 3:
            raise _Interrupted
        return real_run(pipeline, docs, **kwargs)

    monkeypatch.setattr(runner_module, "run_safely", crash_on_third)
    with pytest.raises(_Interrupted):
        deidentify(src, output=out, config=toy_config_file, batch_size=4,
                   spans_out=tmp_path / "out.spans.jsonl")
    assert not out.exists() and not (tmp_path / "out.spans.jsonl").exists()
    assert not list(tmp_path.glob(".*.tmp"))  # the unfinished output was removed
    monkeypatch.setattr(runner_module, "run_safely", real_run)
    resumed = runner.invoke(app, ["deidentify", *args, str(tmp_path / "out.spans.jsonl"),
                                  "-o", str(out), "--resume", "--json"])
    assert resumed.exit_code == 1, resumed.output
    assert out.read_bytes() == clean.read_bytes()
    assert (tmp_path / "out.spans.jsonl").read_bytes() == (
        tmp_path / "clean.spans.jsonl").read_bytes()
    summary = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert (summary["records"], summary["done"], summary["skipped"]) == (31, 30, 1)


def _csv_records(path: Path) -> list[tuple[Any, ...]]:
    return [
        (r.index, r.locator, r.raw, r.document.text if r.document else None,
         r.error.reason if r.error else None)
        for r in readers.read_input(path, text_column="text", id_column="id").records
    ]


def test_the_lazy_csv_reader_splits_lines_alike_at_any_block_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines cut by a block boundary (a ``\\r\\n`` split in two, a lone ``\\r``, a bad byte, an
    unterminated quote) read the same as with the whole file in one block."""
    src = tmp_path / "notes.csv"
    src.write_bytes(
        b"\xef\xbb\xbfid,text\r\n1,plain note\r\n2,\"quoted\r\nover lines\"\r3,bad \xff byte\n"
        b"4,\"runs on\n5,next\n\n6,last one\r\n7,\"never closed\n"
    )
    whole = _csv_records(src)
    assert [r[0] for r in whole] == list(range(len(whole))) and len(whole) >= 6
    for block in (1, 2, 3, 5, 7):
        monkeypatch.setattr(readers._Lines, "_BLOCK", block)
        assert _csv_records(src) == whole, block


def test_the_lazy_csv_reader_forgets_lines_it_has_passed(tmp_path: Path) -> None:
    src = tmp_path / "notes.csv"
    src.write_text("id,text\n" + "".join(f"{i},note {i}\n" for i in range(2000)), "utf-8")
    with src.open("rb") as handle:
        lines = readers._Lines(handle)
        assert lines.has(1999)
        lines.forget_before(1990)
        assert lines[1995] == "1994,note 1994\n"
        with pytest.raises(IndexError):
            lines[10]


def _iter_stream(path: Path) -> Iterator[Any]:
    return readers.open_input(path).iter_records()


def test_open_input_reads_nothing_before_it_is_asked(tmp_path: Path) -> None:
    """The fingerprint is the one ``read_input`` gives; the records come one at a time."""
    src = _notes(tmp_path / "notes.jsonl", 5)
    stream = readers.open_input(src)
    assert stream.fingerprint == readers.read_input(src).fingerprint
    records = _iter_stream(src)
    assert next(records).locator == "notes.jsonl:1"


def test_a_batch_also_closes_at_its_character_budget(
    tmp_path: Path, toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long notes: a batch of ``--batch-size`` records may not hold that many characters."""
    import fairdeid.cli.deidentify as command

    sizes: list[int] = []
    real_run = runner_module.run_safely

    def run_safely(pipeline: Any, docs: Any, **kwargs: Any) -> Any:
        sizes.append(sum(len(d.text) for d in docs))
        return real_run(pipeline, docs, **kwargs)

    monkeypatch.setattr(runner_module, "run_safely", run_safely)
    monkeypatch.setattr(command, "BATCH_CHARS", 3 * len(NOTE))
    src = _notes(tmp_path / "notes.jsonl", 20)
    result = runner.invoke(app, ["deidentify", str(src), "-o", str(tmp_path / "out.jsonl"),
                                 "-c", str(toy_config_file), "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    # a batch closes on the record that reaches the budget: at most 3 notes (each > NOTE)
    assert len(sizes) >= 7 and max(sizes) < 4 * (len(NOTE) + 4)
