"""Unplanned failover with members that cannot come up: the others run on
the DR site, the PG ends failed_over_partial with the rest left behind
(nothing made for them remains), and failing over again moves just them."""

from protector import context
from protector.cloud import exception as cloud_exc
from protector.engine import leftovers, manager
from protector.tests.functional.engine.conftest import act as _act
from protector.tests.functional.engine.conftest import home_after_disaster, site_a_back
from protector.tests.functional.engine.conftest import live_servers as _live
from protector.tests.functional.engine.conftest import live_volumes as _live_volumes
from protector.tests.functional.engine.conftest import pg_view as _pg


def _members(owner, base):
    return {m["instance_name"]: m for m in owner.get(base + "/members").json["members"]}


def _unplanned(owner, base, casts):
    return _act(owner, base, casts, {"failover": {"failover_type": "unplanned"}})


def test_failed_boot_leaves_the_member_behind(disaster, clouds, casts, peers):
    owner, base, servers = disaster
    site_b = clouds["site-b"]
    site_b.fail_builds(times=1)  # db boots first (boot order 1) and fails

    done = _unplanned(owner, base, casts)
    assert done["status"] == "completed", done
    assert "db: " in done["error_message"] and "Build of instance" in done["error_message"]
    assert [f["step"] for f in done["steps_failed"]] == ["boot db"]
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over_partial" and pg["runs_on"] == "site-b"
    # web runs on site-b with both its volumes; nothing made for db is left.
    running = {s.name: s for s in _live(site_b).values()}
    assert sorted(running) == ["web"] and len(running["web"].data["volumes"]) == 2
    assert len(_live_volumes(site_b)) == 2
    members = _members(owner, base)
    assert members["db"]["status"] == "failover_failed"
    assert members["db"]["instance_id"] == servers["db"]  # still site-a's server
    assert members["web"]["status"] == "protected"
    assert members["web"]["instance_id"] == running["web"].id
    # Nothing else runs until the rest is over: reprotect and failback wait.
    for action in ("reprotect", "failback", "test_failover"):
        resp = owner.post(base + "/action", {action: {}}, status=409)
        assert "allowed: failover" in resp.json["error"]["message"]

    # The cause is fixed; failing over again moves db alone.
    retry = _unplanned(owner, base, casts)
    assert retry["status"] == "completed", retry
    assert retry["error_message"] is None
    assert "boot web" not in retry["steps_completed"]
    assert "boot db" in retry["steps_completed"]
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over" and pg["runs_on"] == "site-b"
    running = {s.name: s for s in _live(site_b).values()}
    assert sorted(running) == ["db", "web"]
    assert all(len(s.data["volumes"]) == 2 for s in running.values())
    members = _members(owner, base)
    assert {m["status"] for m in members.values()} == {"protected"}
    assert {m["instance_id"] for m in members.values()} == {s.id for s in running.values()}
    doc = owner.app.get(base + "/metadata",
                        headers={"X-Auth-Token": f"admin:{owner.project}:admin"}).json
    volumes_b = next(cg for cg in doc["consistency_groups"] if cg["site"] == "site-b")
    assert len(volumes_b["volumes"]) == 4

    # site-a returns: the usual way home works for the whole PG.
    site_a_back(clouds, peers)
    home_after_disaster(owner, base, casts, clouds)


def test_failed_retry_stays_partial(disaster, clouds, casts):
    owner, base, _servers = disaster
    site_b = clouds["site-b"]
    site_b.fail_builds(times=1)
    assert _unplanned(owner, base, casts)["status"] == "completed"
    site_b.fail_builds(times=1)  # db fails again
    retry = _unplanned(owner, base, casts)
    assert retry["status"] == "rolled_back", retry
    pg = _pg(owner, base)
    assert pg["status"] == "failed_over_partial" and pg["runs_on"] == "site-b"
    # web still runs; the retry's attempt at db left nothing.
    assert sorted(s.name for s in _live(site_b).values()) == ["web"]
    assert len(_live_volumes(site_b)) == 2
    assert _members(owner, base)["db"]["status"] == "failover_failed"


