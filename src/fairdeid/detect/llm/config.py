"""Settings of the LLM detector (``[detectors.llm]`` in a pipeline TOML).

One frozen dataclass, validated once at build time, so a typo in a hospital's config fails when the
pipeline is built and not half-way through a night's batch. The API key itself is never part of the
config (configs get committed); only the *name* of the environment variable that holds it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from fairdeid.errors import ConfigError

#: ``json_object_schema`` is llama-cpp-python's form of a schema (``{"type": "json_object",
#: "schema": ...}``, turned into a grammar); its server refuses OpenAI's ``json_schema``.
STRUCTURED_OUTPUT_MODES = ("auto", "json_schema", "json_object_schema", "json_object", "none")
UNKNOWN_LABEL_POLICIES = ("OTHER", "drop")
ON_ERROR_POLICIES = ("report", "raise")


@dataclass(frozen=True)
class LLMConfig:
    """Everything that shapes the requests and how answers become spans."""

    model: str
    #: Server root; ``/v1/chat/completions`` is appended (a trailing ``/v1`` is tolerated).
    base_url: str = "http://localhost:8000"
    #: Name of the environment variable holding the API key; ``None`` for local servers.
    api_key_env: str | None = None
    temperature: float = 0.0
    max_tokens: int = 1024
    #: Requests in flight at once, over all chunks of all documents of a batch.
    concurrency: int = 4
    #: Seconds per request (connect, read and write each).
    timeout: float = 60.0
    #: Extra attempts per chunk after the first (HTTP 429/5xx, timeouts, unparseable answers).
    retries: int = 3
    #: Seconds one note may take in all (every chunk, retry, backoff and split), counted from its
    #: first request; then it fails. Bounds a hanging server at far less than timeout x attempts.
    note_deadline: float = 300.0
    #: Check once, when the detector is built, that ``GET /v1/models`` answers; a config that
    #: points at no server then fails in seconds. ``false`` for servers without that endpoint.
    probe: bool = True
    #: Seconds the reachability check waits (connect and answer).
    probe_timeout: float = 2.0
    #: First backoff in seconds; doubles per attempt up to ``backoff_max``.
    backoff: float = 1.0
    backoff_max: float = 30.0
    #: Longest ``Retry-After`` honoured, in seconds (a server asking for an hour is capped).
    retry_after_max: float = 60.0
    #: Packaged template name (``default``, ``compact``) or a path to a user TOML file.
    prompt: str = "default"
    few_shot: bool = False
    #: ``"fine"``, ``"coarse"`` or an explicit list of taxonomy labels; ``None`` = the template's.
    labels: str | Sequence[str] | None = None
    #: Characters per request; long notes are cut at whitespace with ``chunk_overlap`` shared.
    chunk_size: int = 2000
    chunk_overlap: int = 200
    #: A chunk whose answer is cut off by ``max_tokens`` is split in halves down to this many
    #: characters; truncated at this size, the note fails (it is never accepted half-read).
    min_chunk_size: int = 200
    structured_output: str = "auto"
    #: Entity matching: case-insensitive and whitespace-tolerant by default (models normalise).
    match_case: bool = False
    match_whitespace: bool = True
    #: Search each entity string over the whole note, not only the chunk where it was found, so
    #: a name the model saw once is removed everywhere (privacy first).
    propagate: bool = True
    #: What to do with labels outside the taxonomy: map to ``OTHER`` or drop the entity.
    unknown_label: str = "OTHER"
    #: Extra label aliases, model label -> taxonomy label (added to the built-in ones).
    label_aliases: Mapping[str, str] = field(default_factory=dict)
    #: Score given to every LLM span (LLMs give no calibrated score); resolve thresholds use it.
    score: float = 0.9
    #: ``report``: a failed document keeps what succeeded and is listed in ``detector.errors``;
    #: ``raise``: the batch finishes, then ``LLMDetectionError`` names the failed documents.
    on_error: str = "report"
    #: Extra JSON merged into every request body (e.g. vLLM ``top_k``, ``seed``).
    extra_body: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model:
            raise ConfigError("[detectors.llm] needs a 'model' name")
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigError("[detectors.llm] base_url must start with http:// or https://")
        if self.structured_output not in STRUCTURED_OUTPUT_MODES:
            raise ConfigError(
                f"[detectors.llm] structured_output must be one of {STRUCTURED_OUTPUT_MODES}"
            )
        if self.unknown_label not in UNKNOWN_LABEL_POLICIES:
            raise ConfigError(
                f"[detectors.llm] unknown_label must be one of {UNKNOWN_LABEL_POLICIES}"
            )
        if self.on_error not in ON_ERROR_POLICIES:
            raise ConfigError(f"[detectors.llm] on_error must be one of {ON_ERROR_POLICIES}")
        for name in ("concurrency", "max_tokens", "chunk_size"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"[detectors.llm] {name} must be at least 1")
        if self.retries < 0 or self.timeout <= 0 or self.backoff < 0:
            raise ConfigError("[detectors.llm] retries, timeout and backoff must be non-negative")
        if self.note_deadline <= 0 or self.probe_timeout <= 0:
            raise ConfigError("[detectors.llm] note_deadline and probe_timeout must be positive")
        if self.min_chunk_size < 1:
            raise ConfigError("[detectors.llm] min_chunk_size must be at least 1")
        if not 0 <= self.chunk_overlap < self.chunk_size // 2 + 1:
            raise ConfigError("[detectors.llm] chunk_overlap must be between 0 and chunk_size / 2")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LLMConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown [detectors.llm] keys: {sorted(unknown)}")
        if "model" not in data:
            raise ConfigError("[detectors.llm] needs a 'model' name")
        return cls(**dict(data))

    @property
    def api_root(self) -> str:
        """``base_url`` without a trailing ``/`` or ``/v1``."""
        base = self.base_url.rstrip("/")
        return base[: -len("/v1")] if base.endswith("/v1") else base

    @property
    def chat_url(self) -> str:
        return self.api_root + "/v1/chat/completions"

    @property
    def models_url(self) -> str:
        return self.api_root + "/v1/models"

    def api_key(self) -> str | None:
        """Read the key from the environment; a named but unset variable is a config error."""
        if not self.api_key_env:
            return None
        key = os.environ.get(self.api_key_env)
        if not key:
            raise ConfigError(
                f"[detectors.llm] api_key_env names {self.api_key_env!r}, which is not set"
            )
        return key
