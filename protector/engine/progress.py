"""A taskflow listener that writes step outcomes onto the operation row, so
`operation show` tells which steps finished, which failed and why, and
each step's start and end into ``dr_operation_steps`` (the report's
timeline)."""

import threading
from typing import Any

from oslo_log import log
from oslo_utils import timeutils, uuidutils
from sqlalchemy import insert, update
from taskflow import states as tf_states
from taskflow import task
from taskflow.listeners import base

from protector.db import models, session

LOG = log.getLogger(__name__)


def count_tasks(engine: Any) -> int:
    """Tasks in a compiled engine's flow (nested flows included)."""
    return sum(1 for node in engine.compilation.execution_graph.nodes
               if isinstance(node, task.Task))


RUNNING, SUCCESS, FAILURE, REVERTED, INTERRUPTED = (
    "running", "success", "failure", "reverted", "interrupted")


class ProgressListener(base.Listener):
    """Called on taskflow's one scheduling thread, before it schedules the
    next step: each event is one short transaction of plain statements
    (the operation's lists are kept here; only this listener writes them
    while the engine holds the lease)."""

    def __init__(self, engine: Any, context: Any, op_id: str, total: int) -> None:
        super().__init__(engine, task_listen_for=(
            tf_states.RUNNING, tf_states.SUCCESS, tf_states.FAILURE, tf_states.REVERTING,
            tf_states.REVERTED, tf_states.REVERT_FAILURE), flow_listen_for=())
        self.context, self.op_id, self.total = context, op_id, max(total, 1)
        self._lock = threading.Lock()
        # Steps that act for one member carry its id (volumes, boot tasks).
        self._members = {node.name: getattr(node, "member_id", None)
                         for node in engine.compilation.execution_graph.nodes
                         if isinstance(node, task.Task)}
        self._attempts: dict[str, str] = {}  # step name -> its running row
        with session.writer(context) as s:
            # Steps a dead engine was running: they ended with it, unfinished.
            s.execute(update(models.OperationStep).where(
                models.OperationStep.operation_id == op_id,
                models.OperationStep.outcome == RUNNING).values(outcome=INTERRUPTED))
            op = s.get(models.Operation, op_id)
            self._completed, self._failed = list(op.steps_completed), list(op.steps_failed)

    def _task_receiver(self, state: str, details: dict[str, Any]) -> None:
        name = details["task_name"]
        values: dict[str, Any] = {}
        with self._lock:
            if state == tf_states.RUNNING:
                values["current_step"] = name
            elif state == tf_states.SUCCESS and name not in self._completed:
                self._completed.append(name)
                values["steps_completed"] = list(self._completed)
                values["progress"] = min(99, int(100 * len(self._completed) / self.total))
            elif state == tf_states.FAILURE:
                error = _error(details)
                self._failed.append({"step": name, "error": error})
                values["steps_failed"] = list(self._failed)
                LOG.warning("Operation %s: step %s failed: %s", self.op_id, name, error)
            elif state == tf_states.REVERTED and name in self._completed:
                values["current_step"] = f"reverted {name}"
            elif state == tf_states.REVERT_FAILURE:
                self._failed.append({"step": name, "error": "revert failed"})
                values["steps_failed"] = list(self._failed)
            with session.writer(self.context) as s:
                self._record_step(s, name, state, details)
                if values:
                    s.execute(update(models.Operation).where(
                        models.Operation.id == self.op_id).values(**values))

    def _record_step(self, s: Any, name: str, state: str, details: dict[str, Any]) -> None:
        now = timeutils.utcnow()
        step_rows = models.OperationStep
        if state in (tf_states.RUNNING, tf_states.REVERTING):
            # A revert is a bar of its own: it happens later, for its own time.
            step = name if state == tf_states.RUNNING else f"revert {name}"
            row_id = uuidutils.generate_uuid()
            s.execute(insert(step_rows).values(
                id=row_id, operation_id=self.op_id, name=step,
                member_id=self._members.get(name), started_at=now, outcome=RUNNING))
            self._attempts[step] = row_id
            return
        step = name if state in (tf_states.SUCCESS, tf_states.FAILURE) else f"revert {name}"
        row_id = self._attempts.pop(step, None)
        if row_id is None:
            return
        values: dict[str, Any] = {"finished_at": now, "outcome": {
            tf_states.SUCCESS: SUCCESS, tf_states.REVERTED: REVERTED}.get(state, FAILURE)}
        if state == tf_states.FAILURE:
            values["error"] = _error(details)[:4000]
        elif state == tf_states.REVERT_FAILURE:
            values["error"] = "revert failed"
        s.execute(update(step_rows).where(step_rows.id == row_id).values(**values))


def _error(details: dict[str, Any]) -> str:
    failure = details.get("result")
    return failure.exception_str if hasattr(failure, "exception_str") else str(failure)
