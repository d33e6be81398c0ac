"""Packaging: one version everywhere, ``python -m fairdeid``, the licence, the built metadata."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import tomllib
from email.parser import Parser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fairdeid
from _scripts import load_script
from fairdeid.cli import app

ROOT = Path(__file__).resolve().parents[1]
#: sha256 of the Apache License 2.0 text as published at apache.org/licenses/LICENSE-2.0.txt
APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"


def _pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_version_is_the_installed_distributions() -> None:
    assert fairdeid.__version__ == importlib.metadata.version("fairdeid")


def test_cli_version_agrees_with_the_package() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"fairdeid {fairdeid.__version__}"


def test_python_dash_m_fairdeid_runs_the_cli() -> None:
    done = _run("-m", "fairdeid", "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"fairdeid {fairdeid.__version__}"
    helped = _run("-m", "fairdeid", "--help")
    assert helped.returncode == 0 and "deidentify" in helped.stdout


def test_version_without_installed_metadata_is_marked_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(fairdeid._metadata, "version", missing)
    assert fairdeid._installed_version() == fairdeid.UNKNOWN_VERSION == "0+unknown"


def test_license_file_is_the_standard_apache_text() -> None:
    text = (ROOT / "LICENSE").read_bytes()
    assert hashlib.sha256(text).hexdigest() == APACHE_2_SHA256


def test_pyproject_license_is_spdx_with_a_backend_that_reads_it() -> None:
    project = _pyproject()
    assert project["project"]["license"] == "Apache-2.0"
    assert project["project"]["license-files"] == ["LICENSE"]
    # setuptools reads SPDX strings and license-files from 77 on (PEP 639)
    requires = project["build-system"]["requires"]
    assert "setuptools>=77" in requires


@pytest.fixture(scope="module")
def built_metadata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dist-info the build backend makes for a wheel (no wheel built, nothing installed)."""
    out = tmp_path_factory.mktemp("metadata")
    code = (
        "import sys, setuptools.build_meta as b;"
        f"print(b.prepare_metadata_for_build_wheel({str(out)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out / done.stdout.strip().splitlines()[-1]


def test_built_metadata_has_version_license_and_spacy_entry_point(built_metadata: Path) -> None:
    meta = Parser().parsestr((built_metadata / "METADATA").read_text("utf-8"))
    assert meta["Version"] == _pyproject()["project"]["version"]
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert (built_metadata / "licenses" / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {"spacy", "presidio"} <= extras
    entry_points = (built_metadata / "entry_points.txt").read_text("utf-8")
    assert "[spacy_factories]\nfairdeid = fairdeid.integrations.spacy:make_component" in (
        entry_points
    )
    assert "[console_scripts]\nfairdeid = fairdeid.cli:main" in entry_points


# -- docs/api.md ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_docs():  # type: ignore[no-untyped-def]
    """scripts/build_api_docs.py, imported as a module."""
    return load_script("scripts/build_api_docs.py")


def _section(page: str, heading: str) -> str:
    start = page.index(heading)
    nxt = page.find("\n### ", start + len(heading))
    return page[start : nxt if nxt != -1 else len(page)]


def test_api_page_is_up_to_date(api_docs) -> None:  # type: ignore[no-untyped-def]
    page = (ROOT / "docs" / "api.md").read_text("utf-8")
    assert page == api_docs.render(), "docs/api.md is stale: run python scripts/build_api_docs.py"


def test_api_page_covers_the_public_api_and_every_detector(api_docs) -> None:  # type: ignore[no-untyped-def]
    from fairdeid.detect.base import _BUILTIN

    page = api_docs.render()
    for name in ("Pipeline", "Document", "Span", "Detection", "Proposal", "Result", "BaseDetector"):
        assert f"### `{name}`" in page
    assert "### `Detector (protocol)`" in page and "### `FallibleDetector (protocol)`" in page
    assert "### `register_detector`" in page
    for detector in _BUILTIN:  # tests register more; the built-ins are the documented ones
        assert f"### `{detector}`" in page


def test_every_rules_key_is_documented(api_docs) -> None:  # type: ignore[no-untyped-def]
    from fairdeid.detect.rules.detector import _KNOWN_KEYS

    rules = _section(api_docs.render(), "### `rules`")
    assert all(f"{key} =" in rules for key in _KNOWN_KEYS)


def test_every_config_key_has_a_meaning_and_no_note_is_stale(api_docs) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import inspect

    from fairdeid.detect.llm.config import LLMConfig
    from fairdeid.detect.llm.hybrid import HybridConfig
    from fairdeid.detect.peers import (
        DeduceDetector,
        PresidioDetector,
        PyDeidDetector,
        ScrubadubDetector,
    )
    from fairdeid.resolve import ResolveConfig

    keys: dict[str, set[str]] = {
        cls.__name__: {f.name for f in dataclasses.fields(cls)}
        for cls in (LLMConfig, HybridConfig, ResolveConfig)
    }
    for cls in (PresidioDetector, ScrubadubDetector, PyDeidDetector, DeduceDetector):
        params = inspect.signature(cls.__init__).parameters.values()
        keys[cls.__name__] = {p.name for p in params if p.kind is p.KEYWORD_ONLY}
    for owner, field in api_docs.FIELD_NOTES:
        assert field in keys[owner], f"FIELD_NOTES names {owner}.{field}, which is gone"
    page = api_docs.render()
    for rows in [line for line in page.splitlines() if line.startswith("| `")]:
        assert not rows.rstrip().endswith("|  |"), f"config key without a meaning: {rows}"
