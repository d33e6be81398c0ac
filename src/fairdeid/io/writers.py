"""Writers: results in the input's shape, every file replaced atomically, output kept apart.

Every file appears complete or not at all: it is written under a fresh temporary name in the same
directory (created exclusively, so a planted symlink cannot redirect the write), flushed to disk,
then renamed over the target (``os.replace`` replaces the directory entry, never the file a
symlink or hard link points to). A kill at any moment leaves at worst a ``.NAME.*.tmp`` file.

Only the id and the de-identified text leave by default: other fields are neither checked nor
changed by the pipeline, so they are copied only when the user lists them. Output never lands on
an input (paths are compared after resolving symlinks).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TextIO

from fairdeid.errors import FairdeidError, RecordError
from fairdeid.io.fingerprint import file_sha256
from fairdeid.io.readers import InputRecord, InputSet, InputStream

OutFormat = Literal["jsonl", "parquet"]
TMP_SUFFIX = ".tmp"
#: Permissions of a deidentify output (owner only) and of a batch part (the umask decides).
PRIVATE = 0o600
SHARED = 0o666


# -- atomic replacement --------------------------------------------------------------------------


def _create_tmp(path: Path, mode: int) -> tuple[int, Path]:
    """A new, exclusively created temporary file next to ``path`` (never an existing one)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TMP_SUFFIX}")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue


