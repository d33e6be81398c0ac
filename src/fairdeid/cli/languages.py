"""`fairdeid languages`: the language packs installed, so a user can see which notes get their
own language's rules and which go through English (with a warning)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from fairdeid.cli.app import command, emit_line, emit_table, stdout


@command("languages")
def languages(
    as_json: Annotated[bool, typer.Option("--json", help="The packs as JSON on stdout.")] = False,
) -> None:
    """List the installed language packs (what --lang accepts besides auto and en)."""
    from fairdeid.lang.packs import available_languages, load_pack

    rows: list[dict[str, Any]] = [{"language": "en", "name": "English", "native_name": "English",
             "detectors": ["(the pipeline config)"], "locales": []}]
    for code in available_languages():
        pack = load_pack(code)
        detectors = list(pack.config.get("pipeline", {}).get("detectors", ["rules"]))
        rows.append({"language": code, "name": pack.name, "native_name": pack.native_name,
                     "detectors": detectors, "locales": list(pack.locales)})
    if as_json:
        emit_line(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    emit_table(
        "fairdeid language packs" if stdout().is_terminal else None,
        ["language", "name", "native name", "detectors", "locales"],
        [[r["language"], r["name"], r["native_name"], "+".join(r["detectors"]),
          ",".join(r["locales"])] for r in rows],
    )
