from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.corpora.formats import guess_format, read_documents, write_documents
from fairdeid.document import Document
from fairdeid.errors import ConfigError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "corpora"


def test_guess_format(tmp_path: Path) -> None:
    assert guess_format("x.jsonl") == "jsonl"
    assert guess_format("x.json") == "presidio"
    assert guess_format("x.parquet") == "parquet"
    assert guess_format(FIXTURES / "brat") == "brat"
    assert guess_format(FIXTURES / "i2b2") == "i2b2"
    with pytest.raises(ConfigError):
        guess_format("x.weird")


def test_asq_phi_dev_jsonl_reads_clean() -> None:
    path = Path("/work/shared/data/asq-phi/dev.jsonl")
    if not path.exists():
        pytest.skip("ASQ-PHI not available")
    docs = list(read_documents(path))
    assert len(docs) == sum(1 for line in path.open(encoding="utf-8") if line.strip())
    assert all(isinstance(d, Document) for d in docs)
    assert sum(len(d.spans) for d in docs if isinstance(d, Document)) > 0


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("jsonl", "o.jsonl"),
        ("csv", "o.csv"),
        ("parquet", "o.parquet"),
        ("presidio", "o.json"),
        ("i2b2", "xml_dir"),
        ("brat", "brat_dir"),
        ("meddocan", "med_dir"),
    ],
)
def test_round_trip_through_every_writable_format(tmp_path: Path, fmt: str, name: str) -> None:
    docs = [d for d in read_documents(FIXTURES / "i2b2") if isinstance(d, Document)]
    out = tmp_path / name
    assert write_documents(docs, out, fmt) == 1
    opts: dict[str, object] = {"label_map": {}} if fmt == "brat" else {}
    (again,) = list(read_documents(out, fmt, **opts))
    assert isinstance(again, Document)
    assert again.text == docs[0].text
    if fmt in ("presidio", "meddocan"):  # their label sets are coarser: compare offsets only
        assert [(s.start, s.end) for s in again.spans] == [(s.start, s.end) for s in docs[0].spans]
    else:
        assert again.spans == docs[0].spans


def test_errors_for_unknown_or_read_only_formats(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        list(read_documents(FIXTURES / "brat", "conll"))
    with pytest.raises(ConfigError, match="read-only"):
        write_documents([], tmp_path / "x.csv", "mimic")
    with pytest.raises(ConfigError, match="label map"):
        read_documents(FIXTURES / "brat", "brat")
    with pytest.raises(ConfigError, match="not found"):
        read_documents(tmp_path / "missing.jsonl")
