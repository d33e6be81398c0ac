"""Readers of the user's records: every record becomes a ``Document`` or a ``RecordError``.

Two callers share them. `fairdeid deidentify` opens an input (a .txt file, a directory of .txt
files, a JSONL or a CSV file) as an ``InputStream`` whose records are read one at a time, so a run
holds a batch, not the input (``read_input`` gives all of them at once as an ``InputSet``); the
records keep their raw form for shape-preserving output; locators are 1-based (``notes.jsonl:3``,
``notes.csv:row 2``).
`fairdeid batch` reads one chunk's rows at a time (JSONL, CSV, Parquet); its locators are 1-based
like deidentify's (``notes.csv:row 1`` is the first row), while the ``row`` field of its part files
and ``errors.jsonl`` stays the 0-based row number.

Trust at the edges: input is decoded record by record (one bad line or row never refuses the whole
file), a record holding invalid Unicode (a lone surrogate escape) is rejected before it can crash
whatever writes it, and an error names the record and the reason, never the text.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

from fairdeid.document import Document
from fairdeid.errors import ConfigError, FairdeidError, RecordError
from fairdeid.io.fingerprint import ContentHasher, file_sha256
from fairdeid.io.limits import allow_long_csv_fields

InputKind = Literal["txt", "dir", "jsonl", "csv"]
Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")

#: Bytes sniffed to call a file binary: NUL bytes never occur in clinical text files.
_SNIFF = 8192
_BOM = b"\xef\xbb\xbf"

allow_long_csv_fields()

#: Names a user may give ``--delimiter`` instead of the character (a tab is awkward to type).
DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


def csv_delimiter(value: str | None, path: Path | None = None) -> str:
    """The field separator of a CSV input: ``value`` (a character or a name from
    ``DELIMITER_NAMES``), else a tab for ``.tsv`` and a comma for anything else.

    Why explicit and not sniffed: a guess that reads a comma inside the first note as the
    separator would split every row differently, and a wrong split loses notes; a European
    export with semicolons says so with ``--delimiter ';'``.
    """
    if value is None or value == "":
        return "\t" if path is not None and path.suffix.lower() == ".tsv" else ","
    char = DELIMITER_NAMES.get(value.lower(), "\t" if value == "\\t" else value)
    usable = len(char) == 1 and (char == "\t" or char.isprintable())
    if not usable or char.isalnum() or char in "\"' ":
        raise ConfigError(
            "--delimiter must be one character other than a letter, digit, quote, space or "
            f"line break, or one of {', '.join(DELIMITER_NAMES)}"
        )
    return char


def _csv_dialect_for(delimiter: str) -> type[csv.Dialect]:
    """Excel's CSV rules with ``delimiter`` between fields."""
    return type("_Delimited", (csv.excel,), {"delimiter": delimiter})


def single_column_hint(columns: list[str], delimiter: str) -> str:
    """A hint when a one-column header holds another common separator (a semicolon CSV read
    with commas), naming the flag that fixes it."""
    if len(columns) != 1:
        return ""
    for name, char in DELIMITER_NAMES.items():
        if char != delimiter and char in columns[0]:
            return f"; the header looks separated by {name}s: pass --delimiter {name}"
    return ""


# -- shared by every reader ----------------------------------------------------------------------


