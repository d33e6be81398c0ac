"""Loading training and dev documents from any supported format.

Canonical JSONL is always readable; other formats (brat, MEDDOCAN, i2b2 ...) go through
``fairdeid.corpora.formats.read_documents`` when that module is installed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from fairdeid.corpora.formats import load_documents as load
from fairdeid.document import Document
from fairdeid.errors import ConfigError


def load_documents(path: str | Path, fmt: str | None = None) -> list[Document]:
    """Read annotated documents; a canonical ``.jsonl`` file must be clean (gold data), other
    formats may skip bad records as long as some are left."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"training data not found: {path}")
    docs, bad = load(path, fmt)
    if bad and fmt in (None, "jsonl") and path.is_file() and path.suffix == ".jsonl":
        raise bad[0]
    if bad and not docs:
        raise ConfigError(f"{path.name}: every record was invalid ({len(bad)})")
    return docs


def limit_documents(docs: Sequence[Document], limit: int | None, seed: int) -> list[Document]:
    """A seeded random subset of ``limit`` documents (all of them when ``limit`` is None)."""
    docs = list(docs)
    if limit is None or limit >= len(docs):
        return docs
    rng = random.Random(seed)
    return rng.sample(docs, limit)
