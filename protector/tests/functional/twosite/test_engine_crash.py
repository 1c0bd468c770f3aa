"""A protector-engine process SIGKILLed in the middle of an operation, at
chosen step boundaries, on two real sites.

The boundary is watched from outside, as an operator's monitoring would:
the operation's row in the site's MariaDB (``steps_completed``, written by
the engine as each step ends) is polled, and the engine's whole process
group is SIGKILLed as soon as the wanted step is done. The engine is then
restarted, as systemd would restart it. What is checked:

- the dead engine is noticed through its lease: the operation stays
  ``running`` with the dead engine as owner until the lease lapses, and
  the restarted engine's sweep takes it over only after that;
- the operation is resumed from its persisted progress: steps finished
  before the kill are not run again, the ones running are marked
  ``interrupted`` and run again, and every step succeeds exactly once;
- the operation completes, the PG ends in the stable state the operation
  promises, and the clouds hold no orphan server, volume, network or
  array volume.

Each site has one engine here, so the engine restarted is the one that
died; another engine of the same site taking over is in
``test_engine_leases.py``. (The other site's engine cannot: it has a
database of its own.)
"""

import pytest

from protector.tests.functional.twosite import pairs

pytestmark = [pytest.mark.mysql, pytest.mark.twosite]

TEST_FAILOVER_STEPS, FAILOVER_STEPS, REPROTECT_STEPS, FAILBACK_STEPS = (
    pairs.TEST_FAILOVER_STEPS, pairs.FAILOVER_STEPS, pairs.REPROTECT_STEPS, pairs.FAILBACK_STEPS)


def _after(steps: int):
    return lambda row: len(row["steps_completed"]) >= steps


def _kill_and_restart(p: pairs.Pair, site: str, op_id: str, *, after: int | None = None,
                      running: str | None = None, total: int) -> dict:
    """SIGKILL ``site``'s engine once ``after`` steps are done (or while step
    ``running`` runs), restart it, and check it finishes the operation."""
    if running is not None:
        what = f"step {running!r} running"
        kill = p.kill_engine_when(site, op_id, lambda row: row["current_step"] == running,
                                  what)
    else:
        what = f"{after} of {total} steps done"
        kill = p.kill_engine_when(site, op_id, _after(after), what)
    assert len(kill.steps_completed) < total, (
        f"the engine had finished all {total} steps before the kill at {what}")
    p.sites[site].restart_engine(kill.host)
    op = p.completed(site, p.wait(site, op_id))
    p.assert_taken_over(site, op_id, kill, by=kill.host)
    assert len(op["steps_completed"]) == total, op["steps_completed"]
    assert op["progress"] == 100 and op["steps_failed"] == [], op
    return op


def test_test_failover_and_cleanup(array_home):
    """Killed half-way through the volume copies of a test failover, then
    while test cleanup removes what the test made."""
    p, n = array_home, array_home.vms
    op_id = p.start("site-a", "test_failover", auto_network=True)
    _kill_and_restart(p, "site-a", op_id, after=4, total=TEST_FAILOVER_STEPS)
    p.assert_pg("site-a", "test_failed_over", "site-a")
    p.assert_clouds("the resumed test failover", test_network="site-b",
                    site_a=("ACTIVE", n), site_b=("ACTIVE", n))
    op_id = p.start("site-a", "test_cleanup")
    _kill_and_restart(p, "site-a", op_id, running="remove test resources", total=1)
    p.assert_pg("site-a", "active", "site-a")
    p.assert_clouds("the resumed test cleanup", site_a=("ACTIVE", n))


def test_planned_failover_early_and_failback_midway(array_home):
    """Planned failover killed after its first step; failback (a planned
    failover home, then a reprotect there) killed in the middle, between
    the volume copies and the boots."""
    p, n = array_home, array_home.vms
    op_id = p.start("site-a", "failover")
    _kill_and_restart(p, "site-a", op_id, after=1, total=FAILOVER_STEPS)
    p.assert_pg("site-a", "failed_over", "site-b")
    p.assert_clouds("the resumed planned failover", site_a=("SHUTOFF", n),
                    site_b=("ACTIVE", n))
    p.run("site-b", "reprotect")
    p.replicate("site-b")
    op_id = p.start("site-b", "failback")
    _kill_and_restart(p, "site-b", op_id, after=8, total=FAILBACK_STEPS)
    p.assert_pg("site-b", "active", "site-a")
    p.assert_pg("site-a", "active", "site-a")
    p.assert_clouds("the resumed failback", site_a=("ACTIVE", n))


def test_planned_failover_late_reprotect_and_failback_late(array_home):
    """Planned failover killed just before its last step (the switch of the
    PG to the DR site), reprotect after its first step, failback just
    before its last step (retiring the copy on the DR site)."""
    p, n = array_home, array_home.vms
    op_id = p.start("site-a", "failover")
    _kill_and_restart(p, "site-a", op_id, after=FAILOVER_STEPS - 1, total=FAILOVER_STEPS)
    p.assert_pg("site-a", "failed_over", "site-b")
    p.assert_clouds("the resumed planned failover", site_a=("SHUTOFF", n),
                    site_b=("ACTIVE", n))
    op_id = p.start("site-b", "reprotect")
    _kill_and_restart(p, "site-b", op_id, after=1, total=REPROTECT_STEPS)
    p.assert_pg("site-b", "failed_over", "site-b")
    p.assert_clouds("the resumed reprotect", site_b=("ACTIVE", n))
    p.replicate("site-b")
    op_id = p.start("site-b", "failback")
    _kill_and_restart(p, "site-b", op_id, after=FAILBACK_STEPS - 1, total=FAILBACK_STEPS)
    p.assert_pg("site-b", "active", "site-a")
    p.assert_clouds("the resumed failback", site_a=("ACTIVE", n))
