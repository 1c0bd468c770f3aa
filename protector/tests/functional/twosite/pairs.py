"""Two protector sites on shared fake clouds, driven as an operator would
through protector's Python client (noauth, as the demo's drill), and looked
at from outside: each cloud's servers, volumes and networks through the
fake cloud holder, each array's volumes, and each site's database.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
from collections.abc import Callable
from typing import Any

from protector.cloud.fake import service as fake_service
from protector.cloud.fake.backend import cinder_volume_name
from protector.cloud.fake.cloud import FakeCloud
from protector.demo import drill
from protector.tests.functional.twosite import harness
from protectorclient import exceptions as client_exc
from protectorclient.v1 import client as pclient

ADMIN_PROJECT = drill.ADMIN_PROJECT
PG = "twosite-pg"


# Steps of each operation for the PG of two VMs in two boot-order tiers: its
# tasks and the member steps of the copy and boot tasks (each VM's copy,
# manage and boot).
TEST_FAILOVER_STEPS, FAILOVER_STEPS, REPROTECT_STEPS, FAILBACK_STEPS = 13, 13, 4, 15

@dataclasses.dataclass
class Kill:
    """What a SIGKILLed engine left behind, read from the database right after."""

    host: str
    steps_completed: list[str]
    lease_expires_at: datetime.datetime
    rows: list[dict[str, Any]]  # dr_operation_steps as the dead engine left them
    flow: dict[str, str]  # taskflow's persisted state of each step, likewise
    # Filled in by a watcher polling the row after the kill: the first lease
    # a new claim wrote, and when the row was last seen unclaimed before it.
    claimed_lease: datetime.datetime | None = None
    last_unclaimed_at: datetime.datetime | None = None
    watcher: threading.Thread | None = None


class Pair:
    """Two sites (the PG's primary first) and the clouds they act on.

    :param array_volumes: site -> names of the live volumes on its array
        (the simulated FlashArrays), or None where storage is mocked.
    :param replicate: site -> None: what the array schedule does every RPO,
        now, from the array of that site.
    """

    def __init__(self, sites: dict[str, harness.Site], clouds: dict[str, FakeCloud],
                 registry: fake_service.CloudRegistry, *, projects: dict[str, str],
                 volume_type: str, replicate: Callable[[str], None],
                 array_volumes: Callable[[str], set[str]] | None = None) -> None:
        self.sites, self.clouds, self.registry = sites, clouds, registry
        self.primary, self.secondary = list(sites)
        self.projects, self.volume_type = projects, volume_type
        self.replicate, self.array_volumes = replicate, array_volumes
        self.admin = {name: drill.api(s.url, f"admin:{ADMIN_PROJECT}:admin,member",
                                      ADMIN_PROJECT) for name, s in sites.items()}
        self.owner = {name: drill.api(s.url, f"alice:{projects[name]}:member",
                                      projects[name]) for name, s in sites.items()}
        self.networks = {name: 0 for name in sites}  # networks of each cloud at rest
        self.vms = 0
        self.infra: Any = None  # the demo's Infrastructure, where it holds the clouds
        self.mock_state: str | None = None  # the state_path of mock storage

    def diagnostics(self) -> str:
        return "\n".join(s.diagnostics() for s in self.sites.values())

    # -- set-up -------------------------------------------------------------------------
    def register(self) -> None:
        """Both sites on both services; the owner's project mapped A -> B."""
        for admin in self.admin.values():
            for name, site in self.sites.items():
                admin.sites.create(
                    name=name, site_type="primary" if name == self.primary else "secondary",
                    auth_url=f"http://{site.host}:5000/v3", region_name="RegionOne",
                    protector_url=site.url)
        self.admin[self.primary].tenant_mappings.create(
            local_tenant=self.projects[self.primary], remote_site=self.secondary,
            remote_tenant=self.projects[self.secondary])

    def protect(self, policy: dict[str, Any], servers: dict[str, str]) -> None:
        """The PG with ``servers`` (name -> id, one boot-order tier each) protected."""
        owner = self.owner[self.primary]
        owner.protection_groups.create(
            name=PG, replication_type="async", volume_type=self.volume_type,
            primary_site=self.primary, secondary_site=self.secondary,
            network_mapping={"private": "private"})
        owner.policies.create(PG, **policy)

        pg_id = owner.protection_groups.get(PG)["id"]

        def protected() -> bool:
            members = list(owner.members.list(PG))
            failed = [m["instance_name"] for m in members if m["status"] == "error"]
            assert not failed, f"members {failed} failed to be protected\n{self.diagnostics()}"
            ops = owner.operations.list(protection_group_id=pg_id, operation_type="protect")
            return ({m["status"] for m in members} == {"protected"}
                    and all(op["status"] in harness.FINAL for op in ops))

        # One member at a time, each protect operation ended before the next
        # member is added: two protect operations of one PG at once race to
        # make its consistency group, and a member added while a protect
        # operation pushes the PG to the peer races that push (both are
        # engine/sync bugs on MariaDB; the tests here are not about them).
        for order, (name, server_id) in enumerate(servers.items(), start=1):
            owner.members.add(PG, server_id, instance_name=name, boot_order=order)
            harness.wait_until(protected, timeout=120, what=f"member {name} is protected",
                               diagnostics=self.diagnostics, interval=0.2)
        self.vms = len(servers)
        self.networks = {name: self.registry.count(name)["networks"] for name in self.sites}

    # -- operations ---------------------------------------------------------------------
    def start(self, site: str, action: str, **params: Any) -> str:
        """Start a PG action on ``site``; the operation's id."""
        return self.owner[site].protection_groups.action(PG, action, params)["id"]

    def wait(self, site: str, op_id: str, timeout: float = 120) -> dict[str, Any]:
        """The operation once final; fails with the services' logs if it is not."""
        def final() -> dict[str, Any] | None:
            op = self.owner[site].operations.get(op_id)
            return op if op["status"] in harness.FINAL else None

        return harness.wait_until(final, timeout=timeout,
                                  what=f"operation {op_id} on {site} did not end",
                                  diagnostics=self.diagnostics, interval=0.2)

    def run(self, site: str, action: str, **params: Any) -> dict[str, Any]:
        """Start a PG action on ``site`` and wait for it to complete."""
        return self.completed(site, self.wait(site, self.start(site, action, **params)))

    def completed(self, site: str, op: dict[str, Any]) -> dict[str, Any]:
        assert op["status"] == "completed", (
            f"{op['operation_type']} on {site} ended {op['status']}: {op['error_message']}; "
            f"failed steps {op['steps_failed']}\n{self.diagnostics()}")
        return op

    def home_again(self, suffix: str) -> None:
        """From site-b: reprotect (site-a's copy retired), replicate back, fail back."""
        n = self.vms
        self.run("site-b", "reprotect")
        self.assert_pg("site-b", "failed_over", "site-b")
        self.assert_clouds(f"reprotect{suffix}", site_b=("ACTIVE", n))
        self.replicate("site-b")
        self.run("site-b", "failback")
        self.assert_pg("site-b", "active", "site-a")
        self.assert_pg("site-a", "active", "site-a")
        self.assert_clouds(f"failback{suffix}", site_a=("ACTIVE", n))

    def site_a_down(self) -> None:
        """A disaster: site-a's API, engine, cloud and array stop at once."""
        self.sites["site-a"].stop()
        self.infra.stop_site("site-a")

    def site_a_back(self) -> None:
        self.infra.restore_site("site-a")
        self.sites["site-a"].start()
        self.sites["site-a"].wait_ready()

    def sync_force(self, site: str) -> None:
        """``site``'s copy of the PG forced onto the other."""
        status = self.owner[site].protection_groups.sync_force(PG)
        assert status["status"] == "IN_SYNC", status

    def pg(self, site: str) -> dict[str, Any]:
        """The PG as ``site`` shows it, with ``runs_on``: the site it runs on."""
        pg = self.owner[site].protection_groups.get(PG)
        pg["runs_on"] = (self.primary if pg["current_primary_site_id"] == pg["primary_site_id"]
                         else self.secondary)
        return pg

    def assert_pg(self, site: str, status: str, runs_on: str, *, sync: str = "IN_SYNC") -> None:
        pg = self.pg(site)
        got = (pg["status"], pg["runs_on"], pg["sync_status"])
        assert got == (status, runs_on, sync), (
            f"PG on {site}: (status, runs on, sync) {got}, expected {(status, runs_on, sync)}")

    # -- what the clouds and arrays hold --------------------------------------------------
    def inventory(self) -> dict[str, dict[str, Any]]:
        """Per site: live server statuses, live volumes, networks beyond the
        ones at rest, and array volumes that back no Cinder volume."""
        out = {}
        for name, cloud in self.clouds.items():
            counts = self.registry.count(name)
            with cloud.lock:
                servers = sorted(s.status for s in cloud.servers.values()
                                 if s.status != "DELETED")
                cinder = {cinder_volume_name(vid) for vid, v in cloud.volumes.items()
                          if v.status != "deleted"}
            orphans = (sorted(self.array_volumes(name) - cinder)
                       if self.array_volumes else [])
            out[name] = {"servers": servers, "volumes": counts["volumes"],
                         "extra_networks": counts["networks"] - self.networks[name],
                         "orphan_array_volumes": orphans}
        return out

    def assert_clouds(self, what: str, *, test_network: str | None = None,
                      **running: tuple[str, int]) -> None:
        """Each site holds exactly ``running[site] = (status, count)`` servers,
        their boot and data volumes, no orphan array volume and no network
        beyond its own (but one on ``test_network``: a test failover's).
        Sites are named with '_' for '-' (``site_a=("ACTIVE", 2)``)."""
        expect = {}
        for name in self.sites:
            status, count = running.get(name.replace("-", "_"), ("ACTIVE", 0))
            expect[name] = {"servers": [status] * count, "volumes": 2 * count,
                            "extra_networks": int(name == test_network),
                            "orphan_array_volumes": []}
        got = self.inventory()
        assert got == expect, f"after {what}: clouds hold {got}, expected {expect}"

    # -- engines ----------------------------------------------------------------------------
    def kill_engine_when(self, site: str, op_id: str,
                         condition: Callable[[dict[str, Any]], bool], what: str,
                         timeout: float = 90) -> Kill:
        """Poll the operation's row; SIGKILL the engine holding its lease as
        soon as ``condition(row)`` holds. Fails if the operation ends first."""
        s = self.sites[site]

        def reached() -> dict[str, Any] | None:
            row = s.operation_row(op_id)
            assert row["status"] not in harness.FINAL, (
                f"operation {op_id} ended {row['status']} before {what}: "
                f"steps {row['steps_completed']}")
            return row if row["engine_host"] and condition(row) else None

        row = harness.wait_until(reached, timeout=timeout, what=f"{what} on {site}",
                                 diagnostics=self.diagnostics, interval=0.01)
        s.engines[row["engine_host"]].kill()

        # The dead engine's last COMMIT may still be on its way to MariaDB:
        # read until two looks agree.
        def look() -> tuple[Any, ...]:
            return s.operation_row(op_id), s.step_rows(op_id), s.flow_states(op_id)

        def settled() -> tuple[Any, ...] | None:
            first = look()
            time.sleep(0.05)
            return first if first == look() else None

        after, rows, flow = harness.wait_until(settled, timeout=10, interval=0,
                                               what="the dead engine's rows")
        assert after["status"] == "running" and after["engine_host"] == row["engine_host"], (
            f"the killed engine left operation {op_id} as {after}")
        kill = Kill(host=row["engine_host"], steps_completed=after["steps_completed"],
                    lease_expires_at=after["lease_expires_at"], rows=rows, flow=flow)
        kill.watcher = threading.Thread(target=self._watch_claim, args=(s, op_id, kill),
                                        daemon=True, name=f"watch-{op_id[:8]}")
        kill.watcher.start()
        return kill

    @staticmethod
    def _watch_claim(s: harness.Site, op_id: str, kill: Kill, timeout: float = 120) -> None:
        """Note when the operation's lease is next written (a new claim)."""
        conn = s.connect()
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                with conn.cursor() as cur:
                    cur.execute("SELECT status, lease_expires_at FROM dr_operations "
                                "WHERE id = %s", (op_id,))
                    status, lease = cur.fetchone()
                now = harness.utcnow()
                if lease != kill.lease_expires_at or status in harness.FINAL:
                    kill.claimed_lease = lease
                    return
                kill.last_unclaimed_at = now
                time.sleep(0.02)
        finally:
            conn.close()

    def assert_taken_over(self, site: str, op_id: str, kill: Kill, by: str) -> None:
        """Engine ``by`` resumed the killed engine's operation from its
        persisted progress, and only once the dead engine's lease had lapsed."""
        s = self.sites[site]
        log = s.engines[by].log_since_start()
        assert f"Operation {op_id} has no live engine; taking it over" in log, (
            f"{by} did not take operation {op_id} over through the sweep of lapsed "
            f"leases\n{s.engines[by].diagnostics(60)}")
        # Nobody claimed the operation while the dead engine's lease was
        # live; the claim came once it had lapsed (the claim writes a lease
        # of now + lease_seconds; the watcher sees it within a poll).
        assert kill.watcher is not None
        kill.watcher.join(timeout=5)
        assert kill.claimed_lease is not None, f"no claim of {op_id} was seen"
        claimed_at = kill.claimed_lease - datetime.timedelta(seconds=s.lease_seconds)
        assert claimed_at > kill.lease_expires_at, (
            f"operation {op_id} was claimed at about {claimed_at}, before {kill.host}'s "
            f"lease lapsed at {kill.lease_expires_at}")
        assert kill.last_unclaimed_at and kill.last_unclaimed_at > kill.lease_expires_at, (
            f"the lease was not watched until it lapsed ({kill.last_unclaimed_at})")
        rows = s.step_rows(op_id)
        # What the dead engine had finished is not done again; what it was
        # running is marked interrupted and run again: in the end every step
        # of the flow succeeded, and once only.
        flow = s.flow_states(op_id)
        assert set(flow.values()) == {"SUCCESS"}, f"taskflow's persisted states: {flow}"
        done = s.operation_row(op_id)["steps_completed"]
        # The flow's tasks, and the member steps of its many-member tasks.
        assert set(flow) <= set(done) and len(set(done)) == len(done), (
            f"steps completed {done}, flow {sorted(flow)}")
        had_row = {r["name"] for r in kill.rows if r["outcome"] == "running"}
        for name in done:
            runs = [r["outcome"] for r in rows if r["name"] == name]
            if name in kill.steps_completed:
                assert runs == ["success"], f"step {name!r} finished before the kill: {runs}"
            elif name in had_row:
                assert runs == ["interrupted", "success"], (
                    f"step {name!r} was running at the kill, then {runs}")
            else:
                # Not started, or started by taskflow before the dead engine's
                # listener wrote its row: one attempt, by the new engine.
                assert runs == ["success"], f"step {name!r}: {runs}"
        self.assert_released(site, op_id)

    def assert_released(self, site: str, op_id: str) -> None:
        """The engine lets go of the lease once the operation is settled (just
        after it shows final)."""
        s = self.sites[site]
        harness.wait_until(lambda: s.operation_row(op_id)["engine_host"] is None, timeout=15,
                           what=f"the lease on {op_id} is released",
                           diagnostics=self.diagnostics)


def unreachable(client: pclient.Client) -> bool:
    """Whether a site's API refuses connections (it is stopped)."""
    try:
        client.sites.list()
    except client_exc.ProtectorClientError as exc:
        return exc.code is None
    return False
