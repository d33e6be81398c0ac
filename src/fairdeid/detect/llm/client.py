"""One chat-completion call per chunk against an OpenAI-compatible server, with retries.

vLLM, Ollama, llama.cpp's server and hosted APIs all speak ``POST /v1/chat/completions`` but
differ in what ``response_format`` they accept, and in how they refuse one (400, 422, even 500).
``auto`` finds out once: the first request of a batch goes alone with a JSON schema (constrained
decoding: always valid JSON, labels from our enum); any 4xx/5xx refusal steps it down to
``json_object`` and then to no format at all, and the first mode that gets an answer is kept for
every later request of the detector. Transient failures (429, 5xx, timeouts, dropped connections,
unreadable replies) are retried with exponential backoff, honouring ``Retry-After``, within the
note's deadline (``NoteClock``). An answer cut off by ``max_tokens`` is not retried as is: it
raises ``TruncatedAnswer`` and the detector splits the chunk.

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
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from fairdeid.detect.llm.config import LLMConfig
from fairdeid.detect.llm.parse import ParsedAnswer, ParseError, parse_answer
from fairdeid.detect.llm.prompts import Prompt

log = logging.getLogger("fairdeid.detect.llm")

_FORMAT_STEPS = {
    "json_schema": "json_object",
    "json_object_schema": "json_object",
    "json_object": "none",
}
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
#: Answers to the format probe that say nothing about the response format (auth, an unknown
#: model or path, rate limits).
_NOT_A_REFUSAL = {401, 403, 404, 407, 429}

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


class TruncatedAnswer(ChunkError):
    """The answer was cut off (``finish_reason = "length"`` or JSON that stops mid-value).

    ``answer`` holds what the model said before the cut; the chunk itself is unchecked.
    """

    def __init__(self, answer: ParsedAnswer) -> None:
        super().__init__("answer truncated (max_tokens reached)")
        self.answer = answer


@dataclass
class NoteClock:
    """The deadline of one note, shared by all its chunks (and the pieces they are split into).

    It starts when the note's first request gets a connection slot, not when the batch starts,
    so notes queued behind others in a large batch do not run out of time while waiting.
    """

    budget: float
    started: float | None = None

    def start(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    def remaining(self) -> float | None:
        """Seconds left, or ``None`` while the note has not started."""
        if self.started is None:
            return None
        return self.budget - (time.monotonic() - self.started)

    def expired(self, after: str | None = None) -> ChunkError:
        """The error of a note out of time; ``after``: the failure it was retrying, if any."""
        deadline = f"note deadline of {self.budget:g}s passed"
        return ChunkError(f"{after}, then {deadline}" if after else deadline)


@dataclass
class Session:
    """What the chunks of one batch share: the HTTP client, the slot limit, the format gate."""

    http: httpx.AsyncClient
    limit: asyncio.Semaphore
    #: Held by the request that finds out which response format the server takes.
    gate: asyncio.Lock = field(default_factory=asyncio.Lock)
    probed: bool = False


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
        #: Current response format; ``auto`` settles it on the first answer and keeps it.
        self.mode = "json_schema" if auto else config.structured_output
        #: Whether ``mode`` is known to work (always, unless ``auto`` has not had an answer yet).
        self.settled = not auto
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
        elif mode == "json_object_schema":
            body["response_format"] = {"type": "json_object", "schema": self._schema}
        elif mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    async def complete(
        self, session: Session, text: str, where: str, clock: NoteClock
    ) -> ParsedAnswer:
        """The parsed answer for one chunk; ``ChunkError`` after the last retry or deadline.

        While ``auto`` has not settled the format, the first chunk of the batch probes alone
        and the others wait for it, so a server that refuses the schema is asked once, not once
        per chunk. If that chunk fails for other reasons, the rest go ahead and probe themselves.
        """
        if not self.settled and not session.probed:
            async with session.gate:
                if not self.settled and not session.probed:
                    try:
                        return await self._attempts(session, text, where, clock)
                    finally:
                        session.probed = True
        return await self._attempts(session, text, where, clock)

    async def _attempts(
        self, session: Session, text: str, where: str, clock: NoteClock
    ) -> ParsedAnswer:
        attempt = 0
        probing = not self.settled
        mode = self.mode
        while True:
            probing = probing and not self.settled  # another chunk may have settled it
            if not probing:
                mode = self.mode
            delay: float | None = None
            try:
                response = await self._post(session, text, mode, clock)
            except httpx.TimeoutException:
                reason = "timeout"
            except httpx.TransportError as exc:
                reason = f"connection error ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        answer = self._read(response)
                    except ParseError as exc:  # e.g. a proxy's HTML page: settles nothing
                        reason = str(exc)
                    except TruncatedAnswer:
                        if probing:
                            self._settle(mode, where)
                        raise
                    else:
                        if probing:
                            self._settle(mode, where)
                        return answer
                elif probing and _refuses_format(status, mode):
                    mode = _FORMAT_STEPS[mode]
                    log.info("%s: HTTP %d to response_format; trying %r", where, status, mode)
                    continue
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
            left = clock.remaining()
            if left is not None and left <= delay:
                raise clock.expired(after=reason)
            attempt += 1
            self.stats.retries += 1
            log.info(
                "%s: %s; retry %d/%d in %.2fs", where, reason, attempt, self.config.retries, delay
            )
            await self.sleep(delay)

    async def _post(
        self, session: Session, text: str, mode: str, clock: NoteClock
    ) -> httpx.Response:
        """One request, bounded by what is left of the note's deadline (waiting for a slot too)."""
        try:
            async with asyncio.timeout(clock.remaining()):
                await session.limit.acquire()
            try:
                clock.start()
                async with asyncio.timeout(clock.remaining()):
                    self.stats.requests += 1
                    return await session.http.post(self.config.chat_url, json=self.body(text, mode))
            finally:
                session.limit.release()
        except TimeoutError:
            raise clock.expired() from None

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
        cut = isinstance(choice, dict) and choice.get("finish_reason") == "length"
        try:
            answer = parse_answer(content)
        except ParseError:
            if cut:  # cut off before any JSON started
                answer = ParsedAnswer(truncated=True)
            else:
                raise
        answer.truncated = answer.truncated or cut
        self.stats.repaired += int(answer.repaired)
        self.stats.invalid_items += answer.invalid_items
        if answer.truncated:
            self.stats.truncated += 1
            raise TruncatedAnswer(answer)
        return answer

    def _settle(self, mode: str, where: str) -> None:
        """Keep the first response format that got an answer, for every later request."""
        if self.settled:
            return
        self.settled = True
        if mode != self.mode:
            self.stats.fallbacks += 1
            log.warning(
                "%s: server refused response_format %r; using %r from now on",
                where,
                self.mode,
                mode,
            )
        self.mode = mode

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


def _refuses_format(status: int, mode: str) -> bool:
    """Whether a probe's error may be the server refusing ``mode`` (then step down).

    Any 4xx but auth, not-found and rate limits; a 5xx only for the schema (some servers crash
    on it), since a 5xx to plain ``json_object`` is far more likely an overloaded server.
    """
    if mode == "none" or status < 400 or status in _NOT_A_REFUSAL:
        return False
    return status < 500 or mode in ("json_schema", "json_object_schema")


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
