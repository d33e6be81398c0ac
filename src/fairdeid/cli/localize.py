"""`fairdeid localize`: write a multicultural variant of an annotated JSONL corpus.

The variant goes to ``-o FILE``, or to stdout (omitted or ``-``) so it can be piped on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from fairdeid.cli.app import command, fail, note, plural

_SCRIPTS = ("romanised", "native")
_GENDERS = ("keep", "female", "male")


@command("localize")
def localize(
    gold: Annotated[
        Path,
        typer.Argument(metavar="GOLD", help="Annotated JSONL (canonical format) to rewrite."),
    ],
    locale: Annotated[
        str, typer.Option("--locale", "-l", metavar="CODE", help="Locale code, e.g. zh_CN.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE",
            help="Where to write the variant (- or omitted: stdout).",
        ),
    ] = None,
    script: Annotated[
        str, typer.Option("--script", metavar="SCRIPT", help="romanised | native")
    ] = "romanised",
    gender: Annotated[
        str, typer.Option("--gender", metavar="GENDER", help="keep | female | male")
    ] = "keep",
    seed: Annotated[int, typer.Option("--seed", help="Other seeds, other surrogates.")] = 0,
    shift_dates: Annotated[bool, typer.Option(
        "--shift-dates/--keep-dates", help="Also move dates (one offset per document).")] = False,
) -> None:
    """Rewrite every gold span with a surrogate from LOCALE; offsets are recomputed."""
    from fairdeid.corpora.jsonl import read_jsonl, write_jsonl
    from fairdeid.corpora.multicultural import localize_documents
    from fairdeid.errors import FairdeidError

    if script not in _SCRIPTS:
        raise fail(f"--script must be {' or '.join(_SCRIPTS)} (got {script!r})")
    if gender not in _GENDERS:
        raise fail(f"--gender must be {', '.join(_GENDERS)} (got {gender!r})")
    try:
        docs = read_jsonl(gold)
        variants = localize_documents(docs, locale, gender=gender, script=script, seed=seed,
                                      shift_dates=shift_dates)
    except (FairdeidError, ValueError, OSError) as exc:
        raise fail(str(exc)) from None
    if output is None or output == Path("-"):
        for doc in variants:
            sys.stdout.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
        n, where = len(variants), "stdout"
    else:
        n, where = write_jsonl(variants, output), str(output)
    spans = sum(len(d.spans) for d in variants)
    note(f"wrote {plural(n, 'document')} ({plural(spans, 'span')}) localized to {locale} → {where}")
