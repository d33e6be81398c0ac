"""`fairdeid generate -n N -o OUT.jsonl --seed S [--locales en_US,zh_CN] [--lang de]
[--profile stress] [--name-titles include|keep] [-c CONFIG]`: synthetic gold notes, in English
(the default) or in German, French, Dutch, Italian or Spanish; ``--profile stress`` makes English
notes messier than real ones. A title before a name is inside or outside the gold name as the
pipeline that scores the notes puts it (``corpora/synth/titles.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from fairdeid.cli.app import command, console, deprecated, fail, note, plural


@command("generate")
def generate(
    n: Annotated[
        int, typer.Option("-n", "--count", min=1, metavar="N", help="How many notes.")
    ] = 1000,
    out: Annotated[
        Path, typer.Option("-o", "--output", "--out", metavar="FILE", help="Output JSONL file.")
    ] = Path("synthetic.jsonl"),
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same notes).")] = 0,
    locales: Annotated[
        str | None,
        typer.Option(help="Comma-separated locale codes for names and places, or 'all' for "
                     "every pool (default: the 12 locales of the synthetic mix)."),
    ] = None,
    note_types: Annotated[
        str | None,
        typer.Option(help="Comma-separated note types (default: all of the profile's)."),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="English only. 'default': the 11 classic note types, clean layout (training "
            "data). 'stress': all 15 note types (adds operative_note, email_chain, "
            "medication_table, face_sheet) and every mess transform at a high rate (name "
            "order, ALL-CAPS headers, key:value, tables, bullets, dropped punctuation, "
            "lower-case dictation, OCR noise, hyphenated line ends), for evaluation.",
        ),
    ] = "default",
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            help="Language of the notes: en (default), de, fr, nl, it, es. Other languages "
            "write their own note types (Arztbrief, compte rendu d'hospitalisation, ...) with "
            "names from their country's pools; --locales applies to English only.",
        ),
    ] = "en",
    name_titles: Annotated[
        str | None,
        typer.Option(
            "--name-titles",
            metavar="include|keep",
            help="A personal title right before a name ('Dr. Smith', 'Mrs. Lee', 'Herr "
            "Weber') in the gold: 'include' puts it inside the name span, 'keep' leaves it "
            "outside. Default: the config's [resolve] name_titles for --lang, as the pipeline "
            "that scores the notes does (built-in: include for English, keep for de, fr, nl, "
            "it, es).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            metavar="FILE",
            help="Pipeline TOML whose [resolve] name_titles and title lists the gold follows "
            "(default: built-in).",
        ),
    ] = None,
    old_n: Annotated[int | None, typer.Option("--n", min=1, hidden=True)] = None,
) -> None:
    """Generate annotated synthetic clinical notes (canonical JSONL)."""
    import time
    from collections import Counter

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from fairdeid.corpora.jsonl import write_jsonl
    from fairdeid.errors import FairdeidError

    if old_n is not None:
        deprecated("--n", "-n/--count")
        n = old_n
    from fairdeid.locales import expand_locales

    codes = expand_locales(locales) if locales else None
    kinds = [k.strip() for k in note_types.split(",") if k.strip()] if note_types else None
    try:
        gen = _generator(lang, seed, codes, kinds, profile, name_titles, config)
    except (FairdeidError, ValueError) as exc:
        raise fail(str(exc)) from None

    labels: Counter[str] = Counter()
    start = time.perf_counter()
    with Progress(
        "[bold]generate[/bold]",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("generate", total=n)

        def docs():  # type: ignore[no-untyped-def]
            for doc in gen.generate(n):
                labels.update(s.label for s in doc.spans)
                progress.advance(task)
                yield doc

        written = write_jsonl(docs(), out)
    elapsed = time.perf_counter() - start
    note(
        f"wrote {plural(written, 'note')} ({plural(sum(labels.values()), 'span')}, "
        f"{plural(len(labels), 'label')}) to {out} in {elapsed:.1f} s"
    )
    where = "inside" if gen.titles.mode == "include" else "outside"
    note(f"titles before names are {where} the name spans (--name-titles {gen.titles.mode})")


def _generator(
    lang: str,
    seed: int,
    codes: list[str] | None,
    kinds: list[str] | None,
    profile: str,
    name_titles: str | None = None,
    config: Path | None = None,
) -> Any:
    """The English generator, or the one of ``lang``; ValueError for an unknown language or
    profile, ConfigError for a bad ``name_titles`` or config."""
    from fairdeid.corpora.synth import NoteGenerator

    if lang == "en":
        return NoteGenerator(seed, codes, note_types=kinds, profile=profile,
                             name_titles=name_titles, config=config)
    from fairdeid.corpora.synth.lang import LangNoteGenerator

    if profile != "default":
        raise ValueError("--profile applies to English notes only")
    if codes:
        raise ValueError("--locales applies to English notes only; other languages draw names "
                         "from their own country's pools")
    return LangNoteGenerator(lang, seed, note_types=kinds, name_titles=name_titles,
                             config=config)
