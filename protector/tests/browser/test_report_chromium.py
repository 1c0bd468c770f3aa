"""The operation report opened in headless Chromium: the Gantt chart must
really render (sizes, colours, a screenshot that is more than a blank page),
and the page must not ask the network for anything.

Needs /usr/bin/chromium (Debian's ``chromium``) and the ``playwright``
package; never ``playwright install``. Without them the tests skip, or fail
with PROTECTOR_BROWSER_REQUIRED=1.
"""

from __future__ import annotations

import base64
import os
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from protector.reports import operation

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
T0 = datetime(2026, 12, 1, 21, 30, 0, 250000, tzinfo=UTC)
MEMBERS = [{"id": "m-db", "name": "db", "boot_order": 1},
           {"id": "m-app", "name": "app", "boot_order": 2},
           {"id": "m-web", "name": "web", "boot_order": 2}]


def _at(seconds: float | None) -> str | None:
    return None if seconds is None else (T0 + timedelta(seconds=seconds)).isoformat()


def _step(name: str, member: str | None, start: float, end: float | None,
          outcome: str = "success", error: str | None = None) -> dict:
    return {"step": name, "member": member, "started_at": _at(start),
            "finished_at": _at(end), "outcome": outcome, "error": error}


def _report(op: dict, timeline: list[dict], point: dict, generated: float) -> dict:
    op = {"id": "5f0c8a7e-93d1-4a7b-9d0e-2b1f4c6e8a10", "progress": 100,
          "current_step": None, "error_message": None, "started_at": _at(0),
          "parameters": {}, **op}
    op["steps_completed"] = [e["step"] for e in timeline if e["outcome"] == "success"]
    op["steps_failed"] = [{"step": e["step"], "error": e["error"]} for e in timeline
                          if e["outcome"] == "failure"]
    return {"generated_at": _at(generated), "operation": op,
            "protection_group": {"id": "0d5e2c1b-7a44-4f0e-8b7a-3c9d1e2f4a55", "name": "pg1"},
            "source_site": "site-a", "target_site": "site-b", "recovery_point": point,
            "members": MEMBERS, "timeline": timeline}


def planned_failover() -> dict:
    """Three members copied and managed at once, then booted in two groups."""
    timeline = [
        _step("check target site", None, 0.0, 1.2),
        _step("stop servers on source", None, 1.2, 14.8),
        _step("replicate now", None, 14.8, 41.3),
        _step("copy volumes of db", "db", 41.3, 68.0),
        _step("copy volumes of app", "app", 41.4, 59.9),
        _step("copy volumes of web", "web", 41.4, 52.2),
        _step("manage volumes of web", "web", 52.2, 61.0),
        _step("manage volumes of app", "app", 59.9, 70.1),
        _step("manage volumes of db", "db", 68.0, 79.5),
        _step("boot db", "db", 79.6, 121.4),
        _step("boot app", "app", 121.5, 158.2),
        _step("boot web", "web", 121.5, 149.9),
        _step("switch primary site", None, 158.3, 160.1),
    ]
    op = {"operation_type": "failover", "failover_type": "planned", "status": "completed",
          "completed_at": _at(160.4), "parameters": {"failover_type": "planned"}}
    return _report(op, timeline, {"name": "pg1.42", "created": _at(38.9)}, 171.0)


def rolled_back_failover() -> dict:
    """An unplanned failover whose copy of one member failed and was reverted."""
    timeline = [
        _step("check target site", None, 0.0, 0.9),
        _step("pick recovery point", None, 0.9, 2.4),
        _step("copy volumes of db", "db", 2.5, 31.0),
        _step("copy volumes of app", "app", 2.5, 18.2, "failure",
              "StorageError: volume copy of app-data failed: <array> ENOSPC"),
        _step("copy volumes of web", "web", 2.6, 12.4),
        _step("manage volumes of web", "web", 12.4, 20.3),
        _step("revert manage volumes of web", "web", 31.1, 33.0, "reverted"),
        _step("revert copy volumes of web", "web", 33.0, 35.2, "reverted"),
        _step("revert copy volumes of db", "db", 31.1, 36.8, "reverted"),
    ]
    op = {"operation_type": "failover", "failover_type": "unplanned",
          "status": "rolled_back", "progress": 33, "completed_at": _at(37.0),
          "error_message": "copy volumes of app failed; the target site was cleaned up"}
    return _report(op, timeline, {"name": "pg1.41", "created": _at(-190.0)}, 40.0)


