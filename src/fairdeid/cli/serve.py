"""`fairdeid serve`: the REST API, review page and annotation page on one port."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from fairdeid.cli.app import command, fail, lang_option, note
from fairdeid.lang.routing import with_language

#: uvicorn logging without the access logger: ours (fairdeid.serve.access) logs method, path and
#: status only. uvicorn's would add the query string, which is client-controlled text.
LOG_CONFIG: dict[str, object] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                   "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "fairdeid": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


@command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind (loopback default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", metavar="FILE", help="Pipeline TOML")
    ] = None,
    token_env: Annotated[
        str | None,
        typer.Option("--token-env", help="Env var holding a bearer token required on /v1"),
    ] = None,
    max_chars: Annotated[int, typer.Option(help="Characters per document")] = 100_000,
    max_batch: Annotated[int, typer.Option(help="Documents per request")] = 64,
    max_body_mb: Annotated[float, typer.Option(help="Request body size limit (MiB)")] = 8.0,
    max_request_chars: Annotated[
        int, typer.Option(min=1, help="Characters of all documents of one request together")
    ] = 1_000_000,
    request_timeout: Annotated[
        float,
        typer.Option(min=0.001, help="Seconds a request may take, queueing included (503 after)"),
    ] = 60.0,
    workers: Annotated[
        int, typer.Option(min=1, help="Pipeline calls run at once (threads)")
    ] = 1,
    no_access_log: Annotated[
        bool, typer.Option("--no-access-log", help="Silence the per-request log line")
    ] = False,
    lang: Annotated[
        str | None, lang_option("A request's `language` field can fix it per request.")
    ] = None,
) -> None:
    """Serve the REST API (/v1/deidentify, /v1/detect, /docs), the review page (/) and the
    annotation page (/annotate)."""
    from fairdeid.cli.extras import MissingExtraError, missing_extra_is_an_error, require

    try:
        require("fairdeid serve", ["fastapi", "uvicorn"])
        with missing_extra_is_an_error("fairdeid serve"):
            import uvicorn

            from fairdeid.serve.api import create_app
            from fairdeid.serve.engine import check_config
    except MissingExtraError as exc:
        raise fail(str(exc)) from None
    from fairdeid.errors import ConfigError

    token: str | None = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise fail(f"--token-env {token_env}: the variable is unset or empty")
    source: Path | dict[str, Any] | None = config
    try:
        if lang is not None:
            source = with_language(config, lang)
        # Also refuses a surrogate server without a strong key: replicas and restarts must
        # give a patient the same surrogates, which a random per-process key cannot.
        with missing_extra_is_an_error("this pipeline"):
            check_config(source)
    except (ConfigError, MissingExtraError) as exc:
        raise fail(str(exc)) from None
    if host not in ("127.0.0.1", "localhost", "::1") and token is None:
        note("warning: listening beyond loopback without --token-env; anyone who can reach "
             "this port can submit notes", "yellow")
    application = create_app(
        source,
        token=token,
        max_chars=max_chars,
        max_batch=max_batch,
        max_body_bytes=int(max_body_mb * 1024 * 1024),
        max_request_chars=max_request_chars,
        request_timeout=request_timeout,
        workers=workers,
    )
    log_config = dict(LOG_CONFIG)
    if no_access_log:
        loggers = dict(log_config["loggers"])  # type: ignore[call-overload]
        loggers["fairdeid.serve.access"] = {"level": "WARNING"}
        log_config["loggers"] = loggers
    url = f"http://{host}:{port}"
    note(f"review page: {url}/   annotation: {url}/annotate   API docs: {url}/docs")
    uvicorn.run(application, host=host, port=port, access_log=False, log_config=log_config,
                server_header=False)
