"""Every ``fairdeid`` command line in README.md and docs/*.md parses as written.

The command lines come from ```bash / ```console / ```sh / ```shell blocks: a ``$`` prompt is
dropped, ``\\`` continuations are joined, and ``&&``, ``|``, ``;`` and redirections split a line
into commands. Each ``fairdeid ...`` command is parsed by the real command-line parser (options,
arguments, required values, choices) without running it, so a renamed flag, a flag that takes a
value or a missing ``-o`` in the docs fails here. Python blocks preceded by
``<!-- runnable -->`` are run from the repository root.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from fairdeid.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
_SHELL = {"bash", "console", "sh", "shell"}
_SPLIT = {"&&", "||", "|", ";", "&"}
_REDIRECT = re.compile(r"^\d?[<>]{1,2}&?\d*$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _blocks(path: Path) -> list[tuple[str, str, int, str]]:
    """(language, body, line number, text before the block) for each fenced block."""
    text = path.read_text(encoding="utf-8")
    return [
        (m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1, text[: m.start()])
        for m in _FENCE.finditer(text)
    ]


def _shell_lines(body: str, console: bool) -> list[str]:
    """Logical command lines: prompts kept only in console blocks, continuations joined."""
    lines: list[str] = []
    pending = ""
    for raw in body.splitlines():
        line = raw.rstrip()
        if console and not pending:
            if not line.startswith("$ "):
                continue  # output
            line = line[2:]
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return [x.strip() for x in lines if x.strip() and not x.strip().startswith("#")]


def _commands(line: str) -> list[list[str]]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
        elif token in _SPLIT:
            commands.append([])
        elif _REDIRECT.match(token):
            skip_next = True  # the redirection's target
        elif not commands[-1] and _ASSIGNMENT.match(token):
            continue  # VAR=value before the command
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def _fairdeid_commands() -> list[tuple[str, list[str]]]:
    found = []
    for path in DOCS:
        for lang, body, lineno, _ in _blocks(path):
            if not lang:  # an unmarked block: a console session if it has prompts
                lang = "console" if re.search(r"^\$ ", body, re.M) else "bash"
            if lang not in _SHELL:
                continue
            for line in _shell_lines(body, console=lang == "console"):
                if not re.search(r"(^|[\s;&|(])fairdeid\s", line):
                    continue  # curl, pip, python ...: other tools' syntax is not ours to check
                for cmd in _commands(line):
                    if cmd[0] == "fairdeid":
                        found.append((f"{path.name}:{lineno}", cmd[1:]))
    return found


COMMANDS = _fairdeid_commands()


def test_the_docs_have_command_lines() -> None:
    assert len(COMMANDS) >= 20
    assert {args[0] for _, args in COMMANDS if args} >= {
        "deidentify", "evaluate", "audit", "bench", "generate", "localize", "train", "batch",
    }


@pytest.mark.parametrize(("where", "args"), COMMANDS, ids=[w for w, _ in COMMANDS])
def test_command_line_parses(where: str, args: list[str]) -> None:
    """Parse like the shell would hand it over, stopping before the command body runs."""
    group = typer.main.get_command(app)
    try:
        if not args or args[0].startswith("-"):
            group.make_context("fairdeid", list(args))  # --version, --help
            return
        ctx = group.make_context("fairdeid", [args[0]])
        with ctx:
            command = group.get_command(ctx, args[0])  # type: ignore[attr-defined]
            assert command is not None, f"{where}: unknown command {args[0]}"
            command.make_context(args[0], list(args[1:]), parent=ctx)
    except typer.Exit as exc:  # --help and eager options end the parse successfully
        assert exc.exit_code == 0, where


def _runnable_python() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for lang, body, lineno, before in _blocks(path):
            if lang == "python" and before.rstrip().endswith("<!-- runnable -->"):
                found.append((f"{path.name}:{lineno}", body))
    return found


PYTHON = _runnable_python()


@pytest.mark.parametrize(("where", "code"), PYTHON, ids=[w for w, _ in PYTHON])
def test_runnable_python_snippet(where: str, code: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (
        str(ROOT / "src"), os.environ.get("PYTHONPATH"))))}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert proc.returncode == 0, f"{where}: {proc.stderr[-2000:]}"
