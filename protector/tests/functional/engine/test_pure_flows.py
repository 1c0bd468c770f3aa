"""The DR flows end to end with the ``pure`` driver: the real engine, the real
py-pure-client over HTTPS, two simulated FlashArrays, and two fake clouds
whose Cinder keeps its volumes on those arrays (as the Cinder Pure driver
does). So the copies the driver makes on array-b are what site-b's Cinder
manages, and what Cinder deletes is gone from the array.

Simulated time: a transfer takes 60 s of the fabric's manual clock, which
moves only when the driver waits (its ``sleep`` advances it) or the test
advances it.
"""

import pytest

from protector import context
from protector.cloud.fake.backend import cinder_volume_name
from protector.cloud.fake.cloud import FakeCloud
from protector.conf import storage as storage_conf
from protector.engine import leftovers, manager, resources
from protector.storage import factory as storage_factory
from protector.storage.simulator import SimulatedFabric
from protector.storage.simulator.cinder import SimulatedArrayBackend
from protector.tests.functional.api import helpers
from protector.tests.functional.engine.conftest import FAST, Sites, run_all, serve, site_a_back
from protector.tests.functional.engine.conftest import act as _act
from protector.tests.functional.engine.conftest import live_servers as _live
from protector.tests.functional.engine.conftest import op as _op
from protector.tests.functional.engine.conftest import pg_view as _pg

ARRAYS = {"site-a": "array-a", "site-b": "array-b"}
TRANSFER_SECONDS = 60.0
RPO_SECONDS = helpers.POLICY["rpo_minutes"] * 60


@pytest.fixture
def sim():
    with SimulatedFabric(list(ARRAYS.values()), transfer_seconds=TRANSFER_SECONDS,
                         eradication_delay_sec=3600) as fabric:
        # Each array its own token, so a swapped endpoint cannot log in.
        fabric.array("array-a").api_token = helpers.POLICY["primary_fa_api_token"]
        fabric.array("array-b").api_token = helpers.POLICY["secondary_fa_api_token"]
        yield fabric


@pytest.fixture
def array_policy(sim):
    return {**helpers.POLICY, "primary_fa_url": f"https://{sim.target('array-a')}",
            "secondary_fa_url": f"https://{sim.target('array-b')}"}


@pytest.fixture
def clouds(conf, sim, monkeypatch):
    """Overrides the conftest's: the pure driver, arrays behind each Cinder."""
    storage_conf.register_opts(conf)
    conf.set_override("use_mock_storage", False)
    conf.set_override("ca_file", sim.ca_file, group="storage")
    real_options = storage_factory.options_from_conf

    def now():
        return sim.clock.now_ms() / 1000

    # The engine's drivers wait on the fabric's clock: a poll moves it on.
    def sim_options(conf=conf, **overrides):
        return real_options(conf, **{"sleep": sim.advance, "monotonic": now, "clock": now,
                                     "replicate_timeout": 600.0, **overrides})

    monkeypatch.setattr(storage_factory, "options_from_conf", sim_options)
    yield from serve(Sites({
        site: FakeCloud(site, backend=SimulatedArrayBackend(sim.fabric, array), **FAST)
        for site, array in ARRAYS.items()}))
    conf.clear_override("ca_file", group="storage")
    conf.clear_override("use_mock_storage")


def _array(sim, name, destroyed=None):
    """Volume name -> (source volume name or None), live and destroyed."""
    array = sim.array(name)
    with sim.fabric.lock:
        sim.fabric.sync()
        return {v["name"]: (v.get("source") or {}).get("name")
                for v in array.get_volumes(names=None, destroyed=destroyed)}


def _on_array(cloud):
    """The array names of a site's Cinder volumes (volume id -> name)."""
    return {vid: v.data["backend_name"] for vid, v in cloud.volumes.items()}


def _driver(op_id):
    return resources.load(op_id, context.get_admin_context().to_dict()).storage()


