"""One chat-completion call per chunk against an OpenAI-compatible server, with retries.

vLLM, Ollama, llama.cpp's server and hosted APIs all speak ``POST /v1/chat/completions`` but
differ in what ``response_format`` they accept. ``auto`` starts with a JSON schema (constrained
decoding: always valid JSON, labels from our enum); a 400/422 that complains about the response
format steps down to ``json_object`` and then to no format at all, and the step is remembered for
every later request of the detector. Transient failures (429, 5xx, timeouts, dropped connections,
unreadable replies) are retried with exponential backoff, honouring ``Retry-After``.

Error messages carry status codes and reasons, never the server's response body: servers echo the
prompt in their errors, and the prompt is a clinical note.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from fairdeid.detect.llm.config import LLMConfig
from fairdeid.detect.llm.parse import ParsedAnswer, ParseError, parse_answer
from fairdeid.detect.llm.prompts import Prompt

log = logging.getLogger("fairdeid.detect.llm")

_FORMAT_STEPS = {"json_schema": "json_object", "json_object": "none"}
_FORMAT_HINTS = (
    "response_format",
    "json_schema",
    "json_object",
    "schema",
    "structured",
    "guided",
    "grammar",
)
_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class LLMStats:
    """Cumulative counters of a detector (``reset()`` between benchmark runs).

    ``errors`` counts chunks that failed after every retry; documents they belong to are listed
    in the detector's ``errors``. ``chars_sent / chars_seen`` is the share of input text sent to
    the model (above 1 with chunk overlap, well below it in hybrid mode).
    """

    documents: int = 0
    words: int = 0
    chars_seen: int = 0
    chars_sent: int = 0
    chunks: int = 0
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    entities: int = 0
    hallucinations: int = 0
    unknown_labels: int = 0
    invalid_items: int = 0
    repaired: int = 0
    truncated: int = 0
    retries: int = 0
    fallbacks: int = 0
    errors: int = 0
    windows_total: int = 0
    windows_sent: int = 0
    wall_s: float = 0.0

    def reset(self) -> None:
        for key, value in asdict(LLMStats()).items():
            setattr(self, key, value)

    def as_dict(self) -> dict[str, float]:
        out: dict[str, float] = dict(asdict(self))
        out["words_per_s"] = self.words / self.wall_s if self.wall_s > 0 else 0.0
        docs = max(self.documents, 1)
        out["tokens_per_document"] = (self.prompt_tokens + self.completion_tokens) / docs
        out["sent_fraction"] = self.chars_sent / self.chars_seen if self.chars_seen else 0.0
        return out


class ChunkError(Exception):
    """A chunk failed for good. ``reason`` is safe to log (no text from the note or server)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChatClient:
    """Builds requests for one prompt and sends them with retries; shared by all chunks."""

    def __init__(
        self, config: LLMConfig, prompt: Prompt, stats: LLMStats, sleep: Sleep | None = None
    ) -> None:
        self.config = config
        self.prompt = prompt
        self.stats = stats
        self.sleep: Sleep = sleep or asyncio.sleep
        auto = config.structured_output == "auto"
        #: Current response format; ``auto`` steps it down and it stays down.
        self.mode = "json_schema" if auto else config.structured_output
        self._auto = auto
        self._schema = prompt.json_schema()

    def headers(self) -> dict[str, str]:
        key = self.config.api_key()
        return {"Authorization": f"Bearer {key}"} if key else {}

    def body(self, text: str, mode: str) -> dict[str, Any]:
        body: dict[str, Any] = dict(self.config.extra_body)
        body.update(
            model=self.config.model,
            messages=self.prompt.messages(text),
            temperature=self.config.temperature,
            max_tokens=self.config.max_tokens,
            stream=False,
        )
        if mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "phi_entities", "strict": True, "schema": self._schema},
            }
        elif mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    async def complete(
        self, http: httpx.AsyncClient, limit: asyncio.Semaphore, text: str, where: str
    ) -> ParsedAnswer:
        """The parsed answer for one chunk, or ``ChunkError`` after the last retry."""
        attempt = 0
        while True:
            mode = self.mode
            delay: float | None = None
            try:
                async with limit:
                    self.stats.requests += 1
                    response = await http.post(self.config.chat_url, json=self.body(text, mode))
            except httpx.TimeoutException:
                reason = "timeout"
            except httpx.TransportError as exc:
                reason = f"connection error ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        return self._read(response)
                    except ParseError as exc:
                        reason = str(exc)
                elif status in (400, 422) and self._auto and self._format_rejected(response, mode):
                    self._step_down(mode, where)
                    continue
                elif status in _RETRY_STATUS:
                    reason = f"HTTP {status}"
                    if status == 429:
                        delay = _retry_after(response.headers.get("retry-after"))
                else:
                    raise ChunkError(f"HTTP {status}")
            if attempt >= self.config.retries:
                raise ChunkError(f"{reason} after {attempt + 1} attempts")
            if delay is None:
                delay = min(self.config.backoff * 2**attempt, self.config.backoff_max)
                delay *= 1 + 0.1 * random.random()  # jitter: concurrent chunks don't stampede
            else:
                delay = min(delay, self.config.retry_after_max)
            attempt += 1
            self.stats.retries += 1
            log.info(
                "%s: %s; retry %d/%d in %.2fs", where, reason, attempt, self.config.retries, delay
            )
            await self.sleep(delay)

    def _read(self, response: httpx.Response) -> ParsedAnswer:
        try:
            data = response.json()
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ParseError("response is not a chat completion") from None
        usage = data.get("usage") or {}
        if isinstance(usage, dict):
            self.stats.prompt_tokens += _int(usage.get("prompt_tokens"))
            self.stats.completion_tokens += _int(usage.get("completion_tokens"))
        if isinstance(content, list):  # content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        if not isinstance(content, str):
            raise ParseError("chat completion has no text content")
        if choice.get("finish_reason") == "length":
            self.stats.truncated += 1
        answer = parse_answer(content)
        self.stats.repaired += int(answer.repaired)
        self.stats.invalid_items += answer.invalid_items
        return answer

    def _format_rejected(self, response: httpx.Response, mode: str) -> bool:
        if mode == "none":
            return False
        try:
            text = response.text.lower()
        except (UnicodeDecodeError, httpx.HTTPError):
            return False
        return any(hint in text for hint in _FORMAT_HINTS)

    def _step_down(self, mode: str, where: str) -> None:
        if self.mode == mode:  # concurrent chunks may all report the same rejection
            self.mode = _FORMAT_STEPS[mode]
            self.stats.fallbacks += 1
            log.warning(
                "%s: server rejected response_format %r; using %r from now on",
                where,
                mode,
                self.mode,
            )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
