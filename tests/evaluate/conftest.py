"""Fixtures for evaluation tests; the fakes live in ``evaluate_fakes``."""

from __future__ import annotations

import pytest
from evaluate_fakes import make_gold

from fairdeid.document import Document


@pytest.fixture
def gold_docs() -> list[Document]:
    return make_gold()


@pytest.fixture
def gold_file(tmp_path, gold_docs):  # type: ignore[no-untyped-def]
    from fairdeid.corpora.jsonl import write_jsonl

    path = tmp_path / "gold.jsonl"
    write_jsonl(gold_docs, path)
    return path
