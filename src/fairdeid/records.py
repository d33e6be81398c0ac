"""Input and output *records* for `fairdeid deidentify`: the user's files, in their shape.

Unlike ``corpora`` (annotated corpora for evaluation and training), this module serves the
production path: read a .txt file, a directory of .txt files, a JSONL file or a CSV file; hand
documents to the pipeline; write the output in the same shape and order. Every input record ends up
in the output or in the error report with its reason; a locator names it (file, line, row), never
its text.

Trust at the edges: input is decoded record by record (one bad line or row never refuses the whole
file), output never lands on an input (paths are compared after resolving symlinks), output files
are replaced atomically, and only the id and the de-identified text leave by default: other
fields are copied only when the user lists them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from fairdeid.document import Document
from fairdeid.errors import FairdeidError, RecordError

InputKind = Literal["txt", "dir", "jsonl", "csv"]

#: Bytes sniffed to call a file binary: NUL bytes never occur in clinical text files.
_SNIFF = 8192
_BOM = b"\xef\xbb\xbf"
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class InputRecord:
    """One unit of input: a document to process, or an error explaining why it can't be."""

    index: int
    locator: str
    document: Document | None = None
    error: RecordError | None = None
    #: The original record for shape-preserving output (JSON object, CSV cells, relative path).
    raw: Any = None


@dataclass
class InputSet:
    kind: InputKind
    path: Path
    records: list[InputRecord]
    #: CSV only: column order, text column, id column.
    columns: list[str] = field(default_factory=list)
    text_column: str | None = None
    id_column: str | None = None
    #: sha256 of every byte read (and, for directories, of the tree's names): a resumed run
    #: must see exactly the input the checkpoint was made from.
    fingerprint: str = ""
    #: Every path the input occupies (files read, entries skipped): output must land on none.
    sources: list[Path] = field(default_factory=list)


def detect_kind(path: Path) -> InputKind:
    if path.is_dir():
        return "dir"
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix in {".csv", ".tsv"}:
        return "csv"
    return "txt"


