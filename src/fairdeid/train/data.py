"""Loading training and dev documents from any supported format.

Canonical JSONL is always readable; other formats (brat, MEDDOCAN, i2b2 ...) go through
``fairdeid.corpora.formats.read_documents`` when that module is installed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.document import Document
from fairdeid.errors import ConfigError


def load_documents(path: str | Path, fmt: str | None = None) -> list[Document]:
    """Read annotated documents; ``.jsonl`` natively, anything else via the format readers."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"training data not found: {path}")
    if fmt in (None, "jsonl") and path.is_file() and path.suffix == ".jsonl":
        return read_jsonl(path)
    try:
        from fairdeid.corpora.formats import read_documents
    except ImportError as exc:  # pragma: no cover - depends on the installed package
        raise ConfigError(f"cannot read {path.name}: only .jsonl is supported here") from exc
    docs: list[Document] = []
    bad = 0
    for item in read_documents(path, fmt):
        if isinstance(item, Document):
            docs.append(item)
        else:
            bad += 1
    if bad and not docs:
        raise ConfigError(f"{path.name}: every record was invalid ({bad})")
    return docs


def limit_documents(docs: Sequence[Document], limit: int | None, seed: int) -> list[Document]:
    """A seeded random subset of ``limit`` documents (all of them when ``limit`` is None)."""
    docs = list(docs)
    if limit is None or limit >= len(docs):
        return docs
    rng = random.Random(seed)
    return rng.sample(docs, limit)
