from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from fairdeid.corpora.presidio import PRESIDIO_LABELS, iter_presidio, write_presidio
from fairdeid.document import Document
from fairdeid.errors import RecordError, UnknownLabelError


def shared(*parts: str) -> Path:
    """A path under the shared data directory; skip when it is absent."""
    path = Path("/work/shared/data").joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


def test_every_entity_type_in_the_synth_file_is_mapped() -> None:
    path = shared("presidio-synth", "synth_dataset_v2.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    types = Counter(s["entity_type"] for r in data for s in r["spans"])
    assert not set(types) - set(PRESIDIO_LABELS)


def test_reads_all_records_and_entity_values_match() -> None:
    path = shared("presidio-synth", "synth_dataset_v2.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = list(iter_presidio(path))  # check_text=True: entity_value == slice, else RecordError
    assert len(docs) == len(data)
    assert all(isinstance(d, Document) for d in docs)
    for doc, raw in zip(docs[:200], data[:200], strict=True):
        assert isinstance(doc, Document)
        values = sorted(s["entity_value"] for s in raw["spans"])
        assert sorted(doc.span_text(s) for s in doc.spans) == values


def test_round_trip(tmp_path: Path) -> None:
    path = shared("presidio-synth", "synth_dataset_v2.json")
    docs = [d for d in iter_presidio(path) if isinstance(d, Document)][:100]
    out = tmp_path / "p.json"
    write_presidio(docs, out)
    again = [d for d in iter_presidio(out) if isinstance(d, Document)]
    assert [(d.id, d.text, d.spans) for d in again] == [(d.id, d.text, d.spans) for d in docs]
    raw = json.loads(out.read_text(encoding="utf-8"))
    original = json.loads(path.read_text(encoding="utf-8"))[:100]
    assert [sorted(s["entity_type"] for s in r["spans"]) for r in raw] == [
        sorted(s["entity_type"] for s in r["spans"]) for r in original
    ]


def test_bad_records_and_unknown_types(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            [
                {
                    "full_text": "Ann",
                    "spans": [
                        {
                            "entity_type": "PERSON",
                            "entity_value": "Bob",
                            "start_position": 0,
                            "end_position": 3,
                        }
                    ],
                },
                {"nope": 1},
            ]
        ),
        encoding="utf-8",
    )
    items = list(iter_presidio(path))
    assert all(isinstance(i, RecordError) for i in items)
    assert "x.json[0].spans[0]" in str(items[0]) and "Ann" not in str(items[0])
    path.write_text(
        json.dumps(
            [
                {
                    "full_text": "Ann",
                    "spans": [{"entity_type": "WIZARD", "start_position": 0, "end_position": 3}],
                }
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(UnknownLabelError, match="WIZARD"):
        list(iter_presidio(path))
    (doc,) = list(iter_presidio(path, label_map={"WIZARD": "OTHER"}))
    assert isinstance(doc, Document) and doc.spans[0].label == "OTHER"


def test_every_written_type_reads_back() -> None:
    from fairdeid.corpora.presidio import PRESIDIO_OUT

    assert set(PRESIDIO_OUT.values()) <= set(PRESIDIO_LABELS)