def running_test_failover() -> dict:
    """A test failover caught while booting its first member."""
    timeline = [
        _step("check target site", None, 0.0, 1.1),
        _step("pick recovery point", None, 1.1, 2.0),
        _step("create test network", None, 2.0, 6.5),
        _step("copy volumes of db", "db", 6.6, 33.0),
        _step("copy volumes of app", "app", 6.6, 24.1),
        _step("copy volumes of web", "web", 6.7, 17.9),
        _step("manage volumes of web", "web", 17.9, 26.0),
        _step("manage volumes of app", "app", 24.1, 35.3),
        _step("manage volumes of db", "db", 33.0, 44.6),
        _step("boot db", "db", 44.7, None, "running"),
    ]
    op = {"operation_type": "test_failover", "status": "running", "progress": 60,
          "current_step": "boot db", "completed_at": None}
    return _report(op, timeline, {"name": "pg1.40", "created": _at(-42.0)}, 71.0)


SCENARIOS: dict[str, Callable[[], dict]] = {
    "planned": planned_failover, "rolled_back": rolled_back_failover,
    "running": running_test_failover}

# Every distinct RGB in a PNG, decoded by the browser itself (no Pillow needed).
_COLOURS_JS = """async (src) => {
  const img = new Image(); img.src = src; await img.decode();
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data, seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return Array.from(seen);
}"""


def _unavailable(reason: str) -> None:
    if os.environ.get("PROTECTOR_BROWSER_REQUIRED") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"the playwright package is not installed ({exc})")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch problem is the reason
            _unavailable(f"headless Chromium did not start: {exc}")
        yield chromium
        chromium.close()


def _colours(browser: Any, png: bytes) -> set[int]:
    page = browser.new_page()
    try:
        src = "data:image/png;base64," + base64.b64encode(png).decode()
        return set(page.evaluate(_COLOURS_JS, src))
    finally:
        page.close()


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_report_renders_in_chromium(browser: Any, tmp_path: Path, scenario: str) -> None:
    data = SCENARIOS[scenario]()
    report = tmp_path / f"{scenario}.html"
    report.write_text(operation.render(data), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(report.as_uri(), wait_until="load")

    chart = page.locator("svg#timeline")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 100

    bars = page.eval_on_selector_all("rect.bar", """els => els.map(e => {
        const r = e.getBoundingClientRect();
        return {step: e.getAttribute('data-step'), width: r.width, height: r.height,
                fill: getComputedStyle(e).fill};
    })""")
    assert Counter(b["step"] for b in bars) == Counter(e["step"] for e in data["timeline"])
    assert all(b["width"] > 0 and b["height"] > 0 for b in bars), bars
    fills = {b["step"]: b["fill"] for b in bars}
    # The phase colours come from the page's CSS, so they prove the styles applied.
    assert fills["copy volumes of db"] != fills["check target site"]

    rto = page.locator("#rto")
    assert rto.is_visible()
    rto_text = operation.format_duration(operation.rto_seconds(data))
    expected = rto_text if operation.rto_is_final(data) else f"{rto_text} so far"
    assert " ".join(rto.inner_text().split()) == expected

    shot = tmp_path / f"{scenario}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 30_000  # a blank page of this size is a few KB
    chart_colours = _colours(browser, chart.screenshot())
    assert len(chart_colours) > 20
    copy_blue = 0x3B82F6
    assert copy_blue in chart_colours
    if scenario == "planned":
        assert {0x8B5CF6, 0x10B981} <= chart_colours  # manage violet, boot green
    if scenario == "rolled_back":
        assert 0xDC2626 in chart_colours  # the failed copy
        assert page.locator("#errors").is_visible()

    assert errors == []
    assert requests == [report.as_uri()], "the report must load nothing else"
    page.close()
