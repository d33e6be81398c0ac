"""A fresh run never appends to (or wipes) the mapping file of an earlier run: it is refused,
naming --resume; a resume continues the file; batch refuses a mapping file outright."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.replace.mapping import read_mapping

KEY = "tR7q-W2xk9LmZp4vBn8sYc3hJf6gDa1eUo5iNr0Q"  # long and random-looking: passes the check
PASSPHRASE = "mapping passphrase for the test"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIRDEID_KEY", KEY)
    monkeypatch.setenv("FAIRDEID_MAPPING_KEY", PASSPHRASE)


def _input(tmp_path: Path, text: str) -> Path:
    src = tmp_path / "notes.jsonl"
    src.write_text(json.dumps({"id": "n1", "text": text}) + "\n", "utf-8")
    return src


def _deidentify(src: Path, out: Path, mapping: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["deidentify", str(src), "-o", str(out), "--mode", "surrogate", "-d", "rules",
         "--lang", "en", "--mapping-file", str(mapping), *extra],
    )
    return result.exit_code, result.output


def test_a_fresh_run_refuses_an_existing_mapping_file(tmp_path: Path, env: None) -> None:
    mapping = tmp_path / "map.bin"
    code, output = _deidentify(
        _input(tmp_path, "Seen by Dr. Harold Finch on 3/4/2021."), tmp_path / "a.jsonl", mapping
    )
    assert code == 0, output
    before = mapping.read_bytes()
    assert len(read_mapping(mapping, PASSPHRASE)) >= 1

    src = _input(tmp_path, "Seen by Dr. Grace Hendricks on 5/6/2022.")
    code, output = _deidentify(src, tmp_path / "b.jsonl", mapping)
    assert code == 2, output
    assert "--resume" in output and "Grace" not in output
    assert mapping.read_bytes() == before  # neither appended to nor truncated
    assert not (tmp_path / "b.jsonl").exists()


def test_a_resumed_run_may_continue_its_mapping_file(tmp_path: Path, env: None) -> None:
    mapping = tmp_path / "map.bin"
    src = _input(tmp_path, "Seen by Dr. Harold Finch on 3/4/2021.")
    out = tmp_path / "a.jsonl"
    assert _deidentify(src, out, mapping)[0] == 0
    code, output = _deidentify(src, out, mapping, "--resume")
    assert code == 0, output


def test_an_empty_mapping_file_is_no_earlier_run(tmp_path: Path, env: None) -> None:
    mapping = tmp_path / "map.bin"
    mapping.write_bytes(b"")
    src = _input(tmp_path, "Seen by Dr. Harold Finch on 3/4/2021.")
    assert _deidentify(src, tmp_path / "a.jsonl", mapping)[0] == 0
    assert read_mapping(mapping, PASSPHRASE)


def test_batch_refuses_a_mapping_file(tmp_path: Path, env: None) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'[pipeline]\ndetectors = ["rules"]\n[replace]\nmapping_file = "{tmp_path / "m.bin"}"\n',
        "utf-8",
    )
    src = _input(tmp_path, "Seen by Dr. Harold Finch on 3/4/2021.")
    result = CliRunner().invoke(
        app,
        ["batch", str(src), str(tmp_path / "out"), "--local", "-c", str(config),
         "--mode", "surrogate"],
    )
    assert result.exit_code == 2, result.output
    assert "mapping_file" in result.output
    assert not (tmp_path / "m.bin").exists()