def printable_name(name: str) -> str:
    """A file name safe to print and to put in JSON: undecodable bytes become escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def has_lone_surrogate(value: Any) -> bool:
    """Whether ``value`` (a string or a JSON tree, keys included) holds a lone surrogate.

    ``"\\ud800"`` is valid JSON but not Unicode text: it cannot be written as UTF-8, so it must
    stop its own record rather than crash the output it would land in. Walked with a stack, not
    recursion: a JSON tree may be nested as deep as the parser allows.
    """
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def decode_json_line(raw: bytes, locator: str) -> Any:
    """One JSON line as a Python value; a ``RecordError`` naming ``locator`` if it is not one.

    Every way ``json.loads`` can refuse a line is a record error, not a crash: bad UTF-8, bad
    JSON, and values Python refuses (an integer too long to convert, nesting too deep).
    """
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RecordError(locator, f"line is not valid UTF-8 (byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise RecordError(locator, f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):  # e.g. a number too long, nesting too deep
        reason = "malformed JSON (value out of range or nested too deeply)"
        raise RecordError(locator, reason) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


#: Why a record's patient id is refused (the service says the same).
BAD_PATIENT_ID = "patient_id must be a string or an integer"
#: Why a record's id is refused: the id is copied to the output as it is, so a JSON object or
#: list there would carry whatever it holds past the pipeline.
BAD_ID = "'id' must be a string or an integer"


def patient_id_ok(value: Any) -> bool:
    """Whether ``value`` can name a patient (or a record): ``str()`` of ``true``, ``{}`` or
    ``1.0`` would put every record holding it in one shared surrogate scope (one date shift for
    strangers)."""
    return value is None or (isinstance(value, str | int) and not isinstance(value, bool))


# -- deidentify: a whole input, in its shape ----------------------------------------------------


@dataclass(frozen=True)
class InputRecord:
    """One unit of input: a document to process, or an error explaining why it can't be."""

    index: int
    locator: str
    item: Document | RecordError
    #: The original record for shape-preserving output (JSON object, CSV cells, relative path).
    raw: Any = None

    @property
    def document(self) -> Document | None:
        return self.item if isinstance(self.item, Document) else None

    @property
    def error(self) -> RecordError | None:
        return self.item if isinstance(self.item, RecordError) else None


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
    #: CSV only: the field separator (the output uses it too).
    delimiter: str = ","

    def iter_records(self) -> Iterator[InputRecord]:
        return iter(self.records)


@dataclass(frozen=True)
class InputStream:
    """An input for deidentify whose records are read lazily, one at a time, in order.

    Why: a whole input held as ``InputRecord``s costs about 80 MB per million words, so a large
    input would not fit a bounded-memory run. Everything that can refuse the input as a whole
    (a missing column, an unreadable file, a directory without notes) is checked when the stream
    is opened, before any work; ``fingerprint`` comes from a streaming hash pass over the bytes
    (the same digest ``read_input`` gives), so it costs I/O, not memory.
    """

    kind: InputKind
    path: Path
    fingerprint: str
    sources: tuple[Path, ...]
    _open: Callable[[], Iterator[InputRecord]]
    columns: tuple[str, ...] = ()
    text_column: str | None = None
    id_column: str | None = None
    delimiter: str = ","

    def iter_records(self) -> Iterator[InputRecord]:
        """A fresh pass over the records (each call reads the input again)."""
        return self._open()


def detect_kind(path: Path) -> InputKind:
    if path.is_dir():
        return "dir"
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix in {".csv", ".tsv"}:
        return "csv"
    return "txt"


# -- text files and directories -----------------------------------------------------------------


def _read_bytes(path: Path, locator: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RecordError(locator, f"cannot read file ({exc.strerror})") from None


#: Byte-order marks of the wide encodings (UTF-32 first: its little-endian mark starts with
#: UTF-16's). Such a file is text even though it is full of NUL bytes.
_WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
)


