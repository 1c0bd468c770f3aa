"""The DR drill the demo runs, through protector's own Python client, as
an operator's script would: register the sites, protect a PG, then test
failover and cleanup, planned failover, failback, and a disaster (site A
stopped) answered by an unplanned failover, sync-force, reprotect and
failback. Every operation's HTML report is written to ``reports/``.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from protectorclient.v1 import client as pclient

ADMIN_PROJECT = "ad" + "0" * 30
PROJECT_A = "de" + "a" * 30   # the demo tenant on site-a
PROJECT_B = "de" + "b" * 30   # ... and on site-b
PG = "demo-pg"


@dataclass
class Outcome:
    label: str
    site: str
    operation: dict[str, Any]
    report: str

    @property
    def rto(self) -> float | None:
        start, end = self.operation.get("started_at"), self.operation.get("completed_at")
        if not (start and end):
            return None
        return (parse_time(end) - parse_time(start)).total_seconds()


def parse_time(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def api(url: str, token: str, project: str) -> pclient.Client:
    """A client of one site, in noauth mode (the token names user:project:roles)."""
    auth = token_endpoint.Token(f"{url}/v1/{project}", token)
    return pclient.Client(ks_session.Session(auth=auth, timeout=30))


class Drill:
    """The drill on ``sites``; ``admin`` and ``owner`` are each site's protector
    clients (default: the demo's noauth ones), ``projects`` the tenant's
    project on each site."""

    def __init__(self, console: Console, sites: dict[str, Any], infra: Any, vms: int,
                 report_dir: str, *, admin: dict[str, pclient.Client] | None = None,
                 owner: dict[str, pclient.Client] | None = None,
                 projects: dict[str, str] | None = None, pg: str = PG,
                 rpo_minutes: int = 5) -> None:
        self.console, self.sites, self.infra, self.vms = console, sites, infra, vms
        self.report_dir, self.pg, self.rpo_minutes = report_dir, pg, rpo_minutes
        os.makedirs(report_dir, exist_ok=True)
        self.outcomes: list[Outcome] = []
        self.mapping: str | None = None  # the tenant mapping this drill made
        self.projects = projects or {"site-a": PROJECT_A, "site-b": PROJECT_B}
        self.admin = admin or {
            name: api(s.url, f"admin:{ADMIN_PROJECT}:admin,member", ADMIN_PROJECT)
            for name, s in sites.items()}
        self.owner = owner or {
            name: api(sites[name].url, f"alice:{project}:member", project)
            for name, project in self.projects.items()}

    # -- set-up -------------------------------------------------------------------------
    def register(self) -> None:
        """Both sites on both protector services; the tenant mapped A -> B.
        What an earlier drill registered is kept."""
        for admin in self.admin.values():
            known = {s["name"] for s in admin.sites.list()}
            for other, site in self.sites.items():
                if other in known:
                    continue
                admin.sites.create(
                    name=other, site_type="primary" if other == "site-a" else "secondary",
                    auth_url=f"http://{site.host}:5000/v3", region_name="RegionOne",
                    description=f"demo {other}", protector_url=site.url)
        local, remote = self.projects["site-a"], self.projects["site-b"]
        mappings = self.admin["site-a"].tenant_mappings.list()
        if not any(m["local_tenant"] == local and m["remote_tenant"] == remote
                   for m in mappings):
            self.mapping = self.admin["site-a"].tenant_mappings.create(
                local_tenant=local, remote_site="site-b", remote_tenant=remote,
                description="demo tenant mapping")["id"]
        # The tenant calls each site once, so that each holds its trust (the
        # spec: a project acts on a site only after one of its users did).
        for owner in self.owner.values():
            owner.protection_groups.list()
        self.console.print("  sites registered on both sites; tenant mapping mirrored; "
                           "the tenant signed in to both")

    def protect(self) -> None:
        owner = self.owner["site-a"]
        arrays = self.infra.arrays
        net = self.infra.network
        owner.protection_groups.create(
            name=self.pg, description="the demo's application", replication_type="async",
            volume_type="replicated-async", primary_site="site-a", secondary_site="site-b",
            network_mapping={net: net})
        owner.policies.create(self.pg, primary_fa_url=arrays.urls["site-a"],
                              primary_fa_api_token=arrays.api_token,
                              secondary_fa_url=arrays.urls["site-b"],
                              secondary_fa_api_token=arrays.api_token,
                              rpo_minutes=self.rpo_minutes)
        servers = self.infra.seed_servers("site-a", self.vms)
        tiers = max(1, min(3, len(servers)))
        for i, (name, server_id) in enumerate(servers.items()):
            # db first, then app, then web: boot order groups as a real stack has.
            owner.members.add(self.pg, server_id, instance_name=name,
                              boot_order=1 + i * tiers // len(servers))
        self._wait_members(owner)
        self.console.print(f"  {self.pg}: {len(servers)} VMs (boot + data volume each) "
                           "protected on site-a")

    def _wait_members(self, owner: pclient.Client, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        with self._progress() as progress:
            bar = progress.add_task("protect members", total=self.vms)
            while True:
                members = list(owner.members.list(self.pg, limit=1000))
                done = [m for m in members if m["status"] == "protected"]
                failed = [m for m in members if m["status"] == "error"]
                progress.update(bar, completed=len(done))
                if failed:
                    raise RuntimeError(f"member {failed[0]['instance_name']} failed to be "
                                       "protected")
                if len(done) == len(members):
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError("members were not protected in time")
                time.sleep(0.5)

    # -- operations ---------------------------------------------------------------------
    def run(self, label: str, site: str, start: Callable[[pclient.Client], dict]) -> Outcome:
        """Start an operation on ``site``, follow it to its end, write its report."""
        owner = self.owner[site]
        op = start(owner)
        seen: set[str] = set()
        with self._progress() as progress:
            bar = progress.add_task(label, total=100)

            def update(current: dict[str, Any]) -> None:
                step = current.get("current_step") or current["status"]
                progress.update(bar, completed=current.get("progress") or 0,
                                description=f"{label}: {step}"[:70])
                for name in current.get("steps_completed") or []:
                    if name not in seen:
                        seen.add(name)
                        if not self.console.is_terminal:
                            self.console.print(f"    {name}", highlight=False)

            final = owner.operations.wait(op["id"], interval=0.5, timeout=600,
                                          on_update=update)
            progress.update(bar, completed=100 if final["status"] == "completed" else None)
        path = os.path.join(self.report_dir,
                            f"{len(self.outcomes) + 1:02d}-{label.replace(' ', '-')}.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(owner.operations.report(op["id"]))
        outcome = Outcome(label, site, final, path)
        self.outcomes.append(outcome)
        rto = f"{outcome.rto:.1f} s" if outcome.rto is not None else "-"
        colour = "green" if final["status"] == "completed" else "red"
        self.console.print(f"  [{colour}]{final['status']}[/{colour}] {label} on {site}: "
                           f"{len(final['steps_completed'])} steps, RTO {rto}")
        if final["status"] != "completed":
            for failed in final.get("steps_failed") or []:
                self.console.print(f"    [red]{failed['step']}: {failed['error']}[/red]")
            raise RuntimeError(f"{label} ended {final['status']}: "
                               f"{final.get('error_message')}")
        return outcome

    def check(self, expect: dict[str, int], what: str) -> None:
        """The clouds hold ``expect`` servers per site, nothing else."""
        counts = self.infra.counts()
        servers = {site: c["servers"] for site, c in counts.items()}
        if servers != expect:
            raise RuntimeError(f"after {what}: servers per site {servers}, expected {expect}")
        self.console.print(f"  [dim]check: servers per site {servers}, volumes "
                           f"{ {s: c['volumes'] for s, c in counts.items()} }[/dim]")

    def remove(self, site: str = "site-a", timeout: float = 300) -> None:
        """Take the members out, delete the PG and the tenant mapping this
        drill made (a drill on clouds that outlive it: the lab)."""
        owner = self.owner[site]
        deadline = time.monotonic() + timeout
        # A member still being protected is left to its protect operation
        # first: removed under it, what that operation made has no owner.
        while any(m["status"] == "adding" for m in owner.members.list(self.pg, limit=1000)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"members of {self.pg} are still being protected")
            time.sleep(1)
        for member in owner.members.list(self.pg, limit=1000):
            owner.members.remove(self.pg, member["id"])
        while list(owner.members.list(self.pg, limit=1)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"members of {self.pg} were not removed in time")
            time.sleep(1)
        owner.protection_groups.delete(self.pg)
        if self.mapping:
            self.admin["site-a"].tenant_mappings.delete(self.mapping)
        self.console.print(f"  {self.pg}: members removed, protection group and tenant "
                           "mapping deleted")

    def _progress(self) -> Progress:
        return Progress(TextColumn("  {task.description}"), BarColumn(),
                        TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                        console=self.console, transient=True,
                        disable=not self.console.is_terminal)

    def summary(self) -> Table:
        table = Table(title="DR drill", show_lines=False)
        for column in ("#", "operation", "site", "status", "steps", "RTO", "report"):
            table.add_column(column)
        for i, o in enumerate(self.outcomes, 1):
            table.add_row(str(i), o.label, o.site, o.operation["status"],
                          str(len(o.operation["steps_completed"])),
                          f"{o.rto:.1f} s" if o.rto is not None else "-",
                          os.path.basename(o.report))
        return table
