"""REST API behaviour: modes, batches, spans, probes, OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient
from serve_support import TOY

from fairdeid import Pipeline
from fairdeid.serve.api import create_app

NOTE = "Seen by Dr. Lee on 2021-03-04, call 555-123-4567."


def test_deidentify_one_text_tag_and_redact(client: TestClient) -> None:
    tag = client.post("/v1/deidentify", json={"text": NOTE}).json()
    assert tag["mode"] == "tag"
    assert tag["text"] == "Seen by Dr. [NAME] on [DATE], call [CONTACT]."
    assert [(s["start"], s["end"], s["label"]) for s in tag["spans"]] == [
        (12, 15, "DOCTOR"), (19, 29, "DATE"), (36, 48, "PHONE")
    ]
    first = tag["spans"][0]
    assert first["coarse"] == "NAME" and first["source"] == "toy:doctor"
    assert first["score"] == 0.9 and first["kind"] == "other"
    out = tag["output_spans"][0]
    assert tag["text"][out["start"] : out["end"]] == "[NAME]"

    redact = client.post("/v1/deidentify", json={"text": NOTE, "mode": "redact"}).json()
    assert redact["mode"] == "redact"
    assert redact["text"] == "Seen by Dr. *** on **********, call ************."


def test_deidentify_batch_keeps_order_ids_and_defaults(client: TestClient) -> None:
    body = {
        "documents": [
            {"id": "a", "text": "Dr. Kim", "meta": {"patient_id": "p1"}},
            {"text": "nothing to see"},
            {"id": "c", "text": ""},
        ],
        "mode": "redact",
    }
    got = client.post("/v1/deidentify", json=body).json()
    assert [d["id"] for d in got["documents"]] == ["a", "doc-1", "c"]
    assert [d["text"] for d in got["documents"]] == ["Dr. ***", "nothing to see", ""]
    assert "meta" not in got["documents"][0]


def test_detect_returns_spans_and_no_text(client: TestClient) -> None:
    one = client.post("/v1/detect", json={"text": NOTE}).json()
    assert set(one) == {"spans"}
    assert [s["label"] for s in one["spans"]] == ["DOCTOR", "DATE", "PHONE"]
    many = client.post("/v1/detect", json={"documents": [{"id": "x", "text": "Dr. Kim"}]}).json()
    assert many == {"documents": [{"id": "x", "spans": [many["documents"][0]["spans"][0]]}]}
    assert many["documents"][0]["spans"][0]["label"] == "DOCTOR"


def test_offsets_are_code_points(client: TestClient) -> None:
    text = "🙂 王 Dr. Lee"
    span = client.post("/v1/detect", json={"text": text}).json()["spans"][0]
    assert text[span["start"] : span["end"]] == "Lee"


def test_unknown_detector_and_unavailable_mode_are_422(client: TestClient) -> None:
    r = client.post("/v1/detect", json={"text": "x", "detectors": ["nope"]})
    assert r.status_code == 422 and "1 unknown detector(s) at position(s) [0]" in r.json()["detail"]
    assert "nope" not in r.text


def test_modes_share_detectors(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    redact = engine.for_mode("redact")
    assert redact.replacer.mode == "redact"
    assert redact.detectors["toy"] is engine.base.detectors["toy"]
    assert redact.resolver is engine.base.resolver
    assert engine.for_mode("redact") is redact  # built once


def test_probes_info_and_headers(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["detectors"] == ["toy"]
    info = client.get("/v1/info").json()
    assert info["auth"] is False and info["default_mode"] == "tag"
    assert info["modes"] == ["tag", "redact", "surrogate"]
    r = client.post("/v1/detect", json={"text": "x"})
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-request-id"]


def test_openapi_documents_endpoints_and_bearer(auth_client: TestClient) -> None:
    spec = auth_client.get("/openapi.json").json()
    assert {"/v1/deidentify", "/v1/detect", "/healthz", "/readyz"} <= set(spec["paths"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    responses = spec["paths"]["/v1/deidentify"]["post"]["responses"]
    assert {"200", "401", "413", "422", "503"} <= set(responses)
    assert auth_client.get("/docs").status_code == 200


def test_backpressure_answers_503_when_the_queue_is_full() -> None:
    client = TestClient(create_app(Pipeline.from_config(TOY), max_pending=0))
    busy = client.post("/v1/detect", json={"text": "x"})
    assert busy.status_code == 503 and busy.json()["detail"] == "server busy; retry later"
    assert busy.headers["retry-after"] == "1"


def test_prebuilt_pipeline_is_ready_without_lifespan() -> None:
    pipeline = Pipeline.from_config(TOY)
    client = TestClient(create_app(pipeline))  # no context manager: no lifespan
    assert client.get("/readyz").status_code == 200
    assert client.post("/v1/deidentify", json={"text": "Dr. Kim"}).json()["text"] == "Dr. [NAME]"


def test_background_load_reports_loading_then_ready() -> None:
    import time

    from serve_support import LOAD_GATE

    LOAD_GATE.clear()
    app = create_app({"pipeline": {"detectors": ["gated"]}})
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 200
        loading = c.get("/readyz")
        assert loading.status_code == 503 and loading.json() == {"status": "loading"}
        busy = c.post("/v1/detect", json={"text": "x"})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
        LOAD_GATE.set()
        for _ in range(200):  # bounded wait for the loader thread, not a timing assertion
            if c.get("/readyz").status_code == 200:
                break
            time.sleep(0.05)
        assert c.get("/readyz").json()["status"] == "ready"
        assert c.post("/v1/detect", json={"text": "x"}).json() == {"spans": []}


def test_load_failure_is_reported_not_hidden() -> None:
    import time

    bad = {"pipeline": {"detectors": ["no-such-detector"]}}
    with TestClient(create_app(bad)) as c:
        for _ in range(200):
            body = c.get("/readyz").json()
            if body["status"] != "loading":
                break
            time.sleep(0.05)
        assert body["status"] == "failed" and "unknown detector" in body["error"]
        assert c.post("/v1/detect", json={"text": "x"}).status_code == 503
    try:
        with TestClient(create_app(bad, background_load=False)):
            raise AssertionError("startup should fail")
    except Exception as exc:  # the startup error type depends on starlette
        assert "unknown detector" in str(exc)


def test_detector_failure_withholds_output_with_502() -> None:
    from fastapi.testclient import TestClient

    from fairdeid.detect import register_detector
    from fairdeid.errors import RecordError
    from fairdeid.serve.api import create_app

    class Flaky:
        name = "flaky"

        def detect(self, doc):  # type: ignore[no-untyped-def]
            return []

        def detect_batch(self, docs):  # type: ignore[no-untyped-def]
            return [[] for _ in docs]

        def detect_batch_with_errors(self, docs):  # type: ignore[no-untyped-def]
            errors = [RecordError(d.id, "server error 500") for d in docs if "FAIL" in d.text]
            return [[] for _ in docs], errors

    register_detector("flaky_serve", lambda cfg: Flaky())
    app = create_app({"pipeline": {"detectors": ["flaky_serve"]}}, background_load=False)
    with TestClient(app) as client:
        ok = client.post("/v1/deidentify", json={"text": "Jane Roe is fine"})
        bad = client.post("/v1/deidentify", json={"documents": [
            {"id": "a", "text": "fine"}, {"id": "b", "text": "Jane Roe FAIL"}]})
    assert ok.status_code == 200
    assert bad.status_code == 502
    assert bad.json()["failed"] == [{"id": "b", "errors": ["flaky: server error 500"]}]
    assert "Jane Roe" not in bad.text