def wide_encoding(head: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when ``head`` (a file's first bytes) opens with that BOM."""
    return next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None)


def _decode_wide(data: bytes, encoding: str, locator: str) -> str:
    """A text file saved as UTF-16/32 ("Unicode" in Windows editors): read, not called binary."""
    try:
        text = data.decode(encoding.lower().replace("-", ""))
    except UnicodeDecodeError as exc:
        raise RecordError(
            locator, f"file is not valid {encoding} (byte offset {exc.start})"
        ) from None
    if not text.strip():
        raise RecordError(locator, "file is empty")
    if "\x00" in text[:_SNIFF]:
        raise RecordError(locator, "file looks binary (contains NUL characters)")
    return text


def _decode_text(data: bytes, locator: str) -> str:
    wide = wide_encoding(data[:4])
    if wide is not None:
        return _decode_wide(data, wide, locator)
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


def _read_txt(path: Path, index: int, rel: str) -> InputRecord:
    locator = printable_name(rel)
    try:
        text = _decode_text(_read_bytes(path, locator), locator)
    except RecordError as err:
        return InputRecord(index, locator, err, raw=rel)
    doc = Document(id=Path(locator).stem, text=text, meta={"source_file": locator})
    return InputRecord(index, locator, doc, raw=rel)


def _add_txt_file(hasher: ContentHasher, path: Path) -> None:
    """A text file's share of the fingerprint: its digest, when it can be read at all."""
    # unreadable: its record is an error, and nothing of it was read
    with contextlib.suppress(OSError):
        hasher.add_file_digest(bytes.fromhex(file_sha256(path)))


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


def _dir_records(entries: Sequence[tuple[Path, str, str | None]]) -> Iterator[InputRecord]:
    for index, (entry, rel, skipped) in enumerate(entries):
        if skipped is not None:
            locator = printable_name(rel)
            yield InputRecord(index, locator, RecordError(locator, skipped))
        else:
            yield _read_txt(entry, index, rel)


def _open_dir(path: Path, recursive: bool) -> InputStream:
    """The tree is listed once (names only); each file is read when its record is reached."""
    entries = list(_walk(path, "", recursive))
    if all(skipped is not None for _, _, skipped in entries):
        hint = "" if recursive else " (subdirectories are read with --recursive)"
        raise FairdeidError(f"directory {path} has no .txt files{hint}")
    hasher = ContentHasher()
    for entry, rel, skipped in entries:
        hasher.add_entry(rel, skipped)
        if skipped is None:
            _add_txt_file(hasher, entry)
    return InputStream(
        "dir", path, hasher.hexdigest(), tuple(entry for entry, _, _ in entries),
        lambda: _dir_records(entries),
    )


def _open_txt(path: Path) -> InputStream:
    hasher = ContentHasher()
    _add_txt_file(hasher, path)
    return InputStream(
        "txt", path, hasher.hexdigest(), (path,), lambda: iter([_read_txt(path, 0, path.name)])
    )


# -- JSONL ---------------------------------------------------------------------------------------


def _surrogate_field(obj: dict[str, Any]) -> str | None:
    """The top-level field holding a lone surrogate, named only if it is ``id``/``text``/``meta``.

    Other key names are the user's and may be anything.
    """
    for key, value in obj.items():
        if has_lone_surrogate(key) or has_lone_surrogate(value):
            return repr(key) if key in {"id", "text", "meta"} else "a field"
    return None


def _parse_jsonl_line(raw: bytes, locator: str, default_id: str) -> tuple[Document, Any]:
    obj = decode_json_line(raw, locator)
    if not isinstance(obj, dict):
        raise RecordError(locator, "line is not a JSON object")
    where = _surrogate_field(obj)
    if where is not None:
        raise RecordError(locator, f"invalid Unicode (lone surrogate escape) in {where}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise RecordError(locator, "record has no string 'text' field")
    raw_meta = obj.get("meta")
    if raw_meta is not None and not isinstance(raw_meta, dict):
        # as in batch: a "meta" that is no object cannot hold the patient id it was meant to
        raise RecordError(locator, "'meta' must be an object")
    meta: dict[str, Any] = dict(raw_meta) if isinstance(raw_meta, dict) else {}
    if "patient_id" in obj and "patient_id" not in meta:
        meta = {**meta, "patient_id": obj["patient_id"]}
    if not patient_id_ok(meta.get("patient_id")):
        raise RecordError(locator, BAD_PATIENT_ID)
    if not patient_id_ok(obj.get("id")):
        raise RecordError(locator, BAD_ID)
    # null or blank is no id, as in batch and the service: the record gets its line's id
    doc_id = default_id if _blank(obj.get("id")) else str(obj["id"])
    return Document(id=doc_id, text=text, meta=meta), obj


def _jsonl_record(index: int, raw: bytes, locator: str, default_id: str) -> InputRecord:
    try:
        doc, obj = _parse_jsonl_line(raw, locator, default_id)
    except RecordError as err:
        return InputRecord(index, locator, err)
    except FairdeidError as exc:  # e.g. the document model refuses the text
        return InputRecord(index, locator, RecordError(locator, str(exc)))
    return InputRecord(index, locator, doc, raw=obj)


def _open_bytes(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise FairdeidError(f"cannot read {printable_name(path.name)} ({exc.strerror})") from None


def _jsonl_records(path: Path) -> Iterator[InputRecord]:
    name = printable_name(path.name)
    index = 0
    with _open_bytes(path) as handle:
        for lineno, raw in enumerate(handle, start=1):
            line = raw[len(_BOM) :] if lineno == 1 and raw.startswith(_BOM) else raw
            if not line.strip():
                continue
            yield _jsonl_record(index, line, f"{name}:{lineno}", f"{path.stem}-{lineno}")
            index += 1


def _refuse_wide(path: Path) -> None:
    """JSONL and CSV are read line by line as bytes: a wide encoding would split inside its
    code units, so such a file is refused as a whole, with the fix."""
    with _open_bytes(path) as handle:
        wide = wide_encoding(handle.read(4))
    if wide is not None:
        raise FairdeidError(
            f"{printable_name(path.name)} is {wide} text (byte-order mark); save it as UTF-8 "
            f"(e.g. iconv -f {wide} -t UTF-8)"
        )


def _file_digest(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError as exc:
        raise FairdeidError(f"cannot read {printable_name(path.name)} ({exc.strerror})") from None


def _open_jsonl(path: Path) -> InputStream:
    _refuse_wide(path)
    return InputStream("jsonl", path, _file_digest(path), (path,), lambda: _jsonl_records(path))


# -- CSV -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvColumns:
    """The CSV columns the user named: text (required), id and patient (optional)."""

    text: str | None
    id: str | None = None
    patient: str | None = None
    keep: tuple[str, ...] = ()
    delimiter: str = ","


class _Lines:
    """The physical lines of a CSV file, decoded one by one as the parser reaches them.

    Why lazy: the whole file as lines would cost memory in proportion to the input. Lines are
    split as ``bytes.splitlines`` splits them (``\\n``, ``\\r\\n`` and a lone ``\\r``), whatever
    the block boundaries; one undecodable line spoils its own record (``bad``), not the file.
    Lines before the record being parsed are forgotten (``forget_before``).
    """

    _BLOCK = 1 << 16

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._lines: list[str] = []
        self._base = 0
        self._rest = b""
        self._started = False
        self._eof = False
        #: positions (0-based, after the BOM) of lines that are not valid UTF-8
        self.bad: set[int] = set()

    def has(self, pos: int) -> bool:
        while pos >= self._base + len(self._lines) and self._fill():
            pass
        return pos < self._base + len(self._lines)

    def __getitem__(self, pos: int) -> str:
        if pos < self._base or not self.has(pos):
            raise IndexError(pos)
        return self._lines[pos - self._base]

    def forget_before(self, pos: int) -> None:
        drop = min(max(pos - self._base, 0), len(self._lines))
        del self._lines[:drop]
        self._base += drop

    def _fill(self) -> bool:
        if self._eof:
            return False
        block = self._handle.read(self._BLOCK)
        at_end = not block
        if not self._started:
            self._started = True
            while len(block) < len(_BOM) and (more := self._handle.read(self._BLOCK)):
                block += more  # enough bytes to tell a BOM
            block = block[len(_BOM) :] if block.startswith(_BOM) else block
        data = self._rest + block
        pieces = data.splitlines(keepends=True)
        self._rest = b""
        if at_end:
            self._eof = True
        elif pieces and not pieces[-1].endswith(b"\n"):
            self._rest = pieces.pop()  # unfinished, or a "\r" whose "\n" may come next
        for raw in pieces:
            pos = self._base + len(self._lines)
            try:
                self._lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                self._lines.append(raw.decode("utf-8", "surrogateescape"))
                self.bad.add(pos)
        return True


class _LineFeed:
    """Physical lines handed to ``csv.reader`` one by one, remembering how far it read.

    A record the parser rejects (an unterminated quote swallows every following line) is skipped
    by restarting from the line after its first one, so the rows it swallowed are read again.
    """

    def __init__(self, lines: _Lines, pos: int) -> None:
        self.lines = lines
        self.pos = pos

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if not self.lines.has(self.pos):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _shape(cell: str) -> str:
    """Character-class shape of a cell ("P-1001" → "a-9"): rows share the shape of their ids."""
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", cell.strip()))


def _swallowed_row(
    lines: _Lines, start: int, end: int, cells: list[str], width: int, dialect: Any
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


def check_text_apart(text: str | None, id_column: str | None, patient: str | None) -> None:
    """Refuse an id or patient column that is the text column: the note would be copied, as
    it came in, into the output's id (or made a patient id)."""
    for name, flag in ((id_column, "--id-column"), (patient, "--patient-column")):
        if text and name == text:
            raise ConfigError(
                f"{flag} names the text column: the note itself would become the record's "
                f"{'id, copied unchanged to the output' if flag == '--id-column' else 'patient id'}"
            )


def _check_header(locator: str, columns: list[str], wanted: CsvColumns) -> None:
    check_text_apart(wanted.text, wanted.id, wanted.patient)
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
                + single_column_hint(columns, wanted.delimiter)
            )
        if name and columns.count(name) > 1:
            raise FairdeidError(f"{locator}: column {name!r} appears more than once in the header")


def _read_header(lines: _Lines, locator: str, dialect: Any) -> tuple[list[str], int]:
    feed = _LineFeed(lines, 0)
    try:
        columns = next(csv.reader(feed, dialect=dialect, strict=True))
    except StopIteration:
        raise FairdeidError(f"{locator}: file is empty") from None
    except csv.Error as exc:
        raise FairdeidError(f"{locator}: the header line cannot be parsed ({exc})") from None
    if lines.bad & set(range(feed.pos)) or any("\x00" in c for c in columns):
        raise FairdeidError(f"{locator}: the header is not valid UTF-8 text")
    return columns, feed.pos


def _csv_row_problem(
    lines: _Lines, start: int, end: int, cells: list[str], width: int, dialect: Any
) -> str | None:
    span = range(start, end)
    bad_line = next((pos for pos in span if pos in lines.bad), None)
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


def _csv_document(cells: list[str], columns: list[str], wanted: CsvColumns, n: int) -> Document:
    row = dict(zip(columns, cells, strict=True))
    doc_id = row.get(wanted.id, "") if wanted.id else ""
    meta = {"patient_id": row[wanted.patient]} if wanted.patient else {}
    return Document(id=f"row-{n}" if _blank(doc_id) else doc_id, text=row[wanted.text or ""],
                    meta=meta)


def _csv_record(
    lines: _Lines, start: int, index: int, locator: str, columns: list[str], wanted: CsvColumns,
    dialect: Any,
) -> tuple[InputRecord | None, int] | None:
    """The record starting at line ``start`` and where the next one starts (``None`` at the end);
    a blank line gives no record."""
    feed = _LineFeed(lines, start)
    row_locator = f"{locator}:row {index + 1}"
    try:
        cells = next(csv.reader(feed, dialect=dialect, strict=True))
    except StopIteration:
        return None
    except csv.Error as exc:
        reason = f"row cannot be parsed ({exc}; starts at line {start + 1})"
        if "unexpected end of data" in str(exc):
            reason = f"unterminated quoted field (starts at line {start + 1})"
        # re-read the lines the broken record swallowed
        return InputRecord(index, row_locator, RecordError(row_locator, reason)), start + 1
    if not cells:
        return None, feed.pos  # blank line
    problem = _csv_row_problem(lines, start, feed.pos, cells, len(columns), dialect)
    item: Document | RecordError = (
        RecordError(row_locator, problem) if problem is not None
        else _csv_document(cells, columns, wanted, index + 1)
    )
    return InputRecord(index, row_locator, item, raw=cells), feed.pos


def _csv_records(path: Path, wanted: CsvColumns) -> Iterator[InputRecord]:
    locator = printable_name(path.name)
    dialect = _csv_dialect_for(wanted.delimiter)
    with _open_bytes(path) as handle:
        lines = _Lines(handle)
        columns, pos = _read_header(lines, locator, dialect)
        index = 0
        while lines.has(pos):
            lines.forget_before(pos)
            found = _csv_record(lines, pos, index, locator, columns, wanted, dialect)
            if found is None:
                break
            record, pos = found
            if record is not None:
                yield record
                index += 1


def _open_csv(path: Path, wanted: CsvColumns) -> InputStream:
    if not wanted.text:
        raise FairdeidError("CSV input needs --text-column (the column holding the note text)")
    locator = printable_name(path.name)
    _refuse_wide(path)
    with _open_bytes(path) as handle:
        columns, _ = _read_header(_Lines(handle), locator, _csv_dialect_for(wanted.delimiter))
    _check_header(locator, columns, wanted)
    return InputStream(
        "csv", path, _file_digest(path), (path,), lambda: _csv_records(path, wanted),
        columns=tuple(columns), text_column=wanted.text, id_column=wanted.id,
        delimiter=wanted.delimiter,
    )


def open_input(
    path: str | Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    patient_column: str | None = None,
    keep_columns: Sequence[str] = (),
    recursive: bool = False,
    delimiter: str | None = None,
) -> InputStream:
    """Open INPUT for deidentify without reading its records into memory.

    File-level problems (missing column, unreadable) raise ``FairdeidError`` here, before any
    work; record-level problems become ``InputRecord.error`` as the records are read.
    ``delimiter``: see ``csv_delimiter`` (CSV only).
    """
    path = Path(path)
    if not path.exists():
        raise FairdeidError(f"input not found: {path}")
    kind = detect_kind(path)
    if kind == "dir":
        return _open_dir(path, recursive)
    if kind == "jsonl":
        return _open_jsonl(path)
    if kind == "csv":
        return _open_csv(path, CsvColumns(text_column, id_column, patient_column,
                                          tuple(keep_columns), csv_delimiter(delimiter, path)))
    return _open_txt(path)


def read_input(
    path: str | Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    patient_column: str | None = None,
    keep_columns: Sequence[str] = (),
    recursive: bool = False,
    delimiter: str | None = None,
) -> InputSet:
    """Read all of INPUT for deidentify (``open_input``, every record in memory). File-level
    problems (missing column, unreadable) raise ``FairdeidError``; record-level problems become
    ``InputRecord.error``."""
    stream = open_input(
        path, text_column=text_column, id_column=id_column, patient_column=patient_column,
        keep_columns=keep_columns, recursive=recursive, delimiter=delimiter,
    )
    return InputSet(
        stream.kind, stream.path, list(stream.iter_records()), columns=list(stream.columns),
        text_column=stream.text_column, id_column=stream.id_column,
        fingerprint=stream.fingerprint, sources=list(stream.sources), delimiter=stream.delimiter,
    )


# -- batch: the rows of one chunk ---------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """Which columns of a CSV/Parquet table hold what (JSONL uses the canonical keys)."""

    text: str = "text"
    id: str | None = None
    patient: str | None = None
    delimiter: str = ","

    def __post_init__(self) -> None:
        check_text_apart(self.text, self.id, self.patient)

    def named(self) -> list[str]:
        return [c for c in (self.text, self.id, self.patient) if c]


def detect_format(path: Path, declared: str | None) -> Format:
    if declared:
        if declared not in FORMATS:
            raise ConfigError(f"unknown format {declared!r}; choose one of {list(FORMATS)}")
        return declared  # type: ignore[return-value]
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in ("csv", "parquet"):
        return suffix  # type: ignore[return-value]
    raise ConfigError(f"cannot tell the format of {path.name}; pass --format")


def row_locator(path: Path, row: int) -> str:
    """Where a batch row is, for errors.jsonl; printable even when the name is not UTF-8.

    1-based, as people count and as deidentify writes it (``row`` is the 0-based number)."""
    name = path.name.encode("utf-8", "backslashreplace").decode("utf-8")
    return f"{name}:row {row + 1}"


def _checked(where: str, doc: Document) -> Document | RecordError:
    """``doc``, or an error naming the field that is not valid Unicode."""
    for name, value in (("id", doc.id), ("text", doc.text), ("meta", dict(doc.meta))):
        if has_lone_surrogate(value):
            return RecordError(where, f"{name!r} is not valid Unicode (lone surrogate escape)")
    return doc


def _lift_patient_id(data: dict[str, Any]) -> None:
    """Move a top-level ``patient_id`` into ``meta`` unless ``meta`` names one already."""
    if "patient_id" not in data:
        return
    top = data.pop("patient_id")
    meta = data.get("meta")
    if meta is None:
        meta = {}
    if isinstance(meta, dict) and "patient_id" not in meta:
        data["meta"] = {**meta, "patient_id": top}


def _row_from_mapping(where: str, data: Any, default_id: str) -> Document | RecordError:
    """A JSONL record as a document; input spans are dropped (the pipeline finds its own).

    A blank or null ``id`` becomes ``default_id`` and a blank ``meta.patient_id`` is dropped:
    either would otherwise put unrelated notes in one shared surrogate scope. A top-level
    ``patient_id`` counts when ``meta`` has none, as in deidentify: the two commands must give a
    patient the same surrogates and date shift.
    """
    try:
        if isinstance(data, dict) and not isinstance(data.get("text"), str):
            raise FairdeidError("'text' is missing or not a string")
        if isinstance(data, dict):
            data = dict(data)
            if not patient_id_ok(data.get("id")):
                raise FairdeidError(BAD_ID)
            if _blank(data.get("id")):
                data["id"] = default_id
            _lift_patient_id(data)
            meta = data.get("meta")
            if isinstance(meta, dict) and "patient_id" in meta and _blank(meta["patient_id"]):
                data["meta"] = {k: v for k, v in meta.items() if k != "patient_id"}
            elif isinstance(meta, dict) and not patient_id_ok(meta.get("patient_id")):
                raise FairdeidError(BAD_PATIENT_ID)
            # never parsed: Python's message for a bad value quotes it ("could not convert
            # string to float: 'Ann Lee'"), and the spans would be dropped anyway
            data.pop("spans", None)
        doc = Document.from_dict(data, default_id=default_id)
    except FairdeidError as exc:  # our own messages name fields, never values
        return RecordError(where, str(exc))
    except (TypeError, ValueError) as exc:
        return RecordError(where, f"record does not fit the layout ({type(exc).__name__})")
    return _checked(where, doc)


def jsonl_rows(path: Path, data: bytes, first_row: int) -> Iterator[Document | RecordError]:
    """The rows (non-blank lines) in ``data``, a slice of ``path`` starting at ``first_row``."""
    row = first_row
    for raw in io.BytesIO(data):
        if not raw.strip():
            continue
        where = row_locator(path, row)
        try:
            value = decode_json_line(raw, where)
        except RecordError as err:
            yield err
        else:
            yield _row_from_mapping(where, value, default_id=f"row-{row}")
        row += 1


def csv_header(path: Path, delimiter: str = ",") -> tuple[list[str], int]:
    """The header's column names and its length in bytes (rows start after it)."""
    with path.open("rb") as handle:
        raw = handle.readline()
    header = next(csv.reader([raw.decode("utf-8-sig", errors="replace")], delimiter=delimiter),
                  [])
    return [h.strip() for h in header], len(raw)


def _row_from_values(
    where: str, values: dict[str, Any], columns: Columns, row: int
) -> Document | RecordError:
    text = values.get(columns.text)
    if not isinstance(text, str):
        return RecordError(where, f"column {columns.text!r} is empty or not text")
    raw_id = _cell_id(values.get(columns.id) if columns.id else None)
    if raw_id is _NOT_AN_ID:
        return RecordError(where, f"column {columns.id!r}: {BAD_ID}")
    doc_id = f"row-{row}" if _blank(raw_id) else str(raw_id)
    meta: dict[str, Any] = {}
    # Only a named patient column gives a patient scope; a blank cell gives none (never "").
    pid = _cell_id(values.get(columns.patient)) if columns.patient else None
    if pid is _NOT_AN_ID:
        return RecordError(where, f"column {columns.patient!r}: {BAD_PATIENT_ID}")
    if not _blank(pid):
        meta["patient_id"] = str(pid)
    return _checked(where, Document(id=doc_id, text=text, meta=meta))


_NOT_AN_ID = object()


def _cell_id(value: Any) -> Any:
    """A Parquet cell as an id: a string or an integer as it is, a whole float as its integer
    (``1.0`` is patient 1, as in a CSV), a missing one (``None``, NaN) as None; anything else
    (a boolean, a fraction, a list, a struct) is ``_NOT_AN_ID``: ``str()`` of it would put every
    row holding ``True`` or ``nan`` in one surrogate scope, and copy a struct's content into the
    output's id."""
    if value is None or isinstance(value, str) or (
            isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
    return _NOT_AN_ID


def csv_rows(
    path: Path, data: bytes, first_row: int, n_rows: int, columns: Columns
) -> Iterator[Document | RecordError]:
    """``n_rows`` records from ``data``, a slice of ``path`` that starts at row ``first_row``."""
    header, _ = csv_header(path, columns.delimiter)
    # Undecodable bytes become U+FFFD, as in planning, so both passes see the same records.
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=columns.delimiter)
    for row in range(first_row, first_row + n_rows):
        where = row_locator(path, row)
        try:
            record: list[str] = []
            while not record:  # blank lines are not rows (planning skipped them too)
                record = next(reader)
        except StopIteration:
            yield RecordError(where, "record missing (file changed since planning?)")
            continue
        except csv.Error as exc:
            yield RecordError(where, f"malformed CSV ({exc})")
            continue
        if len(record) != len(header):
            yield RecordError(where, f"{len(record)} fields, header has {len(header)}")
            continue
        yield _row_from_values(where, dict(zip(header, record, strict=True)), columns, row)


def parquet_rows(
    path: Path, first_row: int, n_rows: int, columns: Columns
) -> Iterator[Document | RecordError]:
    """Rows ``[first_row, first_row + n_rows)``, reading only the row groups that hold them."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    wanted = columns.named()
    groups: list[int] = []
    group_first = 0
    skip = 0
    for g in range(parquet.num_row_groups):
        n = parquet.metadata.row_group(g).num_rows
        if group_first + n > first_row and group_first < first_row + n_rows:
            if not groups:
                skip = first_row - group_first
            groups.append(g)
        group_first += n
    table = parquet.read_row_groups(groups, columns=wanted).slice(skip, n_rows)
    data = table.to_pydict()
    for offset in range(n_rows):
        row = first_row + offset
        values = {name: data[name][offset] for name in wanted}
        yield _row_from_values(row_locator(path, row), values, columns, row)
