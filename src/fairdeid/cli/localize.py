"""`fairdeid localize`: write a multicultural variant of an annotated JSONL corpus."""

from __future__ import annotations

from pathlib import Path

import typer

from fairdeid.cli.app import app, console


@app.command("localize")
def localize(
    gold: Path = typer.Argument(..., help="Annotated JSONL (canonical format) to rewrite."),
    locale: str = typer.Option(..., "--locale", "-l", help="Locale code, e.g. zh_CN."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the variant JSONL."),
    script: str = typer.Option("romanised", "--script", help="romanised | native"),
    gender: str = typer.Option("keep", "--gender", help="keep | female | male"),
    seed: int = typer.Option(0, "--seed", help="Different seeds give different surrogates."),
    shift_dates: bool = typer.Option(False, "--shift-dates/--keep-dates",
                                     help="Also move dates (one offset per document)."),
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
