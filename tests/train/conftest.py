"""Fixtures of the training tests: the shipped model's torch weights, rebuilt once a session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def init_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ``XDG_CACHE_HOME`` holding ``builtin:minilm-mc-deid`` rebuilt from its int8 graph
    (seconds of CPU: built once, shared by every test that starts from the shipped model)."""
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    from fairdeid.detect.transformer import resolve_model_path
    from fairdeid.train.from_onnx import cache_root, rebuild_from_onnx

    base = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(base))
        model = resolve_model_path("builtin:minilm-mc-deid")
        rebuild_from_onnx(model, model / "model.int8.onnx", root=cache_root())
    return base


@pytest.fixture
def rebuilt_minilm(init_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rebuilt directory, with ``XDG_CACHE_HOME`` pointing at its cache for this test."""
    from fairdeid.train.from_onnx import cache_root

    monkeypatch.setenv("XDG_CACHE_HOME", str(init_cache))
    (path,) = cache_root().iterdir()
    return path
