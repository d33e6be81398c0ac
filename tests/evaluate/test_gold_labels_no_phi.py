"""A gold label outside the taxonomy is named by document and span, never by its value: in a
shifted column or a hand-made file the "label" is the annotated text itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.document import Document, Span
from fairdeid.errors import UnknownLabelError
from fairdeid.evaluate.metrics import document_counts
from fairdeid.evaluate.runner import load_documents

TEXT = "Call Marybeth Quigley at home."


def _gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    rows = [
        {"id": "ok-1", "text": TEXT, "spans": [{"start": 5, "end": 21, "label": "PATIENT"}]},
        {"id": "bad-2", "text": TEXT, "spans": [{"start": 5, "end": 21, "label": "Quigley"}]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


@pytest.mark.parametrize("command", ["evaluate", "audit", "bench"])
def test_cli_names_the_record_never_the_label(tmp_path: Path, command: str) -> None:
    result = CliRunner().invoke(app, [command, str(_gold(tmp_path)), "-d", "rules"])
    assert result.exit_code == 2, result.output
    assert "bad-2" in result.output and "span 1" in result.output
    assert "Quigley" not in result.output


def test_loading_refuses_unknown_gold_labels_without_quoting_them(tmp_path: Path) -> None:
    with pytest.raises(UnknownLabelError) as info:
        load_documents(_gold(tmp_path))
    assert "bad-2" in str(info.value) and "Quigley" not in str(info.value)


def test_metrics_name_the_document_not_the_label() -> None:
    gold = Document("g7", TEXT, spans=(Span(5, 21, "Marybeth"),))
    with pytest.raises(UnknownLabelError) as info:
        document_counts(gold, gold.with_spans(()))
    assert "g7" in str(info.value) and "Marybeth" not in str(info.value)
