"""An engine that dies at any step boundary of any operation: another
engine takes the operation over once the lease lapses and finishes it from
the persisted progress, leaving exactly what an uninterrupted run leaves.

The dying engine is frozen in place (its runner thread blocks for good at
the chosen boundary and its lease stops being renewed), which is what the
database and the clouds see of a SIGKILLed process: steps that were
running in parallel finish their outside-world work without recording it,
and the taking-over engine runs them again. The fake clouds live in this
process, so a real kill would lose them; the real SIGKILL of a separate
engine process is in test_worker.py.
"""

import threading
import time

import pytest
import sqlalchemy
from oslo_utils import timeutils
from taskflow import states as tf_states

from protector import context
from protector.db import models, session
from protector.engine import leases, progress, worker
from protector.tests.functional.engine.conftest import op, run_all
from protector.tests.functional.engine.test_failover import _live, _live_volumes, _replicate


class _Killed(BaseException):
    """Unwinds a frozen engine's threads once its test is over: not an
    Exception, so nothing on the way (taskflow, the worker) catches it and
    reverts or records anything."""


class Crash:
    """Freezes the first engine after its ``after``-th finished step."""

    def __init__(self, monkeypatch):
        self.after: int | None = None
        self.seen = 0
        self.frozen = threading.Event()
        # Set at teardown: the frozen threads end. Left blocked, they would
        # keep the interpreter from exiting (it joins executor threads).
        self.released = threading.Event()
        self.first: threading.Thread | None = None
        self.lock = threading.Lock()
        self.dead: progress.ProgressListener | None = None
        self.heartbeats: list[leases.Heartbeat] = []
        original = progress.ProgressListener._task_receiver
        enter = leases.Heartbeat.__enter__

        def dead() -> None:
            self.released.wait()
            raise _Killed()

        def receiver(listener, state, details):
            if listener is self.dead:
                dead()  # its other threads die at their next step
            original(listener, state, details)
            with self.lock:  # member steps end on many threads at once
                if state != tf_states.SUCCESS or self.after is None or self.frozen.is_set():
                    return
                self.seen += 1
                if self.seen != self.after:
                    return
                self.heartbeats[0]._stop.set()  # a dead engine renews nothing
                self.dead = listener
                self.frozen.set()
            dead()  # never returns

        def heartbeat(beat):
            self.heartbeats.append(beat)
            return enter(beat)

        monkeypatch.setattr(progress.ProgressListener, "_task_receiver", receiver)
        monkeypatch.setattr(leases.Heartbeat, "__enter__", heartbeat)

    def run(self, op_id: str, after: int) -> bool:
        """Run ``op_id`` on engine-1 until it dies after ``after`` steps,
        then on engine-2. False if the operation ended before that."""
        self.after, self.seen, self.heartbeats[:], self.dead = after, 0, [], None
        self.first = first = threading.Thread(target=self._first_engine, args=(op_id,),
                                              daemon=True)
        first.start()
        while first.is_alive() and not self.frozen.wait(0.01):
            pass
        self.after = None
        if not self.frozen.is_set():
            return False
        # Calls the dead engine's other threads had in flight reach the
        # clouds (as a SIGKILLed engine's requests do); then they die too.
        time.sleep(0.2)
        ctx = context.get_admin_context()
        assert not leases.claim(ctx, op_id, "engine-2")  # the lease is still live
        with session.writer(ctx) as s:  # ... until it lapses
            s.execute(sqlalchemy.update(models.Operation).where(
                models.Operation.id == op_id).values(
                    lease_expires_at=timeutils.utcnow() - timeutils.datetime.timedelta(
                        seconds=1)))
        assert op_id in leases.orphaned(ctx, pending_grace=3600)
        worker.run(op_id, host="engine-2")
        return True

    @staticmethod
    def _first_engine(op_id: str) -> None:
        try:
            worker.run(op_id, host="engine-1")
        except _Killed:
            pass

    def release(self) -> None:
        """End the frozen engine's threads (blocked in ``dead``)."""
        self.released.set()
        if self.first is not None:
            self.first.join(timeout=30)
            assert not self.first.is_alive(), "the frozen engine did not unwind"


@pytest.fixture
def crash(monkeypatch):
    crash = Crash(monkeypatch)
    yield crash
    crash.release()


def _start(owner, base, casts, body):
    resp = owner.post(base + "/action", body, status=202)
    casts.clear()
    return resp.json["operation"]["id"]


def _state(clouds):
    """(servers by status, live volume count) per site."""
    out = {}
    for name, cloud in clouds.items():
        statuses = sorted(s.status for s in _live(cloud).values())
        out[name] = (statuses, len(_live_volumes(cloud)))
    return out


def _checked(owner, op_id, crash_ran, steps):
    done = op(owner, op_id)
    assert crash_ran, "the operation ended before the chosen step"
    assert done["status"] == "completed", done
    # Every step recorded once, so the ranges below reach every boundary.
    assert len(done["steps_completed"]) == steps, done["steps_completed"]
    return done


# Steps of each operation for a PG of two members in two boot groups (its
# tasks, and the member steps of the copy and boot tasks); the engine dies
# after 1 .. steps-1 of them.
TEST_FAILOVER_STEPS, FAILOVER_STEPS, UNPLANNED_STEPS = 13, 13, 12
# Protect: the container once, then the added member's four steps.
REPROTECT_STEPS, FAILBACK_STEPS, PROTECT_STEPS = 4, 15, 5


