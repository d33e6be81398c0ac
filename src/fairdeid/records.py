"""Input and output *records* for `fairdeid deidentify`: the user's files, in their shape.

Unlike ``corpora`` (annotated corpora for evaluation and training), this module serves the
production path: read a .txt file, a directory of .txt files, a JSONL file or a CSV file; hand
documents to the pipeline; write the output in the same shape and order. Every input record ends up
in the output or in the error report with its reason; a locator names it (file, line, row), never
its text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from fairdeid.document import Document
from fairdeid.errors import FairdeidError, RecordError

InputKind = Literal["txt", "dir", "jsonl", "csv"]

#: Bytes sniffed to call a file binary: NUL bytes never occur in clinical text files.
_SNIFF = 8192
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class InputRecord:
    """One unit of input: a document to process, or an error explaining why it can't be."""

    index: int
    locator: str
    document: Document | None = None
    error: RecordError | None = None
    #: The original record for shape-preserving output (JSON object, CSV row, file name).
    raw: Any = None


@dataclass
class InputSet:
    kind: InputKind
    path: Path
    records: list[InputRecord]
    #: CSV only: column order, text column, dialect.
    columns: list[str] = field(default_factory=list)
    text_column: str | None = None


def detect_kind(path: Path) -> InputKind:
    if path.is_dir():
        return "dir"
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix in {".csv", ".tsv"}:
        return "csv"
    return "txt"


