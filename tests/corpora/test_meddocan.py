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


def _write_brat(root: Path, text: str, spans: list[tuple[str, str]]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "n1.txt").write_text(text, encoding="utf-8")
    lines = []
    for i, (label, value) in enumerate(spans, 1):
        start = text.index(value)
        lines.append(f"T{i}\t{label} {start} {start + len(value)}\t{value}")
    (root / "n1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_subject_trait_under_a_number_label_is_other(tmp_path: Path) -> None:
    """The corpus files some traits ("viudo", "raza caucásica") as ID_SUJETO_ASISTENCIA, the
    record-number label; the guidelines put traits under OTROS_SUJETO_ASISTENCIA (OTHER)."""
    text = "NHC: 7384563.\nVarón viudo, de raza caucásica.\n"
    _write_brat(tmp_path / "in", text, [("ID_SUJETO_ASISTENCIA", "7384563"),
                                        ("ID_SUJETO_ASISTENCIA", "viudo"),
                                        ("ID_SUJETO_ASISTENCIA", "raza caucásica")])
    doc = next(d for d in iter_meddocan(tmp_path / "in") if isinstance(d, Document))
    labels = {doc.span_text(s): s.label for s in doc.spans}
    assert labels == {"7384563": "MEDICALRECORD", "viudo": "OTHER", "raza caucásica": "OTHER"}
    # written back, each keeps the corpus's own label
    write_meddocan([doc], tmp_path / "out")
    assert _ann_labels(tmp_path / "out") == Counter({"ID_SUJETO_ASISTENCIA": 3})


def test_no_record_number_of_the_corpus_lacks_a_digit() -> None:
    for split in ("train", "dev"):
        for doc in iter_meddocan(shared("meddocan", "brat", split)):
            assert isinstance(doc, Document)
            for span in doc.spans:
                if span.label == "MEDICALRECORD":
                    assert any(c.isdigit() for c in doc.span_text(span)), (doc.id, span.start)
