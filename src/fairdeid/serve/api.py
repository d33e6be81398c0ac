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
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI, HTTPException, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles

from fairdeid import __version__
from fairdeid.document import Document
from fairdeid.errors import ConfigError, FairdeidError
from fairdeid.pipeline import Detection, Result
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
from fairdeid.taxonomy import COARSE_TO_FINE

log = logging.getLogger("fairdeid.serve")

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_MAX_CHARS = 100_000
DEFAULT_MAX_BATCH = 64
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PENDING = 256
DEFAULT_MAX_REQUEST_CHARS = 1_000_000
DEFAULT_REQUEST_TIMEOUT = 60.0
DEFAULT_CHUNK_CHARS = 20_000
#: Where Swagger UI's JS and CSS are served (from the fastapi-offline package).
DOCS_ASSETS = "/docs-assets"

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


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server (413 or 503 beyond); also shown by ``/v1/info``."""

    max_chars: int = DEFAULT_MAX_CHARS
    max_batch: int = DEFAULT_MAX_BATCH
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_request_chars: int = DEFAULT_MAX_REQUEST_CHARS
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT


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
    if token is not None and not token:
        raise ValueError("token must not be empty")
    limits = Limits(max_chars, max_batch, max_body_bytes, max_request_chars, request_timeout)
    engine = Engine(pipeline_or_config)
    scheduler = Scheduler(workers, max_pending, request_timeout, chunk_chars)
    app = FastAPI(
        title="fairdeid",
        version=__version__,
        summary="De-identification of clinical text: detect PHI and tag, redact or replace it.",
        lifespan=_lifespan(engine, background_load),
        # Served from the package below: FastAPI's defaults load Swagger UI and ReDoc from a
        # CDN, which renders a blank page on an offline network.
        docs_url=None,
        redoc_url=None,
    )
    _add_work_routes(app, _Work(engine, scheduler, limits))
    _add_service_routes(app, engine, limits, auth=token is not None)
    _add_page_routes(app)
    _add_docs_routes(app)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": sanitize_errors(exc.errors())}, status_code=422)

    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    if token is not None:
        app.add_middleware(BearerAuth, token=token, protected=_PROTECTED)
    app.add_middleware(AccessLogAndHeaders, known_paths=known_paths())
    app.state.engine = engine
    app.state.scheduler = scheduler
    return app


def _lifespan(
    engine: Engine, background_load: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Load the pipeline off the event loop: in the background, or before serving."""

    async def load() -> None:
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
                group.start_soon(load)
                yield
        else:
            await load()
            yield

    return lifespan


