"""The canonical annotated format: JSONL, one document a line (see DESIGN.md).

Reading never stops at a bad line: each bad line becomes a ``RecordError`` naming the file and line
number (never its content), and the caller decides whether to report or raise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from fairdeid.document import Document
from fairdeid.errors import FairdeidError, RecordError


def iter_jsonl(path: str | Path) -> Iterator[Document | RecordError]:
    """Yield a ``Document`` per valid line and a ``RecordError`` per invalid one, in order."""
    path = Path(path)
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            where = f"{path.name}:{lineno}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield RecordError(where, "line is not valid UTF-8")
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
                continue
            try:
                yield Document.from_dict(data, default_id=f"{path.stem}-{lineno}")
            except FairdeidError as exc:  # our messages name fields, never values
                yield RecordError(where, str(exc))
            except (TypeError, ValueError) as exc:
                # Python's own message quotes the value ("could not convert string to float:
                # 'Ann Lee'"): only its kind is reported
                yield RecordError(where, f"record does not fit the layout ({type(exc).__name__})")


def read_jsonl(path: str | Path) -> list[Document]:
    """Read every document; raise on the first invalid line (for gold data that must be clean)."""
    docs = []
    for item in iter_jsonl(path):
        if isinstance(item, RecordError):
            raise item
        docs.append(item)
    return docs


def write_jsonl(docs: Iterable[Document], path: str | Path) -> int:
    """Write documents as canonical JSONL; returns how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n
