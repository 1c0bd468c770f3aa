"""The ``pure`` driver against simulated arrays: array semantics and failures."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pypureclient import flasharray

from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.pure import PureDriver
from protector.storage.drivers.pure.session import sdk_client
from protector.tests.functional.storage.helpers import ok
from protector.tests.functional.storage.test_driver_contract import POD, RPO_MINUTES, PureEnv


@pytest.fixture
def async_env() -> Iterator[PureEnv]:
    env = PureEnv("async")
    yield env
    env.close()


@pytest.fixture
def sync_env() -> Iterator[PureEnv]:
    env = PureEnv("sync")
    yield env
    env.close()


def _protect(env: PureEnv, count: int = 1, driver: Any = None) -> list[base.VolumeRef]:
    driver = driver or env.driver
    driver.ensure_replication()
    vols = [env.make_volume(f"v{i}") for i in range(count)]
    driver.add_volumes(vols)
    return vols


class Spy:
    """Wraps the real SDK client factory to watch and disturb ``post_volumes``."""

    def __init__(self, before_copy: Callable[[int], None] | None = None) -> None:
        self.before_copy = before_copy
        self.clients: Counter[str] = Counter()
        self.copy_calls = 0
        self.in_flight = self.peak = 0
        self._lock = threading.Lock()

    def factory(self, endpoint: base.ArrayEndpoint, options: base.DriverOptions) -> Any:
        client = sdk_client(endpoint, options)
        with self._lock:
            self.clients[endpoint.host] += 1
        return _Watched(client, self)


class _Watched:
    def __init__(self, client: Any, spy: Spy) -> None:
        self._client, self._spy = client, spy

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name != "post_volumes":
            return attr

        def post_volumes(**kwargs: Any) -> Any:
            spy = self._spy
            with spy._lock:
                spy.copy_calls += 1
                spy.in_flight += 1
                spy.peak = max(spy.peak, spy.in_flight)
                number = spy.copy_calls
            try:
                if spy.before_copy is not None:
                    spy.before_copy(number)
                return attr(**kwargs)
            finally:
                with spy._lock:
                    spy.in_flight -= 1

        return post_volumes


# -- async -------------------------------------------------------------------------
def test_async_container_on_the_arrays(async_env):
    env, a, b = async_env, async_env.clients["array-a"], async_env.clients["array-b"]
    container = env.driver.ensure_replication()
    pg = ok(a.get_protection_groups(names=[container.name]))[0]
    assert pg.replication_schedule.frequency == RPO_MINUTES * 60 * 1000  # milliseconds
    assert pg.replication_schedule.enabled is True
    retention = pg.target_retention
    assert (retention.all_for_sec, retention.per_day, retention.days) == (14_400, 3, 7)
    target = ok(a.get_protection_groups_targets(group_names=[container.name]))[0]
    assert (target.member.name, target.allowed) == ("array-b", True)
    assert container.replica_name == f"array-a:{container.name}"
    assert ok(b.get_protection_groups(names=[container.replica_name]))[0].is_local is False

    # ensure_replication repairs: a disabled schedule, a destroyed group.
    ok(a.patch_protection_groups(names=[container.name], protection_group=flasharray.
                                 ProtectionGroup(destroyed=True)))
    env.driver.ensure_replication()
    pg = ok(a.get_protection_groups(names=[container.name]))[0]
    assert pg.destroyed is False and pg.replication_schedule.enabled is True


def test_in_flight_point_is_never_chosen(async_env):
    env = async_env
    vols = _protect(env)
    first = env.driver.replicate_now()
    env.advance(600)  # short of the RPO: no scheduled snapshot yet
    ok(env.clients["array-a"].post_protection_group_snapshots(
        source_names=[env.group.array_group_name], replicate_now=True))
    env.advance(30)  # half of the 60 s transfer
    newest = env.driver.list_recovery_points()[0]
    assert not newest.complete and 0 < newest.progress < 1
    assert env.driver.latest_recovery_point().name == first.name
    health = env.driver.replication_health()
    assert health.in_flight.name == newest.name and health.latest.name == first.name
    with pytest.raises(exc.RecoveryPointIncomplete):
        env.driver.materialise(newest, vols, tag="t1")
    assert env.copies() == []


def test_replicate_now_times_out(async_env):
    env = async_env
    _protect(env)
    with pytest.raises(exc.ReplicationTimeout) as caught:
        env.driver.replicate_now(timeout=20)
    message = str(caught.value)
    assert env.sim.target("array-b") in message and ":protector-" in message
    assert caught.value.transient
    env.advance(60)  # the transfer finishes on its own
    assert env.driver.latest_recovery_point() is not None


def test_unplanned_failover_needs_only_the_target(async_env):
    env = async_env
    vols = _protect(env, 2)
    point = env.driver.replicate_now()
    env.sim.make_unreachable("array-a")
    driver = env.make_driver(api_retries=1)  # fresh: nothing cached about the source
    report = driver.check_connectivity()
    assert not report.ok and not report.source.reachable and report.target.reachable
    assert "unreachable" in report.source.error
    assert driver.latest_recovery_point().name == point.name
    made = driver.materialise(point, vols, tag="uf1")
    assert len(made) == 2
    health = driver.replication_health()
    assert not health.source_reachable and health.target_reachable
    assert health.latest.name == point.name
    with pytest.raises(exc.ArrayUnreachable) as caught:
        driver.reverse_replication()  # reprotect waits for the old primary
    assert caught.value.transient


def test_reverse_replication_stops_the_old_source(async_env):
    env, a, b = async_env, async_env.clients["array-a"], async_env.clients["array-b"]
    vols = _protect(env)
    point = env.driver.replicate_now()
    made = env.driver.materialise(point, vols, tag="fo1")
    copy = base.VolumeRef(name=made[0].name)
    container = env.driver.reverse_replication([copy])
    name = env.group.array_group_name
    assert ok(a.get_protection_groups(names=[name]))[0].replication_schedule.enabled is False
    pg_b = ok(b.get_protection_groups(names=[name]))[0]
    assert pg_b.replication_schedule.enabled is True
    assert container.replica_name == f"array-b:{name}"
    back = env.driver.reversed()
    assert back.list_volumes() == [copy.name]
    back_point = back.replicate_now()
    assert back_point.name.startswith(f"array-b:{name}.")


# -- sync ----------------------------------------------------------------------------
def test_sync_pod_is_stretched_and_copies_leave_it(sync_env):
    env, a, b = sync_env, sync_env.clients["array-a"], sync_env.clients["array-b"]
    container = env.driver.ensure_replication()
    pod = ok(b.get_pods(names=[POD]))[0]
    assert pod.array_count == 2 and {r.status for r in pod.arrays} == {"online"}
    assert container.replica_name == f"{POD}::{env.group.array_group_name}"
    vols = [env.make_volume("v1"), env.make_volume("v2")]
    env.driver.add_volumes(vols)
    ok(a.post_volumes(names=["outside"], volume=flasharray.VolumePost(provisioned=1024**3)))
    with pytest.raises(exc.VolumeNotInPod):
        env.driver.add_volumes([base.VolumeRef(name="outside")])
    with pytest.raises(exc.VolumeNotInPod):
        env.driver.add_volumes([base.VolumeRef(name="other-pod::v1")])
    point = env.driver.replicate_now()
    made = env.driver.materialise(point, vols, tag="s1")
    for copy in ok(b.get_volumes(names=[m.name for m in made])):
        # Outside any pod: Cinder can manage it.
        assert getattr(copy, "pod", None) is None
    assert env.copies(on="array-a") == []  # made on the target only


def test_sync_copies_need_the_peer_for_cinder(sync_env):
    """The array makes copies with the peer gone (above), but Cinder's Pure
    driver could not manage them: it stretches each replicated-sync volume
    to the lost peer first. The engine asks before it copies anything."""
    env = sync_env
    _protect(env, 1)
    env.driver.check_materialisable()
    env.sim.make_unreachable("array-a")
    driver = env.make_driver(api_retries=0)
    with pytest.raises(exc.PodPeerLost) as lost:
        driver.check_materialisable()
    assert str(lost.value).startswith(f"Array {env.endpoint('array-a').host}, the other "
                                      f"side of pod {POD}, does not answer")
    assert env.copies() == []


def test_sync_survives_the_source(sync_env):
    env = sync_env
    vols = _protect(env, 2)
    env.sim.make_unreachable("array-a")
    env.advance(60)
    driver = env.make_driver(api_retries=0)
    point = driver.replicate_now()  # taken on the target: the pod lives there too
    assert point.complete
    made = driver.materialise(point, vols, tag="s2")
    assert len(made) == 2
    health = driver.replication_health()
    assert not health.source_reachable and health.target_reachable
    assert "array-a=offline" in health.link_status
    assert health.lag_seconds == pytest.approx(60)


def test_sync_waits_for_the_stretch():
    env = PureEnv("sync", fabric={"stretch_seconds": 30})
    try:
        env.driver.ensure_replication()  # polls with the simulated clock
        assert env.sim.clock.now_ms() >= 30_000
        slow = PureEnv("sync", fabric={"stretch_seconds": 300}, replicate_timeout=20)
        try:
            with pytest.raises(exc.ReplicationTimeout):
                slow.driver.ensure_replication()
        finally:
            slow.close()
    finally:
        env.close()


# -- materialise: parallelism, failures, rollback ---------------------------------------
def test_copies_run_in_parallel_up_to_the_limit(async_env):
    env = async_env
    spy = Spy()
    driver = env.make_driver(client_factory=spy.factory, max_concurrent_copies=4)
    vols = _protect(env, 12, driver)
    point = driver.replicate_now()
    env.sim.set_latency("array-b", 0.03)
    made = driver.materialise(point, vols, tag="p1")
    assert len(made) == 12 and spy.copy_calls == 12
    assert 2 <= spy.peak <= 4
    # One SDK client per copying thread (plus the caller's), not one per copy.
    assert spy.clients[env.sim.target("array-b")] <= 5


def test_api_error_rolls_back(async_env):
    env = async_env
    vols = _protect(env, 6)
    point = env.driver.replicate_now()
    env.sim.inject_error("array-b", "post_volumes", "Volume limit reached.")
    with pytest.raises(exc.MaterialiseFailed) as caught:
        env.driver.materialise(point, vols, tag="e1")
    err = caught.value
    assert "Volume limit reached." in str(err) and env.sim.target("array-b") in str(err)
    assert isinstance(err.cause, exc.ArrayRequestFailed) and not err.transient
    assert err.leftovers == [] and env.copies() == []
    # Nothing left behind: the same tag works once the array accepts copies.
    assert len(env.driver.materialise(point, vols, tag="e1")) == 6


def _flaky_target(env: PureEnv, fail_at: int, back_after_sleeps: int | None) -> tuple:
    """A driver whose target goes down before copy ``fail_at``.

    It comes back after ``back_after_sleeps`` retry sleeps (None: never).
    """
    armed = {"on": False, "sleeps": 0}

    def sleep(seconds: float) -> None:
        if armed["on"]:
            armed["sleeps"] += 1
            if armed["sleeps"] == back_after_sleeps:
                env.sim.make_reachable("array-b")
        env.sim.advance(seconds)

    def before_copy(number: int) -> None:
        if number == fail_at:
            env.sim.make_unreachable("array-b")

    spy = Spy(before_copy)
    driver = env.make_driver(client_factory=spy.factory, sleep=sleep, api_retries=2,
                             max_concurrent_copies=1)
    return driver, armed, spy


def test_transient_outage_is_retried(async_env):
    env = async_env
    driver, armed, spy = _flaky_target(env, fail_at=2, back_after_sleeps=1)
    vols = _protect(env, 3, driver)
    point = driver.replicate_now()
    armed["on"] = True
    made = driver.materialise(point, vols, tag="r1")
    assert len(made) == 3 and spy.copy_calls == 4  # copy 2 was sent twice


def test_target_unreachable_mid_copy_rolls_back(async_env):
    env = async_env
    # Down for copy 3 and both of its retries; back for the rollback.
    driver, armed, _ = _flaky_target(env, fail_at=3, back_after_sleeps=3)
    vols = _protect(env, 5, driver)
    point = driver.replicate_now()
    armed["on"] = True
    with pytest.raises(exc.MaterialiseFailed) as caught:
        driver.materialise(point, vols, tag="u1")
    err = caught.value
    assert isinstance(err.cause, exc.ArrayUnreachable) and err.transient
    assert "unreachable" in str(err) and env.sim.target("array-b") in str(err)
    assert err.leftovers == []
    assert env.copies() == []


def test_target_down_for_good_reports_leftovers_for_cleanup(async_env):
    env = async_env
    driver, armed, _ = _flaky_target(env, fail_at=3, back_after_sleeps=None)
    vols = _protect(env, 5, driver)
    point = driver.replicate_now()
    armed["on"] = True
    with pytest.raises(exc.MaterialiseFailed) as caught:
        driver.materialise(point, vols, tag="u2")
    leftovers = caught.value.leftovers
    assert len(leftovers) == 2 and "run the operation's cleanup" in str(caught.value)
    env.sim.make_reachable("array-b")
    assert driver.cleanup("u2") == leftovers
    assert env.copies() == []


# -- connection problems ---------------------------------------------------------------
def test_connection_problems_are_reported(async_env):
    env = async_env
    bad_token = base.ArrayPair(
        base.ArrayEndpoint(url=env.sim.target("array-a"), api_token="wrong",
                           ca_file=env.sim.ca_file),
        base.ArrayEndpoint(url=env.sim.target("array-b"), api_token=env.sim.api_token))
    driver = PureDriver(env.group, bad_token, env.options())
    env.drivers.append(driver)
    report = driver.check_connectivity()
    assert "API token" in report.source.error and not report.source.reachable
    assert "TLS" in report.target.error  # no CA given: the self-signed cert fails
    assert "wrong" not in repr(bad_token)

    env.sim.inject_error("array-a", "get_arrays", "Service busy.", status=503, times=None)
    busy = env.make_driver(api_retries=0)
    report = busy.check_connectivity()
    assert "unavailable (HTTP 503)" in report.source.error
    with pytest.raises(exc.ArrayUnavailable):
        busy.ensure_replication()