class _Work:
    """What the work endpoints share: request checks and PHI-safe pipeline calls."""

    def __init__(self, engine: Engine, scheduler: Scheduler, limits: Limits) -> None:
        self.engine = engine
        self.scheduler = scheduler
        self.limits = limits

    async def run(
        self, request: Request, fn: Callable[[list[Document]], list[T]], docs: list[Document]
    ) -> list[T]:
        """Pipeline work on the shared workers, within the deadline, with PHI-safe errors."""
        if not self.engine.ready:
            status = "failed" if self.engine.error else "loading"
            raise HTTPException(503, f"pipeline {status}", headers={"Retry-After": "5"})
        request_id = request.scope.get("state", {}).get("request_id", "-")
        timeout = self.limits.request_timeout
        try:
            return await self.scheduler.map(fn, docs, request_id)
        except BusyError:
            raise HTTPException(
                503, "server busy; retry later", headers={"Retry-After": "1"}
            ) from None
        except DeadlineExceededError:
            log.warning("request id=%s exceeded the %gs deadline", request_id, timeout)
            raise HTTPException(
                503,
                f"the request took longer than this server allows ({timeout:g} s); "
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

    def check_detectors(self, requested: Sequence[str] | None) -> None:
        """422 for names the pipeline lacks, by position: a client's value may be anything."""
        if requested is None or not self.engine.ready:
            return  # not loaded: ``run`` answers 503
        available = self.engine.base.detectors
        unknown = [i for i, name in enumerate(requested) if name not in available]
        if unknown:
            raise HTTPException(
                422,
                f"{len(unknown)} unknown detector(s) at position(s) {unknown} of 'detectors'; "
                f"available: {sorted(available)}",
            )

    def check_mode(self, mode: str | None) -> None:
        """409 before queueing: e.g. surrogates asked of a server without a key."""
        if not self.engine.ready:
            return  # ``run`` answers 503
        try:
            self.engine.check_mode(mode)
        except ModeUnavailableError as exc:
            raise HTTPException(409, str(exc)) from None

    def check_language(self, language: str | None) -> None:
        """422 for a language this server cannot honour (unknown, or a fixed-language server
        asked for another)."""
        if language is None or not self.engine.ready:
            return
        from fairdeid.lang.routing import language_choices

        choices = language_choices()
        if language not in choices:  # named, not quoted: 4xx bodies never echo the request
            raise HTTPException(
                422, f"unknown language in 'language'; choose one of: {', '.join(choices)}"
            )
        try:
            self.engine.check_language(language)
        except ConfigError as exc:
            raise HTTPException(422, str(exc)) from None

    def to_documents(
        self, items: Sequence[DocumentIn], language: str | None = None
    ) -> list[Document]:
        """413 for a request over the limits; messages give sizes and indexes, never text.

        A request's ``language`` (a code, not ``auto``) is set on every note's meta, where the
        pipeline's router reads it."""
        limits = self.limits
        if len(items) > limits.max_batch:
            raise HTTPException(
                413, f"batch of {len(items)} documents exceeds the limit of {limits.max_batch}"
            )
        docs = []
        for i, item in enumerate(items):
            if len(item.text) > limits.max_chars:
                raise HTTPException(
                    413,
                    f"document {i} has {len(item.text)} characters; "
                    f"the limit is {limits.max_chars}",
                )
            meta = item.meta
            if language is not None and language != "auto":
                meta = {**meta, "language": language}
            # null or blank is no id, as in deidentify and batch
            doc_id = item.id if item.id and item.id.strip() else f"doc-{i}"
            docs.append(Document(id=doc_id, text=item.text, meta=meta))
        total = sum(len(d.text) for d in docs)
        if total > limits.max_request_chars:
            raise HTTPException(
                413,
                f"the documents have {total} characters in total; the limit per request is "
                f"{limits.max_request_chars}",
            )
        return docs


def _failed(items: Sequence[Detection | Result]) -> JSONResponse | None:
    """502 naming the documents a detector could not check (reasons are PHI-free).

    An empty span list from a detector that failed would read as "no PHI here", and a
    de-identified text it produced was only partly checked: nothing of the request is released.
    """
    failed = [{"id": r.document.id, "errors": list(r.errors)} for r in items if r.errors]
    if not failed:
        return None
    return JSONResponse(
        {"detail": "detector failed on some documents", "failed": failed}, status_code=502
    )


def _language(item: Detection | Result, engine: Engine) -> dict[str, Any] | None:
    """The note's language, for a server whose pipeline knows of languages (else no key)."""
    choice = item.language_choice
    if choice is None or not engine.base.multilingual:
        return None
    return choice.to_dict()


def _add_work_routes(app: FastAPI, work: _Work) -> None:
    """``POST /v1/deidentify`` and ``POST /v1/detect``."""
    engine = work.engine
    # Declares the scheme in the OpenAPI docs only; the check itself is the BearerAuth
    # middleware, which runs before the body is read.
    bearer = HTTPBearer(auto_error=False, description="Set when the server runs with a token.")

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
        work.check_detectors(body.detectors)
        work.check_mode(body.mode)
        work.check_language(body.language)
        docs = work.to_documents(body.as_documents(), body.language)
        results = await work.run(
            request, lambda chunk: engine.deidentify(chunk, body.mode, body.detectors), docs
        )
        failed = _failed(results)
        if failed is not None:
            return failed  # type: ignore[return-value]
        mode = engine.for_mode(body.mode).replacer.mode
        rendered = [
            {
                "id": r.document.id,
                "text": r.text,
                "spans": [engine.span_dict(s) for s in r.document.spans],
                "output_spans": [engine.span_dict(s) for s in r.output_spans],
                "language": _language(r, engine),
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
        work.check_detectors(body.detectors)
        work.check_language(body.language)
        docs = work.to_documents(body.as_documents(), body.language)
        found = await work.run(request, lambda chunk: engine.detect(chunk, body.detectors), docs)
        failed = _failed(found)
        if failed is not None:
            return failed  # type: ignore[return-value]
        rendered = [
            {"id": d.document.id, "spans": [engine.span_dict(s) for s in d.spans],
             "language": _language(d, engine)}
            for d in found
        ]
        if body.documents is None:
            return {"spans": rendered[0]["spans"], "language": rendered[0]["language"]}
        return {"documents": rendered}


def _add_service_routes(app: FastAPI, engine: Engine, limits: Limits, *, auth: bool) -> None:
    """``/v1/info`` and the health probes (open: no token, no note)."""

    @app.get("/v1/info", response_model=Info, tags=["service"])
    async def info() -> dict[str, Any]:
        """What this server offers (no token needed: the review page reads it to set itself up)."""
        return {
            "version": __version__,
            "ready": engine.ready,
            "auth": auth,
            "modes": list(MODES),
            "default_mode": engine.default_mode,
            "detectors": engine.detector_kinds(),
            "labels": {name: list(fine) for name, fine in COARSE_TO_FINE.items()},
            "max_chars": limits.max_chars,
            "max_batch": limits.max_batch,
            "max_body_bytes": limits.max_body_bytes,
            "max_request_chars": limits.max_request_chars,
            "request_timeout": limits.request_timeout,
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


def _add_page_routes(app: FastAPI) -> None:
    """The review page (``/``), the annotation page (``/annotate``) and their assets."""

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/annotate", include_in_schema=False)
    async def annotate() -> FileResponse:
        return FileResponse(STATIC_DIR / "annotate.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def docs_assets_dir() -> Path | None:
    """Swagger UI's files as shipped by the ``fastapi-offline`` package, if installed."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    path = Path(fastapi_offline.__file__).parent / "static"
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def _add_docs_routes(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) from local assets, never a CDN; ``/redoc`` redirects there.

    Without the assets (``fastapi-offline`` missing: an install without the ``serve`` extra's
    full set) both answer 404 with a hint rather than a page that is blank offline.
    """
    assets = docs_assets_dir()
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    if assets is None:

        @app.get("/docs", include_in_schema=False)
        @app.get("/redoc", include_in_schema=False)
        async def no_docs() -> JSONResponse:
            return JSONResponse(
                {"detail": "API docs need the fastapi-offline package (pip install "
                 "'fairdeid[serve]'); /openapi.json has the same content"},
                status_code=404,
            )

        return
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} API",
            oauth2_redirect_url=f"{root}{redirect_url}",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            # No validator badge: Swagger UI would send the spec's URL to validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> RedirectResponse:
        # ReDoc is off: its bundle always fetches a logo from redoc.ly, and nothing on this
        # server may call another host. Old links land on Swagger UI.
        return RedirectResponse(f"{request.scope.get('root_path', '')}/docs")


def known_paths() -> frozenset[str]:
    """Paths the access log may write as they are (any other path may carry client text)."""
    assets = docs_assets_dir()
    docs_files = {f"{DOCS_ASSETS}/{p.name}" for p in assets.iterdir()} if assets else set()
    return frozenset(
        {"/", "/annotate", "/healthz", "/readyz", "/v1/info", "/docs", "/docs/oauth2-redirect",
         "/redoc", "/openapi.json"}
        | _PROTECTED
        | {f"/static/{p.name}" for p in STATIC_DIR.iterdir() if p.is_file()}
        | docs_files
    )


#: Field names that may appear in an error location; anything else (a dict key the client sent,
#: which could be anything) is masked.
_SAFE_LOC = frozenset(
    {"body", "query", "path", "header", "text", "documents", "id", "meta", "mode", "detectors",
     "language"}
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