@pytest.mark.parametrize("after", range(1, PROTECT_STEPS))
def test_protect(members_added, clouds, casts, crash, after):
    owner, base, _ = members_added
    first, *rest = casts
    casts.clear()
    ran = crash.run(first, after)
    run_all(rest)
    _checked(owner, first, ran, PROTECT_STEPS)
    members = owner.get(base + "/members").json["members"]
    assert {m["status"] for m in members} == {"protected"}
    doc = owner.app.get(base + "/metadata",
                        headers={"X-Auth-Token": f"admin:{owner.project}:admin"}).json
    (cg,) = doc["consistency_groups"]
    assert len(cg["volumes"]) == 4 and cg["cinder_group_id"]
    assert len(clouds["site-a"].groups) == 1  # one Cinder group, not one per try


@pytest.mark.parametrize("after", range(1, TEST_FAILOVER_STEPS))
def test_test_failover_and_cleanup(protected, clouds, casts, crash, after):
    owner, base, _ = protected
    op_id = _start(owner, base, casts, {"test_failover": {"auto_network": True}})
    _checked(owner, op_id, crash.run(op_id, after), TEST_FAILOVER_STEPS)
    assert _state(clouds) == {"site-a": (["ACTIVE"] * 2, 4), "site-b": (["ACTIVE"] * 2, 4)}
    cleanup = _start(owner, base, casts, {"test_cleanup": {}})
    run_all([cleanup])
    assert op(owner, cleanup)["status"] == "completed"
    assert _state(clouds) == {"site-a": (["ACTIVE"] * 2, 4), "site-b": ([], 0)}
    assert [n for n in clouds["site-b"].networks.values()
            if n.name.startswith("protector-test")] == []


@pytest.mark.parametrize("after", range(1, FAILOVER_STEPS))
def test_planned_failover(protected, clouds, casts, crash, after):
    owner, base, _ = protected
    op_id = _start(owner, base, casts, {"failover": {}})
    _checked(owner, op_id, crash.run(op_id, after), FAILOVER_STEPS)
    assert _state(clouds) == {"site-a": (["SHUTOFF"] * 2, 4), "site-b": (["ACTIVE"] * 2, 4)}
    assert owner.get(base).json["protection_group"]["status"] == "failed_over"


@pytest.mark.parametrize("after", range(1, UNPLANNED_STEPS))
def test_unplanned_failover(disaster, clouds, casts, crash, after):
    owner, base, _ = disaster
    op_id = _start(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    _checked(owner, op_id, crash.run(op_id, after), UNPLANNED_STEPS)
    clouds.down.clear()
    assert _state(clouds) == {"site-a": (["ACTIVE"] * 2, 4), "site-b": (["ACTIVE"] * 2, 4)}


@pytest.mark.parametrize("after", range(1, UNPLANNED_STEPS - 1))
def test_partial_unplanned_failover(disaster, clouds, casts, crash, after):
    """db's build fails, whichever engine makes it: db is left behind, web
    comes up, and the records and site-b agree wherever the engine died
    (nothing made for db remains)."""
    owner, base, _ = disaster
    clouds["site-b"].fail_builds(times=1)
    op_id = _start(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    done = _checked(owner, op_id, crash.run(op_id, after), UNPLANNED_STEPS - 1)
    assert "boot db" not in done["steps_completed"] and "db: " in done["error_message"]
    members = {m["instance_name"]: m["status"]
               for m in owner.get(base + "/members").json["members"]}
    assert members == {"db": "failover_failed", "web": "protected"}
    assert owner.get(base).json["protection_group"]["status"] == "failed_over_partial"
    clouds.down.clear()
    assert sorted(s.name for s in _live(clouds["site-b"]).values()) == ["web"]
    assert _state(clouds)["site-b"] == (["ACTIVE"], 2)


# Failing over again the one member a partial failover left behind.
RETRY_STEPS = 8


@pytest.mark.parametrize("after", range(1, RETRY_STEPS))
def test_failover_of_members_left_behind(disaster, clouds, casts, crash, after):
    owner, base, _ = disaster
    clouds["site-b"].fail_builds(times=1)
    first = _start(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    run_all([first])
    assert owner.get(base).json["protection_group"]["status"] == "failed_over_partial"
    op_id = _start(owner, base, casts, {"failover": {"failover_type": "unplanned"}})
    done = _checked(owner, op_id, crash.run(op_id, after), RETRY_STEPS)
    assert done["error_message"] is None
    assert owner.get(base).json["protection_group"]["status"] == "failed_over"
    members = owner.get(base + "/members").json["members"]
    assert {m["status"] for m in members} == {"protected"}
    clouds.down.clear()
    assert _state(clouds)["site-b"] == (["ACTIVE"] * 2, 4)


def _failed_over(owner, base, casts):
    op_id = _start(owner, base, casts, {"failover": {}})
    run_all([op_id])
    assert op(owner, op_id)["status"] == "completed"


@pytest.mark.parametrize("after", range(1, REPROTECT_STEPS))
def test_reprotect(protected, clouds, casts, crash, after):
    owner, base, _ = protected
    _failed_over(owner, base, casts)
    op_id = _start(owner, base, casts, {"reprotect": {}})
    _checked(owner, op_id, crash.run(op_id, after), REPROTECT_STEPS)
    assert _state(clouds) == {"site-a": ([], 0), "site-b": (["ACTIVE"] * 2, 4)}


@pytest.mark.parametrize("after", range(1, FAILBACK_STEPS))
def test_failback(protected, clouds, casts, crash, after):
    owner, base, _ = protected
    _failed_over(owner, base, casts)
    reprotect = _start(owner, base, casts, {"reprotect": {}})
    run_all([reprotect])
    _replicate(reprotect)
    op_id = _start(owner, base, casts, {"failback": {}})
    _checked(owner, op_id, crash.run(op_id, after), FAILBACK_STEPS)
    assert _state(clouds) == {"site-a": (["ACTIVE"] * 2, 4), "site-b": ([], 0)}
    assert owner.get(base).json["protection_group"]["status"] == "active"
