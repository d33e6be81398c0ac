"""Process-wide limits of the standard library that clinical data outgrows.

Why one place: ``csv.field_size_limit`` is global state. Modules that each set it (to different
values) make the limit depend on import order; every CSV reader imports this module instead.
"""

from __future__ import annotations

import csv
import sys

#: Clinical notes exceed the csv module's default 128 KiB field limit. The largest value the C
#: ``long`` of every platform accepts.
CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def allow_long_csv_fields() -> None:
    """Raise the csv module's field limit to ``CSV_FIELD_LIMIT`` (idempotent)."""
    csv.field_size_limit(CSV_FIELD_LIMIT)


allow_long_csv_fields()