def test_failed_copy_leaves_the_member_behind(disaster, clouds, casts):
    """The target array refuses one member's copy (mock storage makes a
    Cinder volume per copy): that member stays behind, the other comes up."""
    owner, base, _servers = disaster
    site_b = clouds["site-b"]
    site_b.fail_volume_creates(times=1, fault="array volume copy failed: array unreachable")
    done = _unplanned(owner, base, casts)
    assert done["status"] == "completed", done
    failed = done["steps_failed"]
    assert len(failed) == 1 and failed[0]["step"].startswith("copy volumes of ")
    left = failed[0]["step"].removeprefix("copy volumes of ")
    assert f"{left}: " in done["error_message"]
    assert _pg(owner, base)["status"] == "failed_over_partial"
    up = {s.name for s in _live(site_b).values()}
    assert up == {"db", "web"} - {left}
    assert len(_live_volumes(site_b)) == 2
    assert _members(owner, base)[left]["status"] == "failover_failed"


def test_nobody_up_rolls_everything_back(disaster, clouds, casts):
    owner, base, _servers = disaster
    site_b = clouds["site-b"]
    site_b.fail_builds(times=10)
    done = _unplanned(owner, base, casts)
    assert done["status"] == "rolled_back", done
    assert "no server came up" in done["error_message"]
    pg = _pg(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    assert _live(site_b) == {} and _live_volumes(site_b) == {}


def test_planned_failover_is_all_or_nothing(protected, clouds, casts):
    """With the source up, a member that cannot come up rolls the move back
    (test_failover.py shows the source restarted); none is left behind."""
    owner, base, _servers = protected
    clouds["site-b"].fail_builds(times=1)
    done = _act(owner, base, casts, {"failover": {}})
    assert done["status"] == "rolled_back", done
    assert _pg(owner, base)["status"] == "active"
    assert {m["status"] for m in _members(owner, base).values()} == {"protected"}


def test_what_the_switch_cannot_remove_is_swept_later(disaster, clouds, casts):
    """site-b's Nova refuses to delete db's failed server at the switch: web
    switches over all the same, db's server is recorded as left, and the
    sweep removes that one server (never web's, which the PG runs on now)."""
    owner, base, _servers = disaster
    site_b = clouds["site-b"]
    site_b.fail_builds(times=1)
    site_b.inject("compute.delete_server", cloud_exc.CloudUnavailable(
        service="Nova", site="site-b", reason="connection refused"), times=None)
    done = _unplanned(owner, base, casts)
    assert done["status"] == "completed", done
    assert done["result"]["leftovers"]["servers"]["detail"] == [
        _members(owner, base)["db"]["id"]]
    assert "left on the target until it answers" in done["error_message"]
    assert _pg(owner, base)["status"] == "failed_over_partial"
    assert sorted(s.status for s in _live(site_b).values()) == ["ACTIVE", "ERROR"]

    ctx = context.get_admin_context()
    assert leftovers.sweep(ctx, manager.REMOVERS) == 0  # Nova still refuses
    site_b.clear_faults("compute.delete_server")
    assert leftovers.sweep(ctx, manager.REMOVERS) == 1
    running = list(_live(site_b).values())
    assert [(s.name, s.status) for s in running] == [("web", "ACTIVE")]
    assert _members(owner, base)["web"]["instance_id"] == running[0].id


def test_planned_failover_of_those_left_once_site_a_is_back(disaster, clouds, casts, peers):
    """site-a returns before db was moved: a planned failover stops db's
    server there, replicates it now and moves it; then the way home."""
    owner, base, servers = disaster
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    site_b.fail_builds(times=1)
    assert _unplanned(owner, base, casts)["status"] == "completed"
    site_a_back(clouds, peers)
    owner.post(base + "/action", {"failover": {}}, status=409)  # OUT_OF_SYNC first
    owner.post(base + "/sync-force", {}, status=200)

    done = _act(owner, base, casts, {"failover": {}})
    assert done["status"] == "completed", done
    assert done["steps_completed"][:3] == ["check target site", "stop servers on source",
                                           "replicate now"]
    assert site_a.servers[servers["db"]].status == "SHUTOFF"
    assert _pg(owner, base)["status"] == "failed_over"
    assert sorted(s.name for s in _live(site_b).values()) == ["db", "web"]
    home_after_disaster(owner, base, casts, clouds)
