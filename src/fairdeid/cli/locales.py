"""`fairdeid locales`: list the locale pools and their sizes, so a user can see what a
multicultural variant or a surrogate mix draws from before relying on it.

On a terminal the table groups places and formats so that it fits 80 columns; in a pipe every
count has its own tab-separated column (``fairdeid locales | grep en_US``, ``| cut -f3``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from fairdeid.cli.app import command, emit_line, emit_table, stdout

_NAMES = ("female", "male", "surnames")
_PLACES = ("cities", "streets", "hospitals", "states")
_FORMATS = ("phone_formats", "id_formats", "zip_formats")


def _example(pool: Any, code: str) -> str:
    import random

    roman = pool.full_name(random.Random(code))
    native = pool.full_name(random.Random(code), script="native")
    return roman if roman == native else f"{roman} / {native}"


@command("locales")
def locales(
    as_json: Annotated[bool, typer.Option("--json", help="Counts as JSON on stdout.")] = False,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help="One example name per pool (on a terminal, in place of the place and format "
            "counts, so the table still fits 80 columns).",
        ),
    ] = False,
) -> None:
    """List locale pools with name, place and format counts."""
    from fairdeid.locales import ALL_LOCALE_CODES, get_pool

    rows = {code: get_pool(code).counts() for code in ALL_LOCALE_CODES}
    if as_json:
        emit_line(json.dumps(rows, indent=2))
        return
    terminal = stdout().is_terminal
    grouped = terminal and not sample  # the terminal has room for counts or an example
    columns = ["locale", "country", *_NAMES]
    if grouped:
        columns += ["places", "formats"]
    elif not terminal:
        columns += [*_PLACES, *_FORMATS]
    if sample:
        columns.append("example")
    table = []
    for code, counts in rows.items():
        pool = get_pool(code)
        cells = [code, pool.country, *(str(counts[k]) for k in _NAMES)]
        if grouped:
            cells.append("/".join(str(counts[k]) for k in _PLACES))
            cells.append("/".join(str(counts[k]) for k in _FORMATS))
        elif not terminal:
            cells += [str(counts[k]) for k in (*_PLACES, *_FORMATS)]
        if sample:
            cells.append(_example(pool, code))
        table.append(cells)
    emit_table(
        "fairdeid locale pools" if terminal else None,
        columns,
        table,
        right=[*_NAMES, *_PLACES, *_FORMATS, "places", "formats"],
        caption="places: cities/streets/hospitals/states; formats: phone/ID/zip shapes"
        if grouped else None,
    )
