"""`fairdeid localize`: write a multicultural variant of an annotated JSONL corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairdeid.cli.app import app, console


@app.command("localize")
def localize(
    gold: Annotated[Path, typer.Argument(help="Annotated JSONL (canonical format) to rewrite.")],
    locale: Annotated[str, typer.Option("--locale", "-l", help="Locale code, e.g. zh_CN.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the variant.")],
    script: Annotated[str, typer.Option("--script", help="romanised | native")] = "romanised",
    gender: Annotated[str, typer.Option("--gender", help="keep | female | male")] = "keep",
    seed: Annotated[int, typer.Option("--seed", help="Other seeds, other surrogates.")] = 0,
    shift_dates: Annotated[bool, typer.Option(
        "--shift-dates/--keep-dates", help="Also move dates (one offset per document).")] = False,
) -> None:
    """Rewrite every gold span with a surrogate from LOCALE; offsets are recomputed."""
    from fairdeid.corpora.jsonl import read_jsonl, write_jsonl
    from fairdeid.corpora.localize import localize_documents
    from fairdeid.errors import FairdeidError

    if script not in ("romanised", "native"):
        raise typer.BadParameter("--script must be romanised or native")
    if gender not in ("keep", "female", "male"):
        raise typer.BadParameter("--gender must be keep, female or male")
    try:
        docs = read_jsonl(gold)
        variants = localize_documents(docs, locale, gender=gender, script=script, seed=seed,
                                      shift_dates=shift_dates)
    except (FairdeidError, ValueError, OSError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    n = write_jsonl(variants, output)
    spans = sum(len(d.spans) for d in variants)
    console.print(f"wrote {n} documents ({spans} spans) localized to {locale} → {output}")
