"""The annotation page: load notes, correct the detections, export canonical JSONL.

The browser test walks the whole loop in headless Chromium with real mouse selections and key
presses; it skips when Chromium is absent (CI installs it).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from serve_support import CANARY

from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.taxonomy import ALL_LABELS

NOTE_A = (f"🙂 Patient {CANARY} seen by Dr. Lee Monday morning, MRN 00482913.\n"
          "Fax 555-123-4567 on 2021-03-04.")
NOTE_B = "Dr. Ana Ruiz signed on 2020-01-02."
SCREENSHOT = os.environ.get("FAIRDEID_SCREENSHOT")  # set to a path to keep a screenshot


def test_annotate_page_is_served_with_the_page_policy(client: TestClient) -> None:
    r = client.get("/annotate")
    assert r.status_code == 200 and "/static/annotate.js" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]


def test_info_lists_every_label_the_page_may_write(client: TestClient) -> None:
    labels = client.get("/v1/info").json()["labels"]
    offered = set(labels) | {fine for fines in labels.values() for fine in fines}
    assert offered == set(ALL_LABELS)


def _point(driver: Any, start: int, end: int | None = None) -> dict[str, float]:
    """Viewport coordinates of code point ``start`` of the note (and of ``end - 1``)."""
    return driver.execute_script(  # type: ignore[no-any-return]
        """
        const [cpStart, cpEnd] = [arguments[0], arguments[1]];
        const doc = document.getElementById("doc");
        function rect(cp) {
          const host = Array.from(doc.children).find(
            (el) => +el.dataset.start <= cp && cp < +el.dataset.end);
          const node = host.firstChild;
          const cps = Array.from(node.data);
          const k = cp - +host.dataset.start;
          const from = cps.slice(0, k).join("").length;
          const range = document.createRange();
          range.setStart(node, from);
          range.setEnd(node, from + cps[k].length);
          return range.getBoundingClientRect();
        }
        const a = rect(cpStart);
        const out = {x1: a.left + a.width * 0.2, y: a.top + a.height / 2};
        if (cpEnd !== null) { const b = rect(cpEnd - 1); out.x2 = b.right - b.width * 0.2; }
        return out;
        """,
        start,
        end,
    )


def _drag(driver: Any, start: int, end: int) -> None:
    """Select code points [start, end) of the note with the mouse, as a person would."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    p = _point(driver, start, end)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(p["x1"]), int(p["y"])).pointer_down()
    actions.pointer_action.move_to_location(int(p["x2"]), int(p["y"])).pointer_up()
    actions.perform()


def _click(driver: Any, at: int) -> None:
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    p = _point(driver, at)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(p["x1"]), int(p["y"])).click()
    actions.perform()