def atomic_write_with(
    path: Path, write: Callable[[IO[bytes]], object], *, mode: int = PRIVATE
) -> str:
    """Write ``path`` all or nothing; returns the SHA-256 of the bytes that reached the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_tmp(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        digest = file_sha256(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def atomic_write(path: Path, content: str, *, mode: int = PRIVATE) -> None:
    """Write text (UTF-8, newlines as given) all or nothing."""
    payload = content.encode("utf-8")
    atomic_write_with(path, lambda handle: handle.write(payload), mode=mode)


@contextmanager
def atomic_text(path: Path | None) -> Iterator[TextIO | None]:
    """A UTF-8 text file written bit by bit that appears at ``path`` complete or not at all
    (kept only if the block ends without an exception); ``None`` writes nothing."""
    if path is None:
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_tmp(path, PRIVATE)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_tmp(directory: Path) -> int:
    """Delete temporary files a killed run left behind; returns how many."""
    n = 0
    for tmp in directory.rglob(f".*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
        n += 1
    return n


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


# -- deidentify: the input's shape ---------------------------------------------------------------


def _jsonl_output(rec: InputRecord, text: str, keep: frozenset[str]) -> dict[str, Any]:
    """The output object: the id, the de-identified text and only the fields listed in ``keep``.

    Other fields are neither checked nor changed by the pipeline, so copying them would leak
    whatever they hold (a ``patient_name`` key, ``meta.mrn``, the ``patient_id`` that, with the
    key, turns surrogate dates back into real ones).
    """
    obj: dict[str, Any] = rec.raw
    out: dict[str, Any] = {}
    raw_id = obj.get("id")
    if raw_id is not None and not (isinstance(raw_id, str) and not raw_id.strip()):
        out["id"] = raw_id  # as written (an integer stays one)
    elif rec.document is not None:
        out["id"] = rec.document.id  # the generated one: the record had none, null or ""
    for key, value in obj.items():
        if key == "text":
            out["text"] = text
        elif key == "id":
            continue
        elif key in keep and key != "spans":
            # input-coordinate spans would be wrong for the new text: never kept
            out[key] = value
        elif key == "meta" and isinstance(value, dict):
            kept = {k: v for k, v in value.items() if k in keep}
            if kept:
                out["meta"] = kept
    return out


class OutputWriter:
    """Deidentify output in the input's shape, written record by record in input order.

    Why streamed: holding every output until the end costs memory in proportion to the input.
    A file target is still replaced all or nothing: the records go to an exclusively created
    temporary file that ``commit`` renames over the target (a run that raises leaves only the
    temporary file, which ``abort`` removes). A directory target gets one atomic file per
    record as it arrives; stdout gets each record as it arrives.

    Records that failed are never written (they are in the error report): a failed .txt gets no
    output file at all. ``keep`` lists the CSV columns / JSONL keys and meta keys copied besides
    id and text.
    """

    def __init__(
        self,
        inputs: InputSet | InputStream,
        target: Path | None,
        stdout: TextIO | None = None,
        *,
        keep: Iterable[str] = (),
    ) -> None:
        if inputs.kind == "dir" and target is None:
            raise FairdeidError("directory input needs -o OUTPUT_DIR")
        self._inputs = inputs
        self._target = target
        self._kept = frozenset(keep)
        self._stdout = stdout
        self._tmp: Path | None = None
        self._handle: TextIO | None = None
        self._txt: str | None = None
        self._csv: Any = None
        self._chosen: list[int] = []
        self._text_at = 0
        self._withheld = False

    def __enter__(self) -> OutputWriter:
        self.open()
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def open(self) -> None:
        kind = self._inputs.kind
        if kind == "dir":
            assert self._target is not None
            self._target.mkdir(parents=True, exist_ok=True)
            return
        if kind == "txt":
            return  # one record: written at commit, and only if it succeeded
        if self._target is None:
            self._handle = self._stdout or sys.stdout
        else:
            self._target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = _create_tmp(self._target, PRIVATE)
            self._handle = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115
        if kind == "csv":
            self._open_csv(self._handle)

    def _open_csv(self, handle: TextIO) -> None:
        inputs = self._inputs
        fixed = {inputs.text_column, inputs.id_column}
        columns = list(inputs.columns)
        self._chosen = [i for i, c in enumerate(columns) if c in fixed or c in self._kept]
        self._text_at = columns.index(inputs.text_column or "")
        # the input's separator: a semicolon file comes back with semicolons
        self._csv = csv.writer(handle, dialect=csv.excel, delimiter=inputs.delimiter)
        self._csv.writerow([columns[i] for i in self._chosen])

    def write(self, rec: InputRecord, text: str) -> None:
        """The de-identified ``text`` of ``rec``; call in input order."""
        kind = self._inputs.kind
        if kind == "dir":
            assert self._target is not None
            atomic_write(self._target / str(rec.raw), text)
        elif kind == "txt":
            self._txt = text
        elif kind == "jsonl":
            assert self._handle is not None
            obj = _jsonl_output(rec, text, self._kept)
            self._handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            cells = list(rec.raw)
            cells[self._text_at] = text
            self._csv.writerow([cells[i] for i in self._chosen])

    def withhold(self, rec: InputRecord) -> None:
        """``rec`` failed: no output of an earlier run may stand in for it.

        A directory target loses the file an earlier run wrote for this note (only a note's own
        file: entries that never get output are not touched); a .txt target is removed at commit.
        """
        if self._inputs.kind == "dir" and self._target is not None and rec.raw is not None:
            stale = self._target / str(rec.raw)
            if (stale.is_file() or stale.is_symlink()) and self._own_entry(stale):
                stale.unlink(missing_ok=True)
        elif self._inputs.kind == "txt":
            self._withheld = True

    def _own_entry(self, path: Path) -> bool:
        """Whether ``path`` is an entry of the output tree itself, not (through a symlinked
        directory above it) one outside it or an input."""
        assert self._target is not None
        entry = _entry(path)
        inputs = {_entry(source) for source in self._inputs.sources}
        return entry.is_relative_to(self._target.resolve()) and entry not in inputs

    def commit(self) -> None:
        """Make the output appear (complete) at its target."""
        if self._inputs.kind == "txt":
            if self._txt is None:
                # never an empty file, nor an earlier run's output, standing in for a failed note
                if self._withheld and self._target is not None and (
                    self._target.is_file() or self._target.is_symlink()
                ):
                    self._target.unlink(missing_ok=True)
                return
            if self._target is None:
                (self._stdout or sys.stdout).write(self._txt)
            else:
                atomic_write(self._target, self._txt)
            return
        if self._tmp is None or self._handle is None or self._target is None:
            return
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            os.replace(self._tmp, self._target)
        finally:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None

    def abort(self) -> None:
        """Leave the target as it was: the temporary file goes."""
        if self._tmp is not None and self._handle is not None:
            self._handle.close()
            self._tmp.unlink(missing_ok=True)
            self._tmp = None


def write_output(
    inputs: InputSet,
    outputs: Mapping[int, str],
    target: Path | None,
    stdout: TextIO | None = None,
    *,
    keep: Iterable[str] = (),
) -> None:
    """Write de-identified texts (by record index) in the shape of the input, all at once.

    Records that failed are left out of the output (they are in the error report): a failed .txt
    gets no output file at all. For a directory, ``target`` is a directory mirroring the input's
    tree. ``keep`` lists the CSV columns / JSONL keys and meta keys copied besides id and text.
    """
    with OutputWriter(inputs, target, stdout, keep=keep) as writer:
        for rec in inputs.records:
            if rec.index in outputs:
                writer.write(rec, outputs[rec.index])
            else:
                writer.withhold(rec)


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


def check_targets(inputs: InputSet | InputStream, target: Path | None) -> None:
    """Refuse a directory run where a symlink makes an output file land on an input entry."""
    if inputs.kind != "dir" or target is None:
        return
    taken: set[Path] = set()
    for source in inputs.sources:
        taken.add(_entry(source))
        if source.exists():
            taken.add(source.resolve())
    for rec in inputs.iter_records():
        if rec.document is None:
            continue
        out = target / str(rec.raw)
        if _entry(out) in taken or (out.exists() and out.resolve() in taken):
            raise FairdeidError(
                f"output for {rec.locator} would land on an input file (via a symlink); "
                "choose an output directory outside the input's tree"
            )


# -- batch: part files, receipts, reports --------------------------------------------------------


@dataclass(frozen=True)
class PartInfo:
    """What a receipt vouches for: the part file's name, row count and SHA-256.

    Atomic writes do not protect a part file from what happens afterwards (a copy cut short, a
    disk error, a stray edit, a duplicate dropped into the directory), so a rerun trusts a part
    only if it still matches its receipt.
    """

    name: str
    rows: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "rows": self.rows, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: Any) -> PartInfo:
        """Raises ``KeyError``/``TypeError``/``ValueError`` on a malformed receipt entry."""
        return cls(str(data["name"]), int(data["rows"]), str(data["sha256"]))


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Manifests and receipts: ASCII, so no odd string in an error reason can fail the write."""
    payload = json.dumps(data, ensure_ascii=True, indent=1, sort_keys=True).encode("utf-8")
    atomic_write_with(path, lambda handle: handle.write(payload), mode=SHARED)


