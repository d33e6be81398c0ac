"""`fairdeid llm serve`: a small local model behind an OpenAI-compatible API, on loopback.

The command prints the base URL on stdout (one line, for scripts) once the server answers, and
stops the server on Ctrl+C or SIGTERM. ``configs/llm-local.toml`` points at the default port.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from fairdeid.cli.app import FairdeidCommand, FairdeidGroup, app, console

llm_app = typer.Typer(
    name="llm",
    cls=FairdeidGroup,
    help="Run a local LLM for the llm and llm_hybrid detectors.",
    no_args_is_help=True,
)
app.add_typer(llm_app, name="llm")


@llm_app.command("serve", cls=FairdeidCommand)
def serve(
    model: Annotated[
        str,
        typer.Option(help="smollm2-135m, gemma3-270m, or a path to a .gguf file"),
    ] = "smollm2-135m",
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1 (0: any free port)")] = 8080,
    ctx: Annotated[
        int | None, typer.Option("--ctx", help="Context window in tokens (default: the model's)")
    ] = None,
    threads: Annotated[int, typer.Option(min=0, help="CPU threads (0: all cores)")] = 0,
    chat_format: Annotated[
        str | None,
        typer.Option(help="llama-cpp-python chat format (default: the template in the GGUF)"),
    ] = None,
    log: Annotated[
        Path | None, typer.Option(help="Keep the server's log in this file")
    ] = None,
    start_timeout: Annotated[
        float, typer.Option(min=1.0, help="Seconds to wait for the server to load the model")
    ] = 180.0,
) -> None:
    """Serve a GGUF model with llama-cpp-python on 127.0.0.1 until Ctrl+C / SIGTERM."""
    from fairdeid.detect.llm.local import DEFAULT_ALIAS, LocalServer, spec_for
    from fairdeid.errors import ConfigError

    try:
        spec = spec_for(model, port=port, n_ctx=ctx, threads=threads, chat_format=chat_format)
    except ConfigError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    server = LocalServer(spec, log)
    console.print(
        f"starting {model} ({spec.model_path.name}, context {spec.n_ctx} tokens) "
        f"on {spec.base_url} ..."
    )

    def ready(url: str) -> None:
        console.print(
            f"ready: base_url = {url!r}, model = {DEFAULT_ALIAS!r} "
            "(configs/llm-local.toml); Ctrl+C to stop"
        )
        print(url, flush=True)

    from fairdeid.detect.llm.local import serve_until_signalled

    try:
        code = serve_until_signalled(server, ready, timeout=start_timeout)
    except ConfigError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if code:
        console.print("[red]error:[/] the llama.cpp server stopped unexpectedly")
    else:
        console.print("stopped")
    raise typer.Exit(code)
