"""Inline-annotated notes: hand-written test and dev sets that a person can read and review.

A markup file holds notes separated by header lines ``### <id>`` (optionally followed by
``key=value`` meta, e.g. ``### de-001 lang=de patient_id=p7``). Inside a note, PHI is written
``[[LABEL:text]]`` with a fairdeid label (fine or coarse, see taxonomy.py)::

    ### de-001 lang=de
    Sehr geehrte Frau Dr. [[DOCTOR:Anke Vogel]],
    wir berichten über [[PATIENT:Herrn Yusuf Demir]], geb. [[DATE:03.02.1961]].

Writing the annotation next to the words keeps offsets right by construction; a JSONL file
with hand-counted offsets is easy to get wrong and hard to review. ``fairdeid evaluate`` and
``convert`` read files ending in ``.markup`` (or ``--format markup``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from fairdeid.document import Document, Span
from fairdeid.errors import RecordError
from fairdeid.taxonomy import is_label

_HEADER = re.compile(r"^### (?P<id>\S+)(?P<meta>(?:[ \t]+[\w.-]+=\S+)*)[ \t]*$", re.M)
_TAG = re.compile(r"\[\[(?P<label>[A-Z_]+):(?P<text>.*?)\]\]", re.S)


def parse_markup(marked: str, doc_id: str = "note") -> Document:
    """One note's marked-up text → a gold ``Document``. Raises ``ValueError`` naming the place
    (character offset and label, never the text) of a bad tag."""
    plain: list[str] = []
    spans: list[Span] = []
    length = 0
    last = 0
    for match in _TAG.finditer(marked):
        label, value = match["label"], match["text"]
        if not is_label(label):
            raise ValueError(f"{doc_id}: unknown label {label!r} at offset {match.start()}")
        if not value.strip() or value != value.strip() or "[[" in value:
            raise ValueError(f"{doc_id}: empty, padded or nested {label} tag at offset "
                             f"{match.start()}")
        before = marked[last:match.start()]
        plain.append(before)
        length += len(before)
        spans.append(Span(length, length + len(value), label, source="gold"))
        plain.append(value)
        length += len(value)
        last = match.end()
    rest = marked[last:]
    if "[[" in rest or "]]" in rest:
        raise ValueError(f"{doc_id}: unclosed tag after offset {last}")
    plain.append(rest)
    return Document(doc_id, "".join(plain), spans=tuple(spans))


def iter_markup(path: str | Path) -> Iterator[Document | RecordError]:
    """Notes of a markup file in order; a bad note becomes a ``RecordError`` and reading goes
    on. Text before the first header is a comment."""
    text = Path(path).read_text("utf-8")
    headers = list(_HEADER.finditer(text))
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        body = text[header.end():end].strip("\n")
        meta = dict(item.split("=", 1) for item in header["meta"].split())
        line = text.count("\n", 0, header.start()) + 1
        try:
            doc = parse_markup(body, header["id"])
        except ValueError as exc:
            yield RecordError(f"{Path(path).name}:{line}", str(exc))
            continue
        yield Document(doc.id, doc.text, meta=meta, spans=doc.spans)
