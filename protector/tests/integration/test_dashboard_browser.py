"""The dashboard in a real browser: Horizon with protector_dashboard
(`protector-lab dashboard up`) in front of the lab's real Keystones and
protectors, driven by Playwright in Debian's headless Chromium.

The tenant logs in on site-a, signs in to site-b, creates a PG, gives it
a replication policy, protects the lab's two servers, runs a test
failover and watches its progress on the operation page (the page is
never reloaded: the values change in place), opens the report and runs
the cleanup. The admin validates both sites, registers a site that does
not answer and removes it. Bad input and a peer site that is down show a
message, never a traceback. Screenshots go to the artifacts directory
(PROTECTOR_ARTIFACTS_DIR, default <lab dir>/artifacts/dashboard).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from protector.lab import catalog, config, dashboard, procs, protector_site
from protector.tests.integration import drill
from protector.tests.integration.helpers import Openstack

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
FINAL = ("completed", "failed", "rolled_back")
TYPE = "replicated-async"
NETWORK = catalog.NETWORK
ARTIFACTS = Path(os.environ.get("PROTECTOR_ARTIFACTS_DIR")
                 or config.lab_dir() / "artifacts") / "dashboard"


@pytest.fixture(scope="module")
def horizon() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)", pytrace=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return dashboard.up()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        yield browser
        browser.close()


class Page:
    """One browser context (one Horizon session) and what the test does in it."""

    def __init__(self, chromium: Any, base: str, who: str) -> None:
        self.context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.base = base
        self.who = who
        self.shots = 0

    def shot(self, name: str) -> Path:
        self.shots += 1
        path = ARTIFACTS / f"{self.who}-{self.shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def go(self, path: str) -> Any:
        resp = self.page.goto(self.base + path)
        assert resp is not None and resp.status < 500, (path, resp and resp.status)
        self.no_traceback()
        return resp

    def no_traceback(self) -> None:
        text = self.page.content()
        assert "Traceback (most recent call last)" not in text, self.page.url
        assert "Something went wrong" not in text, self.page.url

    def login(self, username: str, password: str, site: str = "site-a") -> None:
        self.go("/auth/login/")
        self.page.select_option("#id_region", label=site)
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("#loginBtn")
        self.page.wait_for_url(re.compile(r"^(?!.*/auth/login/).*$"))
        self.no_traceback()

    def modal(self, opener: str) -> Any:
        """Click what opens a modal form; the modal once its form is there."""
        self.page.click(opener)
        modal = self.page.locator("#modal_wrapper .modal form")
        modal.wait_for(state="visible")
        return modal

    def submit(self, modal: Any) -> None:
        """Submit a modal form that is valid: Horizon then loads the page the
        view redirects to (a form with errors would stay open instead)."""
        with self.page.expect_navigation(timeout=120_000, wait_until="load"):
            modal.locator(".modal-footer [type=submit]").click()
        self.no_traceback()

    def row_action(self, table: str, row_id: str, action: str) -> str:
        """Open a row's action menu and return the action's selector."""
        row = f"#{table}__row__{row_id}"
        target = f"#{table}__row_{row_id}__action_{action}"
        if not self.page.locator(target).is_visible():
            self.page.click(f"{row} .dropdown-toggle")
        return target

    def close(self) -> None:
        self.context.close()


def _wait_members_protected(page: Page, pg_id: str, count: int,
                            timeout: float = 240) -> None:
    """Reload the members tab until ``count`` rows say protected."""
    deadline = time.monotonic() + timeout
    while True:
        page.go(f"/project/protection_groups/{pg_id}/?tab=pg_details__members")
        rows = [t.lower() for t in page.page.locator("#members tbody tr").all_inner_texts()]
        assert not any("error" in r for r in rows), rows
        if sum("protected" in r for r in rows) >= count:
            return
        assert time.monotonic() < deadline, f"members not protected: {rows}"
        time.sleep(3)


def _watch_operation(page: Page, timeout: float = 600) -> dict[str, Any]:
    """Watch the operation page until the operation ends, without reloading
    it; what was seen: the progress values, statuses and step rows."""
    p = page.page
    p.wait_for_selector("#op-status")
    p.evaluate("window.__protectorSamePage = true")
    seen: dict[str, Any] = {"progress": [], "status": [], "rows": 0, "current": set()}
    deadline = time.monotonic() + timeout
    shot_running = False
    while True:
        status = p.locator("#op-status").inner_text().strip()
        progress = p.locator("#op-progress").get_attribute("data-progress")
        current = p.locator("#op-current-step").inner_text().strip()
        seen["rows"] = max(seen["rows"], p.locator("#op-steps tbody tr").count())
        if not seen["status"] or seen["status"][-1] != status:
            seen["status"].append(status)
        if not seen["progress"] or seen["progress"][-1] != progress:
            seen["progress"].append(progress)
        if current:
            seen["current"].add(current)
        if not shot_running and status not in FINAL and seen["rows"]:
            page.shot("operation-running")
            shot_running = True
        if status in FINAL:
            break
        assert time.monotonic() < deadline, f"operation still {status}: {seen}"
        time.sleep(0.5)
    assert p.evaluate("window.__protectorSamePage === true"), "the page was reloaded"
    return seen


def test_tenant_drill_in_the_browser(horizon: str, chromium: Any, mapping: None,
                                     tenants: dict[str, drill.Tenant],
                                     workload: tuple[str, dict[str, dict[str, str]]],
                                     tenant_openstack: Openstack) -> None:
    mark, made = workload
    names = sorted(made)
    pg_name = f"{mark}-pg"
    page = Page(chromium, horizon, "tenant")
    try:
        page.login(config.DEMO_USER, config.DEMO_PASSWORD)
        page.go("/project/protection_groups/")
        page.shot("protection-groups")

        # Sign in to site-b: the trust there, and the peer's operations.
        page.go("/project/dr_sites/")
        form = page.modal("#dr_sites__row_site-b__action_sign_in")
        form.locator("#id_password").fill(config.DEMO_PASSWORD)
        page.submit(form)
        assert "demo" in page.page.locator("#dr_sites").inner_text()
        page.shot("signed-in-to-site-b")

        # Bad input: the form says what to fix, nothing is created.
        page.go("/project/protection_groups/")
        form = page.modal("#protection_groups__action_create")
        form.locator("#id_name").fill(pg_name)
        form.locator("#id_replication_type").select_option("async")
        form.locator("#id_volume_type").select_option(TYPE)
        form.locator("#id_primary_site").select_option(label="site-a")
        form.locator("#id_secondary_site").select_option(label="site-b")
        form.locator("#id_network_mapping").fill("no equals sign here")
        form.locator(".modal-footer [type=submit]").click()
        error = page.page.locator("#modal_wrapper .modal .has-error, "
                                  "#modal_wrapper .modal .alert-danger")
        error.first.wait_for()
        assert "no equals sign here" in error.first.inner_text(), error.first.inner_text()
        page.no_traceback()
        page.shot("create-bad-mapping")
        form = page.page.locator("#modal_wrapper .modal form")
        form.locator("#id_network_mapping").fill(f"{NETWORK}={NETWORK}")
        page.submit(form)
        page.page.wait_for_selector(f"#protection_groups a:text-is('{pg_name}')")
        page.shot("protection-group-created")
        pg = tenant_openstack("site-a", "protector", "protection-group", "show", pg_name,
                              "-f", "json")
        try:
            _protect_and_drill(page, pg, names, made)
        finally:
            drill.delete_pg(tenant_openstack, pg_name)
    finally:
        page.close()


def _protect_and_drill(page: Page, pg: dict[str, Any], names: list[str],
                       made: dict[str, dict[str, str]]) -> None:
    pg_id = pg["id"]
    # The replication policy (the lab's mock arrays); the tokens never show.
    page.go(f"/project/protection_groups/{pg_id}/?tab=pg_details__policy")
    form = page.modal("#pg_policy_edit")
    arrays = drill.array_policy()
    form.locator("#id_primary_fa_url").fill(arrays["primary_fa_url"])
    form.locator("#id_primary_fa_api_token").fill(arrays["primary_fa_token"])
    form.locator("#id_secondary_fa_url").fill(arrays["secondary_fa_url"])
    form.locator("#id_secondary_fa_api_token").fill(arrays["secondary_fa_token"])
    form.locator("#id_rpo_minutes").fill("1")
    page.submit(form)
    page.go(f"/project/protection_groups/{pg_id}/?tab=pg_details__policy")
    assert arrays["primary_fa_token"] not in page.page.content()

    # Add the two servers from the picker (it says what will replicate).
    page.go(f"/project/protection_groups/{pg_id}/?tab=pg_details__members")
    form = page.modal("#members__action_add_member")
    for name in names:
        form.locator(f"input[value='{made[name]['server']}']").check()
    page.shot("add-members")
    page.submit(form)
    _wait_members_protected(page, pg_id, len(names))
    page.shot("members-protected")
    drill.wait_recovery_point(pg_id)

    # Test failover with the auto network, watched live to the end.
    page.go("/project/protection_groups/")
    form = page.modal(page.row_action("protection_groups", pg_id, "test_failover"))
    form.locator("label[for='id_network_choice_0']").click()  # the themed radio's label
    assert form.locator("#id_network_choice_0").is_checked()
    # The picker lists the array's points (asked of site-b's mock array now):
    # take one explicitly; the operation must use that one.
    points = form.locator("#id_recovery_point option")
    assert points.count() >= 2, points.all_inner_texts()
    chosen = points.nth(1).get_attribute("value")
    form.locator("#id_recovery_point").select_option(chosen)
    page.shot("test-failover-form")
    page.submit(form)
    page.page.wait_for_url(re.compile(r".*/project/dr_operations/[^/]+/.*"))
    seen = _watch_operation(page)
    page.shot("test-failover-done")
    assert seen["status"][-1] == "completed", seen
    assert len(set(seen["progress"])) >= 2 and seen["progress"][-1] == "100", seen
    assert seen["rows"] >= 3 * len(names), seen  # copy, manage, boot per VM
    # Learned by polling too: the recovery point the operation picked.
    assert chosen in page.page.inner_text("#op-recovery-point")
    steps = page.page.locator("#op-steps").inner_text()
    for name in names:
        assert f"boot {name}" in steps

    # The report, embedded once the operation ended, and on its own page.
    frame = page.page.frame_locator("#op-report")
    frame.locator("#rto").wait_for()
    href = page.page.get_attribute("#op-report-link", "href")
    report = page.context.new_page()
    resp = report.goto(page.base + href if href.startswith("/") else href)
    assert resp is not None and resp.status == 200
    assert report.locator("#rto").count() == 1
    report.screenshot(path=str(ARTIFACTS / "tenant-report.png"), full_page=True)
    report.close()

    # Cleanup, watched the same way.
    page.go("/project/protection_groups/")
    form = page.modal(page.row_action("protection_groups", pg_id, "test_cleanup"))
    page.submit(form)
    page.page.wait_for_url(re.compile(r".*/project/dr_operations/[^/]+/.*"))
    assert _watch_operation(page)["status"][-1] == "completed"
    page.shot("test-cleanup-done")

    # Health: the PG is listed with its RPO compliance colour.
    page.go("/project/dr_health/")
    assert page.page.locator(".rag-green, .rag-amber, .rag-red").count() >= 1
    page.shot("health")

    # The peer site down: the PG page says so and offers sync-force.
    site_b = config.SITES["b"]
    procs.stop(site_b, "protector-api")
    try:
        page.go(f"/project/protection_groups/{pg_id}/")
        text = page.page.inner_text("body")
        assert "does not answer" in text or "UNREACHABLE" in text, text
        assert page.page.locator("#pg_sync_force").count() == 1
        page.shot("peer-down")
    finally:
        protector_site.up(site_b)
    # An operation that does not exist: a message, not an error page.
    page.go("/project/dr_operations/00000000-0000-4000-8000-000000000000/")


def test_admin_validates_and_registers_sites(horizon: str, chromium: Any,
                                             registered_sites: dict[str, Any],
                                             mapping: None,
                                             tenants: dict[str, drill.Tenant],
                                             openstack: Openstack) -> None:
    site_a = config.SITES["a"]
    page = Page(chromium, horizon, "admin")
    openstack("site-a", "protector", "site", "delete", "lab-gone", check=False)  # a run's
    try:
        page.login("admin", site_a.admin_password)
        page.go("/admin/dr_admin_sites/")
        page.shot("sites")
        ids = {s["name"]: s["id"] for s in registered_sites["site-a"].values()}
        for name in ("site-a", "site-b"):
            page.page.click(page.row_action("dr_admin_sites", ids[name], "validate"))
            page.page.wait_for_selector("#site-validation")
            text = page.page.inner_text("#site-validation")
            page.no_traceback()
            assert f"Site {name}: reachable" in text, text
            for service in ("Keystone", "Cinder", "Nova", "Neutron"):
                assert f"{service}: OK" in text, text
            assert "Replicated volume types found: replicated-async" in text, text
            page.shot(f"validate-{name}")
            page.go("/admin/dr_admin_sites/")

        # Register a site nobody answers for, validate it, remove it.
        form = page.modal("#dr_admin_sites__action_create")
        form.locator("#id_name").fill("lab-gone")
        form.locator("#id_site_type").select_option("secondary")
        form.locator("#id_auth_url").fill("http://127.0.0.9:5000/v3")
        form.locator("#id_region_name").fill("RegionOne")
        page.submit(form)
        row = page.page.locator("#dr_admin_sites tbody tr", has_text="lab-gone")
        row.wait_for()
        gone_id = row.get_attribute("id").split("__row__", 1)[1]
        page.page.click(page.row_action("dr_admin_sites", gone_id, "validate"))
        page.page.wait_for_selector("#site-validation")
        assert "Site lab-gone: unreachable" in page.page.inner_text("#site-validation")
        page.shot("validate-unreachable")
        page.go("/admin/dr_admin_sites/")
        page.page.click(page.row_action("dr_admin_sites", gone_id, "delete"))
        page.page.click("#modal_wrapper .modal-footer .btn-danger, "
                        "#modal_wrapper .modal-footer .btn-primary")
        page.page.wait_for_load_state("load")
        page.page.wait_for_function(
            "!document.body.innerText.includes('lab-gone') || "
            "document.querySelector('.alert-success') !== null")
        page.go("/admin/dr_admin_sites/")
        assert "lab-gone" not in page.page.inner_text("#dr_admin_sites")
        # The demo tenant's mapping, made once on site-a, is mirrored on site-b:
        # the admin signs in there and the table says so.
        page.go("/project/dr_sites/")
        form = page.modal("#dr_sites__row_site-b__action_sign_in")
        form.locator("#id_password").fill(config.SITES["b"].admin_password)
        page.submit(form)
        page.go("/admin/dr_tenant_mappings/")
        demo_a = tenants["site-a"].conn.current_project_id
        row = page.page.locator("#dr_tenant_mappings tbody tr", has_text=demo_a)
        assert "Yes" in row.inner_text(), row.inner_text()
        page.shot("tenant-mappings")
    finally:
        page.close()
        openstack("site-a", "protector", "site", "delete", "lab-gone", check=False)
