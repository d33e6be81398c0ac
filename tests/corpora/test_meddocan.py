from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from fairdeid.corpora.meddocan import MEDDOCAN_LABELS, iter_meddocan, write_meddocan
from fairdeid.document import Document
from fairdeid.taxonomy import is_label


def shared(*parts: str) -> Path:
    """A path under the shared data directory; skip when it is absent."""
    path = Path("/work/shared/data").joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


def _ann_labels(root: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for ann in root.glob("*.ann"):
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                counts[line.split("\t")[1].split(" ")[0]] += 1
    return counts


def test_every_label_in_train_and_dev_is_mapped() -> None:
    labels: Counter[str] = Counter()
    for split in ("train", "dev"):
        labels += _ann_labels(shared("meddocan", "brat", split))
    assert labels, "no annotations found"
    missing = set(labels) - set(MEDDOCAN_LABELS)
    assert not missing, f"unmapped MEDDOCAN labels: {sorted(missing)}"
    assert all(is_label(v) for v in MEDDOCAN_LABELS.values())


def test_all_files_read_without_errors_and_offsets_match_ann_text() -> None:
    # The reader checks every annotation's recorded text against the .txt slice.
    for split in ("train", "dev"):
        root = shared("meddocan", "brat", split)
        items = list(iter_meddocan(root))
        errors = [i for i in items if not isinstance(i, Document)]
        assert not errors, errors[:3]
        assert len(items) == len(list(root.glob("*.txt")))


def test_sample_file_labels() -> None:
    root = shared("meddocan", "brat", "train")
    doc = next(d for d in iter_meddocan(root / "S0004-06142005000500011-1.txt"))
    assert isinstance(doc, Document)
    by_text = {doc.span_text(s): s for s in doc.spans}
    assert by_text["03/03/1946"].label == "DATE"
    assert by_text["nnavcu@hotmail.com"].label == "EMAIL"
    assert by_text["España"].label == "COUNTRY"
    assert by_text["Madrid"].label == "LOCATION"
    assert by_text["Madrid"].attrs["corpus_label"] == "TERRITORIO"
    assert by_text["Ignacio Navarro Cuéllar"].label == "DOCTOR"
    assert by_text["70 años"].label == "AGE"


def test_round_trip_keeps_spanish_labels(tmp_path: Path) -> None:
    root = shared("meddocan", "brat", "dev")
    docs = [d for d in iter_meddocan(root) if isinstance(d, Document)][:5]
    write_meddocan(docs, tmp_path)
    again = {d.id: d for d in iter_meddocan(tmp_path) if isinstance(d, Document)}
    for doc in docs:
        assert again[doc.id].text == doc.text
        assert again[doc.id].spans == doc.spans
    original = sorted(_ann_labels(root).keys())
    assert set(_ann_labels(tmp_path)) <= set(original)


def test_every_written_label_reads_back() -> None:
    from fairdeid.corpora.meddocan import MEDDOCAN_OUT

    assert set(MEDDOCAN_OUT.values()) <= set(MEDDOCAN_LABELS)
