"""The one place that says which state follows which.

Protection groups and DR operations move through declared state machines
(automaton, as ironic does). The API asks ``pg_transition`` before it
accepts an action; the engine asks it for the state after each outcome.
Nothing else hard-codes a transition.
"""

from automaton import exceptions as automaton_exc
from automaton import machines

from protector import exception

# Protection group states.
ACTIVE = "active"
TESTING = "testing"                       # test failover running
TEST_FAILED_OVER = "test_failed_over"     # test instances up on the peer
CLEANING_UP = "cleaning_up"               # test cleanup running
FAILING_OVER = "failing_over"
FAILED_OVER = "failed_over"
FAILED_OVER_PARTIAL = "failed_over_partial"
REPROTECTING = "reprotecting"
FAILING_BACK = "failing_back"
DELETING = "deleting"
ERROR = "error"

PG_STATES = (ACTIVE, TESTING, TEST_FAILED_OVER, CLEANING_UP, FAILING_OVER,
             FAILED_OVER, FAILED_OVER_PARTIAL, REPROTECTING, FAILING_BACK,
             DELETING, ERROR)
# A PG never rests in these: a failure moves it on to a stable state.
PG_TRANSIENT = frozenset({TESTING, CLEANING_UP, FAILING_OVER, REPROTECTING,
                          FAILING_BACK, DELETING})
# Members, policy and mappings may change only while the PG is at rest
# on its primary site.
PG_EDITABLE = frozenset({ACTIVE, ERROR})

# Operation types (dr_operations.operation_type).
OP_TEST_FAILOVER = "test_failover"
OP_TEST_CLEANUP = "test_cleanup"
OP_FAILOVER = "failover"
OP_REPROTECT = "reprotect"
OP_FAILBACK = "failback"
OP_SYNC = "sync"
# Putting members under replication and taking them out; no PG state change.
OP_PROTECT = "protect"
OP_UNPROTECT = "unprotect"
OPERATION_TYPES = (OP_TEST_FAILOVER, OP_TEST_CLEANUP, OP_FAILOVER, OP_REPROTECT,
                   OP_FAILBACK, OP_SYNC, OP_PROTECT, OP_UNPROTECT)

# Operation states.
OP_PENDING = "pending"
OP_RUNNING = "running"
OP_COMPLETED = "completed"
OP_FAILED = "failed"
OP_ROLLING_BACK = "rolling_back"
OP_ROLLED_BACK = "rolled_back"
OPERATION_STATES = (OP_PENDING, OP_RUNNING, OP_COMPLETED, OP_FAILED,
                    OP_ROLLING_BACK, OP_ROLLED_BACK)
OP_FINAL = frozenset({OP_COMPLETED, OP_FAILED, OP_ROLLED_BACK})
OP_ACTIVE = (OP_PENDING, OP_RUNNING, OP_ROLLING_BACK)

# PG events. An operation of type T fires T to start, then one of
# done / partial / failed / rolled_back when it ends. A reprotect ends with
# done_home / failed_home when the PG runs on its own primary site.
DONE = "done"
DONE_HOME = "done_home"
FAILED_HOME = "failed_home"
PARTIAL = "partial"
FAILED = "failed"
ROLLED_BACK = "rolled_back"
DELETE = "delete"
RESET = "reset"

