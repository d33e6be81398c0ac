"""Canonical JSONL errors name the line and the reason, never a value from the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairdeid.corpora.jsonl import iter_jsonl
from fairdeid.errors import RecordError

CANARY = "Zebulon Quixotefeather"


@pytest.mark.parametrize("span", [
    {"start": 0, "end": 7, "label": "PATIENT", "score": CANARY},
    {"start": CANARY, "end": 7, "label": "PATIENT"},
    {"start": 0, "end": 7, "label": "PATIENT", "score": [CANARY]},
])
def test_a_bad_span_value_is_not_quoted(tmp_path: Path, span: dict[str, object]) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "g1", "text": f"{CANARY} seen", "spans": [span]}) + "\n",
                    encoding="utf-8")
    [item] = list(iter_jsonl(path))
    assert isinstance(item, RecordError)
    assert item.record == "gold.jsonl:1"
    assert CANARY not in item.reason and "Zebulon" not in item.reason


def test_a_bad_score_in_a_csv_corpus_is_a_record_error_without_the_value(tmp_path: Path) -> None:
    from fairdeid.corpora.tabular import iter_csv

    path = tmp_path / "gold.csv"
    spans = json.dumps([{"start": 0, "end": 7, "label": "PATIENT", "score": CANARY}])
    quoted = spans.replace('"', '""')
    path.write_text(f'id,text,spans\ng1,{CANARY} seen,"{quoted}"\ng2,fine,\n', encoding="utf-8")
    items = list(iter_csv(path, spans_column="spans"))
    assert isinstance(items[0], RecordError) and CANARY not in items[0].reason
    assert not isinstance(items[1], RecordError)
