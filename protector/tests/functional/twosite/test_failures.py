"""Failure paths across two real sites (protector-api and protector-engine
processes of each on MariaDB and RabbitMQ, the FlashArray simulator behind
the fake clouds): a planned failover that cannot finish rolls back and
restarts the source; an unplanned one brings up every server it can, and
failing over again brings up the rest."""

import pytest

from protector.tests.functional.twosite import pairs

pytestmark = [pytest.mark.mysql, pytest.mark.twosite]


def test_failed_planned_failover_and_partial_unplanned_failover(array_home):
    p = array_home
    n = p.vms
    site_b = p.clouds["site-b"]

    # site-b's Nova cannot build: the planned failover rolls back.
    site_b.fail_builds(times=10 * n)
    try:
        op = p.wait("site-a", p.start("site-a", "failover"))
    finally:
        with site_b.lock:
            site_b.build_faults.clear()
    assert op["status"] == "rolled_back", op
    assert "Build of instance" in op["error_message"]
    p.assert_pg("site-a", "active", "site-a")
    p.assert_pg("site-b", "active", "site-a")
    p.assert_clouds("a rolled back planned failover", site_a=("ACTIVE", n))

    # A disaster with one server that cannot come up on site-b at first.
    p.replicate("site-a")
    p.site_a_down()
    try:
        site_b.fail_builds(times=1)
        op = p.run("site-b", "failover", failover_type="unplanned")
        assert "left behind" in op["error_message"], op
        p.assert_pg("site-b", "failed_over_partial", "site-b", sync="OUT_OF_SYNC")
        p.assert_clouds("a partial failover", site_a=("ACTIVE", n), site_b=("ACTIVE", n - 1))
        left = [m for m in p.owner["site-b"].members.list(pairs.PG)
                if m["status"] == "failover_failed"]
        assert len(left) == 1, left
        op = p.run("site-b", "failover", failover_type="unplanned")
        assert op["error_message"] is None, op
        p.assert_pg("site-b", "failed_over", "site-b", sync="OUT_OF_SYNC")
        p.assert_clouds("the rest failed over", site_a=("ACTIVE", n), site_b=("ACTIVE", n))
    finally:
        p.site_a_back()
    p.sync_force("site-b")
    p.home_again(" after a partial failover")
