"""The review page, end to end in headless Chromium (Selenium, system chromedriver).

CI installs the Debian packages ``chromium`` and ``chromium-driver``; without them this skips.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import pytest
from serve_support import CANARY

from fairdeid.serve.api import STATIC_DIR

SCREENSHOT = os.environ.get("FAIRDEID_SCREENSHOT")  # set to a path to keep a screenshot


def test_page_assets_are_self_contained() -> None:
    """No CDN, no external URL: the page must work offline and send notes nowhere else."""
    for path in STATIC_DIR.iterdir():
        text = path.read_text("utf-8")
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path.name
        assert "innerHTML" not in text, path.name  # the note is untrusted input


@pytest.mark.slow
@pytest.mark.browser
def test_review_page_highlights_and_deidentifies(
    live_server: str, browser: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    caplog.set_level(logging.DEBUG)
    driver = browser
    wait = WebDriverWait(driver, 30)
    driver.get(live_server + "/")
    wait.until(ec.text_to_be_present_in_element((By.ID, "ready"), "ready"))
    assert "toy" in driver.find_element(By.ID, "ready").text
    assert not driver.find_element(By.ID, "token-field").is_displayed()

    note = f"🙂 Patient {CANARY} seen by Dr. Lee on 2021-03-04.\nCall 555-123-4567."
    box = driver.find_element(By.ID, "note")
    driver.execute_script("arguments[0].value = arguments[1];", box, note)  # emoji-safe
    box.send_keys(" ")
    Select(driver.find_element(By.ID, "mode")).select_by_value("tag")
    driver.find_element(By.ID, "run").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#original mark.phi"))

    marks = driver.find_elements(By.CSS_SELECTOR, "#original mark.phi")
    assert [m.get_attribute("data-label") for m in marks] == ["DOCTOR", "DATE", "PHONE"]
    # Code-point offsets survive the emoji: the highlighted text is exactly the PHI.
    assert [m.text for m in marks][0].startswith("Lee")
    assert marks[1].text.startswith("2021-03-04")
    tip = marks[0].get_attribute("data-tip")
    assert "DOCTOR (NAME)" in tip and "toy:doctor" in tip and "score 0.90" in tip
    assert "c-NAME" in marks[0].get_attribute("class")
    output = driver.find_element(By.ID, "output").text
    assert "Dr. [NAME]" in output and "[DATE]" in output and "Call [CONTACT]" in output
    assert "[NAME]" in driver.find_element(By.CSS_SELECTOR, "#output mark.phi").text
    legend = {c.get_attribute("data-coarse"): c.text
              for c in driver.find_elements(By.CSS_SELECTOR, "#legend .chip")}
    assert legend["NAME"].endswith("1") and legend["CONTACT"].endswith("1")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#spans tbody tr")) == 3

    Select(driver.find_element(By.ID, "mode")).select_by_value("redact")
    driver.find_element(By.ID, "run").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "out-mode"), "redact"))
    assert "Dr. *** on **********" in driver.find_element(By.ID, "output").text

    Select(driver.find_element(By.ID, "mode")).select_by_value("tag")
    driver.find_element(By.ID, "run").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "out-mode"), "tag"))
    ActionChains(driver).move_to_element(
        driver.find_element(By.CSS_SELECTOR, "#original mark.phi")).perform()
    wait.until(ec.visibility_of_element_located((By.ID, "tip")))
    assert "DOCTOR (NAME) · other · toy:doctor" in driver.find_element(By.ID, "tip").text
    if SCREENSHOT:
        driver.save_screenshot(SCREENSHOT)
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors  # includes CSP violations
    # Selenium and urllib3 log what the test typed (client side); the server must not.
    server = [r for r in caplog.records if r.name.split(".")[0] in ("fairdeid", "uvicorn")]
    assert server, "no server log captured"
    assert all(CANARY not in logging.Formatter().format(r) for r in server)
