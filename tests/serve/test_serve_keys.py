"""Surrogate mode needs an explicit key on a server: replicas and restarts must agree."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from serve_support import TOY
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.serve.api import create_app

SURROGATE_TOY = {"pipeline": {"detectors": ["toy"]}, "replace": {"mode": "surrogate"}}
NOTE = {"documents": [{"id": "n1", "text": "Seen by Dr. Lee on 2021-03-04.",
                       "meta": {"patient_id": "p7"}}], "mode": "surrogate"}


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAIRDEID_KEY", raising=False)


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    value = secrets.token_urlsafe(32)  # what `fairdeid keygen` prints
    monkeypatch.setenv("FAIRDEID_KEY", value)
    return value


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    return seen


def _surrogate_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "surrogate.toml"
    path.write_text(f'[pipeline]\ndetectors = ["toy"]\n[replace]\nmode = "surrogate"\n{extra}',
                    encoding="utf-8")
    return path


def test_cli_refuses_a_surrogate_server_without_key(
    no_key: None, captured: dict[str, Any], tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["serve", "--config", str(_surrogate_config(tmp_path))])
    assert result.exit_code == 2, result.output
    assert "surrogate mode needs a key" in result.output and "FAIRDEID_KEY" in result.output
    assert not captured  # uvicorn never started


def test_cli_refuses_a_weak_key_without_printing_it(
    captured: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FD_WEAK_KEY", "hunter2hunter2")
    config = _surrogate_config(tmp_path, 'key_env = "FD_WEAK_KEY"\n')
    result = CliRunner().invoke(app, ["serve", "--config", str(config)])
    assert result.exit_code == 2 and "too weak" in result.output
    assert "hunter2" not in result.output
    assert not captured


def test_cli_starts_a_surrogate_server_with_a_key(
    key: str, captured: dict[str, Any], tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["serve", "--config", str(_surrogate_config(tmp_path))])
    assert result.exit_code == 0, result.output
    assert key not in result.output


def test_surrogate_default_without_key_fails_to_load(no_key: None) -> None:
    app = create_app(SURROGATE_TOY, background_load=False)
    with pytest.raises(Exception, match="surrogate mode needs a key"), TestClient(app):
        pass


def test_surrogate_default_without_key_reports_failed_readiness(no_key: None) -> None:
    import time

    with TestClient(create_app(SURROGATE_TOY)) as client:
        for _ in range(200):  # bounded wait for the background loader
            body = client.get("/readyz").json()
            if body["status"] != "loading":
                break
            time.sleep(0.05)
        assert body["status"] == "failed" and "surrogate mode needs a key" in body["error"]
        assert client.post("/v1/deidentify", json={"text": "Dr. Lee"}).status_code == 503


@pytest.mark.parametrize("path_body", [NOTE, {"text": "Dr. Lee", "mode": "surrogate"}])
def test_surrogate_request_without_key_is_409_and_draws_no_random_key(
    no_key: None, caplog: pytest.LogCaptureFixture, path_body: dict[str, Any]
) -> None:
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(TOY, background_load=False)) as client:
        r = client.post("/v1/deidentify", json=path_body)
        assert r.status_code == 409
        assert r.json() == {"detail": "surrogate mode needs a key on this server"}
        engine = client.app.state.engine  # type: ignore[attr-defined]
        assert "surrogate" not in engine._by_mode
        # The server's other modes are unaffected.
        assert client.post("/v1/deidentify", json={"text": "Dr. Lee"}).status_code == 200
    assert not [r for r in caplog.records if "random per-process key" in r.getMessage()]


def test_replicas_with_one_key_give_a_patient_the_same_surrogates(key: str) -> None:
    """Two servers (replicas, or one before and after a restart) must agree."""
    answers = []
    for _ in range(2):
        with TestClient(create_app(SURROGATE_TOY, background_load=False)) as client:
            r = client.post("/v1/deidentify", json=NOTE)
            assert r.status_code == 200, r.text
            answers.append(r.json()["documents"][0]["text"])
    assert answers[0] == answers[1]
    assert "Lee" not in answers[0] and "2021-03-04" not in answers[0]


def test_one_surrogate_replacer_serves_every_request(key: str) -> None:
    """Its store is the bounded surrogate cache: one per mode, not one per request."""
    with TestClient(create_app(TOY, background_load=False)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        assert client.post("/v1/deidentify", json=NOTE).status_code == 200
        replacer = engine.for_mode("surrogate").replacer
        assert client.post("/v1/deidentify", json=NOTE).status_code == 200
        assert engine.for_mode("surrogate").replacer is replacer