def _copies_of(sim, target, target_cloud, source_array, sources):
    """Every Cinder volume of ``target_cloud`` is a copy, on array ``target``,
    of one of the array volumes ``sources`` replicated from ``source_array``,
    under the name the Cinder Pure driver gives it."""
    on_target = _array(sim, target)
    expected = {f"{source_array}:{name}" for name in sources}
    names = _on_array(target_cloud)
    assert len(names) == 4
    assert {on_target[n] for n in names.values()} == expected
    assert set(names.values()) == {cinder_volume_name(vid) for vid in names}
    # Sizes come from the array (boot 1 GiB + data 2 GiB per server).
    assert sorted(v.data["size"] for v in target_cloud.volumes.values()) == [1, 1, 2, 2]


def test_seeded_volumes_live_on_the_array(protected, clouds, sim):
    owner, base, servers = protected
    site_a = clouds["site-a"]
    names = _on_array(site_a)
    assert len(names) == 4 and set(names.values()) == set(_array(sim, "array-a"))
    assert _array(sim, "array-b") == {}  # a target holds snapshots, no volumes
    members = owner.get(base + "/members").json["members"]
    driver = _driver(owner.get(f"/v1/{owner.project}/operations").json["operations"][0]["id"])
    try:
        assert sorted(driver.list_volumes()) == sorted(names.values())
        assert driver.latest_recovery_point() is not None
    finally:
        driver.close()
    assert len(members) == 2


def test_test_failover_then_cleanup_leaves_nothing(protected, clouds, sim, casts):
    owner, base, servers = protected
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    before_a = _array(sim, "array-a")

    done = _act(owner, base, casts, {"test_failover": {"auto_network": True}})
    assert done["status"] == "completed", done
    running = {s.name: s for s in _live(site_b).values()}
    assert sorted(running) == ["db", "web"]
    assert all(s.status == "ACTIVE" and len(s.data["volumes"]) == 2 for s in running.values())
    # site-b's Cinder manages the driver's copies: renamed, no dr-* left.
    _copies_of(sim, "array-b", site_b, "array-a", _on_array(site_a).values())
    assert not [n for n in _array(sim, "array-b") if n.startswith("dr-")]
    assert _array(sim, "array-a") == before_a

    done = _act(owner, base, casts, {"test_cleanup": {}})
    assert done["status"] == "completed", done
    assert _live(site_b) == {} and site_b.volumes == {}
    assert not [n for n in site_b.networks.values() if n.name.startswith("protector-test")]
    assert _array(sim, "array-b") == {}  # nothing, destroyed or not
    assert _array(sim, "array-a") == before_a
    assert _pg(owner, base)["status"] == "active"


def test_failed_boot_leaves_nothing_on_array_b(protected, clouds, sim, casts):
    owner, base, _ = protected
    site_b = clouds["site-b"]
    site_b.fail_builds(times=10)
    done = _act(owner, base, casts, {"test_failover": {"auto_network": True}})
    assert done["status"] == "rolled_back", done
    # The reverts deleted the managed copies through Cinder (so on the array)
    # and removed any copy not managed yet.
    assert _live(site_b) == {} and site_b.volumes == {}
    assert _array(sim, "array-b") == {}


