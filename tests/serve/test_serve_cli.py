"""`fairdeid serve` wiring (uvicorn is not started: we capture what it would run)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fairdeid.cli import app


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    return seen


def _wait_ready(client: TestClient, seconds: float = 60.0) -> None:
    """The pipeline loads in the background: a busy machine can take a while (503 until then)."""
    import time

    deadline = time.monotonic() + seconds
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the pipeline never became ready"
        time.sleep(0.05)


def test_serve_builds_app_with_token_and_quiet_access_log(
    captured: dict[str, Any], toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FD_TEST_TOKEN", "abc")
    result = CliRunner().invoke(app, ["serve", "--config", str(toy_config_file), "--port", "8123",
                                      "--token-env", "FD_TEST_TOKEN", "--max-batch", "2"])
    assert result.exit_code == 0, result.output
    assert captured["port"] == 8123 and captured["host"] == "127.0.0.1"
    assert captured["access_log"] is False
    assert captured["log_config"]["loggers"]["uvicorn.access"]["handlers"] == []
    with TestClient(captured["app"]) as client:
        assert client.post("/v1/detect", json={"text": "x"}).status_code == 401
        _wait_ready(client)
        ok = client.post("/v1/deidentify", json={"text": "Dr. Lee"},
                         headers={"Authorization": "Bearer abc"})
        assert ok.json()["text"] == "Dr. [NAME]"
        info = client.get("/v1/info").json()
        assert info["max_batch"] == 2
        assert info["max_request_chars"] == 1_000_000 and info["request_timeout"] == 60.0


def test_serve_passes_work_limits(captured: dict[str, Any], toy_config_file: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--config", str(toy_config_file),
                                      "--max-request-chars", "5000", "--request-timeout", "2.5"])
    assert result.exit_code == 0, result.output
    with TestClient(captured["app"]) as client:
        info = client.get("/v1/info").json()
        assert info["max_request_chars"] == 5000 and info["request_timeout"] == 2.5
        r = client.post("/v1/detect", json={"documents": [{"text": "x" * 3000}] * 2})
        assert r.status_code == 413


def test_serve_refuses_unset_token_env_and_bad_config(
    captured: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FD_UNSET", raising=False)
    result = CliRunner().invoke(app, ["serve", "--token-env", "FD_UNSET"])
    assert result.exit_code == 2 and "unset or empty" in result.output
    result = CliRunner().invoke(app, ["serve", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "not found" in result.output
    assert not captured


def test_default_pipeline_when_available() -> None:
    """With the packaged default config (rules + model), spans say which kind found them."""
    pytest.importorskip("fairdeid.detect.rules")
    from fairdeid.serve.api import create_app

    with TestClient(create_app(None, background_load=False)) as client:
        got = client.post("/v1/deidentify", json={
            "text": "Seen by Dr. Wei Zhang on 2021-03-04, call 555-123-4567."}).json()
    assert "Zhang" not in got["text"] and "555-123-4567" not in got["text"]
    assert {s["kind"] for s in got["spans"]} <= {"rule", "model"}
    assert {s["coarse"] for s in got["spans"]} >= {"NAME", "DATE", "CONTACT"}


def test_app_from_env_reads_config_and_token(
    toy_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fairdeid.serve.api import app_from_env

    monkeypatch.setenv("FAIRDEID_CONFIG", str(toy_config_file))
    monkeypatch.setenv("FAIRDEID_TOKEN", "t0k")
    with TestClient(app_from_env()) as client:
        assert client.get("/v1/info").json()["auth"] is True
        for _ in range(200):  # the config loads in the background
            if client.get("/readyz").status_code == 200:
                break
            threading.Event().wait(0.05)
        ok = client.post("/v1/detect", json={"text": "Dr. Lee"},
                         headers={"Authorization": "Bearer t0k"})
        assert ok.json()["spans"][0]["label"] == "DOCTOR"
