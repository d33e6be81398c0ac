"""Evaluation plumbing: the library must not depend on the CLI."""

from __future__ import annotations

import io
import subprocess
import sys

from rich.console import Console

from fairdeid.evaluate.runner import progress_bar


def test_progress_bar_does_not_import_the_cli() -> None:
    """Library code importing ``fairdeid.cli`` drags Typer in and ties evaluation to one UI."""
    code = (
        "import sys\n"
        "from fairdeid.evaluate.runner import progress_bar\n"
        "with progress_bar(True) as bar:\n"
        "    bar.add_task('x', total=1)\n"
        "print('fairdeid.cli' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_progress_bar_draws_on_the_callers_console() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=80)
    with progress_bar(True, console) as bar:
        assert bar is not None and bar.console is console
    with progress_bar(False, console) as bar:
        assert bar is None
