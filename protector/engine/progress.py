"""A taskflow listener that writes step outcomes onto the operation row, so
`operation show` tells which steps finished, which failed and why, and
each step's start and end into ``dr_operation_steps`` (the report's
timeline)."""

import threading
from typing import Any

from oslo_log import log
from oslo_utils import timeutils
from sqlalchemy import select
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
            for row in s.scalars(select(models.OperationStep).where(
                    models.OperationStep.operation_id == op_id,
                    models.OperationStep.outcome == RUNNING)):
                row.outcome = INTERRUPTED

    def _task_receiver(self, state: str, details: dict[str, Any]) -> None:
        name = details["task_name"]
        with self._lock, session.writer(self.context) as s:
            op = s.execute(select(models.Operation).where(
                models.Operation.id == self.op_id)).scalar_one()
            self._record_step(s, name, state, details)
            if state == tf_states.RUNNING:
                op.current_step = name
            elif state == tf_states.SUCCESS and name not in op.steps_completed:
                op.steps_completed = [*op.steps_completed, name]
                op.progress = min(99, int(100 * len(op.steps_completed) / self.total))
            elif state == tf_states.FAILURE:
                failure = details.get("result")
                error = failure.exception_str if hasattr(failure, "exception_str") else str(
                    failure)
                op.steps_failed = [*op.steps_failed, {"step": name, "error": error}]
                LOG.warning("Operation %s: step %s failed: %s", self.op_id, name, error)
            elif state == tf_states.REVERTED and name in op.steps_completed:
                op.current_step = f"reverted {name}"
            elif state == tf_states.REVERT_FAILURE:
                op.steps_failed = [*op.steps_failed, {"step": name,
                                                      "error": "revert failed"}]

    def _record_step(self, s: Any, name: str, state: str, details: dict[str, Any]) -> None:
        now = timeutils.utcnow()
        if state in (tf_states.RUNNING, tf_states.REVERTING):
            # A revert is a bar of its own: it happens later, for its own time.
            step = name if state == tf_states.RUNNING else f"revert {name}"
            row = models.OperationStep(operation_id=self.op_id, name=step,
                                       member_id=self._members.get(name),
                                       started_at=now, outcome=RUNNING)
            s.add(row)
            s.flush()
            self._attempts[step] = row.id
            return
        step = name if state in (tf_states.SUCCESS, tf_states.FAILURE) else f"revert {name}"
        row_id = self._attempts.pop(step, None)
        row = s.get(models.OperationStep, row_id) if row_id else None
        if row is None:
            return
        row.finished_at = now
        row.outcome = {tf_states.SUCCESS: SUCCESS, tf_states.REVERTED: REVERTED}.get(
            state, FAILURE)
        if state == tf_states.FAILURE:
            failure = details.get("result")
            row.error = (failure.exception_str if hasattr(failure, "exception_str")
                         else str(failure))[:4000]
        elif state == tf_states.REVERT_FAILURE:
            row.error = "revert failed"
