"""NOTEEVENTS reader: one filled, annotated document (or a ``RecordError``) per CSV row."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from fairdeid.corpora.mimic.filler import MimicFiller, Unknown
from fairdeid.document import Document
from fairdeid.errors import FairdeidError, RecordError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def parse_chartdate(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _shift(chart: dt.date, years: int) -> dt.date:
    try:
        return chart.replace(year=chart.year + years)
    except ValueError:  # 29 February in a year that has none
        return chart.replace(year=chart.year + years, day=28)


def iter_mimic(
    path: str | Path,
    *,
    unknown: Unknown = "error",
    seed: int = 0,
    locales: Sequence[str] | None = None,
    filler: MimicFiller | None = None,
) -> Iterator[Document | RecordError]:
    """Read a NOTEEVENTS-like CSV (ROW_ID, SUBJECT_ID, HADM_ID, CHARTDATE, CATEGORY,
    DESCRIPTION, TEXT) and yield filled, annotated documents (id ``mimic-<ROW_ID>``).

    Pass your own ``filler`` to read its ``unknown``/``filled`` counts afterwards.
    """
    path = Path(path)
    filler = filler or MimicFiller(seed=seed, locales=locales, unknown=unknown)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {f.upper(): f for f in reader.fieldnames or []}
        if "TEXT" not in fields:
            raise FairdeidError(f"{path.name}: no TEXT column; is this NOTEEVENTS?")
        for n, row in enumerate(reader, start=2):
            get = lambda key, row=row: (row.get(fields.get(key, key)) or "").strip()  # noqa: E731
            row_id = get("ROW_ID") or str(n - 1)
            doc_id = f"mimic-{row_id}"
            subject = get("SUBJECT_ID")
            chart = parse_chartdate(get("CHARTDATE"))
            meta: dict[str, Any] = {"row_id": row_id}
            if subject:
                meta["patient_id"] = subject
            for key in ("HADM_ID", "CATEGORY", "DESCRIPTION"):
                if get(key):
                    meta[key.lower()] = get(key)
            try:
                doc = filler.fill(
                    row.get(fields["TEXT"]) or "",
                    doc_id=doc_id,
                    subject=subject,
                    chart_date=chart,
                    meta=meta,
                )
            except RecordError as exc:
                yield RecordError(f"{path.name}:{n} ({doc_id})", exc.reason)
                continue
            if chart is not None:
                shifted = _shift(chart, filler.year_offset(subject or doc_id))
                doc = Document(
                    doc.id, doc.text, dict(doc.meta, chartdate=shifted.isoformat()), doc.spans
                )
            yield doc
