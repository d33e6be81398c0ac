"""``tests/_scripts.py``: a repository script imported once by its path, for its tests."""

from __future__ import annotations

import sys

import pytest

from _scripts import load_script


def test_a_script_is_imported_once_and_registered_under_its_file_name() -> None:
    first = load_script("scripts/build_api_docs.py")
    assert load_script("scripts/build_api_docs.py") is first
    assert sys.modules["build_api_docs"] is first
    assert callable(first.main)


def test_a_missing_script_is_named() -> None:
    with pytest.raises(FileNotFoundError, match="scripts/no_such_script.py"):
        load_script("scripts/no_such_script.py")
