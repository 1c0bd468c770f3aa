"""Two protector-engine processes on one site (one database, one topic):
an operation is run by exactly one of them, and when that one is
SIGKILLed the other takes the operation over once its lease lapses.

These run on the mock-storage pair (``use_mock_storage``): the DR copies
are Cinder volumes the engine creates on the DR cloud, recorded in mock
arrays both sites share; test failover and cleanup there are the PG flow
on mock storage.
"""

import glob
import sqlite3

import pytest

from protector.tests.functional.twosite import harness, pairs

pytestmark = [pytest.mark.mysql, pytest.mark.twosite]

SITE = "mock-a"
TEST_FAILOVER_STEPS = pairs.TEST_FAILOVER_STEPS


@pytest.fixture
def two_engines(mock_home: pairs.Pair) -> pairs.Pair:
    """mock-a with its engine and a second one, both consuming the topic."""
    site = mock_home.sites[SITE]
    site.add_engine(site.engine_host(2))
    for host, engine in site.engines.items():
        if not engine.running:
            site.restart_engine(host)
    assert len(site.engines) == 2
    return mock_home


def _mock_copies(p: pairs.Pair) -> int:
    """DR copies the mock arrays hold (each a Cinder volume on the DR cloud)."""
    total = 0
    for path in glob.glob(f"{p.mock_state}/mock_storage/mock-*.sqlite"):
        conn = sqlite3.connect(path)
        try:
            total += conn.execute("SELECT count(*) FROM copies").fetchone()[0]
        finally:
            conn.close()
    return total


def _assert_tested(p: pairs.Pair, what: str) -> None:
    p.assert_pg(SITE, "test_failed_over", SITE)
    p.assert_clouds(what, test_network="mock-b", mock_a=("ACTIVE", p.vms),
                    mock_b=("ACTIVE", p.vms))
    assert _mock_copies(p) == 2 * p.vms


def _clean_up(p: pairs.Pair) -> None:
    p.run(SITE, "test_cleanup")
    p.assert_pg(SITE, "active", SITE)
    p.assert_clouds("test cleanup", mock_a=("ACTIVE", p.vms))
    assert _mock_copies(p) == 0


def test_two_engines_never_run_the_same_operation(two_engines):
    """Both engines are asked to run the test failover (the API's cast plus
    fanout casts to every engine of the site, before and during the run);
    one claims it, the other is refused, and every step runs once."""
    p = two_engines
    site = p.sites[SITE]
    op_id = p.start(SITE, "test_failover", auto_network=True)
    harness.cast_to_every_engine(site, op_id)
    owners: set[str] = set()
    cast_again = True

    def ended() -> bool:
        nonlocal cast_again
        row = site.operation_row(op_id)
        if row["engine_host"]:
            owners.add(row["engine_host"])
        if cast_again and len(row["steps_completed"]) >= 3:
            harness.cast_to_every_engine(site, op_id)
            cast_again = False
        return row["status"] in harness.FINAL

    harness.wait_until(ended, timeout=120, what=f"test failover {op_id} ended",
                       diagnostics=p.diagnostics, interval=0.02)
    op = p.completed(SITE, p.owner[SITE].operations.get(op_id))
    assert len(owners) == 1, f"operation {op_id} was held by {owners}"
    (owner,) = owners
    (other,) = set(site.engines) - owners
    refused = f"Operation {op_id} is held by another engine; not running it"
    harness.wait_until(lambda: refused in site.engines[other].log_since_start(), timeout=30,
                       what=f"{other} was asked to run {op_id} and refused",
                       diagnostics=site.engines[other].diagnostics)
    assert refused not in site.engines[owner].log_since_start()
    rows = site.step_rows(op_id)
    assert sorted(r["name"] for r in rows) == sorted(op["steps_completed"]), rows
    assert {r["outcome"] for r in rows} == {"success"}, rows
    assert len(rows) == TEST_FAILOVER_STEPS
    assert set(site.flow_states(op_id).values()) == {"SUCCESS"}
    p.assert_released(SITE, op_id)
    _assert_tested(p, "test failover with two engines")
    _clean_up(p)


def test_killed_engine_is_taken_over_by_the_other_engine(two_engines):
    """The engine running a test failover is SIGKILLed half-way; the
    site's other engine, already running, resumes it once the lease lapses
    (nobody restarts the dead one)."""
    p = two_engines
    site = p.sites[SITE]
    op_id = p.start(SITE, "test_failover", auto_network=True)
    kill = p.kill_engine_when(SITE, op_id, lambda row: len(row["steps_completed"]) >= 5,
                              "5 of 10 steps done")
    assert len(kill.steps_completed) < TEST_FAILOVER_STEPS
    (other,) = set(site.engines) - {kill.host}
    assert site.engines[other].running and not site.engines[kill.host].running
    op = p.completed(SITE, p.wait(SITE, op_id))
    p.assert_taken_over(SITE, op_id, kill, by=other)
    assert len(op["steps_completed"]) == TEST_FAILOVER_STEPS
    _assert_tested(p, "the test failover taken over")
    _clean_up(p)
    site.restart_engine(kill.host)
