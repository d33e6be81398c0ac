"""i2b2-2014 de-identification XML (also what MEDDOCAN's i2b2 export looks like)::

    <deIdi2b2>
    <TEXT><![CDATA[ ...note... ]]></TEXT>
    <TAGS>
    <NAME id="P0" start="16" end="26" text="John Smith" TYPE="PATIENT" comment="" />
    ...
    </TAGS>
    </deIdi2b2>

Offsets are code points of the CDATA text. The element name is the coarse category and ``TYPE``
the fine one; i2b2 spells "other location" as ``<LOCATION TYPE="OTHER">``, which we read as
LOCATION_OTHER (and write back the same way).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

from fairdeid.corpora.brat import safe_file_id
from fairdeid.document import Document, Span
from fairdeid.errors import FairdeidError, InvalidSpanError, RecordError, UnknownLabelError
from fairdeid.taxonomy import FINE_TO_COARSE, is_label

#: Extra TYPE spellings found in i2b2-style files (2006 names, MEDDOCAN exports).
_TYPE_ALIASES: dict[str, str] = {
    "PHI": "OTHER",
    "LOCATION": "LOCATION_OTHER",
    "ID": "IDNUM",
    "CONTACT": "PHONE",
}


def map_i2b2_type(tag: str, type_: str, where: str) -> str:
    """(element name, TYPE) -> fairdeid label; unknown TYPEs raise ``UnknownLabelError``."""
    t = (type_ or tag).upper()
    if t == "OTHER":
        return "LOCATION_OTHER" if tag.upper() == "LOCATION" else "OTHER"
    if is_label(t):
        return t
    if t in _TYPE_ALIASES:
        return _TYPE_ALIASES[t]
    raise UnknownLabelError(f"{where}: i2b2 TYPE {t!r} has no mapping to the fairdeid taxonomy")


def i2b2_files(path: str | Path) -> list[Path]:
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FairdeidError(f"i2b2 input not found: {path}")
    return sorted(p for p in path.rglob("*.xml") if p.is_file())


def parse_i2b2(data: bytes, *, doc_id: str, where: str, check_text: bool = True) -> Document:
    """Parse one i2b2 XML document. Raises ``RecordError`` for malformed files."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise RecordError(where, f"malformed XML (line {exc.position[0]})") from None
    text_el = root.find("TEXT")
    if text_el is None:
        raise RecordError(where, "no <TEXT> element")
    text = text_el.text or ""
    spans: list[Span] = []
    tags = root.find("TAGS")
    for n, el in enumerate(tags if tags is not None else [], start=1):
        loc = f"{where}: tag {el.get('id') or n}"
        label = map_i2b2_type(el.tag, el.get("TYPE", ""), loc)
        try:
            start, end = int(el.get("start", "")), int(el.get("end", ""))
        except ValueError:
            raise RecordError(loc, "missing or non-integer start/end") from None
        if not 0 <= start < end <= len(text):
            raise RecordError(loc, f"offsets [{start}, {end}) outside the text")
        surface = el.get("text")
        if (
            check_text
            and surface is not None
            and " ".join(surface.split()) != " ".join(text[start:end].split())
        ):
            raise RecordError(loc, "tag text does not match the TEXT slice")
        attrs = {"i2b2_id": el.get("id")} if el.get("id") else {}
        spans.append(Span(start, end, label, attrs=attrs))
    try:
        return Document(
            id=doc_id, text=text, meta={"source_file": Path(where).name}, spans=tuple(spans)
        )
    except InvalidSpanError as exc:
        raise RecordError(where, str(exc)) from None


def iter_i2b2(path: str | Path, *, check_text: bool = True) -> Iterator[Document | RecordError]:
    """Yield a ``Document`` per XML file (id = file stem) or a ``RecordError``."""
    for file in i2b2_files(path):
        try:
            data = file.read_bytes()
            yield parse_i2b2(data, doc_id=file.stem, where=file.name, check_text=check_text)
        except RecordError as exc:
            yield exc
        except OSError as exc:
            yield RecordError(file.name, f"cannot read file ({type(exc).__name__})")


_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cdata(text: str) -> str:
    # "]]>" cannot appear inside CDATA: close and reopen the section around it. A parser turns a
    # literal "\r" into "\n" (and would shift nothing but change the text), so carriage returns
    # go out as character references between CDATA sections.
    body = text.replace("]]>", "]]]]><![CDATA[>").replace("\r", "]]>&#13;<![CDATA[")
    return "<![CDATA[" + body + "]]>"


def _element_for(label: str) -> tuple[str, str]:
    """The (element name, TYPE) that i2b2 uses for a fairdeid label."""
    if label == "LOCATION_OTHER":
        return "LOCATION", "OTHER"
    if label == "OTHER":
        return "PHI", "OTHER"
    if label in FINE_TO_COARSE:
        return FINE_TO_COARSE[label], label
    return label, label  # a coarse label: element and TYPE are the same


def format_i2b2(doc: Document) -> str:
    """One document as i2b2-2014 XML text."""
    if _INVALID_XML.search(doc.text):
        raise FairdeidError(f"document {doc.id!r}: text holds characters XML 1.0 cannot carry")
    lines = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        "<deIdi2b2>",
        f"<TEXT>{_cdata(doc.text)}</TEXT>",
    ]
    lines.append("<TAGS>")
    for n, span in enumerate(doc.spans):
        element, type_ = _element_for(span.label)
        lines.append(
            f'<{element} id="P{n}" start="{span.start}" end="{span.end}" '
            f'text={quoteattr(doc.span_text(span))} TYPE="{type_}" comment="" />'
        )
    lines.append("</TAGS>")
    lines.append("</deIdi2b2>")
    return "\n".join(lines) + "\n"


def write_i2b2(docs: Iterable[Document], out_dir: str | Path) -> int:
    """Write one ``<id>.xml`` per document into ``out_dir``; returns the count."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    n = 0
    for doc in docs:
        stem = safe_file_id(doc.id)
        while stem in seen:
            stem += "_"
        seen.add(stem)
        (out / f"{stem}.xml").write_text(format_i2b2(doc), encoding="utf-8", newline="")
        n += 1
    return n
