"""`fairdeid locales` lists every pool with its counts."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.locales import ALL_LOCALE_CODES


def test_locales_table() -> None:
    result = CliRunner().invoke(app, ["locales", "--sample"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for code in ALL_LOCALE_CODES:
        assert code in result.output


def test_locales_json() -> None:
    result = CliRunner().invoke(app, ["locales", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == set(ALL_LOCALE_CODES)
    assert all(v["female"] > 0 and v["male"] > 0 for v in data.values())
