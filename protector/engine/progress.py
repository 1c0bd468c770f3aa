"""A taskflow listener that writes step outcomes onto the operation row, so
`operation show` tells which steps finished, which failed and why."""

import threading
from typing import Any

from oslo_log import log
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


class ProgressListener(base.Listener):
    def __init__(self, engine: Any, context: Any, op_id: str, total: int) -> None:
        super().__init__(engine, task_listen_for=(
            tf_states.RUNNING, tf_states.SUCCESS, tf_states.FAILURE, tf_states.REVERTED,
            tf_states.REVERT_FAILURE), flow_listen_for=())
        self.context, self.op_id, self.total = context, op_id, max(total, 1)
        self._lock = threading.Lock()

    def _task_receiver(self, state: str, details: dict[str, Any]) -> None:
        name = details["task_name"]
        with self._lock, session.writer(self.context) as s:
            op = s.execute(select(models.Operation).where(
                models.Operation.id == self.op_id)).scalar_one()
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
