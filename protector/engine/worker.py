"""Runs one DR operation: claim its lease, build or reload its taskflow
flow, run it with progress written to the operation, and settle the
operation and its protection group in a stable state whatever happens.
"""

import contextlib
from typing import Any

import futurist
from oslo_log import log
from oslo_utils import timeutils
from taskflow import engines
from taskflow import exceptions as tf_exc
from taskflow import states as tf_states

from protector import context as ctx_mod
from protector import exception, states
from protector.conf import CONF
from protector.db import operations as op_db
from protector.engine import flows, leases, leftovers, persistence, pg_status, progress, resources

LOG = log.getLogger(__name__)


class LeaseLost(Exception):
    """Another engine took over; stop without touching the operation."""


def _engine(op: Any, context: Any, executor: futurist.ThreadPoolExecutor
            ) -> tuple[Any, int]:
    store = {"operation_id": op.id, "context": context.to_dict()}
    factory = flows.factory_for(op.operation_type)
    kwargs = {"operation_id": op.id}
    if op.flow_detail_id:
        detail = persistence.flow_detail(op.flow_detail_id)
        engine = engines.load_from_detail(detail, store=store, backend=persistence.backend(),
                                          engine="parallel", executor=executor)
    else:
        book = persistence.new_logbook(f"operation-{op.id}")
        engine = engines.load_from_factory(factory, factory_kwargs=kwargs, store=store,
                                           book=book, backend=persistence.backend(),
                                           engine="parallel", executor=executor)
        op_db.update(context, op.id, {"flow_detail_id": engine.storage.flow_uuid})
    engine.compile()
    return engine, progress.count_steps(engine)


def run(op_id: str, host: str | None = None) -> None:
    """Run (or resume) operation ``op_id`` if no other engine holds it."""
    context = ctx_mod.get_admin_context()
    host = host or CONF.host
    if not leases.claim(context, op_id, host):
        LOG.info("Operation %s is held by another engine; not running it", op_id)
        return
    with leases.Heartbeat(context, op_id, host) as heartbeat, resources.cached(op_id):
        try:
            _run(context, op_id, heartbeat)
        except LeaseLost:
            LOG.error("Operation %s: lease lost, leaving it to its new owner", op_id)
            return
    leases.release(context, op_id, host)


def _run(context: Any, op_id: str, heartbeat: leases.Heartbeat) -> None:
    op = op_db.get(context, None, op_id)
    if op.status == states.OP_PENDING:
        op = op_db.update(context, op.id, {
            "status": states.operation_transition(op.id, op.status, states.START),
            "started_at": timeutils.utcnow()})
    executor = futurist.ThreadPoolExecutor(max_workers=CONF.engine.max_workers)
    try:
        outcome, error = _run_flow(context, op, heartbeat, executor)
    finally:
        # The flow has ended, and taskflow waited for every step it started:
        # waiting would only be for idle threads to notice (about a second).
        executor.shutdown(wait=False)
    _finish(context, op, outcome, error)


def _run_flow(context: Any, op: Any, heartbeat: leases.Heartbeat,
              executor: futurist.ThreadPoolExecutor) -> tuple[str, str | None]:
    """Run the flow; its outcome and error (None when it completed)."""
    try:
        engine, total = _engine(op, context, executor)
    except Exception as exc:  # noqa: BLE001 - a flow that cannot be built fails cleanly
        LOG.exception("Operation %s: cannot build its flow", op.id)
        return states.FAILED, f"cannot start: {exc}"
    listener = progress.ProgressListener(engine, context, op.id, total)
    with listener:
        try:
            for _state in engine.run_iter():
                if heartbeat.lost.is_set():
                    engine.suspend()
                    raise LeaseLost()
        except LeaseLost:
            raise
        except (tf_exc.WrappedFailure, Exception) as exc:  # noqa: BLE001
            error = _describe(exc)
            reverted = engine.storage.get_flow_state() == tf_states.REVERTED
            outcome = states.ROLLED_BACK if reverted else states.FAILED
            LOG.warning("Operation %s %s: %s", op.id,
                        "rolled back" if reverted else "failed", error)
            return outcome, error
    return states.DONE, None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, tf_exc.WrappedFailure):
        return "; ".join(f.exception_str for f in exc)
    if isinstance(exc, exception.ProtectorException):
        return exc.msg
    return f"{exc.__class__.__name__}: {exc}"


def _finish(context: Any, op: Any, outcome: str, error: str | None) -> None:
    """Settle the operation and move its PG to the state the outcome gives."""
    fresh = op_db.get(context, None, op.id)
    current = fresh.status
    left = (fresh.result or {}).get("left_behind")
    if outcome == states.DONE and left:
        # Completed, partly: the message says who is left and why.
        error = (f"{len(left)} member(s) left behind on the site the protection group "
                 f"left, run failover again to move them once fixed: "
                 + "; ".join(left[m] for m in sorted(left)))
    if outcome == states.DONE:
        final = states.operation_transition(op.id, current, states.SUCCEED)
    elif outcome == states.ROLLED_BACK and current == states.OP_RUNNING:
        final = states.OP_ROLLED_BACK
    else:
        final = states.OP_FAILED
    remaining = leftovers.describe(fresh)
    if remaining:
        error = f"{error}; {remaining}" if error else remaining
    values = {"status": final, "error_message": error, "current_step": None,
              "completed_at": timeutils.utcnow()}
    if outcome == states.DONE:
        values["progress"] = 100
    try:
        # The PG first: a client that sees the operation ended may act on
        # the PG at once. An engine dying in between leaves the operation
        # running; the one taking it over finds the PG settled already.
        if op.protection_group_id:
            settle = flows.settler_for(op.operation_type) or pg_status.settle
            with contextlib.suppress(exception.ProtectionGroupNotFound):
                settle(context, op, outcome)
    finally:
        values["completed_at"] = timeutils.utcnow()
        op_db.update(context, op.id, values)
