"""`fairdeid locales`: list the locale pools and their sizes, so a user can see what a
multicultural variant or a surrogate mix draws from before relying on it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fairdeid.cli.app import app, console


@app.command("locales")
def locales(
    as_json: Annotated[bool, typer.Option("--json", help="Counts as JSON on stdout.")] = False,
    sample: Annotated[bool, typer.Option("--sample", help="One example name per pool.")] = False,
) -> None:
    """List locale pools with name, place and format counts."""
    import random

    from rich.table import Table

    from fairdeid.locales import LOCALE_CODES, get_pool

    rows = {code: get_pool(code).counts() for code in LOCALE_CODES}
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="fairdeid locale pools")
    table.add_column("locale")
    table.add_column("country")
    for key in ("female", "male", "surnames", "cities", "streets", "hospitals", "states"):
        table.add_column(key, justify="right")
    table.add_column("phone/ID/zip shapes", justify="right")
    if sample:
        table.add_column("example (romanised / native)")
    for code, counts in rows.items():
        pool = get_pool(code)
        cells = [code, pool.country] + [
            str(counts[k])
            for k in ("female", "male", "surnames", "cities", "streets", "hospitals", "states")
        ]
        cells.append(f"{counts['phone_formats']}/{counts['id_formats']}/{counts['zip_formats']}")
        if sample:
            roman = pool.full_name(random.Random(code))
            native = pool.full_name(random.Random(code), script="native")
            cells.append(roman if roman == native else f"{roman} / {native}")
        table.add_row(*cells)
    console.print(table)
