"""Fixtures for the service tests (helpers live in ``serve_support``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from serve_support import TOKEN, TOY  # noqa: E402

from fairdeid.serve.api import create_app  # noqa: E402


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(TOY, background_load=False)) as c:
        yield c


@pytest.fixture
def auth_client() -> Iterator[TestClient]:
    with TestClient(create_app(TOY, token=TOKEN, background_load=False)) as c:
        yield c
