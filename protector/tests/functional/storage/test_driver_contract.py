"""The contract every storage driver passes.

Parametrised over ``pure`` (async and sync) against two simulated arrays,
driven through the real py-pure-client over HTTPS, and ``mock`` (SQLite
files plus an in-memory target cloud). Time is simulated: the drivers'
``sleep`` moves the simulator's manual clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pypureclient import flasharray

from protector import exception as base_exc
from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.mock import FakeTargetVolumes, MockDriver
from protector.storage.drivers.pure import PureDriver
from protector.storage.simulator import SimulatedFabric
from protector.tests.functional.storage.helpers import GiB, ok

PG_ID = "0f8e4c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
POD = "sync-pod"
RPO_MINUTES = 15


class PureEnv:
    """Two simulated arrays and a ``pure`` driver from array-a to array-b."""

    kind = "pure"

    def __init__(self, replication_type: str, fabric: dict[str, Any] | None = None,
                 **options: Any) -> None:
        self.replication_type = replication_type
        fabric_options = {"transfer_seconds": 60, "eradication_delay_sec": 3600,
                          **(fabric or {})}
        self.sim = SimulatedFabric(["array-a", "array-b"], **fabric_options).start()
        self.clients = {n: self.sim.client(n) for n in ("array-a", "array-b")}
        self.drivers: list[base.ReplicationDriver] = []
        self.group = base.GroupSpec(pg_id=PG_ID, replication_type=replication_type,
                                    rpo_minutes=RPO_MINUTES, pod_name=POD)
        self.driver = self.make_driver(**options)

    def now(self) -> float:
        return self.sim.clock.now_ms() / 1000

    def options(self, **overrides: Any) -> base.DriverOptions:
        values: dict[str, Any] = {
            "sleep": self.sim.advance, "monotonic": self.now, "clock": self.now,
            "poll_interval": 5.0, "replicate_timeout": 600.0, "api_retries": 2,
            "max_concurrent_copies": 4}
        values.update(overrides)
        return base.DriverOptions(**values)

    def endpoint(self, name: str) -> base.ArrayEndpoint:
        return base.ArrayEndpoint(url=f"https://{self.sim.target(name)}",
                                  api_token=self.sim.api_token, ca_file=self.sim.ca_file)

    def make_driver(self, *, client_factory: Any = None, group: base.GroupSpec | None = None,
                    **overrides: Any) -> PureDriver:
        driver = PureDriver(group or self.group,
                            base.ArrayPair(self.endpoint("array-a"), self.endpoint("array-b")),
                            self.options(**overrides), client_factory=client_factory)
        self.drivers.append(driver)
        return driver

    def make_volume(self, name: str, size_gb: int = 1, on: str = "array-a") -> base.VolumeRef:
        if self.replication_type == "sync":
            name = f"{POD}::{name}"
        ok(self.clients[on].post_volumes(
            names=[name], volume=flasharray.VolumePost(provisioned=size_gb * GiB)))
        return base.VolumeRef(name=name, size_gb=size_gb)

    def advance(self, seconds: float) -> None:
        self.sim.advance(seconds)

    def copies(self, on: str = "array-b") -> list[str]:
        """``dr-*`` volumes on an array, live or destroyed: strays if unexpected."""
        items = ok(self.clients[on].get_volumes(filter="name='dr-*'"))
        return sorted(v.name for v in items)

    def close(self) -> None:
        for name in ("array-a", "array-b"):
            if not self.sim.servers[name].running:
                self.sim.make_reachable(name)  # so SDK sessions can log out
        for driver in self.drivers:
            driver.close()
        for client in self.clients.values():
            # The SDK would log out at interpreter exit, when the arrays are gone.
            client._token_man.close_session()
        self.clients.clear()
        self.sim.stop()


class FakeClock:
    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


class MockEnv:
    """The ``mock`` driver on SQLite files under a temporary state path."""

    kind = "mock"

    def __init__(self, replication_type: str, state_path: str, **options: Any) -> None:
        self.replication_type = replication_type
        self.state_path = state_path
        self.clock = FakeClock()
        self.cloud = FakeTargetVolumes(images={"cirros": "img-cirros"})
        self.group = base.GroupSpec(pg_id=PG_ID, replication_type=replication_type,
                                    rpo_minutes=RPO_MINUTES, pod_name=POD)
        self.driver = self.make_driver(**options)

    def make_driver(self, group: base.GroupSpec | None = None, **overrides: Any) -> MockDriver:
        values: dict[str, Any] = {"sleep": self.clock.sleep, "monotonic": self.clock.now,
                                  "clock": self.clock.now, "state_path": self.state_path,
                                  "max_concurrent_copies": 4}
        values.update(overrides)
        arrays = base.ArrayPair(base.ArrayEndpoint("https://fa-a.example.com", "tok-a"),
                                base.ArrayEndpoint("https://fa-b.example.com", "tok-b"))
        return MockDriver(group or self.group, arrays, base.DriverOptions(**values),
                          target_volumes=self.cloud)

    def make_volume(self, name: str, size_gb: int = 1, on: str = "array-a") -> base.VolumeRef:
        return base.VolumeRef(name=name, size_gb=size_gb, image_name="cirros", bootable=True)

    def advance(self, seconds: float) -> None:
        self.clock.sleep(seconds)

    def copies(self, on: str = "array-b") -> list[str]:
        return sorted(v["name"] for v in self.cloud.volumes.values())

    def close(self) -> None:
        pass


ENVS = ["pure-async", "pure-sync", "mock-async", "mock-sync"]


@pytest.fixture(params=ENVS)
def env(request: Any, tmp_path: Any) -> Iterator[Any]:
    kind, rtype = request.param.split("-")
    environment = PureEnv(rtype) if kind == "pure" else MockEnv(rtype, str(tmp_path))
    try:
        yield environment
    finally:
        environment.close()


def _protect(env: Any, *names: str) -> list[base.VolumeRef]:
    env.driver.ensure_replication()
    vols = [env.make_volume(n) for n in names]
    env.driver.add_volumes(vols)
    return vols


# -- set-up --------------------------------------------------------------------------
def test_connectivity(env):
    report = env.driver.check_connectivity()
    assert report.ok, report
    assert report.source.array_name != report.target.array_name
    assert report.link_type.endswith("replication")


def test_ensure_replication_is_idempotent(env):
    first = env.driver.ensure_replication()
    assert env.driver.ensure_replication() == first
    assert first.kind == ("pod" if env.replication_type == "sync" else "protection-group")
    assert first.source_array != first.target_array
    assert first.replica_name


def test_volumes_need_the_container_first(env):
    with pytest.raises(exc.ReplicationNotConfigured):
        env.driver.list_volumes()


def test_add_list_remove_volumes(env):
    vols = _protect(env, "v1", "v2")
    env.driver.add_volumes(vols)  # again: no error, no duplicates
    names = env.driver.list_volumes()
    assert names == sorted(v.name for v in vols)
    env.driver.remove_volumes([vols[0], base.VolumeRef(name=vols[0].name)])
    assert env.driver.list_volumes() == [vols[1].name]
    env.driver.remove_volumes([vols[0]])  # not a member any more: skipped
    assert env.driver.list_volumes() == [vols[1].name]


# -- recovery points -------------------------------------------------------------------
def test_replicate_now_gives_the_latest_complete_point(env):
    _protect(env, "v1")
    assert env.driver.list_recovery_points() == []
    assert env.driver.latest_recovery_point() is None
    first = env.driver.replicate_now()
    env.advance(10)
    second = env.driver.replicate_now()
    assert first.complete and second.complete and first.name != second.name
    assert second.created >= first.created
    points = env.driver.list_recovery_points()
    assert [p.name for p in points] == [second.name, first.name]  # newest first
    assert env.driver.latest_recovery_point().name == second.name


def test_health_reports_lag_against_rpo(env):
    _protect(env, "v1")
    env.driver.replicate_now()
    env.advance(120)
    health = env.driver.replication_health()
    assert health.rpo_seconds == RPO_MINUTES * 60
    assert health.latest is not None
    assert health.lag_seconds is not None and 0 <= health.lag_seconds <= health.rpo_seconds
    assert health.within_rpo and health.source_reachable and health.target_reachable


# -- materialise and cleanup -------------------------------------------------------------
def test_materialise_and_cleanup(env):
    vols = _protect(env, "v1", "v2", "v3")
    point = env.driver.replicate_now()
    made = env.driver.materialise(point, list(reversed(vols)), tag="tf1")
    assert [m.source for m in made] == [v.name for v in reversed(vols)]
    assert len({m.name for m in made}) == 3
    for m in made:
        assert m.name.startswith("dr-tf1-") and not m.name.endswith("-cinder")
        assert m.recovery_point == point.name and m.size_bytes == GiB
        if m.cinder_volume_id is None:
            assert m.manage_ref == {"source-name": m.name}
        else:
            assert m.manage_ref is None
    assert env.copies() == sorted(m.name for m in made)
    # The protected side is untouched and still replicating.
    assert env.driver.list_volumes() == sorted(v.name for v in vols)

    assert env.driver.cleanup("tf1") == sorted(m.name for m in made)
    assert env.copies() == []
    assert env.driver.cleanup("tf1") == []


def test_materialise_by_name_keeps_other_tags(env):
    vols = _protect(env, "v1")
    point = env.driver.replicate_now()
    env.driver.materialise(point.name, vols, tag="a1")
    env.driver.materialise(point.name, vols, tag="b2")
    env.driver.cleanup("a1")
    assert len(env.copies()) == 1 and env.copies()[0].startswith("dr-b2-")


def test_materialise_refusals(env):
    vols = _protect(env, "v1")
    point = env.driver.replicate_now()
    late = env.make_volume("late")
    env.driver.add_volumes([late])
    with pytest.raises(exc.VolumeNotInRecoveryPoint) as caught:
        env.driver.materialise(point, [vols[0], late], tag="x1")
    assert late.name in str(caught.value)
    bogus = point.name.rsplit(".", 1)[0] + ".9999"
    with pytest.raises(exc.RecoveryPointNotFound):
        env.driver.materialise(bogus, vols, tag="x1")
    with pytest.raises(base_exc.Invalid):
        env.driver.materialise(point, vols, tag="not a tag!")
    env.driver.materialise(point, vols, tag="x1")
    with pytest.raises(exc.StorageObjectExists):
        env.driver.materialise(point, vols, tag="x1")  # clean up first
    assert len(env.copies()) == 1


# -- reverse ---------------------------------------------------------------------------------
def test_reverse_replication(env):
    _protect(env, "v1")
    env.driver.replicate_now()
    forward = env.driver.ensure_replication()
    container = env.driver.reverse_replication()
    assert (container.source_array, container.target_array) == (
        forward.target_array, forward.source_array)
    back = env.driver.reversed()
    assert back.arrays == env.driver.arrays.reversed()
    failed_over = env.make_volume("failed-over", on="array-b")
    back.add_volumes([failed_over])
    # Sync: the pod's group is the same object on both arrays, so it still has v1.
    assert failed_over.name in back.list_volumes()
    point = back.replicate_now()
    assert back.latest_recovery_point().name == point.name
    made = back.materialise(point, [failed_over], tag="fb1")
    assert [m.source for m in made] == [failed_over.name]
    assert env.copies(on="array-a") == [made[0].name]
    back.cleanup("fb1")
    assert env.copies(on="array-a") == []
    back.close()


def _pgroups(env: Any, on: str) -> set[str]:
    """Protection groups (live or destroyed) on a simulated array."""
    return {g.name for g in ok(env.clients[on].get_protection_groups())}


def test_drop_replication_both_directions(env):
    vols = _protect(env, "v1")
    env.driver.replicate_now()
    env.driver.reverse_replication()  # a reprotected PG: a container each way
    env.driver.remove_volumes(vols)
    dropped = env.driver.drop_replication()
    assert dropped
    assert env.driver.drop_replication() == []  # idempotent
    with pytest.raises(exc.ReplicationNotConfigured):
        env.driver.list_volumes()
    with pytest.raises(exc.ReplicationNotConfigured):
        env.driver.reversed().list_volumes()
    if env.kind == "pure":
        pg = env.group.array_group_name
        for name in ("array-a", "array-b"):
            left = {g for g in _pgroups(env, name) if g.endswith(pg)}
            assert left == set(), (name, left)
            snaps = ok(env.clients[name].get_protection_group_snapshots())
            assert not [s.name for s in snaps if pg in s.name], name
        # Volumes stay: they are Cinder's.
        assert ok(env.clients["array-a"].get_volumes(names=[vols[0].name]))
    env.driver.ensure_replication()  # a member added later protects again
    env.driver.add_volumes(vols)
    assert env.driver.list_volumes() == [vols[0].name]


def test_drop_replication_reports_an_unreachable_array(env):
    if env.kind != "pure":
        pytest.skip("mock arrays are files; they cannot be unreachable")
    _protect(env, "v1")
    # Sync: the pod's group is one object, dropped from either array.
    down = ["array-b"] if env.replication_type == "async" else ["array-a", "array-b"]
    for name in down:
        env.sim.make_unreachable(name)
    with pytest.raises(exc.ContainersLeft, match=env.sim.target(down[-1])):
        env.driver.drop_replication()
    for name in down:
        env.sim.make_reachable(name)
    env.driver.drop_replication()  # the rerun finishes the job
    pg = env.group.array_group_name
    assert not {g for n in ("array-a", "array-b") for g in _pgroups(env, n) if g.endswith(pg)}
