"""Auth, limits, malformed bodies, PHI hygiene and concurrency of the REST API."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest
from fastapi.testclient import TestClient
from serve_support import CANARY, TOKEN, TOY, bearer

from fairdeid import Pipeline
from fairdeid.serve.api import create_app, sanitize_errors

# -- auth ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": TOKEN}])
def test_missing_or_wrong_token_is_401(auth_client: TestClient, headers: dict[str, str]) -> None:
    for path in ("/v1/deidentify", "/v1/detect"):
        r = auth_client.post(path, json={"text": "Dr. Lee"}, headers=headers)
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.json() == {"detail": "missing or invalid bearer token"}


def test_valid_token_passes_and_open_endpoints_stay_open(auth_client: TestClient) -> None:
    r = auth_client.post("/v1/deidentify", json={"text": "Dr. Lee"}, headers=bearer())
    assert r.status_code == 200 and r.json()["text"] == "Dr. [NAME]"
    for path in ("/healthz", "/readyz", "/v1/info", "/", "/static/app.js", "/openapi.json"):
        assert auth_client.get(path).status_code == 200, path
    assert auth_client.get("/v1/info").json()["auth"] is True


def test_auth_is_checked_before_the_body(auth_client: TestClient) -> None:
    # Unauthenticated garbage gets 401, not a 422 that would reveal the schema or parse anything.
    r = auth_client.post("/v1/deidentify", content=b"{not json", headers={
        "content-type": "application/json"})
    assert r.status_code == 401


def test_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        create_app(TOY, token="")


# -- limits -------------------------------------------------------------------------------------


def _limited() -> TestClient:
    app = create_app(TOY, max_chars=50, max_batch=3, max_body_bytes=2_000,
                     background_load=False)
    return TestClient(app)


def test_batch_over_limit_is_413() -> None:
    with _limited() as c:
        docs = [{"text": "Dr. Lee"}] * 4
        r = c.post("/v1/deidentify", json={"documents": docs})
        assert r.status_code == 413
        assert r.json()["detail"] == "batch of 4 documents exceeds the limit of 3"
        assert c.post("/v1/deidentify", json={"documents": docs[:3]}).status_code == 200


def test_document_over_char_limit_is_413_without_echo() -> None:
    with _limited() as c:
        text = CANARY + " x" * 30
        r = c.post("/v1/detect", json={"documents": [{"text": "ok"}, {"text": text}]})
        assert r.status_code == 413
        assert r.json()["detail"] == f"document 1 has {len(text)} characters; the limit is 50"
        assert CANARY not in r.text


def test_body_over_byte_limit_is_413_declared_and_chunked() -> None:
    with _limited() as c:
        big = json.dumps({"text": CANARY * 200}).encode()
        r = c.post("/v1/deidentify", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and "2000 bytes" in r.json()["detail"]

        def chunks():  # no Content-Length: counted as it streams
            for i in range(0, len(big), 256):
                yield big[i : i + 256]

        r = c.post("/v1/deidentify", content=chunks(),
                   headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert CANARY not in r.text


# -- malformed bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "' + CANARY.encode() + b'"',  # truncated JSON
        b"[1, 2",
        json.dumps({"txt": CANARY}).encode(),  # typo: unknown key
        json.dumps({CANARY: "x", "text": "y"}).encode(),  # the key itself is text
        json.dumps({"text": CANARY, "documents": [{"text": CANARY}]}).encode(),  # both
        json.dumps({}).encode(),
        json.dumps({"text": 42}).encode(),
        json.dumps({"text": CANARY, "mode": "shred"}).encode(),
        json.dumps({"documents": []}).encode(),
        json.dumps({"documents": [{"id": "a"}]}).encode(),
        json.dumps({"documents": [{"text": CANARY, "meta": CANARY}]}).encode(),
        json.dumps({"documents": CANARY}).encode(),
        json.dumps(CANARY).encode(),
        b"\xff\xfe not utf-8",
    ],
)
def test_malformed_bodies_are_422_and_never_echo_input(client: TestClient, body: bytes) -> None:
    r = client.post("/v1/deidentify", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail
    assert all(set(d) == {"loc", "msg", "type"} for d in detail)
    assert CANARY not in r.text and "Zebulon" not in r.text


def test_422_messages_stay_useful(client: TestClient) -> None:
    r = client.post("/v1/deidentify", json={"text": "a", "documents": [{"text": "b"}]})
    assert r.json()["detail"][0]["msg"].endswith("give exactly one of 'text' or 'documents'")
    r = client.post("/v1/deidentify", json={"text": "a", "mode": "shred"})
    assert r.json()["detail"][0]["loc"] == ["body", "mode"]


def test_sanitize_errors_masks_unknown_keys_and_drops_input() -> None:
    raw = [{"loc": ("body", CANARY), "msg": "Extra inputs are not permitted",
            "type": "extra_forbidden", "input": CANARY, "ctx": {"x": CANARY}}]
    assert sanitize_errors(raw) == [
        {"loc": ["body", "<field>"], "msg": "Extra inputs are not permitted",
         "type": "extra_forbidden"}
    ]


# -- PHI never in logs or error bodies ----------------------------------------------------------


def test_no_phi_in_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    note = f"Patient {CANARY} seen by Dr. Lee on 2021-03-04."
    leaky = {"pipeline": {"detectors": ["toy", "leaky"]}}
    with TestClient(create_app(TOY, token=TOKEN, max_chars=200, background_load=False)) as c:
        ok = c.post("/v1/deidentify", json={"text": note}, headers=bearer())
        assert ok.status_code == 200
        c.post("/v1/detect", json={"text": note}, headers=bearer())
        c.post("/v1/deidentify", json={"text": note})  # 401
        c.post("/v1/deidentify", json={"text": note, "mode": "x"}, headers=bearer())  # 422
        c.post("/v1/deidentify", json={"text": note * 10}, headers=bearer())  # 413
        c.post(f"/v1/{CANARY}?name={CANARY}", json={"text": note}, headers=bearer())  # 404
        c.get(f"/static/{CANARY}.js")
    with TestClient(create_app(leaky, background_load=False), raise_server_exceptions=False) as c:
        boom = c.post("/v1/deidentify", json={"text": note})
        assert boom.status_code == 500
        assert boom.json()["detail"].startswith("internal error while processing the request")
        assert CANARY not in boom.text
    # The test client's own logger (httpx) prints the URLs it requested: that is the client side.
    server = [r for r in caplog.records if not r.name.startswith("httpx")]
    fmt = logging.Formatter("%(name)s %(message)s")  # includes any traceback
    logged = "\n".join(fmt.format(r) for r in server)
    assert "fairdeid.serve.access" in {r.name for r in caplog.records}  # we did capture the log
    assert "ValueError" in logged  # the failure is logged, by type
    assert CANARY not in logged and "Zebulon" not in logged
    assert "<unrouted>" in logged


# -- concurrency --------------------------------------------------------------------------------


def test_many_parallel_requests_get_their_own_answers() -> None:
    """100 concurrent requests through one app: each answer matches its own note."""
    app = create_app(Pipeline.from_config(TOY))
    names = [f"Dr. {chr(65 + i % 26)}{'abcdefghij'[i % 10]}x{'y' * (i % 7)}" for i in range(100)]

    async def fire() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            calls = [
                http.post("/v1/deidentify", json={
                    "documents": [{"id": str(i), "text": f"{n} on 2021-03-{i % 28 + 1:02d}"}],
                    "mode": "redact" if i % 2 else "tag"})
                for i, n in enumerate(names)
            ]
            return await asyncio.gather(*calls)

    responses = asyncio.run(fire())
    assert [r.status_code for r in responses] == [200] * 100
    for i, (r, name) in enumerate(zip(responses, names, strict=True)):
        doc = r.json()["documents"][0]
        assert doc["id"] == str(i)
        surname_len = len(name) - len("Dr. ")
        expected = "Dr. " + ("*" * surname_len + " on " + "*" * 10 if i % 2 else "[NAME] on [DATE]")
        assert doc["text"] == expected
