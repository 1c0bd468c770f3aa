"""Every DR operation end to end across two real sites: each site's
protector-api and protector-engine processes on MariaDB and RabbitMQ, acting
on the fake clouds, with the FlashArray simulator as their Cinder back end
(the mock storage flow is in ``test_engine_leases.py``). After each
operation the clouds hold exactly what the operation promises: servers,
their volumes, no stray network and no array volume without a Cinder
volume; the PG's state, on both sites, says where it runs."""

import pytest

from protector.tests.functional.twosite import pairs

pytestmark = [pytest.mark.mysql, pytest.mark.twosite]


def test_every_operation_end_to_end(array_home):
    """The demo's drill with its checks: test failover and cleanup, planned
    failover, reprotect, failback; then site-a's API, engine, cloud and array
    stopped, unplanned failover on site-b, site-a back with its old servers
    running, sync-force, reprotect (fencing them) and failback."""
    p = array_home
    n = p.vms

    p.run("site-a", "test_failover", auto_network=True)
    p.assert_pg("site-a", "test_failed_over", "site-a")
    p.assert_clouds("test failover", test_network="site-b", site_a=("ACTIVE", n),
                    site_b=("ACTIVE", n))
    p.run("site-a", "test_cleanup")
    p.assert_pg("site-a", "active", "site-a")
    p.assert_clouds("test cleanup", site_a=("ACTIVE", n))

    p.run("site-a", "failover")
    p.assert_pg("site-a", "failed_over", "site-b")
    p.assert_pg("site-b", "failed_over", "site-b")
    p.assert_clouds("planned failover", site_a=("SHUTOFF", n), site_b=("ACTIVE", n))
    p.home_again("")

    # A disaster: site-a's API, engine, cloud and array stop at once.
    p.replicate("site-a")
    p.site_a_down()
    try:
        assert pairs.unreachable(p.owner["site-a"])
        op = p.run("site-b", "failover", failover_type="unplanned")
        assert op["failover_type"] == "unplanned"
        p.assert_pg("site-b", "failed_over", "site-b", sync="OUT_OF_SYNC")
        # site-a's servers are still there (it was not reachable to stop them).
        p.assert_clouds("unplanned failover", site_a=("ACTIVE", n), site_b=("ACTIVE", n))
    finally:
        p.site_a_back()
    p.sync_force("site-b")
    p.assert_pg("site-a", "failed_over", "site-b")
    p.home_again(" after the disaster")  # reprotect fences site-a's old servers

