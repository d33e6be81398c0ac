"""``missing_modules`` answers without importing, for installed, absent and broken names."""

from __future__ import annotations

import sys

from fairdeid.optional import missing_modules


def test_installed_modules_are_not_missing_and_absent_ones_are() -> None:
    assert missing_modules(["json", "fairdeid"]) == []
    assert missing_modules(["json", "no_such_module_fairdeid_x"]) == ["no_such_module_fairdeid_x"]


def test_a_submodule_of_an_absent_package_is_missing_not_an_error() -> None:
    assert missing_modules(["no_such_pkg_fairdeid.sub"]) == ["no_such_pkg_fairdeid.sub"]


def test_asking_does_not_import() -> None:
    name = "fairdeid.detect.llm.local"
    sys.modules.pop(name, None)
    assert missing_modules([name]) == []
    assert name not in sys.modules