def printable_name(name: str) -> str:
    """A file name safe to print and to put in JSON: undecodable bytes become escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# -- text files and directories -----------------------------------------------------------------


def _read_bytes(path: Path, locator: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RecordError(locator, f"cannot read file ({exc.strerror})") from None


def _decode_text(data: bytes, locator: str) -> str:
    if not data.strip():
        raise RecordError(locator, "file is empty")
    if b"\x00" in data[:_SNIFF]:
        raise RecordError(locator, "file looks binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(locator, f"file is not valid UTF-8 (byte offset {exc.start})") from None
    if not text.strip():
        raise RecordError(locator, "file is empty")
    return text


def _read_txt(path: Path, index: int, rel: str, hasher: Any) -> InputRecord:
    locator = printable_name(rel)
    try:
        data = _read_bytes(path, locator)
        hasher.update(hashlib.sha256(data).digest())
        text = _decode_text(data, locator)
    except RecordError as err:
        return InputRecord(index, locator, error=err, raw=rel)
    doc = Document(id=Path(locator).stem, text=text, meta={"source_file": locator})
    return InputRecord(index, locator, document=doc, raw=rel)


def _walk(root: Path, rel: str, recursive: bool) -> Iterator[tuple[Path, str, str | None]]:
    """Entries under ``root`` in name order: (path, relative name, reason it is skipped)."""
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        yield root, rel or ".", f"cannot list directory ({exc.strerror})"
        return
    for entry in entries:
        name = f"{rel}/{entry.name}" if rel else entry.name
        if entry.is_symlink():
            if not entry.exists():
                yield entry, name, "broken symlink"
            elif entry.is_dir():
                yield entry, name, "symlink to a directory (not followed)"
            elif entry.suffix.lower() != ".txt":
                yield entry, name, "not a .txt file"
            else:
                yield entry, name, None
        elif entry.is_dir():
            if recursive:
                yield from _walk(entry, name, recursive)
            else:
                yield entry, name, "subdirectory (use --recursive)"
        elif not entry.is_file():
            yield entry, name, "not a regular file"
        elif entry.suffix.lower() != ".txt":
            yield entry, name, "not a .txt file"
        else:
            yield entry, name, None


def _read_dir(path: Path, recursive: bool) -> InputSet:
    hasher = hashlib.sha256()
    records: list[InputRecord] = []
    sources: list[Path] = []
    for entry, rel, skipped in _walk(path, "", recursive):
        sources.append(entry)
        hasher.update(os.fsencode(rel) + b"\0" + (skipped or "").encode() + b"\0")
        index = len(records)
        if skipped is not None:
            locator = printable_name(rel)
            records.append(InputRecord(index, locator, error=RecordError(locator, skipped)))
        else:
            records.append(_read_txt(entry, index, rel, hasher))
    if not any(r.raw is not None for r in records):
        hint = "" if recursive else " (subdirectories are read with --recursive)"
        raise FairdeidError(f"directory {path} has no .txt files{hint}")
    return InputSet("dir", path, records, fingerprint=hasher.hexdigest(), sources=sources)


# -- JSONL ---------------------------------------------------------------------------------------


def _surrogate_field(obj: dict[str, Any]) -> str | None:
    """The top-level field holding a lone surrogate (invalid Unicode from a ``\\ud800`` escape).

    Such text cannot be encoded, so it would crash whatever writes it; the record is rejected.
    Only ``id``/``text``/``meta`` are named: other key names are the user's and may be anything.
    """
    for key, value in obj.items():
        stack: list[Any] = [key, value]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and _has_lone_surrogate(item):
                return repr(key) if key in {"id", "text", "meta"} else "a field"
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


def _parse_jsonl_line(raw: bytes, locator: str, default_id: str) -> tuple[Document, Any]:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RecordError(locator, f"line is not valid UTF-8 (byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise RecordError(locator, f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):  # e.g. a number too long, nesting too deep
        reason = "malformed JSON (value out of range or nested too deeply)"
        raise RecordError(locator, reason) from None
    if not isinstance(obj, dict):
        raise RecordError(locator, "line is not a JSON object")
    where = _surrogate_field(obj)
    if where is not None:
        raise RecordError(locator, f"invalid Unicode (lone surrogate escape) in {where}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise RecordError(locator, "record has no string 'text' field")
    raw_meta = obj.get("meta")
    meta: dict[str, Any] = dict(raw_meta) if isinstance(raw_meta, dict) else {}
    if "patient_id" in obj and "patient_id" not in meta:
        meta = {**meta, "patient_id": obj["patient_id"]}
    doc_id = str(obj["id"]) if obj.get("id") is not None else default_id
    return Document(id=doc_id, text=text, meta=meta), obj


def _read_jsonl(path: Path) -> InputSet:
    hasher = hashlib.sha256()
    records: list[InputRecord] = []
    name = printable_name(path.name)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FairdeidError(f"cannot read {name} ({exc.strerror})") from None
    with handle:
        for lineno, raw in enumerate(handle, start=1):
            hasher.update(raw)
            line = raw[len(_BOM) :] if lineno == 1 and raw.startswith(_BOM) else raw
            if not line.strip():
                continue
            locator = f"{name}:{lineno}"
            rec = InputRecord(len(records), locator)
            try:
                rec.document, rec.raw = _parse_jsonl_line(line, locator, f"{path.stem}-{lineno}")
            except RecordError as err:
                rec.error = err
            except FairdeidError as exc:  # e.g. the document model refuses the text
                rec.error = RecordError(locator, str(exc))
            records.append(rec)
    return InputSet("jsonl", path, records, fingerprint=hasher.hexdigest(), sources=[path])


# -- CSV -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvColumns:
    """The CSV columns the user named: text (required), id and patient (optional)."""

    text: str | None
    id: str | None = None
    patient: str | None = None
    keep: tuple[str, ...] = ()


class _LineFeed:
    """Physical lines handed to ``csv.reader`` one by one, remembering how far it read.

    A record the parser rejects (an unterminated quote swallows every following line) is skipped
    by restarting from the line after its first one, so the rows it swallowed are read again.
    """

    def __init__(self, lines: Sequence[str], pos: int) -> None:
        self.lines = lines
        self.pos = pos

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _shape(cell: str) -> str:
    """Character-class shape of a cell ("P-1001" → "a-9"): rows share the shape of their ids."""
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", cell.strip()))


def _swallowed_row(
    lines: Sequence[str], start: int, end: int, cells: list[str], width: int, dialect: Any
) -> int | None:
    """The line (0-based) of a row that a quoted field seems to have swallowed, if any.

    A stray quote that is closed on a later line (``Kim",B``) merges rows without a parse error.
    A continuation line that parses alone into a full row whose first cell has the shape of this
    record's first cell (``2`` under ``1``) is taken as such a row.
    """
    for pos in range(start + 1, end):
        try:
            alone = next(csv.reader([lines[pos]], dialect=dialect), [])
        except csv.Error:
            continue
        if len(alone) == width and alone[0].strip() and _shape(alone[0]) == _shape(cells[0]):
            return pos
    return None


def _csv_lines(data: bytes) -> tuple[list[str], set[int]]:
    """Decode line by line: one undecodable line spoils its own record, not the file."""
    lines: list[str] = []
    bad: set[int] = set()
    for pos, raw in enumerate(data.splitlines(keepends=True)):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("utf-8", "surrogateescape"))
            bad.add(pos)
    return lines, bad


def _check_header(locator: str, columns: list[str], wanted: CsvColumns) -> None:
    named = [
        (wanted.text, "--text-column"),
        (wanted.id, "--id-column"),
        (wanted.patient, "--patient-column"),
        *((name, "--keep-columns") for name in wanted.keep),
    ]
    for name, flag in named:
        if name and name not in columns:
            raise FairdeidError(
                f"{locator}: column {name!r} given by {flag} is not in the header {columns}"
            )
        if name and columns.count(name) > 1:
            raise FairdeidError(f"{locator}: column {name!r} appears more than once in the header")


def _read_header(
    lines: Sequence[str], bad: set[int], locator: str, dialect: Any
) -> tuple[list[str], int]:
    feed = _LineFeed(lines, 0)
    try:
        columns = next(csv.reader(feed, dialect=dialect, strict=True))
    except StopIteration:
        raise FairdeidError(f"{locator}: file is empty") from None
    except csv.Error as exc:
        raise FairdeidError(f"{locator}: the header line cannot be parsed ({exc})") from None
    if bad & set(range(feed.pos)) or any("\x00" in c for c in columns):
        raise FairdeidError(f"{locator}: the header is not valid UTF-8 text")
    return columns, feed.pos


def _csv_row_problem(
    lines: Sequence[str], bad: set[int], start: int, end: int, cells: list[str], width: int,
    dialect: Any,
) -> str | None:
    span = range(start, end)
    bad_line = next((pos for pos in span if pos in bad), None)
    if bad_line is not None:
        return f"row is not valid UTF-8 (line {bad_line + 1})"
    if any("\x00" in lines[pos] for pos in span):
        return "row contains NUL bytes"
    if len(cells) != width:
        return f"row has {len(cells)} cells; the header has {width}"
    swallowed = _swallowed_row(lines, start, end, cells, width, dialect)
    if swallowed is not None:
        return (
            f"a quoted field seems to run on into the next row (line {swallowed + 1}): "
            "unterminated quote?"
        )
    return None


def _read_csv(path: Path, wanted: CsvColumns) -> InputSet:
    if not wanted.text:
        raise FairdeidError("CSV input needs --text-column (the column holding the note text)")
    locator = printable_name(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FairdeidError(f"cannot read {locator} ({exc.strerror})") from None
    fingerprint = hashlib.sha256(data).hexdigest()
    lines, bad = _csv_lines(data[len(_BOM) :] if data.startswith(_BOM) else data)
    dialect: type[csv.Dialect] = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    columns, pos = _read_header(lines, bad, locator, dialect)
    _check_header(locator, columns, wanted)
    records: list[InputRecord] = []
    while pos < len(lines):
        start = pos
        feed = _LineFeed(lines, start)
        row_locator = f"{locator}:row {len(records) + 1}"
        try:
            cells = next(csv.reader(feed, dialect=dialect, strict=True))
        except StopIteration:
            break
        except csv.Error as exc:
            reason = f"row cannot be parsed ({exc}; starts at line {start + 1})"
            if "unexpected end of data" in str(exc):
                reason = f"unterminated quoted field (starts at line {start + 1})"
            error = RecordError(row_locator, reason)
            records.append(InputRecord(len(records), row_locator, error=error))
            pos = start + 1  # re-read the lines the broken record swallowed
            continue
        pos = feed.pos
        if not cells:
            continue  # blank line
        rec = InputRecord(len(records), row_locator, raw=cells)
        records.append(rec)
        problem = _csv_row_problem(lines, bad, start, pos, cells, len(columns), dialect)
        if problem is not None:
            rec.error = RecordError(row_locator, problem)
            continue
        row = dict(zip(columns, cells, strict=True))
        doc_id = row.get(wanted.id, "") if wanted.id else ""
        meta = {"patient_id": row[wanted.patient]} if wanted.patient else {}
        rec.document = Document(
            id=doc_id or f"row-{len(records)}", text=row[wanted.text], meta=meta
        )
    return InputSet(
        "csv", path, records, columns=columns, text_column=wanted.text, id_column=wanted.id,
        fingerprint=fingerprint, sources=[path],
    )


def read_input(
    path: str | Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    patient_column: str | None = None,
    keep_columns: Sequence[str] = (),
    recursive: bool = False,
) -> InputSet:
    """Read INPUT for deidentify. File-level problems (missing column, unreadable) raise
    ``FairdeidError``; record-level problems become ``InputRecord.error``."""
    path = Path(path)
    if not path.exists():
        raise FairdeidError(f"input not found: {path}")
    kind = detect_kind(path)
    if kind == "dir":
        return _read_dir(path, recursive)
    if kind == "jsonl":
        return _read_jsonl(path)
    if kind == "csv":
        wanted = CsvColumns(text_column, id_column, patient_column, tuple(keep_columns))
        return _read_csv(path, wanted)
    hasher = hashlib.sha256()
    record = _read_txt(path, 0, path.name, hasher)
    return InputSet("txt", path, [record], fingerprint=hasher.hexdigest(), sources=[path])


# -- what may leave ------------------------------------------------------------------------------

_IDENTIFYING_WORDS = (
    "name", "mrn", "ssn", "dob", "birth", "address", "addr", "street", "city", "zip", "postcode",
    "postal", "phone", "mobile", "tel", "fax", "email", "mail", "patient", "nhs",
    "insurance", "policy", "account", "licence", "license", "medicare", "medicaid", "member",
    "age", "date", "dod", "death", "admit", "discharge", "ip", "url", "device", "serial", "vin",
    "plate", "social", "contact", "guardian", "relative", "gender", "sex", "race", "ethnic",
)
_LONG_IDENTIFYING = tuple(word for word in _IDENTIFYING_WORDS if len(word) >= 4)


def looks_identifying(name: str) -> bool:
    """Whether a column or key NAME suggests its values identify a person (a warning, no proof).

    Short words (mrn, zip, ip) must be whole tokens of the name ("patient_zip", "MRN"); longer
    ones may be parts of words ("lastname", "DateOfBirth").
    """
    lowered = name.lower()
    tokens = re.findall(r"[a-z]+|\d+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower())
    return any(t in _IDENTIFYING_WORDS for t in tokens) or any(
        word in lowered for word in _LONG_IDENTIFYING
    )


def _jsonl_output(rec: InputRecord, text: str, keep: frozenset[str]) -> dict[str, Any]:
    """The output object: the id, the de-identified text and only the fields listed in ``keep``.

    Other fields are neither checked nor changed by the pipeline, so copying them would leak
    whatever they hold (a ``patient_name`` key, ``meta.mrn``, the ``patient_id`` that, with the
    key, turns surrogate dates back into real ones).
    """
    obj: dict[str, Any] = rec.raw
    out: dict[str, Any] = {}
    if "id" not in obj and rec.document is not None:
        out["id"] = rec.document.id
    for key, value in obj.items():
        if key == "text":
            out["text"] = text
        elif key == "id" or (key in keep and key != "spans"):
            # input-coordinate spans would be wrong for the new text: never kept
            out[key] = value
        elif key == "meta" and isinstance(value, dict):
            kept = {k: v for k, v in value.items() if k in keep}
            if kept:
                out["meta"] = kept
    return out


def _csv_output(
    inputs: InputSet, ok: list[InputRecord], outputs: dict[int, str], keep: frozenset[str]
) -> str:
    fixed = {inputs.text_column, inputs.id_column}
    chosen = [i for i, c in enumerate(inputs.columns) if c in fixed or c in keep]
    text_at = inputs.columns.index(inputs.text_column or "")
    buffer = io.StringIO(newline="")
    dialect = csv.excel_tab if inputs.path.suffix.lower() == ".tsv" else csv.excel
    writer = csv.writer(buffer, dialect=dialect)
    writer.writerow([inputs.columns[i] for i in chosen])
    for rec in ok:
        cells = list(rec.raw)
        cells[text_at] = outputs[rec.index]
        writer.writerow([cells[i] for i in chosen])
    return buffer.getvalue()


# -- output --------------------------------------------------------------------------------------


def atomic_write(path: Path, content: str) -> None:
    """Write via a fresh temporary file and rename, so a crash never leaves half an output file.

    The temporary file is created exclusively (a planted symlink cannot redirect the write), and
    the rename replaces the directory entry, never the file a symlink or hard link points to.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(
    inputs: InputSet,
    outputs: dict[int, str],
    target: Path | None,
    stdout: TextIO | None = None,
    *,
    keep: Iterable[str] = (),
) -> None:
    """Write de-identified texts (by record index) in the shape of the input.

    Records that failed are left out of the output (they are in the error report): a failed .txt
    gets no output file at all. For a directory, ``target`` is a directory mirroring the input's
    tree. ``keep`` lists the CSV columns / JSONL keys and meta keys copied besides id and text.
    """
    kept = frozenset(keep)
    ok = [r for r in inputs.records if r.index in outputs]
    if inputs.kind == "dir":
        if target is None:
            raise FairdeidError("directory input needs -o OUTPUT_DIR")
        target.mkdir(parents=True, exist_ok=True)
        for rec in ok:
            atomic_write(target / str(rec.raw), outputs[rec.index])
        return
    if inputs.kind == "txt":
        if not ok:
            return  # nothing to write: never an empty file standing in for a failed note
        content = outputs[ok[0].index]
    elif inputs.kind == "jsonl":
        content = "".join(
            json.dumps(_jsonl_output(rec, outputs[rec.index], kept), ensure_ascii=False) + "\n"
            for rec in ok
        )
    else:
        content = _csv_output(inputs, ok, outputs, kept)
    if target is None:
        (stdout or sys.stdout).write(content)
    else:
        atomic_write(target, content)


def error_lines(errors: Iterable[RecordError]) -> list[str]:
    return [json.dumps({"record": e.record, "reason": e.reason}) + "\n" for e in errors]


def write_error_report(errors: list[RecordError], path: Path) -> None:
    atomic_write(path, "".join(error_lines(errors)))


# -- where output may go -------------------------------------------------------------------------


def _same(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(child: Path, parent: Path) -> bool:
    return child.resolve().is_relative_to(parent.resolve())


def _entry(path: Path) -> Path:
    """The directory entry a path names, with the symlinks above it resolved (not the last)."""
    return path.parent.resolve() / path.name


def check_writable(path: Path, flag: str, *, directory: bool = False) -> None:
    """Refuse, before any work, a path that cannot be written (exit 2 instead of a traceback)."""
    if path.exists():
        if directory and not path.is_dir():
            raise FairdeidError(f"{flag} {path} exists and is not a directory")
        if not directory and path.is_dir():
            raise FairdeidError(f"{flag} {path} is a directory; a file is needed")
    probe = path if directory and path.is_dir() else path.parent
    while not probe.exists():
        if probe.is_symlink():
            raise FairdeidError(f"{flag} {path}: {probe} is a broken symlink")
        probe = probe.parent
    if not probe.is_dir():
        raise FairdeidError(f"{flag} {path}: {probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise FairdeidError(f"{flag} {path}: {probe} is not writable")


def check_apart(input_path: Path, written: Sequence[tuple[str, Path, bool]]) -> None:
    """Refuse output that would land on the input, inside an input directory, or on each other.

    ``written`` lists (flag, path, is_directory) for every path the run will write.
    """
    input_is_dir = input_path.is_dir()
    for flag, path, is_dir in written:
        if _same(path, input_path):
            raise FairdeidError(f"{flag} {path} is the input itself: it would be destroyed")
        if input_is_dir and _inside(path, input_path):
            raise FairdeidError(f"{flag} {path} lies inside the input directory {input_path}")
        if is_dir and _inside(input_path, path):
            raise FairdeidError(f"the input {input_path} lies inside the {flag} directory {path}")
    for i, (flag, path, _) in enumerate(written):
        for other_flag, other, _ in written[i + 1 :]:
            if _same(path, other):
                raise FairdeidError(f"{flag} and {other_flag} name the same path {path}")


def check_targets(inputs: InputSet, target: Path | None) -> None:
    """Refuse a directory run where a symlink makes an output file land on an input entry."""
    if inputs.kind != "dir" or target is None:
        return
    taken: set[Path] = set()
    for source in inputs.sources:
        taken.add(_entry(source))
        if source.exists():
            taken.add(source.resolve())
    for rec in inputs.records:
        if rec.document is None:
            continue
        out = target / str(rec.raw)
        if _entry(out) in taken or (out.exists() and out.resolve() in taken):
            raise FairdeidError(
                f"output for {rec.locator} would land on an input file (via a symlink); "
                "choose an output directory outside the input's tree"
            )


# -- checkpoint ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """What a checkpoint was made from: the input's bytes and the settings that shape output."""

    input: str
    settings: str


def settings_fingerprint(settings: dict[str, Any]) -> str:
    """A stable hash of the effective settings (config, detectors, mode, preset, columns)."""
    blob = json.dumps(settings, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class CheckpointMismatch(FairdeidError):
    """A resume was asked for, but the checkpoint was made from other input or settings."""


class Checkpoint:
    """Progress of one deidentify run, so that a crash mid-batch can resume.

    The first line records the run's ``Fingerprint``; a resume from other input (same size, same
    mtime, different bytes) or other settings (another mode, config or key) would mix two runs'
    output under one set of ids, so it is refused. Then one JSON line per finished record: its
    index and either the de-identified text plus span offsets, or the error. The original text
    is never stored here (it can be re-read from the input), so the checkpoint holds no more PHI
    than the output does.
    """

    def __init__(self, path: Path | None, fingerprint: Fingerprint | None = None) -> None:
        #: ``None`` keeps progress in memory only (output to stdout: nothing to resume into).
        self.path = path
        self.fingerprint = fingerprint
        self.outputs: dict[int, str] = {}
        self.spans: dict[int, list[dict[str, Any]]] = {}
        self.errors: dict[int, RecordError] = {}
        self._handle: TextIO | None = None

    def _check_header(self, line: str) -> None:
        try:
            header = json.loads(line)
            found = Fingerprint(str(header["input"]), str(header["settings"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise CheckpointMismatch(
                f"cannot resume: the checkpoint {self.path} has no fingerprint (made by an older "
                "version or damaged); run again without --resume"
            ) from None
        if self.fingerprint is None:
            return
        if found.input != self.fingerprint.input:
            raise CheckpointMismatch(
                "cannot resume: the input changed since the interrupted run (its content "
                "differs); run again without --resume to start over"
            )
        if found.settings != self.fingerprint.settings:
            raise CheckpointMismatch(
                "cannot resume: the settings differ from the interrupted run (config, "
                "detectors, mode, preset, columns or surrogate key); use the same settings or "
                "run again without --resume"
            )

    def load(self) -> int:
        """Read earlier progress; a torn last line (crash while writing) is ignored."""
        if self.path is None or not self.path.exists():
            return 0
        with self.path.open(encoding="utf-8") as handle:
            first = handle.readline()
            if not first:
                return 0  # created but nothing written: nothing to mix
            self._check_header(first)
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
        fresh = not append or not self.path.exists() or self.path.stat().st_size == 0
        self._handle = self.path.open("w" if fresh else "a", encoding="utf-8")
        if fresh:
            fp = self.fingerprint or Fingerprint("", "")
            self._write({"checkpoint": 1, "input": fp.input, "settings": fp.settings})
            self.flush()

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
