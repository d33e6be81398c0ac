"""One entry point for every corpus format: pick a reader/writer by name or by path.

``read_documents`` streams ``Document`` or ``RecordError`` items, so a converter can report bad
records and go on; configuration problems (missing input, a label with no mapping) raise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from fairdeid.document import Document
from fairdeid.errors import ConfigError, RecordError

READ_FORMATS = (
    "jsonl", "brat", "i2b2", "presidio", "meddocan", "csv", "parquet", "mimic", "markup"
)
WRITE_FORMATS = ("jsonl", "brat", "i2b2", "presidio", "meddocan", "csv", "parquet", "conll")

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "presidio",
    ".xml": "i2b2",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".conll": "conll",
    ".bio": "conll",
    ".markup": "markup",
}


def guess_format(path: str | Path) -> str:
    """The format implied by a path: its extension, or for a directory what it holds."""
    path = Path(path)
    if path.is_dir():
        if next(path.rglob("*.ann"), None) is not None:
            return "brat"
        if next(path.rglob("*.xml"), None) is not None:
            return "i2b2"
        raise ConfigError(f"cannot tell the format of directory {path}; pass it explicitly")
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"cannot tell the format of {path.name}; pass it explicitly")
    return fmt


def read_documents(
    path: str | Path, fmt: str | None = None, **opts: Any
) -> Iterator[Document | RecordError]:
    """Stream documents from ``path`` in format ``fmt`` (guessed from the path when ``None``).

    ``opts`` go to the format's reader: ``label_map`` (brat, presidio), ``discontinuous`` (brat,
    meddocan), ``text_column``/``id_column``/``spans_column``/``patient_column`` (csv, parquet),
    ``unknown``/``seed``/``locales`` (mimic).
    """
    if not Path(path).exists():
        raise ConfigError(f"input not found: {path}")
    fmt = (fmt or guess_format(path)).lower()
    if fmt == "jsonl":
        from fairdeid.corpora.jsonl import iter_jsonl

        return iter_jsonl(path)
    if fmt == "brat":
        from fairdeid.corpora.brat import iter_brat

        label_map = opts.pop("label_map", None)
        if label_map is None:
            raise ConfigError(
                "BRAT needs a label map (corpus label -> fairdeid label); labels that already "
                "are fairdeid labels may use an empty map"
            )
        return iter_brat(path, label_map, **opts)
    if fmt == "meddocan":
        from fairdeid.corpora.meddocan import iter_meddocan

        return iter_meddocan(path, **opts)
    if fmt == "i2b2":
        from fairdeid.corpora.i2b2 import iter_i2b2

        return iter_i2b2(path, **opts)
    if fmt == "presidio":
        from fairdeid.corpora.presidio import iter_presidio

        return iter_presidio(path, **opts)
    if fmt == "csv":
        from fairdeid.corpora.tabular import iter_csv

        return iter_csv(path, **opts)
    if fmt == "parquet":
        from fairdeid.corpora.tabular import iter_parquet

        return iter_parquet(path, **opts)
    if fmt == "mimic":
        from fairdeid.corpora.mimic import iter_mimic

        return iter_mimic(path, **opts)
    if fmt == "markup":
        from fairdeid.corpora.markup import iter_markup

        return iter_markup(path)
    raise ConfigError(f"unknown input format {fmt!r}; choose one of {READ_FORMATS}")


def _writer(fmt: str) -> Callable[..., int]:
    if fmt == "jsonl":
        from fairdeid.corpora.jsonl import write_jsonl

        return write_jsonl
    if fmt == "brat":
        from fairdeid.corpora.brat import write_brat

        return write_brat
    if fmt == "meddocan":
        from fairdeid.corpora.meddocan import write_meddocan

        return write_meddocan
    if fmt == "i2b2":
        from fairdeid.corpora.i2b2 import write_i2b2

        return write_i2b2
    if fmt == "presidio":
        from fairdeid.corpora.presidio import write_presidio

        return write_presidio
    if fmt == "csv":
        from fairdeid.corpora.tabular import write_csv

        return write_csv
    if fmt == "parquet":
        from fairdeid.corpora.tabular import write_parquet

        return write_parquet
    if fmt == "conll":
        from fairdeid.corpora.conll import write_conll

        return write_conll
    if fmt == "mimic":
        raise ConfigError("mimic is a read-only format (placeholders cannot be written back)")
    raise ConfigError(f"unknown output format {fmt!r}; choose one of {WRITE_FORMATS}")


def write_documents(
    docs: Iterable[Document], path: str | Path, fmt: str | None = None, **opts: Any
) -> int:
    """Write ``docs`` to ``path`` in ``fmt`` (guessed from the path when ``None``); returns the
    count. Directory formats (brat, meddocan, i2b2) take ``path`` as the output directory.

    ``opts`` go to the writer (``coarse``/``offsets`` for conll, ``label_out`` for brat).
    """
    if fmt is None:
        path_obj = Path(path)
        fmt = "brat" if path_obj.suffix == "" and not path_obj.is_file() else guess_format(path)
    return _writer(fmt.lower())(docs, path, **opts)


def load_documents(
    path: str | Path, fmt: str | None = None
) -> tuple[list[Document], list[RecordError]]:
    """Every readable document of a corpus in any format, and an error for each bad record.

    The one loader behind evaluation and training: callers decide what bad records mean (the
    evaluator reports them, training refuses a canonical JSONL file that has any). Raises
    ``ConfigError`` when ``path`` does not exist or its format cannot be told.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"input not found: {path}")
    docs: list[Document] = []
    bad: list[RecordError] = []
    for item in read_documents(path, fmt):
        if isinstance(item, RecordError):
            bad.append(item)
        else:
            docs.append(item)
    return docs, bad
