"""BRAT standoff directories: ``<id>.txt`` next to ``<id>.ann``.

Only text-bound annotations (``T`` lines) carry PHI; relations, events, attributes and notes are
ignored. BRAT offsets are code points of the ``.txt`` file as stored, so the text is read with
``newline=""`` (a ``\\r\\n`` file keeps both characters and its offsets stay right).

A label map is required: corpora name their labels freely, and a label we cannot place in the
taxonomy is an error (``UnknownLabelError`` naming the label and the file), never a silent drop.
Labels that already are taxonomy labels pass through unchanged.

Discontinuous annotations (``T3 NAME 10 15;20 25 ...``) become one span per fragment by default
(``discontinuous="split"``), each carrying ``attrs["fragment_of"]`` = the annotation id, because
merging them would also cover whatever non-PHI text sits between the fragments. ``"merge"`` covers
the whole stretch instead, for corpora whose gaps are only whitespace or line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal

from fairdeid.document import Document, Span
from fairdeid.errors import FairdeidError, RecordError, UnknownLabelError
from fairdeid.taxonomy import is_label

Discontinuous = Literal["split", "merge"]

_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def brat_files(path: str | Path) -> list[Path]:
    """The ``.txt`` files of a BRAT corpus (a directory, searched recursively, or one file)."""
    path = Path(path)
    if path.is_file():
        return [path if path.suffix == ".txt" else path.with_suffix(".txt")]
    if not path.is_dir():
        raise FairdeidError(f"BRAT input not found: {path}")
    return sorted(p for p in path.rglob("*.txt") if p.is_file())


def map_brat_label(label: str, label_map: Mapping[str, str], where: str) -> str:
    """Map a corpus label, raising ``UnknownLabelError`` naming it (labels are not PHI)."""
    target = label_map.get(label, label)
    if not is_label(target):
        raise UnknownLabelError(
            f"{where}: BRAT label {label!r} has no mapping to the fairdeid taxonomy "
            "(add it to the label map)"
        )
    return target


def parse_ann(
    ann: str,
    text: str,
    label_map: Mapping[str, str],
    *,
    where: str,
    discontinuous: Discontinuous = "split",
    check_text: bool = True,
) -> list[Span]:
    """Parse the ``T`` lines of one ``.ann`` file into spans over ``text``.

    Raises ``RecordError`` (naming file and line) for malformed lines, offsets outside the text or
    a recorded surface string that differs from the text slice; ``UnknownLabelError`` for labels
    the map cannot place.
    """
    spans: list[Span] = []
    for lineno, line in enumerate(ann.splitlines(), start=1):
        if not line.startswith("T"):
            continue
        loc = f"{where}:{lineno}"
        parts = line.split("\t")
        if len(parts) < 2:
            raise RecordError(loc, "text-bound annotation without a tab-separated body")
        ann_id = parts[0]
        label, _, offsets = parts[1].partition(" ")
        mapped = map_brat_label(label, label_map, loc)
        fragments: list[tuple[int, int]] = []
        try:
            for frag in offsets.split(";"):
                s_text, e_text = frag.split()
                fragments.append((int(s_text), int(e_text)))
        except ValueError:
            raise RecordError(loc, "malformed offsets in text-bound annotation") from None
        for s, e in fragments:
            if not 0 <= s < e <= len(text):
                raise RecordError(loc, f"offsets [{s}, {e}) outside the text (length {len(text)})")
        if check_text and len(parts) >= 3:
            expected = " ".join(text[s:e] for s, e in fragments)
            if _norm_ws(expected) != _norm_ws(parts[2]):
                raise RecordError(loc, f"annotation {ann_id} text does not match the .txt slice")
        if discontinuous == "merge" or len(fragments) == 1:
            start, end = min(f[0] for f in fragments), max(f[1] for f in fragments)
            spans.append(Span(start, end, mapped, attrs=_attrs(label, mapped)))
        else:
            for s, e in fragments:
                attrs = dict(_attrs(label, mapped), fragment_of=ann_id)
                spans.append(Span(s, e, mapped, attrs=attrs))
    return spans


def _attrs(label: str, mapped: str) -> dict[str, str]:
    return {} if label == mapped else {"corpus_label": label}


def _norm_ws(value: str) -> str:
    # BRAT writes newlines inside a span as spaces in the .ann text column.
    return " ".join(value.split())


def iter_brat(
    path: str | Path,
    label_map: Mapping[str, str],
    *,
    discontinuous: Discontinuous = "split",
    check_text: bool = True,
    encoding: str = "utf-8",
) -> Iterator[Document | RecordError]:
    """Yield a ``Document`` per ``.txt``/``.ann`` pair (id = file stem), or a ``RecordError``.

    A ``.txt`` without an ``.ann`` is a document with no spans (BRAT treats it the same way).
    """
    if label_map is None:  # pragma: no cover - guarded for callers without type checking
        raise UnknownLabelError("BRAT reading needs a label map (corpus label -> fairdeid label)")
    for txt in brat_files(path):
        where = txt.name
        try:
            with txt.open(encoding=encoding, newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            yield RecordError(where, f"cannot read text ({type(exc).__name__})")
            continue
        ann_path = txt.with_suffix(".ann")
        spans: list[Span] = []
        if ann_path.is_file():
            try:
                with ann_path.open(encoding=encoding, newline="") as handle:
                    ann = handle.read()
                spans = parse_ann(
                    ann,
                    text,
                    label_map,
                    where=ann_path.name,
                    discontinuous=discontinuous,
                    check_text=check_text,
                )
            except RecordError as exc:
                yield exc
                continue
            except UnicodeDecodeError:
                yield RecordError(ann_path.name, "annotation file is not valid UTF-8")
                continue
        yield Document(id=txt.stem, text=text, meta={"source_file": txt.name}, spans=tuple(spans))


def safe_file_id(doc_id: str) -> str:
    """A file-name-safe form of a document id (ids may hold slashes or spaces)."""
    cleaned = _SAFE_ID.sub("_", doc_id).strip("._")
    return cleaned or "doc"


def format_ann(
    doc: Document,
    label_out: Mapping[str, str] | None = None,
    *,
    keep_corpus_labels: bool | Collection[str] = False,
) -> str:
    """The ``.ann`` body for ``doc``: one ``T`` line per span, labels mapped through ``label_out``.

    With ``keep_corpus_labels`` a span read from a corpus writes its original ``corpus_label``
    back (so MEDDOCAN's TERRITORIO survives a round trip even though we read it as LOCATION).
    A collection restricts that to the corpus's own label set (a Presidio ``PERSON`` is not
    written into a MEDDOCAN file).

    Spans that came from one discontinuous annotation (same ``fragment_of``) are written back as
    one discontinuous annotation.
    """
    label_out = label_out or {}
    lines: list[str] = []
    groups: dict[str, list[Span]] = {}
    order: list[list[Span]] = []
    for span in doc.spans:
        key = span.attrs.get("fragment_of")
        if isinstance(key, str):
            if key not in groups:
                groups[key] = []
                order.append(groups[key])
            groups[key].append(span)
        else:
            order.append([span])
    for n, group in enumerate(order, start=1):
        first = group[0]
        label = label_out.get(first.label, first.label)
        corpus_label = first.attrs.get("corpus_label")
        if (
            keep_corpus_labels
            and isinstance(corpus_label, str)
            and (keep_corpus_labels is True or corpus_label in keep_corpus_labels)
        ):
            label = corpus_label
        offsets = ";".join(f"{s.start} {s.end}" for s in group)
        surface = " ".join(doc.text[s.start : s.end] for s in group)
        surface = surface.replace("\r", " ").replace("\n", " ")
        lines.append(f"T{n}\t{label} {offsets}\t{surface}")
    return "".join(line + "\n" for line in lines)


def write_brat(
    docs: Iterable[Document],
    out_dir: str | Path,
    *,
    label_out: Mapping[str, str] | None = None,
    keep_corpus_labels: bool | Collection[str] = False,
) -> int:
    """Write each document as ``<id>.txt`` + ``<id>.ann`` in ``out_dir``; returns the count.

    ``label_out`` maps fairdeid labels to the corpus's labels (MEDDOCAN uses this); see
    ``format_ann`` for ``keep_corpus_labels``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seen: dict[str, int] = {}
    n = 0
    for doc in docs:
        stem = safe_file_id(doc.id)
        if stem in seen:
            seen[stem] += 1
            stem = f"{stem}-{seen[stem]}"
        else:
            seen[stem] = 0
        with (out / f"{stem}.txt").open("w", encoding="utf-8", newline="") as handle:
            handle.write(doc.text)
        with (out / f"{stem}.ann").open("w", encoding="utf-8", newline="") as handle:
            handle.write(format_ann(doc, label_out, keep_corpus_labels=keep_corpus_labels))
        n += 1
    return n
