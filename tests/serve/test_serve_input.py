"""Request content that must be refused without being echoed: lone surrogates, detector names."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from serve_support import CANARY

LONE = "\\ud800"  # JSON escape of a lone high surrogate: valid JSON, not valid Unicode text


def _post(client: TestClient, path: str, raw: str) -> tuple[int, str, object]:
    r = client.post(path, content=raw.encode("ascii"), headers={"content-type": "application/json"})
    return r.status_code, r.text, r.json()


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (f'{{"text": "{CANARY} {LONE}"}}', "text"),
        (f'{{"documents": [{{"text": "ok"}}, {{"text": "{CANARY}{LONE}"}}]}}', "documents[1].text"),
        (f'{{"documents": [{{"id": "{CANARY}{LONE}", "text": "ok"}}]}}', "documents[0].id"),
        (f'{{"documents": [{{"text": "ok", "meta": {{"patient_id": "{CANARY}\\udc00"}}}}]}}',
         "documents[0].meta"),
        (f'{{"documents": [{{"text": "ok", "meta": {{"{CANARY}{LONE}": 1}}}}]}}',
         "documents[0].meta"),
        (f'{{"text": "ok", "detectors": ["{CANARY}{LONE}"]}}', "detectors[0]"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/deidentify", "/v1/detect"])
def test_lone_surrogate_anywhere_is_422_naming_the_field_not_the_text(
    client: TestClient, caplog: pytest.LogCaptureFixture, raw: str, where: str, path: str
) -> None:
    caplog.set_level(logging.DEBUG)
    status, text, body = _post(client, path, raw)
    assert status == 422, text
    assert CANARY not in text and "Zebulon" not in text
    assert isinstance(body, dict)
    [error] = body["detail"]
    assert error["type"] == "lone_surrogate"
    assert error["msg"].startswith(f"{where} contains a lone surrogate")
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records
                       if not r.name.startswith("httpx"))
    assert CANARY not in logged


def test_surrogate_pairs_are_fine(client: TestClient) -> None:
    """A correctly paired escape is an ordinary character (here an emoji), not a lone one."""
    status, text, body = _post(client, "/v1/deidentify", '{"text": "\\ud83d\\ude42 Dr. Lee"}')
    assert status == 200, text
    assert isinstance(body, dict) and body["text"] == "🙂 Dr. [NAME]"


@pytest.mark.parametrize("path", ["/v1/deidentify", "/v1/detect"])
def test_unknown_detectors_are_named_by_position_never_echoed(
    client: TestClient, path: str
) -> None:
    r = client.post(path, json={"text": "Dr. Lee", "detectors": ["toy", CANARY, "x"]})
    assert r.status_code == 422
    assert CANARY not in r.text and "'x'" not in r.text
    assert r.json()["detail"] == (
        "2 unknown detector(s) at position(s) [1, 2] of 'detectors'; available: ['toy']"
    )


@pytest.mark.parametrize("path", ["/v1/deidentify", "/v1/detect"])
def test_empty_detector_list_is_refused(client: TestClient, path: str) -> None:
    """No detector at all would return the note untouched as if it had been checked."""
    r = client.post(path, json={"text": "Dr. Lee", "detectors": []})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "detectors"]


@pytest.mark.parametrize("path", ["/v1/deidentify", "/v1/detect"])
def test_an_unknown_language_is_422_without_echoing_the_value(
    client: TestClient, path: str
) -> None:
    """The 422 used to quote the client's value ("language 'Zebulon' is not one of ...")."""
    r = client.post(path, json={"text": "ok", "language": "Zebulon"})
    assert r.status_code == 422, r.text
    assert "Zebulon" not in r.text
    assert "'language'" in r.text and "en" in r.text
