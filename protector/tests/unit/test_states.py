"""The declared state machines."""

import pytest

from protector import exception, states


@pytest.mark.parametrize("op", [states.OP_TEST_FAILOVER, states.OP_FAILOVER,
                                states.OP_FAILBACK, states.OP_TEST_CLEANUP,
                                states.OP_REPROTECT])
def test_every_started_operation_can_end_in_a_stable_state(op):
    """From the state an operation starts in, failure never leaves it transient."""
    for source in states.PG_STATES:
        if not states.pg_allows(source, op):
            continue
        running = states.pg_transition("pg", source, op)
        assert running in states.PG_TRANSIENT
        ended = states.pg_transition("pg", running, states.FAILED)
        assert ended not in states.PG_TRANSIENT


def test_failover_round_trip():
    s = states.pg_transition("pg", states.ACTIVE, states.OP_FAILOVER)
    s = states.pg_transition("pg", s, states.DONE)
    assert s == states.FAILED_OVER
    s = states.pg_transition("pg", s, states.OP_REPROTECT)
    s = states.pg_transition("pg", s, states.DONE)
    s = states.pg_transition("pg", s, states.OP_FAILBACK)
    assert states.pg_transition("pg", s, states.DONE) == states.ACTIVE


def test_refused_transition_is_a_409_naming_the_allowed_events():
    with pytest.raises(exception.InvalidState) as err:
        states.pg_transition("pg1", states.FAILING_OVER, states.OP_TEST_FAILOVER)
    assert err.value.code == 409
    assert "failing_over" in err.value.msg
    assert "allowed: done, failed, partial, rolled_back" in err.value.msg


def test_one_operation_at_a_time():
    for transient in states.PG_TRANSIENT:
        for op in states.OPERATION_TYPES:
            assert not states.pg_allows(transient, op)


def test_operation_machine():
    assert states.operation_transition("o", states.OP_PENDING, states.START) == \
        states.OP_RUNNING
    with pytest.raises(exception.InvalidState):
        states.operation_transition("o", states.OP_COMPLETED, states.START)
