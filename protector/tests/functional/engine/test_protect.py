"""Protect operations: each member add protects its own member only."""

import threading

import pytest

from protector import context
from protector.cloud import exception as exc
from protector.db import models, session
from protector.engine import resources, worker
from protector.storage import exception as storage_exc
from protector.tests.functional.engine.conftest import op


def _volumes_of(member_id: str) -> list[str]:
    with session.reader(context.get_admin_context()) as s:
        return [v.volume_id for v in s.query(models.CGVolume).filter_by(member_id=member_id)]


def test_each_add_protects_its_own_member(members_added, casts):
    """Two adds in a row: the second one's operation, run first, must leave
    the first member to its own operation (two operations protecting one
    member raced in the lab, and the loser's revert took the winner's
    volumes away)."""
    owner, base, _ = members_added
    members = {m["instance_name"] or m["instance_id"]: m
               for m in owner.get(base + "/members").json["members"]}
    first, second = casts  # db's operation, web's operation
    worker.run(second, host="engine-1")
    assert op(owner, second)["status"] == "completed"
    statuses = {m["id"]: m["status"] for m in owner.get(base + "/members").json["members"]}
    done = [mid for mid, status in statuses.items() if status == "protected"]
    waiting = [mid for mid, status in statuses.items() if status == "adding"]
    assert len(done) == 1 and len(waiting) == 1, statuses
    assert len(_volumes_of(done[0])) == 2 and _volumes_of(waiting[0]) == []

    worker.run(first, host="engine-1")
    assert op(owner, first)["status"] == "completed"
    assert {m["status"] for m in owner.get(base + "/members").json["members"]} == {"protected"}
    assert all(len(_volumes_of(m["id"])) == 2 for m in members.values())


def test_two_adds_at_once_make_one_group(members_added, clouds, casts):
    """Both adds' operations run at once, each finding no Cinder group yet:
    one group is recorded and the other deleted, never two."""
    owner, base, _ = members_added
    site_a = clouds["site-a"]
    site_a.latency["volume.create_group"] = 0.3  # both are making it at the same time
    runs = [threading.Thread(target=worker.run, args=(op_id,), kwargs={"host": host})
            for op_id, host in zip(casts, ("engine-1", "engine-2"), strict=True)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)
    assert [op(owner, op_id)["status"] for op_id in casts] == ["completed", "completed"]
    assert site_a.calls["volume.create_group"] == 2  # the race did happen
    (group,) = site_a.groups.values()  # the loser deleted its own
    with session.reader(context.get_admin_context()) as s:
        (cg,) = s.query(models.ConsistencyGroup).all()
        assert cg.cinder_group_id == group.id
        assert len(cg.volumes) == 4
    assert sorted(group.data["volume_ids"]) == sorted(v.volume_id for v in cg.volumes)


def test_failed_first_protect_leaves_no_containers(members_added, clouds, casts):
    """Every add fails after the array container was made (Cinder refuses
    the group): the rollbacks take the container and the record away, so a
    PG whose members never got protected holds nothing on the array."""
    owner, base, _ = members_added
    site_a = clouds["site-a"]
    site_a.inject("volume.create_group", exc.CloudUnavailable(
        service="Cinder", site="site-a", reason="HTTP 503"), times=None)
    for op_id in list(casts):
        worker.run(op_id, host="engine-1")
        assert op(owner, op_id)["status"] == "rolled_back"
    with session.reader(context.get_admin_context()) as s:
        assert s.query(models.ConsistencyGroup).count() == 0
    view = resources.load(casts[0], context.get_admin_context().to_dict())
    driver = view.storage()
    try:
        with pytest.raises(storage_exc.ReplicationNotConfigured):
            driver.list_volumes()
    finally:
        driver.close()
    site_a.clear_faults()