def test_planned_failover_reprotect_failback(protected, clouds, sim, casts, peers):
    owner, base, servers = protected
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    volumes_a = _on_array(site_a)

    done = _act(owner, base, casts, {"failover": {"failover_type": "planned"}})
    assert done["status"] == "completed", done
    assert "replicate now" in done["steps_completed"]
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over" and pg["runs_on"] == "site-b"
    running_b = {s.name: s for s in _live(site_b).values()}
    assert sorted(running_b) == ["db", "web"]
    assert all(s.status == "ACTIVE" and len(s.data["volumes"]) == 2
               for s in running_b.values())
    _copies_of(sim, "array-b", site_b, "array-a", _on_array(site_a).values())
    # The source is stopped and kept, its volumes still on array-a.
    assert {site_a.servers[sid].status for sid in servers.values()} == {"SHUTOFF"}
    assert set(_array(sim, "array-a")) == set(volumes_a.values())

    done = _act(owner, base, casts, {"reprotect": {}})
    assert done["status"] == "completed", done
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over" and pg["runs_on"] == "site-b"
    # The stale copy is gone from site-a and from array-a.
    assert _live(site_a) == {} and site_a.volumes == {}
    assert _array(sim, "array-a") == {}
    # array-b now replicates the running volumes to array-a.
    driver = _driver(done["id"])
    try:
        assert sorted(driver.list_volumes()) == sorted(_on_array(site_b).values())
    finally:
        driver.close()

    volumes_b = _on_array(site_b)
    done = _act(owner, base, casts, {"failback": {}})
    assert done["status"] == "completed", done
    pg = _pg(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    running_a = {s.name: s for s in _live(site_a).values()}
    assert sorted(running_a) == ["db", "web"]
    assert all(s.status == "ACTIVE" and len(s.data["volumes"]) == 2
               for s in running_a.values())
    _copies_of(sim, "array-a", site_a, "array-b", volumes_b.values())
    # Failback reprotected at home: site-b and array-b are empty again.
    assert _live(site_b) == {} and site_b.volumes == {}
    assert _array(sim, "array-b") == {}

    # array-a's schedule runs again: one RPO later a drill finds a point.
    sim.advance(RPO_SECONDS + TRANSFER_SECONDS)
    drill = _act(owner, base, casts, {"test_failover": {"auto_network": True}})
    assert drill["status"] == "completed", drill
    _copies_of(sim, "array-b", site_b, "array-a", _on_array(site_a).values())
    assert _act(owner, base, casts, {"test_cleanup": {}})["status"] == "completed"
    assert _live(site_b) == {} and _array(sim, "array-b") == {}


def test_unplanned_failover_with_array_a_down(disaster, clouds, sim, casts, peers):
    owner, base, servers = disaster
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    volumes_a = _on_array(site_a)
    sim.make_unreachable("array-a")  # site-a's array is gone too
    done = _act(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    assert done["status"] == "completed", done
    assert sorted(s.name for s in _live(site_b).values()) == ["db", "web"]
    _copies_of(sim, "array-b", site_b, "array-a", volumes_a.values())

    # site-a returns with its servers running: reprotect fences them and
    # removes their volumes from array-a too.
    site_a_back(clouds, peers)
    sim.make_reachable("array-a")
    owner.post(base + "/sync-force", {}, status=200)
    done = _act(owner, base, casts, {"reprotect": {}})
    assert done["status"] == "completed", done
    assert _live(site_a) == {} and site_a.volumes == {} and _array(sim, "array-a") == {}

    done = _act(owner, base, casts, {"failback": {}})
    assert done["status"] == "completed", done
    assert _pg(owner, base)["runs_on"] == "site-a"
    assert _live(site_b) == {} and _array(sim, "array-b") == {}


def test_manage_refused_by_policy_rolls_back(protected, clouds, sim, casts):
    """Cinder on site-b forbids volume_manage (its policy.yaml was never
    changed): the spec's 403 reaches the operation, and the failover undoes
    itself, the source running again and no copy left on array-b."""
    owner, base, servers = protected
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    site_b.deny_policy("volume_extension:volume_manage")
    done = _act(owner, base, casts, {"failover": {}})
    assert done["status"] == "rolled_back", done
    assert ("Policy doesn't allow volume_extension:volume_manage to be performed"
            in done["error_message"])
    assert any(f["step"].startswith("manage volumes of ") for f in done["steps_failed"])
    pg = _pg(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    assert {site_a.servers[s].status for s in servers.values()} == {"ACTIVE"}
    assert _live(site_b) == {} and site_b.volumes == {}
    assert _array(sim, "array-b") == {}


def test_target_array_down_mid_copy(protected, clouds, sim, casts):
    """array-b fails between the copies of a planned failover: the failover
    rolls back all the same (the source runs again), the copy array-b made
    before it went down is recorded as left, and the engine's sweep removes
    it once array-b answers."""
    owner, base, servers = protected
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    sim.fabric.down_after("array-b", "post_volumes", calls=1)  # after its first copy
    done = _act(owner, base, casts, {"failover": {}})
    assert done["status"] == "rolled_back", done
    assert any(f["step"].startswith("copy volumes of ") for f in done["steps_failed"])
    assert "left on the target until it answers" in done["error_message"]
    # (a member whose copies were all made before may have been managed too)
    left = set(done["result"]["leftovers"])
    assert "array copies" in left and left <= {"array copies", "volumes"}
    pg = _pg(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    assert {site_a.servers[s].status for s in servers.values()} == {"ACTIVE"}
    assert _live(site_b) == {}

    ctx = context.get_admin_context()
    assert leftovers.sweep(ctx, manager.REMOVERS) == 0  # still down: kept
    sim.make_reachable("array-b")
    assert _array(sim, "array-b")  # what was made before it failed
    assert leftovers.sweep(ctx, manager.REMOVERS) == len(left)
    assert _array(sim, "array-b") == {} and site_b.volumes == {}
    assert "leftovers" not in (_op(owner, done["id"])["result"] or {})
    assert leftovers.sweep(ctx, manager.REMOVERS) == 0


def _pgroups(sim, name):
    array = sim.array(name)
    with sim.fabric.lock:
        return {g["name"] for g in array.get_protection_groups(names=None, destroyed=None)}


def test_last_member_out_takes_the_containers(protected, clouds, sim, casts, peers):
    """After a round trip (a container each way), removing every member
    leaves no protection group of the PG on either array and no Cinder
    group on either site; then the PG deletes. A member added again
    protects from scratch."""
    owner, base, servers = protected
    for action in ({"failover": {"failover_type": "planned"}}, {"reprotect": {}},
                   {"failback": {}}):
        assert _act(owner, base, casts, action)["status"] == "completed"
    pg_name = f"protector-{_pg(owner, base)['id'].replace('-', '')}"
    assert any(pg_name in g for n in ARRAYS.values() for g in _pgroups(sim, n))
    for member in owner.get(base + "/members").json["members"]:
        owner.delete(base + f"/members/{member['id']}", status=202)
    ops = list(casts)
    run_all(casts)
    assert {_op(owner, op_id)["status"] for op_id in ops} == {"completed"}
    for array in ARRAYS.values():
        assert not {g for g in _pgroups(sim, array) if pg_name in g}, array
    assert {site: [g.id for g in cloud.groups.values()] for site, cloud in clouds.items()} \
        == {"site-a": [], "site-b": []}
    # The volumes stay where they run: they are the tenant's.
    assert len(_array(sim, "array-a")) == 4
    owner.delete(base, status=204)


# -- a failover while Cinder on site-b cannot take the PG's own type in ------------------
# Cinder's Pure driver stretches every replicated-sync volume it manages to
# the pod's other array, so with that array lost it cannot manage one (the
# pure driver's check_materialisable says so for a sync PG). The fake
# Cinder has no pods; this PG is async, and its driver is made to answer as
# a sync one does. The lab's sync drill runs it on Cinder's own driver.
PLAIN = "unreplicated"


@pytest.fixture
def peer_lost(disaster, clouds, sim, monkeypatch):
    from protector.storage import exception as storage_exc
    from protector.storage.drivers.pure import PureDriver

    def as_a_sync_pg(driver):
        if not driver.source.status().reachable:
            raise storage_exc.PodPeerLost(array=driver.source.label, pod="cinder-pod",
                                          target=driver.target.label)

    monkeypatch.setattr(PureDriver, "check_materialisable", as_a_sync_pg)
    clouds["site-b"].add_volume_type(PLAIN, {"volume_backend_name": "fake"})
    sim.make_unreachable("array-a")
    return disaster


def _types(cloud) -> dict[str, int]:
    found: dict[str, int] = {}
    for v in cloud.volumes.values():
        found[v.data["type"]] = found.get(v.data["type"], 0) + 1
    return found


def _site_a_and_array_back(clouds, sim, peers, owner, base):
    site_a_back(clouds, peers)
    sim.make_reachable("array-a")
    owner.post(base + "/sync-force", {}, status=200)


def test_peer_lost_refused_without_an_unreplicated_type(peer_lost, clouds, sim, casts):
    owner, base, _servers = peer_lost
    done = _act(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    assert done["status"] in ("failed", "rolled_back"), done
    assert [f["step"] for f in done["steps_failed"]] == ["pick recovery point"]
    assert "does not answer" in done["error_message"]
    assert "set [storage] unreplicated_volume_type on site-b" in done["error_message"]
    assert _live(clouds["site-b"]) == {} and clouds["site-b"].volumes == {}
    assert _array(sim, "array-b", destroyed=None) == {}  # refused before any copy
    assert _pg(owner, base)["runs_on"] == "site-a"


def test_peer_lost_managed_unreplicated_then_retyped(peer_lost, clouds, sim, casts, peers,
                                                     conf):
    owner, base, _servers = peer_lost
    site_b = clouds["site-b"]
    conf.set_override("unreplicated_volume_type", PLAIN, group="storage")
    done = _act(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    assert done["status"] == "completed", done
    point = done["result"]["recovery_point"]
    assert point["volume_type"] == PLAIN
    assert "retyped to the protection group's type by reprotect" in point["note"]
    assert sorted(s.name for s in _live(site_b).values()) == ["db", "web"]
    assert _types(site_b) == {PLAIN: 4}

    # Reprotect gives them their own type, attached as they are, before
    # replicating them back; then failback.
    _site_a_and_array_back(clouds, sim, peers, owner, base)
    done = _act(owner, base, casts, {"reprotect": {}})
    assert done["status"] == "completed", done
    steps = done["steps_completed"]
    assert steps.index("restore volume types") < steps.index("replicate back")
    assert sorted(done["result"]["retyped_volumes"]) == sorted(site_b.volumes)
    assert _types(site_b) == {"replicated": 4}
    assert {v.status for v in site_b.volumes.values()} == {"in-use"}
    [group] = site_b.groups.values()
    assert sorted(group.data["volume_ids"]) == sorted(site_b.volumes)
    done = _act(owner, base, casts, {"failback": {}})
    assert done["status"] == "completed", done
    assert _pg(owner, base)["runs_on"] == "site-a"
    assert _live(site_b) == {} and _array(sim, "array-b") == {}


def test_peer_lost_refused_retype_fails_reprotect_then_a_retry_ends_it(
        peer_lost, clouds, sim, casts, peers, conf):
    """The PG's type moved to a back end site-b's volumes are not on: the
    retype is refused, reprotect fails before replicating anything back and
    the PG stays failed over; fixed, reprotect runs again to the end."""
    owner, base, _servers = peer_lost
    site_b = clouds["site-b"]
    conf.set_override("unreplicated_volume_type", PLAIN, group="storage")
    assert _act(owner, base, casts,
                {"failover": {"failover_type": "unplanned"}})["status"] == "completed"
    _site_a_and_array_back(clouds, sim, peers, owner, base)
    [replicated] = [t for t in site_b.volume_types.values() if t.name == "replicated"]
    replicated.data["extra_specs"]["volume_backend_name"] = "other"
    done = _act(owner, base, casts, {"reprotect": {}})
    assert done["status"] in ("failed", "rolled_back"), done
    assert "not retyped to replicated (it is still unreplicated)" in done["error_message"]
    assert "replicate back" not in done["steps_completed"]
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over" and pg["runs_on"] == "site-b"
    assert _types(site_b) == {PLAIN: 4}

    replicated.data["extra_specs"]["volume_backend_name"] = "fake"
    done = _act(owner, base, casts, {"reprotect": {}})
    assert done["status"] == "completed", done
    assert _types(site_b) == {"replicated": 4}
