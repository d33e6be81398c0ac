"""A real OpenAI-compatible chat server on 127.0.0.1 that replays scripted answers.

Used by tests/detect/test_llm.py and benchmarks/llm_hybrid.py. It is a stdlib ``http.server`` in a
daemon thread on an ephemeral port, so the LLM detector is exercised over real HTTP (connection
handling, timeouts, status codes, headers) without any model and without leaving loopback.

A reply comes from the script (a queue of ``Reply`` objects or callables, consumed in request
order) and, once the script is empty, from the ``responder`` (default: answer no entities).

``faulty(mode, inner)`` wraps a responder in one of ``FAULT_MODES`` (what real servers do when
things go wrong): a cut-off answer, a hang, an HTML page, an error status, an empty or partial
answer, garbage JSON, a dropped connection. ``GET /v1/models`` answers with ``models`` (the
reachability check of the detector), or with ``models_status``.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted HTTP answer. ``entities`` is a shortcut for a JSON ``content``."""

    content: str | None = None
    entities: list[dict[str, str]] | None = None
    status: int = 200
    body: str | None = None  # raw body; overrides the chat-completion envelope
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish_reason: str = "stop"
    usage: tuple[int, int] = (100, 10)
    content_type: str = "application/json"
    #: Never answer: hold the request until the server stops (a hung model).
    hang: bool = False
    #: Drop the connection (TCP reset) instead of answering.
    reset: bool = False

    def payload(self, model: str) -> bytes:
        if self.body is not None:
            return self.body.encode("utf-8")
        content = self.content
        if content is None:
            content = json.dumps({"entities": self.entities or []})
        data = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": self.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": self.usage[0],
                "completion_tokens": self.usage[1],
                "total_tokens": sum(self.usage),
            },
        }
        return json.dumps(data).encode("utf-8")


Responder = Callable[[dict[str, Any]], Reply]


def user_text(body: Mapping[str, Any]) -> str:
    """The last user message of a request (the prompt that carries the note)."""
    for message in reversed(body.get("messages", [])):
        if message.get("role") == "user":
            return str(message.get("content", ""))
    return ""


def oracle(gazetteer: Mapping[str, str]) -> Responder:
    """Answer every ``text -> label`` of ``gazetteer`` that occurs in the request's note."""

    def respond(body: dict[str, Any]) -> Reply:
        text = user_text(body)
        found = [{"text": t, "label": lab} for t, lab in gazetteer.items() if t in text]
        return Reply(entities=found, usage=(len(text) // 4 + 300, 12 * len(found) + 5))

    return respond


def rejects_schema(inner: Responder, modes: Iterable[str] = ("json_schema",)) -> Responder:
    """Like llama.cpp or an old Ollama: 400 for the ``response_format`` types in ``modes``."""
    rejected = set(modes)

    def respond(body: dict[str, Any]) -> Reply:
        fmt = (body.get("response_format") or {}).get("type")
        if fmt in rejected:
            msg = {"error": {"message": f"response_format type {fmt} is not supported"}}
            return Reply(status=400, body=json.dumps(msg))
        return inner(body)

    return respond


#: Status codes of the ``status:NNN`` fault modes.
FAULT_STATUSES = (400, 401, 404, 429, 500, 502, 503)
FAULT_MODES = (
    "truncate",
    "hang",
    "html",
    *(f"status:{code}" for code in FAULT_STATUSES),
    "empty",
    "partial",
    "garbage",
    "reset",
)


def faulty(mode: str, inner: Responder) -> Responder:
    """``inner`` gone wrong in the way ``mode`` (one of ``FAULT_MODES``) names, every time.

    ``truncate`` and ``partial`` keep what ``inner`` found before the cut, as a model that ran
    out of ``max_tokens`` would; both say ``finish_reason = "length"``.
    """

    def respond(body: dict[str, Any]) -> Reply:
        if mode == "truncate":
            full = json.dumps({"entities": inner(body).entities or [{"text": "x", "label": "X"}]})
            return Reply(content=full[: max(len(full) * 2 // 3, 14)], finish_reason="length")
        if mode == "partial":
            found = inner(body).entities or []
            return Reply(entities=found[: len(found) // 2], finish_reason="length")
        if mode == "hang":
            return Reply(hang=True)
        if mode == "html":
            page = "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>"
            return Reply(body=page, content_type="text/html")
        if mode.startswith("status:"):
            code = int(mode.partition(":")[2])
            return Reply(status=code, body=json.dumps({"error": {"message": f"error {code}"}}))
        if mode == "empty":
            return Reply(content="")
        if mode == "garbage":
            return Reply(content='{"entities": [{"text": Ana, "label": }}')
        if mode == "reset":
            return Reply(reset=True)
        raise ValueError(f"unknown fault mode {mode!r}")

    return respond


class ScriptedServer:
    """``with ScriptedServer(...) as server: ... server.base_url ... server.requests``."""

    def __init__(
        self, responder: Responder | None = None, script: Iterable[Reply | Responder] = ()
    ) -> None:
        self.responder: Responder = responder or (lambda body: Reply(entities=[]))
        self.script: deque[Reply | Responder] = deque(script)
        self.requests: list[dict[str, Any]] = []
        self.request_headers: list[dict[str, str]] = []
        self.request_times: list[float] = []
        #: Served by ``GET /v1/models``; ``models_status`` other than 200 answers an error.
        self.models: list[str] = ["test-model"]
        self.models_status = 200
        self.models_requests = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def push(self, *replies: Reply | Responder) -> None:
        with self._lock:
            self.script.extend(replies)

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hung requests
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_reply(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.request_headers.append(headers)
            self.request_times.append(time.monotonic())
            item: Reply | Responder = self.script.popleft() if self.script else self.responder
        return item if isinstance(item, Reply) else item(body)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test output quiet

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                if self.path != "/v1/models":
                    self._send(404, b'{"error": {"message": "not found"}}', {})
                    return
                with server._lock:
                    server.models_requests += 1
                data = {
                    "object": "list",
                    "data": [{"id": m, "object": "model"} for m in server.models],
                }
                self._send(server.models_status, json.dumps(data).encode("utf-8"), {})

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "not found"}}', {})
                    return
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(400, b'{"error": {"message": "bad json"}}', {})
                    return
                reply = server._next_reply(body, {k.lower(): v for k, v in self.headers.items()})
                if reply.hang:
                    server._stopping.wait()
                    self.close_connection = True
                    return
                if reply.reset:
                    # SO_LINGER 0: closing sends a TCP reset, as a crashed proxy or server does.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                if reply.delay:
                    server._stopping.wait(reply.delay)
                payload = reply.payload(str(body.get("model", "")))
                self._send(reply.status, payload, reply.headers, reply.content_type)

            def _send(
                self,
                status: int,
                payload: bytes,
                headers: Mapping[str, str],
                content_type: str = "application/json",
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

        return Handler