def _press(driver: Any, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def _marks(driver: Any) -> list[tuple[str, str, str]]:
    from selenium.webdriver.common.by import By

    return [
        (m.text, m.get_attribute("data-label"),
         "pending" if "st-pending" in m.get_attribute("class") else "accepted")
        for m in driver.find_elements(By.CSS_SELECTOR, "#doc mark")
    ]


def _wait_download(directory: Path) -> Path:
    """The one finished download in ``directory`` (the test removes each after reading it)."""
    from serve_support import wait_for

    def done() -> list[Path]:
        return [p for p in directory.glob("notes.corrected*.jsonl") if p.stat().st_size > 0]

    wait_for(lambda: len(done()) == 1, "the export download")
    return done()[0]


@pytest.mark.slow
@pytest.mark.browser
def test_annotation_loop_in_the_browser(
    live_server: str, browser: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    caplog.set_level(logging.DEBUG)
    notes = tmp_path / "notes.jsonl"
    notes.write_text(
        json.dumps({"id": "a", "text": NOTE_A, "meta": {"patient_id": "p1"}}) + "\n"
        + json.dumps({"id": "b", "text": NOTE_B,
                      "spans": [{"start": 4, "end": 12, "label": "DOCTOR"}]}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "d", "text": "x", "spans": [{"start": 0, "end": 5, "label": "DATE"}]})
        + "\n",
        "utf-8",
    )
    driver = browser
    wait = WebDriverWait(driver, 30)
    driver.get(live_server + "/annotate")
    wait.until(ec.text_to_be_present_in_element((By.ID, "ready"), "ready"))
    driver.find_element(By.ID, "file").send_keys(str(notes))
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))

    # Bad lines are named, with their reason, and nothing else is lost.
    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#load-errors li")]
    assert errors == ["line 3: malformed JSON (not loaded)",
                      "line 4: span 0: offsets 0-5 outside the text (1 character) (not loaded)"]
    assert "2 notes" in driver.find_element(By.ID, "status").text
    # Our detections are the pre-annotations, to be reviewed.
    assert _marks(driver) == [("Lee Monday", "DOCTOR", "pending"),
                              ("MRN 00482913", "MEDICALRECORD", "pending"),
                              ("555-123-4567", "PHONE", "pending"),
                              ("2021-03-04", "DATE", "pending")]
    lee = NOTE_A.index("Lee Monday")

    # Split "Lee Monday" where clicked (the space), then reject "Monday", undo, reject again.
    _click(driver, lee + 3)
    _press(driver, "s")
    assert _marks(driver)[:2] == [("Lee", "DOCTOR", "accepted"), ("Monday", "DOCTOR", "accepted")]
    _press(driver, "]x")
    assert [m[0] for m in _marks(driver)][:2] == ["Lee", "MRN 00482913"]
    _press(driver, "z")
    assert [m[0] for m in _marks(driver)][:2] == ["Lee", "Monday"]
    _press(driver, "x")

    # Select the number alone: the new span replaces the detector's "MRN 00482913".
    _press(driver, Keys.ESCAPE + "8")
    mrn = NOTE_A.index("00482913")
    _drag(driver, mrn, mrn + 8)
    assert ("00482913", "MEDICALRECORD", "accepted") in _marks(driver)
    assert not any(m[0].startswith("MRN") for m in _marks(driver))

    # Add the patient name the detector missed (label 1 = PATIENT).
    _press(driver, Keys.ESCAPE + "1")
    name = NOTE_A.index(CANARY)
    _drag(driver, name, name + len(CANARY))
    assert _marks(driver)[0] == (CANARY, "PATIENT", "accepted")

    # Relabel the phone as a fax with the label list (L focuses it).
    driver.find_element(By.CSS_SELECTOR, "#doc mark[data-label=PHONE]").click()
    _press(driver, "l")
    assert driver.switch_to.active_element.get_attribute("id") == "span-label"
    Select(driver.find_element(By.ID, "span-label")).select_by_value("FAX")
    assert ("555-123-4567", "FAX", "accepted") in _marks(driver)
    _press(driver, Keys.ENTER)  # back from the list to the page's keys
    assert driver.switch_to.active_element.get_attribute("id") != "span-label"

    if SCREENSHOT:
        driver.save_screenshot(SCREENSHOT)
    # Reviewed: the date nobody touched counts as accepted; the page moves to note b, whose
    # own annotation is kept (no detection ran on it).
    _press(driver, "d")
    wait.until(ec.text_to_be_present_in_element((By.ID, "progress"), "2 of 2"))
    assert _marks(driver) == [("Ana Ruiz", "DOCTOR", "accepted")]

    driver.find_element(By.ID, "export").click()
    download = _wait_download(driver.download_dir)
    assert download.name == "notes.corrected.jsonl"
    exported = read_jsonl(download)
    download.unlink()
    assert [d.id for d in exported] == ["a"]
    doc = exported[0]
    assert doc.text == NOTE_A and dict(doc.meta) == {"patient_id": "p1", "review": "done"}
    assert [(doc.text[s.start:s.end], s.label, s.source) for s in doc.spans] == [
        (CANARY, "PATIENT", "gold"), ("Lee", "DOCTOR", "gold"),
        ("00482913", "MEDICALRECORD", "gold"), ("555-123-4567", "FAX", "gold"),
        ("2021-03-04", "DATE", "gold"),
    ]

    # With the box ticked, the note not yet reviewed comes along, marked as such.
    driver.find_element(By.ID, "include-todo").click()
    driver.find_element(By.ID, "export").click()
    both = read_jsonl(_wait_download(driver.download_dir))
    assert [(d.id, d.meta["review"]) for d in both] == [("a", "done"), ("b", "todo")]

    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe
    server = [r for r in caplog.records if r.name.split(".")[0] in ("fairdeid", "uvicorn")]
    assert server and all(CANARY not in logging.Formatter().format(r) for r in server)
