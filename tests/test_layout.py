"""The test tree: every module's basename is unique.

Why: the test folders are not packages, so pytest's default import mode imports each test
module (and each helper module next to it) under its bare basename. Two files with one name in
different folders (tests/test_runner.py and tests/evaluate/test_runner.py did once) make
collection fail for the whole run, so this test names them before that happens.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).parent
#: pytest imports these per folder by path, so one of each in every folder is fine.
_PER_FOLDER = frozenset({"__init__.py", "conftest.py"})


def duplicate_basenames(root: Path) -> dict[str, list[str]]:
    """Each Python basename used by more than one file under ``root``, with those files."""
    where: defaultdict[str, list[str]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        if path.name not in _PER_FOLDER:
            where[path.name].append(path.relative_to(root).as_posix())
    return {name: paths for name, paths in where.items() if len(paths) > 1}


def test_no_two_test_modules_share_a_basename() -> None:
    assert duplicate_basenames(TESTS) == {}


def test_a_shared_basename_is_found(tmp_path: Path) -> None:
    for folder in ("a", "b/c"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "test_runner.py").write_text("", encoding="utf-8")
        (tmp_path / folder / "conftest.py").write_text("", encoding="utf-8")
    (tmp_path / "a" / "test_other.py").write_text("", encoding="utf-8")
    assert duplicate_basenames(tmp_path) == {
        "test_runner.py": ["a/test_runner.py", "b/c/test_runner.py"],
    }