# (source, event, target)
_PG_TRANSITIONS = (
    (ACTIVE, OP_TEST_FAILOVER, TESTING),
    (TESTING, DONE, TEST_FAILED_OVER),
    (TESTING, ROLLED_BACK, ACTIVE),
    (TESTING, FAILED, ERROR),
    (TEST_FAILED_OVER, OP_TEST_CLEANUP, CLEANING_UP),
    (CLEANING_UP, DONE, ACTIVE),
    (CLEANING_UP, FAILED, TEST_FAILED_OVER),
    (ACTIVE, OP_FAILOVER, FAILING_OVER),
    (FAILING_OVER, DONE, FAILED_OVER),
    (FAILING_OVER, PARTIAL, FAILED_OVER_PARTIAL),
    (FAILING_OVER, ROLLED_BACK, ACTIVE),
    (FAILING_OVER, FAILED, ERROR),
    # Members an unplanned failover left behind are moved by failing over
    # again (that retry moves only them); until then nothing else runs.
    (FAILED_OVER_PARTIAL, OP_FAILOVER, FAILING_OVER),
    (FAILED_OVER, OP_REPROTECT, REPROTECTING),
    (ACTIVE, OP_REPROTECT, REPROTECTING),   # a failback whose reprotect failed
    (REPROTECTING, DONE, FAILED_OVER),
    (REPROTECTING, FAILED, FAILED_OVER),
    (REPROTECTING, ROLLED_BACK, FAILED_OVER),
    (REPROTECTING, DONE_HOME, ACTIVE),
    (REPROTECTING, FAILED_HOME, ACTIVE),
    (FAILED_OVER, OP_FAILBACK, FAILING_BACK),
    (FAILING_BACK, DONE, ACTIVE),
    (FAILING_BACK, ROLLED_BACK, FAILED_OVER),
    (FAILING_BACK, FAILED, ERROR),
    (ACTIVE, DELETE, DELETING),
    (ERROR, DELETE, DELETING),
    (DELETING, FAILED, ERROR),
    (ERROR, RESET, ACTIVE),
)

# Operation events.
START = "start"
SUCCEED = "succeed"
FAIL = "fail"
ROLLBACK = "rollback"

_OP_TRANSITIONS = (
    (OP_PENDING, START, OP_RUNNING),
    (OP_PENDING, FAIL, OP_FAILED),
    (OP_RUNNING, SUCCEED, OP_COMPLETED),
    (OP_RUNNING, FAIL, OP_FAILED),
    (OP_RUNNING, ROLLBACK, OP_ROLLING_BACK),
    (OP_ROLLING_BACK, SUCCEED, OP_ROLLED_BACK),
    (OP_ROLLING_BACK, FAIL, OP_FAILED),
)


def _build(states: tuple[str, ...], transitions: tuple, final: frozenset = frozenset()
           ) -> machines.FiniteMachine:
    machine = machines.FiniteMachine()
    for state in states:
        machine.add_state(state, terminal=state in final)
    for source, event, target in transitions:
        machine.add_transition(source, target, event)
    machine.freeze()
    return machine


PG_MACHINE = _build(PG_STATES, _PG_TRANSITIONS)
OP_MACHINE = _build(OPERATION_STATES, _OP_TRANSITIONS, OP_FINAL)


def _next(machine: machines.FiniteMachine, resource: str, res_id: str,
          current: str, event: str) -> str:
    m = machine.copy(shallow=True)
    try:
        m.initialize(current)
        m.process_event(event)
    except (automaton_exc.NotFound, automaton_exc.InvalidState) as exc:
        allowed = sorted({e for s, e, _ in m if s == current})
        raise exception.InvalidState(
            resource=resource, id=res_id, state=current,
            reason=f"'{event}' is not allowed in this state"
                   + (f" (allowed: {', '.join(allowed)})" if allowed else "")) from exc
    return m.current_state


def pg_transition(pg_id: str, current: str, event: str) -> str:
    """The PG state after ``event``, or InvalidState (409) saying why not."""
    return _next(PG_MACHINE, "Protection group", pg_id, current, event)


def pg_allows(current: str, event: str) -> bool:
    return event in pg_events(current)


def operation_transition(op_id: str, current: str, event: str) -> str:
    return _next(OP_MACHINE, "Operation", op_id, current, event)


def pg_events(current: str) -> list[str]:
    """Events accepted in ``current``, for error messages and the dashboard."""
    return sorted({e for s, e, _ in PG_MACHINE if s == current})
