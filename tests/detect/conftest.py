"""Fixtures shared by the detector tests: the English rules (built once), no proxy, and a scripted
local server for the LLM detector."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from llm_server import ScriptedServer  # noqa: E402

from fairdeid.detect.rules import RuleDetector  # noqa: E402


@pytest.fixture(scope="session")
def det() -> RuleDetector:
    """The English rules with the default settings; building them costs a second, so once."""
    return RuleDetector.from_config({})


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test servers listen on 127.0.0.1; a proxy from the environment must not intercept."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as srv:
        yield srv
