"""Planned failover, reprotect, failback and unplanned failover end to end:
the real engine flows against two fake clouds and the mock storage driver."""

from oslo_utils import timeutils

from protector import context
from protector.engine import resources
from protector.tests.functional.api import helpers
from protector.tests.functional.engine.conftest import act as _act
from protector.tests.functional.engine.conftest import home_after_disaster, protect, site_a_back
from protector.tests.functional.engine.conftest import live_servers as _live
from protector.tests.functional.engine.conftest import live_volumes as _live_volumes
from protector.tests.functional.engine.conftest import pg_view as _pg


def _replicate(op_id):
    """What the array's replication schedule does every RPO."""
    driver = resources.load(op_id, context.get_admin_context().to_dict()).storage()
    try:
        driver.replicate_now()
    finally:
        driver.close()


def test_planned_failover_reprotect_failback(protected, clouds, casts, peers):
    owner, base, servers = protected
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    volumes_a = set(_live_volumes(site_a))
    assert len(volumes_a) == 4

    # Failback before anything failed over is refused by the state machine.
    owner.post(base + "/action", {"failback": {}}, status=409)

    done = _act(owner, base, casts, {"failover": {"failover_type": "planned"}})
    assert done["status"] == "completed", done
    assert done["failover_type"] == "planned"
    steps = done["steps_completed"]
    assert steps.index("stop servers on source") < steps.index("replicate now") \
        < steps.index("boot db") < steps.index("boot web") < steps.index("switch primary site")
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over"
    assert pg["runs_on"] == "site-b"
    # The servers run on site-b with both volumes; site-a's are stopped, kept.
    running_b = {s.name: s for s in _live(site_b).values()}
    assert sorted(running_b) == ["db", "web"]
    assert all(s.status == "ACTIVE" and len(s.data["volumes"]) == 2
               for s in running_b.values())
    assert {site_a.servers[sid].status for sid in servers.values()} == {"SHUTOFF"}
    members = {m["instance_name"]: m for m in owner.get(base + "/members").json["members"]}
    assert {members[n]["instance_id"] for n in members} == {s.id for s in running_b.values()}
    # The peer got the switched document.
    doc = peers["site-b"].documents[pg["id"]][1]
    assert doc["protection_group"]["current_primary_site"] == "site-b"
    assert doc["metadata_version"] == pg["metadata_version"]

    # Failback needs replication reversed first.
    resp = owner.post(base + "/action", {"failback": {}}, status=409)
    assert "reprotect" in resp.json["error"]["message"]

    done = _act(owner, base, casts, {"reprotect": {}})
    assert done["status"] == "completed", done
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over" and pg["runs_on"] == "site-b"
    # The stale copy on site-a is gone: servers and volumes.
    assert _live(site_a) == {} and set(_live_volumes(site_a)) == set()
    doc = owner.app.get(base + "/metadata",
                        headers={"X-Auth-Token": f"admin:{owner.project}:admin"}).json
    assert [cg["site"] for cg in doc["consistency_groups"]] == ["site-b"]
    assert doc["consistency_groups"][0]["status"] == "available"

    done = _act(owner, base, casts, {"failback": {}})
    assert done["status"] == "completed", done
    pg = _pg(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    running_a = {s.name: s for s in _live(site_a).values()}
    assert sorted(running_a) == ["db", "web"]
    assert all(s.status == "ACTIVE" for s in running_a.values())
    # Failback reprotected at home: nothing is left on site-b.
    assert _live(site_b) == {} and _live_volumes(site_b) == {}
    assert len(_live_volumes(site_a)) == 4
    # ... and, once the array's schedule replicated it, a drill works again.
    _replicate(done["id"])
    drill = _act(owner, base, casts, {"test_failover": {"auto_network": True}})
    assert drill["status"] == "completed", drill
    assert _act(owner, base, casts, {"test_cleanup": {}})["status"] == "completed"
    assert _live(site_b) == {}


def test_planned_failover_refused_with_peer_down(protected, clouds, casts, peers):
    owner, base, servers = protected
    peers["site-b"].reachable = False
    resp = owner.post(base + "/action", {"failover": {}}, status=503)
    assert "site-b" in resp.json["error"]["message"]
    assert casts == [] and _pg(owner, base)["status"] == "active"
    assert {clouds["site-a"].servers[s].status for s in servers.values()} == {"ACTIVE"}


def test_failed_failover_restarts_the_source(protected, clouds, casts):
    owner, base, servers = protected
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    site_b.fail_builds(times=10)
    done = _act(owner, base, casts, {"failover": {}})
    assert done["status"] == "rolled_back", done
    pg = _pg(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    assert {site_a.servers[s].status for s in servers.values()} == {"ACTIVE"}
    assert _live(site_b) == {} and _live_volumes(site_b) == {}


def test_unplanned_failover_with_primary_down(disaster, clouds, casts, peers):
    owner, base, servers = disaster
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    resp = owner.post(base + "/action", {"failover": {"recovery_point": "x"}}, status=400)
    assert "unplanned" in resp.json["error"]["message"]
    done = _act(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    assert done["status"] == "completed", done
    assert "stop servers on source" not in done["steps_completed"]
    assert "pick recovery point" in done["steps_completed"]
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over" and pg["runs_on"] == "site-b"
    assert pg["sync_status"] == "OUT_OF_SYNC"
    assert sorted(s.name for s in _live(site_b).values()) == ["db", "web"]

    # site-a comes back with its old servers still running: reprotect
    # fences them before replication is reversed... after sync-force.
    site_a_back(clouds, peers)
    assert {site_a.servers[s].status for s in servers.values()} == {"ACTIVE"}
    owner.post(base + "/action", {"reprotect": {}}, status=409)  # OUT_OF_SYNC
    home_after_disaster(owner, base, casts, clouds)


def test_unplanned_failover_from_a_point_beyond_the_rpo(disaster, clouds, casts, peers):
    """Replication stopped long ago (the link went down before site-a did):
    the failover still runs, from the newest complete point, and says which
    point that was, how old, and that it is beyond the RPO."""
    owner, base, _servers = disaster
    rpo = helpers.POLICY["rpo_minutes"]
    timeutils.set_time_override()
    timeutils.advance_time_seconds(rpo * 60 + 600)
    try:
        done = _act(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    finally:
        timeutils.clear_time_override()
    assert done["status"] == "completed", done
    point = done["result"]["recovery_point"]
    assert point["name"] and point["age_seconds"] >= rpo * 60 + 600
    assert point["warning"].startswith(f"recovery point {point['name']} is ")
    assert f"old, beyond the RPO of {rpo} min" in point["warning"]


def test_image_missing_in_mock_mode_rolls_back(members_added, clouds, casts):
    """Mock storage rebuilds a volume from its image on the target: with
    the image missing there, the spec's error, and the source runs again."""
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    for vol in site_a.volumes.values():  # the boot volumes were made from cirros
        if vol.data["bootable"]:
            vol.data["image_name"] = "cirros"
    owner, base, servers = protect(members_added, casts)
    site_b.remove_image("cirros")
    done = _act(owner, base, casts, {"failover": {}})
    assert done["status"] == "rolled_back", done
    assert "Image 'cirros' not found on target site" in done["error_message"]
    pg = _pg(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    assert {site_a.servers[s].status for s in servers.values()} == {"ACTIVE"}
    assert _live(site_b) == {} and _live_volumes(site_b) == {}

    site_b.add_image("cirros")  # the fix the spec gives: upload it there
    done = _act(owner, base, casts, {"failover": {}})
    assert done["status"] == "completed", done
    assert sorted(s.name for s in _live(site_b).values()) == ["db", "web"]