def write_jsonl(
    path: Path, records: Iterable[Mapping[str, Any]], *, ensure_ascii: bool = False
) -> str:
    """Returns the file's SHA-256. ``ensure_ascii`` for reports whose strings we do not vet."""

    def write(handle: IO[bytes]) -> None:
        for record in records:
            line = json.dumps(record, ensure_ascii=ensure_ascii)
            handle.write(line.encode("utf-8") + b"\n")

    return atomic_write_with(path, write, mode=SHARED)


def write_part(path: Path, records: list[dict[str, Any]], fmt: OutFormat) -> PartInfo:
    """One part file. Parquet stores ``spans``/``meta`` as JSON strings (stable schema)."""
    if fmt == "jsonl":
        return PartInfo(path.name, len(records), write_jsonl(path, records))
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": pa.array([r["id"] for r in records], pa.string()),
            "row": pa.array([r["row"] for r in records], pa.int64()),
            "text": pa.array([r["text"] for r in records], pa.string()),
            "spans": pa.array([json.dumps(r["spans"]) for r in records], pa.string()),
            "meta": pa.array([json.dumps(r["meta"]) if "meta" in r else None for r in records],
                             pa.string()),
        }
    )
    digest = atomic_write_with(path, lambda handle: pq.write_table(table, handle), mode=SHARED)
    return PartInfo(path.name, len(records), digest)


def part_mismatch(path: Path, fmt: OutFormat, expected: PartInfo) -> str | None:
    """Why the part file at ``path`` is not the one its receipt describes, or None if it is."""
    if not path.is_file():
        return "part file missing"
    rows = 0
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            rows += block.count(b"\n")
    if digest.hexdigest() != expected.sha256:
        return "part file checksum differs from its receipt"
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            rows = pq.read_metadata(path).num_rows
        except Exception:  # noqa: BLE001  (any unreadable file is simply not a valid part)
            return "part file is not readable Parquet"
    if rows != expected.rows:
        return f"part file holds {rows} rows, its receipt says {expected.rows}"
    return None
