"""``/docs`` works with no network: Swagger UI's JS and CSS come from this server.

FastAPI's defaults load Swagger UI and ReDoc from a CDN; offline, ``/docs`` was a blank page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fairdeid.serve.api import DOCS_ASSETS

#: Any absolute URL to another host in a page's markup (scripts, styles, fonts, favicons).
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_docs_page_loads_nothing_from_other_hosts(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert not EXTERNAL.search(r.text), r.text
    assert "cdn." not in r.text and "fonts.googleapis" not in r.text
    assert DOCS_ASSETS in r.text
    csp = r.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "default-src 'self'" in csp


def test_docs_disable_the_swagger_validator_badge(client: TestClient) -> None:
    # The badge would send the spec's URL to validator.swagger.io.
    assert '"validatorUrl": null' in client.get("/docs").text


def test_redoc_is_off_and_redirects_to_swagger_ui(client: TestClient) -> None:
    # ReDoc's bundle fetches its logo from redoc.ly whatever it is told: not on this server.
    r = client.get("/redoc", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/docs"


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"])
def test_docs_assets_are_served_locally(client: TestClient, asset: str) -> None:
    r = client.get(f"{DOCS_ASSETS}/{asset}")
    assert r.status_code == 200 and len(r.content) > 1000


def test_docs_paths_are_logged_by_name(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="fairdeid.serve.access")
    client.get("/docs")
    client.get(f"{DOCS_ASSETS}/swagger-ui.css")
    client.get("/annotate")
    lines = [r.getMessage() for r in caplog.records]
    assert any(" /annotate 200" in line for line in lines), lines
    assert any(" /docs 200" in line for line in lines), lines
    assert any(f" {DOCS_ASSETS}/swagger-ui.css 200" in line for line in lines), lines


@pytest.mark.slow
@pytest.mark.browser
def test_swagger_ui_renders_the_operations_offline(live_server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live_server + "/docs")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    )
    paths = {e.text.replace("\u200b", "") for e in
             browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/v1/deidentify", "/v1/detect", "/v1/info", "/healthz", "/readyz"} <= paths
    assert "fairdeid" in browser.find_element(By.CSS_SELECTOR, ".info .title").text
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(u.startswith(live_server) for u in resources), resources
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
