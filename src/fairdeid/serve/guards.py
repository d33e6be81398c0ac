"""Cross-cutting protections of the service: body size limit, PHI-free access log, headers.

These are pure ASGI middlewares (not ``BaseHTTPMiddleware``) so they see the raw byte stream:
the size limit must hold before FastAPI buffers and parses a 2 GB body, and the access log must
be written by us, from the method, path and status only, never the query string or the body.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("fairdeid.serve.access")

#: Same-origin only: the review page loads nothing from anywhere else (and PHI goes nowhere else).
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
#: The API docs pages (Swagger UI, ReDoc) are FastAPI's HTML with an inline bootstrap script, so
#: inline script is allowed there; everything else still comes from, and goes to, this origin.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
PAGE_PATHS = ("/", "/annotate")
DOCS_PREFIXES = ("/docs",)


def csp_for(path: str) -> str | None:
    """The Content-Security-Policy of a page or asset path; None for the API."""
    if path in PAGE_PATHS or path.startswith("/static/"):
        return PAGE_CSP
    if path.startswith(DOCS_PREFIXES):
        return DOCS_CSP
    return None


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodyLimit:
    """Answer 413 to bodies over ``max_bytes`` without reading more than that.

    A declared ``Content-Length`` over the limit is refused before reading; chunked bodies are
    counted as they arrive. Accepted bodies are buffered and replayed to the app (FastAPI reads
    the whole JSON body anyway).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> dict[str, Any]:
        return {
            "detail": f"request body exceeds {self.max_bytes} bytes; "
            "split the batch into smaller requests"
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(send, 400, {"detail": "invalid Content-Length"})
                    return
                if declared > self.max_bytes:
                    await _send_json(send, 413, self._too_large())
                    return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                await _send_json(send, 413, self._too_large())
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        buffered = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": buffered, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class BearerAuth:
    """401 for protected paths without ``Authorization: Bearer <token>``.

    Checked before the body is read, so unauthenticated clients cannot make the server buffer
    or parse anything. The comparison is constant-time.
    """

    def __init__(self, app: ASGIApp, token: str, protected: frozenset[str]) -> None:
        self.app = app
        self.token = token.encode("utf-8")
        self.protected = protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") in self.protected:
            supplied = b""
            given = [v for n, v in scope.get("headers", []) if n == b"authorization"]
            # Exactly one header: with two, which one counts would be up to each parser, and
            # a valid token must not excuse a second, different one.
            if len(given) == 1:
                scheme, _, credentials = given[0].partition(b" ")
                if scheme.lower() == b"bearer":
                    supplied = credentials.strip()
            if not supplied or not hmac.compare_digest(supplied, self.token):
                payload = json.dumps({"detail": "missing or invalid bearer token"}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()),
                            (b"www-authenticate", b'Bearer realm="fairdeid"'),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": payload})
                return
        await self.app(scope, receive, send)


class AccessLogAndHeaders:
    """Log ``method path status ms request_id`` (no query, no body) and add safety headers.

    API responses get ``Cache-Control: no-store`` (they hold clinical text); the pages and their
    assets get a Content-Security-Policy that keeps every request on this origin.
    """

    def __init__(
        self, app: ASGIApp, known_paths: frozenset[str] = frozenset(), api_prefix: str = "/v1"
    ) -> None:
        self.app = app
        self.known_paths = known_paths
        self.api_prefix = api_prefix

    def _loggable(self, path: str) -> str:
        # A mistyped URL may carry anything (even a name); only log paths we serve.
        if path in self.known_paths:
            return path
        return "<unrouted>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:12]
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope.get("path", "")
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                csp = csp_for(path)
                if path.startswith(self.api_prefix):
                    headers.append((b"cache-control", b"no-store"))
                elif csp is not None:
                    headers.append((b"content-security-policy", csp.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            access_log.info(
                "%s %s %d %.1fms id=%s",
                scope.get("method", "?"),
                self._loggable(path),
                status,
                (time.perf_counter() - started) * 1000,
                request_id,
            )
