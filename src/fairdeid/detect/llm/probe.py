"""Fail fast when the configured server is not there.

Without this check a config that points at no server (wrong port, server not started) costs
every record its timeouts and retries before failing. One ``GET /v1/models`` with a short
timeout when the detector is built turns that into a clear error within seconds. Servers that
do not serve ``/v1/models`` need ``probe = false``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from fairdeid.detect.llm.config import LLMConfig
from fairdeid.errors import ConfigError

log = logging.getLogger("fairdeid.detect.llm")


class LLMServerUnreachableError(ConfigError):
    """The LLM server named in the config did not answer the reachability check."""


def check_server(config: LLMConfig, headers: Mapping[str, str]) -> None:
    """Raise ``LLMServerUnreachableError`` unless ``GET /v1/models`` answers.

    Only a missing or refusing server is an error (no answer, 401/403, 404). Any other answer
    means something is listening, and per-request handling takes it from there; a model name the
    server does not list is logged, since some servers (llama.cpp) accept any name.
    """
    url = config.models_url
    where = shown_url(config.base_url)
    hint = "start the server, fix base_url, or set probe = false to skip this check"
    try:
        with httpx.Client(timeout=config.probe_timeout, headers=dict(headers)) as http:
            response = http.get(url)
    except httpx.TimeoutException:
        raise LLMServerUnreachableError(
            f"LLM server at {where} did not answer GET /v1/models within "
            f"{config.probe_timeout:g}s; {hint}"
        ) from None
    except httpx.HTTPError as exc:
        raise LLMServerUnreachableError(
            f"cannot reach the LLM server at {where} ({type(exc).__name__}); {hint}"
        ) from None
    status = response.status_code
    if status in (401, 403):
        raise LLMServerUnreachableError(
            f"LLM server at {where} refused the credentials (HTTP {status}); check api_key_env"
        )
    if status == 404:
        raise LLMServerUnreachableError(
            f"LLM server at {where} has no /v1/models (HTTP 404): is base_url the "
            "root of an OpenAI-compatible API? Set probe = false for servers without /v1/models"
        )
    if status != 200:
        log.warning("LLM server at %s answered GET /v1/models with HTTP %d", where, status)
        return
    models = _model_ids(response)
    if models and config.model not in models:
        log.warning(
            "LLM server at %s does not list model %r (it lists %d model(s))",
            where,
            config.model,
            len(models),
        )


def shown_url(url: str) -> str:
    """``url`` fit for messages: no user, password or query (they may hold credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _model_ids(response: httpx.Response) -> set[str]:
    try:
        data = response.json().get("data", [])
        return {str(m["id"]) for m in data if isinstance(m, dict) and "id" in m}
    except (ValueError, AttributeError, TypeError):
        return set()
