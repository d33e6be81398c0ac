"""Adversarial probes of the service: each gets a clear status, and no response body or server
log line ever holds the probe's PHI-like strings."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from serve_support import CANARY, TOKEN, TOY, bearer

from fairdeid.serve.api import create_app

#: PHI-like strings the probes carry; none may come back or reach a log.
SECRETS = (CANARY, "Zebulon", "Quixotefeather", "555-867-5309", "MRN 99887766")
PHI = f"{CANARY}, MRN 99887766, call 555-867-5309"
JSON = {"content-type": "application/json"}
LIMITS = {"max_chars": 5_000, "max_batch": 4, "max_request_chars": 8_000,
          "max_body_bytes": 300_000}


def _raw(obj: Any) -> bytes:
    return json.dumps(obj).encode()


# name, path, body, extra headers (None: no auth), expected status
PROBES: list[tuple[str, str, bytes, dict[str, str] | None, int]] = [
    ("truncated JSON", "/v1/deidentify", b'{"text": "' + PHI.encode(), {}, 422),
    ("not UTF-8", "/v1/deidentify", PHI.encode("utf-16"), {}, 422),
    ("empty body", "/v1/detect", b"", {}, 422),
    ("text/plain body", "/v1/deidentify", PHI.encode(), {"content-type": "text/plain"}, 422),
    ("JSON string body", "/v1/deidentify", _raw(PHI), {}, 422),
    ("nested too deep", "/v1/deidentify",
     b'{"text": "' + PHI.encode() + b'", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", {},
     400),
    ("integer too long", "/v1/deidentify",
     b'{"documents": [{"text": "' + PHI.encode() + b'", "meta": {"patient_id": '
     + b"9" * 5000 + b"}}]}", {}, 400),
    ("huge body", "/v1/deidentify", _raw({"text": PHI * 20_000}), {}, 413),
    ("document over max_chars", "/v1/detect", _raw({"text": PHI * 200}), {}, 413),
    ("batch over max_batch", "/v1/detect", _raw({"documents": [{"text": PHI}] * 5}), {}, 413),
    ("request over max_request_chars", "/v1/deidentify",
     _raw({"documents": [{"text": PHI * 100}] * 4}), {}, 413),
    ("lone surrogate in text", "/v1/deidentify",
     b'{"text": "' + PHI.encode() + b'\\udfff"}', {}, 422),
    ("lone surrogate in a meta key", "/v1/detect",
     b'{"documents": [{"text": "x", "meta": {"' + PHI.encode() + b'\\ud800": 1}}]}', {}, 422),
    ("lone surrogate in a patient id", "/v1/deidentify",
     b'{"documents": [{"text": "x", "meta": {"patient_id": "\\ud800' + PHI.encode()
     + b'"}}], "mode": "surrogate"}', {}, 422),
    ("text is a number", "/v1/deidentify", _raw({"text": 5550000}), {}, 422),
    ("documents is an object", "/v1/detect", _raw({"documents": {"text": PHI}}), {}, 422),
    ("document is null", "/v1/detect", _raw({"documents": [None]}), {}, 422),
    ("meta is a list", "/v1/detect", _raw({"documents": [{"text": PHI, "meta": [PHI]}]}), {}, 422),
    ("id is a number", "/v1/detect", _raw({"documents": [{"id": 7, "text": PHI}]}), {}, 422),
    ("id too long", "/v1/detect", _raw({"documents": [{"id": PHI * 20, "text": "x"}]}), {}, 422),
    ("patient id is an object", "/v1/deidentify",
     _raw({"documents": [{"text": PHI, "meta": {"patient_id": {"name": PHI}}}]}), {}, 422),
    ("patient id is a float", "/v1/deidentify",
     _raw({"documents": [{"text": PHI, "meta": {"patient_id": 99887766.0}}]}), {}, 422),
    ("detectors is a string", "/v1/detect", _raw({"text": PHI, "detectors": PHI}), {}, 422),
    ("mode is a number", "/v1/deidentify", _raw({"text": PHI, "mode": 3}), {}, 422),
    ("unknown top-level key", "/v1/deidentify", _raw({"text": "x", PHI: PHI}), {}, 422),
    ("unknown document key", "/v1/detect",
     _raw({"documents": [{"text": "x", "note": PHI, PHI: 1}]}), {}, 422),
    ("both text and documents", "/v1/detect",
     _raw({"text": PHI, "documents": [{"text": PHI}]}), {}, 422),
    ("unknown mode", "/v1/deidentify", _raw({"text": PHI, "mode": PHI}), {}, 422),
    ("unknown detectors with PHI", "/v1/detect",
     _raw({"text": PHI, "detectors": ["toy", PHI, f"Dr. {CANARY}"]}), {}, 422),
    ("no detectors", "/v1/deidentify", _raw({"text": PHI, "detectors": []}), {}, 422),
    ("surrogates without a key", "/v1/deidentify", _raw({"text": PHI, "mode": "surrogate"}),
     {}, 409),
    ("missing token", "/v1/deidentify", _raw({"text": PHI}), None, 401),
    ("token holding PHI", "/v1/detect", _raw({"text": PHI}),
     {"authorization": f"Bearer {CANARY}"}, 401),
    ("basic auth", "/v1/detect", _raw({"text": PHI}), {"authorization": f"Basic {CANARY}"}, 401),
    ("bad Content-Length", "/v1/detect", _raw({"text": PHI}), {"content-length": "x"}, 400),
    ("PHI in the path", f"/v1/{CANARY}", _raw({"text": PHI}), {}, 404),
    ("PHI in the query string", f"/v1/detect?name={CANARY}", _raw({"text": PHI}), {}, 200),
]


@pytest.fixture(scope="module")
def probe_client() -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("FAIRDEID_KEY", raising=False)
        app = create_app(TOY, token=TOKEN, background_load=False, **LIMITS)  # type: ignore[arg-type]
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client


@pytest.mark.parametrize(("name", "path", "body", "headers", "status"), PROBES,
                         ids=[p[0] for p in PROBES])
def test_probe_gets_a_clear_status_and_leaks_nothing(
    probe_client: TestClient, caplog: pytest.LogCaptureFixture,
    name: str, path: str, body: bytes, headers: dict[str, str] | None, status: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = {"authorization": bearer()["Authorization"]} if headers is not None else {}
    sent = {**JSON, **auth, **(headers or {})}
    r = probe_client.post(path, content=body, headers=sent)
    assert r.status_code == status, (name, r.text)
    if status != 200:
        assert "detail" in r.json()
    for secret in SECRETS:
        assert secret not in r.text, (name, secret)
        assert secret not in str(r.headers), (name, secret)
    # httpx logs the URL the test client requested: that is the client side.
    server = [rec for rec in caplog.records if not rec.name.startswith("httpx")]
    assert server, "no server log captured"
    fmt = logging.Formatter("%(name)s %(message)s")  # includes any traceback
    logged = "\n".join(fmt.format(rec) for rec in server)
    for secret in SECRETS:
        assert secret not in logged, (name, secret)


def test_two_authorization_headers_are_refused(probe_client: TestClient) -> None:
    """Which one would count is up to the parser; a valid one must not excuse another."""
    headers = [("content-type", "application/json"), ("authorization", f"Bearer {TOKEN}"),
               ("authorization", f"Bearer {CANARY}")]
    for pair in (headers, [headers[0], headers[2], headers[1]]):
        r = probe_client.post("/v1/detect", content=_raw({"text": "x"}), headers=pair)
        assert r.status_code == 401 and CANARY not in r.text


def test_wrong_method_and_unknown_paths_leak_nothing(probe_client: TestClient) -> None:
    r = probe_client.get(f"/v1/deidentify?text={CANARY}", headers=bearer())
    assert r.status_code == 405 and CANARY not in r.text
    r = probe_client.get(f"/static/{CANARY}.js")
    assert r.status_code == 404 and CANARY not in r.text
