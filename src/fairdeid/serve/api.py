"""The REST service: ``POST /v1/deidentify``, ``POST /v1/detect``, health probes, review page.

``create_app`` takes a built :class:`~fairdeid.pipeline.Pipeline` or a config (path, mapping or
``None`` for the packaged default). A config is loaded once, at startup, in a worker thread: in
the background by default, so ``/healthz`` answers at once and ``/readyz`` turns 200 when the
models are in memory (what an orchestrator's probes expect).

PHI rules, enforced here and tested: nothing logs a request body or query string; validation
errors (422) never echo the input; unexpected exceptions are logged by type only and answered
with a request id, never a message (a third-party detector may put text in its exceptions).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI, HTTPException, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles

from fairdeid import __version__
from fairdeid.document import Document
from fairdeid.errors import FairdeidError
from fairdeid.replace import MODES
from fairdeid.serve.engine import Engine, ModeUnavailableError, PipelineSource
from fairdeid.serve.guards import AccessLogAndHeaders, BearerAuth, BodyLimit
from fairdeid.serve.schemas import (
    DeidentifyRequest,
    DeidentifyResponse,
    DetectRequest,
    DetectResponse,
    DocumentIn,
    ErrorBody,
    Info,
)
from fairdeid.serve.work import BusyError, DeadlineExceededError, Scheduler

log = logging.getLogger("fairdeid.serve")

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_MAX_CHARS = 100_000
DEFAULT_MAX_BATCH = 64
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PENDING = 256
DEFAULT_MAX_REQUEST_CHARS = 1_000_000
DEFAULT_REQUEST_TIMEOUT = 60.0
DEFAULT_CHUNK_CHARS = 20_000

_PROTECTED = frozenset({"/v1/deidentify", "/v1/detect"})
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing or invalid bearer token"},
    409: {"model": ErrorBody, "description": "Mode not available here (surrogates need a key)"},
    413: {"model": ErrorBody, "description": "Body, batch, document or total over the limits"},
    422: {"model": ErrorBody, "description": "Malformed or invalid request (input not echoed)"},
    503: {
        "model": ErrorBody,
        "description": "Pipeline still loading or failed, server busy, or request over its time",
    },
}

T = TypeVar("T")


def create_app(
    pipeline_or_config: PipelineSource = None,
    *,
    token: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_batch: int = DEFAULT_MAX_BATCH,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    workers: int = 1,
    max_pending: int = DEFAULT_MAX_PENDING,
    max_request_chars: int = DEFAULT_MAX_REQUEST_CHARS,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
    background_load: bool = True,
) -> FastAPI:
    """Build the ASGI app.

    ``token``: require ``Authorization: Bearer <token>`` on the ``/v1`` work endpoints.
    ``max_chars``: per document; ``max_batch``: documents per request; ``max_body_bytes``: raw
    body. ``workers``: pipeline calls allowed at once (detectors are not assumed thread-safe).
    ``max_pending``: requests allowed to wait for a worker before answering 503 (backpressure).
    ``max_request_chars``: characters of all documents of a request together (413 above).
    ``request_timeout``: seconds a request may take, queueing included (503 after). A request's
    documents share the workers in chunks of about ``chunk_chars`` characters, so one big batch
    cannot hold them all while small requests wait (see :mod:`fairdeid.serve.work`).
    ``background_load``: load the config after startup (``/readyz`` tells when) instead of
    before it (startup then fails on a bad config).
    """
    engine = Engine(pipeline_or_config)
    scheduler = Scheduler(workers, max_pending, request_timeout, chunk_chars)

    async def _load() -> None:
        try:
            await anyio.to_thread.run_sync(engine.load)
            log.info("pipeline ready in %.2fs", engine.load_seconds or 0.0)
        except Exception as exc:
            log.error("pipeline failed to load: %s", engine.error or type(exc).__name__)
            if not background_load:
                raise

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if background_load:
            async with anyio.create_task_group() as group:
                group.start_soon(_load)
                yield
        else:
            await _load()
            yield

    app = FastAPI(
        title="fairdeid",
        version=__version__,
        summary="De-identification of clinical text: detect PHI and tag, redact or replace it.",
        lifespan=lifespan,
    )
    # Declares the scheme in the OpenAPI docs only; the check itself is the BearerAuth
    # middleware, which runs before the body is read.
    bearer = HTTPBearer(auto_error=False, description="Set when the server runs with a token.")

    async def run(
        request: Request, fn: Callable[[list[Document]], list[T]], docs: list[Document]
    ) -> list[T]:
        """Pipeline work on the shared workers, within the deadline, with PHI-safe errors."""
        if not engine.ready:
            status = "failed" if engine.error else "loading"
            raise HTTPException(503, f"pipeline {status}", headers={"Retry-After": "5"})
        request_id = request.scope.get("state", {}).get("request_id", "-")
        try:
            return await scheduler.map(fn, docs, request_id)
        except BusyError:
            raise HTTPException(
                503, "server busy; retry later", headers={"Retry-After": "1"}
            ) from None
        except DeadlineExceededError:
            log.warning("request id=%s exceeded the %gs deadline", request_id, request_timeout)
            raise HTTPException(
                503,
                f"the request took longer than this server allows ({request_timeout:g} s); "
                "retry later or send fewer or shorter documents",
                headers={"Retry-After": "5"},
            ) from None
        except ModeUnavailableError as exc:
            raise HTTPException(409, str(exc)) from None
        except FairdeidError as exc:
            raise HTTPException(422, str(exc)) from None
        except Exception as exc:
            # Type only: a detector's message may quote the note.
            log.error("pipeline error %s in request id=%s", type(exc).__name__, request_id)
            raise HTTPException(
                500, f"internal error while processing the request (id {request_id})"
            ) from None

    def check_detectors(requested: Sequence[str] | None) -> None:
        """422 for names the pipeline lacks, by position: a client's value may be anything."""
        if requested is None or not engine.ready:
            return  # not loaded: ``run`` answers 503
        available = engine.base.detectors
        unknown = [i for i, name in enumerate(requested) if name not in available]
        if unknown:
            raise HTTPException(
                422,
                f"{len(unknown)} unknown detector(s) at position(s) {unknown} of 'detectors'; "
                f"available: {sorted(available)}",
            )

    def check_mode(mode: str | None) -> None:
        """409 before queueing: e.g. surrogates asked of a server without a key."""
        if not engine.ready:
            return  # ``run`` answers 503
        try:
            engine.check_mode(mode)
        except ModeUnavailableError as exc:
            raise HTTPException(409, str(exc)) from None

    def to_documents(items: Sequence[DocumentIn]) -> list[Document]:
        if len(items) > max_batch:
            raise HTTPException(
                413, f"batch of {len(items)} documents exceeds the limit of {max_batch}"
            )
        docs = []
        for i, item in enumerate(items):
            if len(item.text) > max_chars:
                raise HTTPException(
                    413,
                    f"document {i} has {len(item.text)} characters; the limit is {max_chars}",
                )
            docs.append(Document(id=item.id or f"doc-{i}", text=item.text, meta=item.meta))
        total = sum(len(d.text) for d in docs)
        if total > max_request_chars:
            raise HTTPException(
                413,
                f"the documents have {total} characters in total; the limit per request is "
                f"{max_request_chars}",
            )
        return docs

    @app.post(
        "/v1/deidentify",
        response_model=DeidentifyResponse,
        response_model_exclude_none=True,
        responses=_ERRORS,
        dependencies=[Security(bearer)],
        tags=["de-identification"],
    )
    async def deidentify(body: DeidentifyRequest, request: Request) -> dict[str, Any]:
        """De-identify one note (`text`) or a batch (`documents`) in the requested mode."""
        check_detectors(body.detectors)
        check_mode(body.mode)
        docs = to_documents(body.as_documents())
        results = await run(
            request, lambda chunk: engine.deidentify(chunk, body.mode, body.detectors), docs
        )
        failed = [{"id": r.document.id, "errors": list(r.errors)} for r in results if r.errors]
        if failed:
            # A detector (e.g. a remote LLM) failed on these notes: their output was only partly
            # checked, so nothing of the batch is released. Reasons are PHI-free.
            return JSONResponse(  # type: ignore[return-value]
                {"detail": "detector failed on some documents", "failed": failed},
                status_code=502,
            )
        mode = engine.for_mode(body.mode).replacer.mode
        rendered = [
            {
                "id": r.document.id,
                "text": r.text,
                "spans": [engine.span_dict(s) for s in r.document.spans],
                "output_spans": [engine.span_dict(s) for s in r.output_spans],
            }
            for r in results
        ]
        if body.documents is None:
            single = rendered[0]
            del single["id"]
            return {"mode": mode, **single}
        return {"mode": mode, "documents": rendered}

    @app.post(
        "/v1/detect",
        response_model=DetectResponse,
        response_model_exclude_none=True,
        responses=_ERRORS,
        dependencies=[Security(bearer)],
        tags=["de-identification"],
    )
    async def detect(body: DetectRequest, request: Request) -> dict[str, Any]:
        """Find PHI spans (after resolution) without changing the text."""
        check_detectors(body.detectors)
        docs = to_documents(body.as_documents())
        found = await run(request, lambda chunk: engine.detect(chunk, body.detectors), docs)
        failed = [{"id": d.document.id, "errors": list(d.errors)} for d in found if d.errors]
        if failed:
            # An empty span list from a detector that failed would read as "no PHI here".
            return JSONResponse(  # type: ignore[return-value]
                {"detail": "detector failed on some documents", "failed": failed},
                status_code=502,
            )
        rendered = [
            {"id": d.document.id, "spans": [engine.span_dict(s) for s in d.spans]} for d in found
        ]
        if body.documents is None:
            return {"spans": rendered[0]["spans"]}
        return {"documents": rendered}

    @app.get("/v1/info", response_model=Info, tags=["service"])
    async def info() -> dict[str, Any]:
        """What this server offers (no token needed: the review page reads it to set itself up)."""
        return {
            "version": __version__,
            "ready": engine.ready,
            "auth": token is not None,
            "modes": list(MODES),
            "default_mode": engine.default_mode,
            "detectors": engine.detector_kinds(),
            "max_chars": max_chars,
            "max_batch": max_batch,
            "max_body_bytes": max_body_bytes,
            "max_request_chars": max_request_chars,
            "request_timeout": request_timeout,
        }

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], responses={503: {"model": ErrorBody}})
    async def readyz() -> JSONResponse:
        """Readiness: 200 once the pipeline (models included) is loaded."""
        if engine.ready:
            return JSONResponse(
                {
                    "status": "ready",
                    "load_seconds": round(engine.load_seconds or 0.0, 3),
                    "detectors": sorted(engine.detector_kinds()),
                }
            )
        body: dict[str, Any] = {"status": "failed" if engine.error else "loading"}
        if engine.error:
            body["error"] = engine.error
        return JSONResponse(body, status_code=503)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": sanitize_errors(exc.errors())}, status_code=422)

    known = frozenset(
        {"/", "/healthz", "/readyz", "/v1/info", "/docs", "/redoc", "/openapi.json"}
        | _PROTECTED
        | {f"/static/{p.name}" for p in STATIC_DIR.iterdir() if p.is_file()}
    )
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    if token is not None:
        if not token:
            raise ValueError("token must not be empty")
        app.add_middleware(BearerAuth, token=token, protected=_PROTECTED)
    app.add_middleware(AccessLogAndHeaders, known_paths=known)
    app.state.engine = engine
    app.state.scheduler = scheduler
    return app


#: Field names that may appear in an error location; anything else (a dict key the client sent,
#: which could be anything) is masked.
_SAFE_LOC = frozenset(
    {"body", "query", "path", "header", "text", "documents", "id", "meta", "mode", "detectors"}
)


def sanitize_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's 422 details minus ``input`` and ``ctx`` (they echo what the client sent)."""
    clean = []
    for error in errors:
        loc = [
            part if isinstance(part, int) or part in _SAFE_LOC else "<field>"
            for part in error.get("loc", ())
        ]
        clean.append({"loc": loc, "msg": str(error.get("msg", "")), "type": error.get("type")})
    return jsonable_encoder(clean)


def app_from_env() -> FastAPI:
    """ASGI factory for ``uvicorn --factory fairdeid.serve.api:app_from_env`` (or gunicorn).

    Reads ``FAIRDEID_CONFIG`` (TOML path; packaged default if unset) and ``FAIRDEID_TOKEN``.
    """
    return create_app(
        os.environ.get("FAIRDEID_CONFIG") or None, token=os.environ.get("FAIRDEID_TOKEN") or None
    )