def _decode_text_file(path: Path, locator: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordError(locator, f"cannot read file ({exc.strerror})") from None
    if not data.strip():
        raise RecordError(locator, "file is empty")
    if b"\x00" in data[:_SNIFF]:
        raise RecordError(locator, "file looks binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(locator, f"file is not valid UTF-8 (byte offset {exc.start})") from None
    return text


def _read_txt(path: Path, index: int, locator: str) -> InputRecord:
    try:
        text = _decode_text_file(path, locator)
    except RecordError as err:
        return InputRecord(index, locator, error=err, raw=path.name)
    doc = Document(id=path.stem, text=text, meta={"source_file": path.name})
    return InputRecord(index, locator, document=doc, raw=path.name)


def _read_jsonl(path: Path) -> Iterator[InputRecord]:
    with path.open("rb") as handle:
        index = 0
        for lineno, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            locator = f"{path.name}:{lineno}"
            rec = InputRecord(index, locator)
            index += 1
            try:
                obj = json.loads(raw.decode("utf-8"))
                if not isinstance(obj, dict):
                    raise RecordError(locator, "line is not a JSON object")
                text = obj.get("text")
                if not isinstance(text, str):
                    raise RecordError(locator, "record has no string 'text' field")
                raw_meta = obj.get("meta")
                meta: dict[str, Any] = dict(raw_meta) if isinstance(raw_meta, dict) else {}
                if "patient_id" in obj and "patient_id" not in meta:
                    meta = {**meta, "patient_id": obj["patient_id"]}
                doc_id = str(obj.get("id", f"{path.stem}-{lineno}"))
                rec.document = Document(id=doc_id, text=text, meta=meta)
                rec.raw = obj
            except UnicodeDecodeError:
                rec.error = RecordError(locator, "line is not valid UTF-8")
            except json.JSONDecodeError as exc:
                rec.error = RecordError(
                    locator, f"malformed JSON ({exc.msg} at column {exc.colno})"
                )
            except RecordError as err:
                rec.error = err
            except FairdeidError as exc:
                rec.error = RecordError(locator, str(exc))
            yield rec


def _read_csv(
    path: Path, text_column: str | None, id_column: str | None, patient_column: str | None
) -> InputSet:
    if not text_column:
        raise FairdeidError("CSV input needs --text-column (the column holding the note text)")
    locator = path.name
    text = _decode_text_file(path, locator)
    dialect: type[csv.Dialect] | csv.Dialect = (
        csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    )
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    columns = list(reader.fieldnames or [])
    for wanted, flag in (
        (text_column, "--text-column"),
        (id_column, "--id-column"),
        (patient_column, "--patient-column"),
    ):
        if wanted and wanted not in columns:
            raise FairdeidError(
                f"{locator}: column {wanted!r} given by {flag} is not in the header {columns}"
            )
    records: list[InputRecord] = []
    for index, row in enumerate(reader):
        row_locator = f"{path.name}:row {index + 1}"
        rec = InputRecord(index, row_locator, raw=row)
        if None in row:  # more cells than header columns
            rec.error = RecordError(row_locator, "row has more cells than the header")
        else:
            value = row.get(text_column)
            if value is None:
                rec.error = RecordError(row_locator, f"row has no value in column {text_column!r}")
            else:
                doc_id = row.get(id_column, "") if id_column else ""
                meta = {"patient_id": row[patient_column]} if patient_column else {}
                rec.document = Document(id=doc_id or f"row-{index + 1}", text=value, meta=meta)
        records.append(rec)
    return InputSet("csv", path, records, columns=columns, text_column=text_column)


def read_input(
    path: str | Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    patient_column: str | None = None,
) -> InputSet:
    """Read INPUT for deidentify. File-level problems (missing column, unreadable) raise
    ``FairdeidError``; record-level problems become ``InputRecord.error``."""
    path = Path(path)
    if not path.exists():
        raise FairdeidError(f"input not found: {path}")
    kind = detect_kind(path)
    if kind == "dir":
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
        if not files:
            raise FairdeidError(f"directory {path} has no .txt files")
        records = [_read_txt(f, i, f.name) for i, f in enumerate(files)]
        return InputSet("dir", path, records)
    if kind == "jsonl":
        return InputSet("jsonl", path, list(_read_jsonl(path)))
    if kind == "csv":
        return _read_csv(path, text_column, id_column, patient_column)
    return InputSet("txt", path, [_read_txt(path, 0, path.name)])


# -- output ------------------------------------------------------------------------------------


def _atomic_write(path: Path, content: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half an output file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(content, encoding="utf-8", newline="")
    os.replace(tmp, path)


def write_output(
    inputs: InputSet, outputs: dict[int, str], target: Path | None, stdout: TextIO | None = None
) -> None:
    """Write de-identified texts (by record index) in the shape of the input.

    Records that failed are left out of the output (they are in the error report). For a
    directory, ``target`` is a directory and each file keeps its name.
    """
    ok = [r for r in inputs.records if r.index in outputs]
    if inputs.kind == "dir":
        if target is None:
            raise FairdeidError("directory input needs -o OUTPUT_DIR")
        target.mkdir(parents=True, exist_ok=True)
        for rec in ok:
            _atomic_write(target / str(rec.raw), outputs[rec.index])
        return
    if inputs.kind == "txt":
        content = outputs[ok[0].index] if ok else ""
    elif inputs.kind == "jsonl":
        lines = []
        for rec in ok:
            obj = dict(rec.raw)
            obj["text"] = outputs[rec.index]
            obj.pop("spans", None)  # input-coordinate spans would be wrong for the new text
            lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
        content = "".join(lines)
    else:
        buffer = io.StringIO(newline="")
        dialect = csv.excel_tab if inputs.path.suffix.lower() == ".tsv" else csv.excel
        writer = csv.DictWriter(buffer, fieldnames=inputs.columns, dialect=dialect)
        writer.writeheader()
        for rec in ok:
            row = dict(rec.raw)
            assert inputs.text_column is not None
            row[inputs.text_column] = outputs[rec.index]
            writer.writerow(row)
        content = buffer.getvalue()
    if target is None:
        (stdout or sys.stdout).write(content)
    else:
        _atomic_write(target, content)


def write_error_report(errors: list[RecordError], path: Path) -> None:
    lines = [json.dumps({"record": e.record, "reason": e.reason}) + "\n" for e in errors]
    _atomic_write(path, "".join(lines))


class Checkpoint:
    """Progress of one deidentify run, so that a crash mid-batch can resume.

    One JSON line per finished record: its index and either the de-identified text plus span
    offsets, or the error. The original text is never stored here (it can be re-read from the
    input), so the checkpoint holds no more PHI than the output does.
    """

    def __init__(self, path: Path | None) -> None:
        #: ``None`` keeps progress in memory only (output to stdout: nothing to resume into).
        self.path = path
        self.outputs: dict[int, str] = {}
        self.spans: dict[int, list[dict[str, Any]]] = {}
        self.errors: dict[int, RecordError] = {}
        self._handle: TextIO | None = None

    def load(self) -> int:
        """Read earlier progress; a torn last line (crash while writing) is ignored."""
        if self.path is None or not self.path.exists():
            return 0
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    continue
                index = int(item["index"])
                if "error" in item:
                    self.errors[index] = RecordError(item["record"], item["error"])
                else:
                    self.outputs[index] = item["text"]
                    self.spans[index] = item["spans"]
        return len(self.outputs) + len(self.errors)

    def done(self, index: int) -> bool:
        return index in self.outputs or index in self.errors

    def open(self, *, append: bool) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("a" if append else "w", encoding="utf-8")

    def add_output(self, index: int, text: str, spans: list[dict[str, Any]]) -> None:
        self.outputs[index] = text
        self.spans[index] = spans
        self._write({"index": index, "text": text, "spans": spans})

    def add_error(self, index: int, error: RecordError) -> None:
        self.errors[index] = error
        self._write({"index": index, "record": error.record, "error": error.reason})

    def _write(self, item: dict[str, Any]) -> None:
        if self._handle is not None:
            self._handle.write(json.dumps(item, ensure_ascii=False) + "\n")

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def finish(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def checkpoint_path(output: Path | None) -> Path | None:
    """Where a run writing to ``output`` keeps its progress (none when writing to stdout)."""
    if output is None:
        return None
    return output.parent / f".{output.name}.fairdeid-checkpoint.jsonl"
