"""A taskflow listener that writes step outcomes onto the operation row, so
`operation show` tells which steps finished, which failed and why, and
each step's start and end into ``dr_operation_steps`` (the report's
timeline).

A step that acts for many members at once (copy their volumes, boot a
boot-order group) is one taskflow task: taskflow's scheduler costs grow
faster than linearly with the tasks of a flow (a 300-VM failover as one
task per member per phase spends minutes of CPU scheduling). Such a task
reports each member's part with :func:`member_step`: a step of its own in
the operation's lists and timeline, and, once it succeeded, a checkpoint
(:func:`checkpoints`) that an engine taking the operation over resumes
from instead of doing that member's part again.
"""

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from oslo_log import log
from oslo_utils import timeutils, uuidutils
from sqlalchemy import bindparam, insert, select, update
from taskflow import exceptions as tf_exc
from taskflow import states as tf_states
from taskflow import task
from taskflow.listeners import base
from taskflow.types import failure

from protector.db import models, session

LOG = log.getLogger(__name__)
T = TypeVar("T")

RUNNING, SUCCESS, FAILURE, REVERTED, INTERRUPTED = (
    "running", "success", "failure", "reverted", "interrupted")


def _tasks(engine: Any) -> list[task.Task]:
    return [node for node in engine.compilation.execution_graph.nodes
            if isinstance(node, task.Task)]


def count_steps(engine: Any) -> int:
    """Steps of a compiled engine's flow: its tasks (nested flows included)
    and the member steps they declare."""
    return sum(1 + len(getattr(node, "member_steps", {})) for node in _tasks(engine))


class ProgressListener(base.Listener):
    """Writes each step's events, in order, under one lock (the operation's
    lists are kept here; only this listener writes them while the engine
    holds the lease).

    taskflow's tasks report on its scheduling thread, each event one short
    transaction before the next step is scheduled. Member steps report on
    the workers of their task, hundreds at once: their events are queued
    and written by one thread, as many per transaction as came meanwhile
    (a transaction each would cost the workers more than their calls do),
    and always before the next event of a task, so a task's members are
    recorded before it is.
    """

    def __init__(self, engine: Any, context: Any, op_id: str, total: int) -> None:
        super().__init__(engine, task_listen_for=(
            tf_states.RUNNING, tf_states.SUCCESS, tf_states.FAILURE, tf_states.REVERTING,
            tf_states.REVERTED, tf_states.REVERT_FAILURE), flow_listen_for=())
        self.context, self.op_id, self.total = context, op_id, max(total, 1)
        self._lock = threading.Lock()  # held while writing
        tasks = _tasks(engine)
        # Steps that act for one member carry its id (member steps, protect tasks).
        self._members: dict[str, str | None] = {}
        self._member_steps: set[str] = set()
        for node in tasks:
            self._members[node.name] = getattr(node, "member_id", None)
            self._members.update(getattr(node, "member_steps", {}))
            self._member_steps.update(getattr(node, "member_steps", {}))
        self._attempts: dict[str, str] = {}  # step name -> its running row
        self._queue: list[tuple[str, dict[str, Any], Any]] = []
        self._queued = threading.Condition()
        self._writer: threading.Thread | None = None
        self._closing = False
        self._started = timeutils.utcnow()
        with session.writer(context) as s:
            # Steps a dead engine was running: they ended with it, unfinished.
            s.execute(update(models.OperationStep).where(
                models.OperationStep.operation_id == op_id,
                models.OperationStep.outcome == RUNNING).values(outcome=INTERRUPTED))
            op = s.get(models.Operation, op_id)
            self._completed, self._failed = list(op.steps_completed), list(op.steps_failed)
        # Steps a dead engine finished after taskflow saved them, before their
        # record: taskflow does not run them again, so they are recorded here.
        missed = [node.name for node in tasks
                  if node.name not in self._completed and _saved(engine, node.name)]
        self._flush([(tf_states.SUCCESS, {"task_name": name}, self._started)
                     for name in missed])

    def register(self) -> None:
        super().register()
        self._writer = threading.Thread(target=self._drain, daemon=True,
                                        name=f"progress-{self.op_id[:8]}")
        self._writer.start()
        with _registry_lock:
            _registry[self.op_id] = self

    def deregister(self) -> None:
        with _registry_lock:
            if _registry.get(self.op_id) is self:
                del _registry[self.op_id]
        with self._queued:
            self._closing = True
            self._queued.notify()
        if self._writer is not None:
            self._writer.join()
        self._flush([])
        super().deregister()

    def _task_receiver(self, state: str, details: dict[str, Any]) -> None:
        event = (state, details, timeutils.utcnow())
        if details["task_name"] in self._member_steps:
            with self._queued:
                self._queue.append(event)
                self._queued.notify()
            return
        self._flush([event])

    def _drain(self) -> None:
        while True:
            with self._queued:
                while not self._queue and not self._closing:
                    self._queued.wait()
                if not self._queue:
                    return
            try:
                self._flush([])
            except Exception:  # noqa: BLE001 - the steps go on; only their record is lost
                LOG.exception("Operation %s: cannot record member steps", self.op_id)

    def _flush(self, events: list[tuple[str, dict[str, Any], Any]]) -> None:
        """Write what is queued, then ``events``, in one transaction."""
        with self._lock:
            with self._queued:
                events, self._queue = [*self._queue, *events], []
            if events:
                self._write(events)

    def _write(self, events: list[tuple[str, dict[str, Any], Any]]) -> None:
        values: dict[str, Any] = {}
        rows = _Rows()
        for state, details, at in events:
            name = details["task_name"]
            if state == tf_states.RUNNING and name not in self._member_steps:
                values["current_step"] = name  # a member step runs inside it
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
            self._record_step(rows, name, state, details, at)
        with session.writer(self.context) as s:
            rows.write(s)
            if values:
                s.execute(update(models.Operation).where(
                    models.Operation.id == self.op_id).values(**values))

    def _record_step(self, rows: "_Rows", name: str, state: str, details: dict[str, Any],
                     now: Any) -> None:
        if state in (tf_states.RUNNING, tf_states.REVERTING):
            # A revert is a bar of its own: it happens later, for its own time.
            step = name if state == tf_states.RUNNING else f"revert {name}"
            self._attempts[step] = rows.start(self.op_id, step, self._members.get(name), now)
            return
        step = name if state in (tf_states.SUCCESS, tf_states.FAILURE) else f"revert {name}"
        end = {"finished_at": now, "error": None, "result": details.get("checkpoint"),
               "outcome": {tf_states.SUCCESS: SUCCESS,
                           tf_states.REVERTED: REVERTED}.get(state, FAILURE)}
        if state == tf_states.FAILURE:
            end["error"] = _error(details)[:4000]
        elif state == tf_states.REVERT_FAILURE:
            end["error"] = "revert failed"
        row_id = self._attempts.pop(step, None)
        if row_id is None:
            # taskflow resumes a step a dead engine saved as RUNNING by setting
            # it RUNNING again, which it does not notify: the attempt began
            # when this engine took the operation over.
            row_id = rows.start(self.op_id, step, self._members.get(name), self._started)
        rows.end(row_id, end)


class _Rows:
    """Step rows of one transaction: new rows with their end folded in when
    it came in the same batch, and ends of rows written before; each kind
    written with one statement."""

    def __init__(self) -> None:
        self.new: dict[str, dict[str, Any]] = {}
        self.ends: list[dict[str, Any]] = []

    def start(self, op_id: str, name: str, member_id: str | None, at: Any) -> str:
        row_id = uuidutils.generate_uuid()
        self.new[row_id] = {"id": row_id, "operation_id": op_id, "name": name,
                            "member_id": member_id, "started_at": at, "outcome": RUNNING,
                            "finished_at": None, "error": None, "result": None}
        return row_id

    def end(self, row_id: str, values: dict[str, Any]) -> None:
        if row_id in self.new:
            self.new[row_id].update(values)
        else:
            self.ends.append({"row_id": row_id, **values})

    def write(self, s: Any) -> None:
        table = models.OperationStep.__table__  # plain executemany, not ORM bulk
        if self.new:
            s.execute(insert(table), list(self.new.values()))
        if self.ends:
            s.execute(update(table).where(table.c.id == bindparam("row_id")), self.ends)


_registry: dict[str, ProgressListener] = {}  # operation id -> its listener here
_registry_lock = threading.Lock()


class MemberStep:
    """What a member step hands back: its checkpoint, if it has one."""

    result: Any = None


@contextlib.contextmanager
def member_step(operation_id: str, name: str) -> Iterator[MemberStep]:
    """Run one member's part of a task as step ``name`` (one of the task's
    ``member_steps``): recorded running, then succeeded with
    ``step.result`` (JSON) as its checkpoint, or failed with the error.
    Outside a running operation (a task run on its own) it records nothing.
    """
    listener = _registry.get(operation_id)
    step = MemberStep()
    if listener is None:
        yield step
        return
    listener._task_receiver(tf_states.RUNNING, {"task_name": name})
    try:
        yield step
    except Exception:
        listener._task_receiver(tf_states.FAILURE,
                                {"task_name": name, "result": failure.Failure()})
        raise
    details: dict[str, Any] = {"task_name": name}
    if step.result is not None:
        details["checkpoint"] = step.result
    listener._task_receiver(tf_states.SUCCESS, details)


def once(operation_id: str, done: dict[tuple[str, str | None], Any], name: str,
         member_id: str, make: Callable[[], T]) -> T:
    """Member step ``name``'s checkpoint in ``done`` (:func:`checkpoints`),
    or else ``make()`` run as that step, its result the checkpoint."""
    if (name, member_id) in done:
        return done[(name, member_id)]
    with member_step(operation_id, name) as step:
        step.result = make()
    return step.result


def checkpoints(context: Any, operation_id: str) -> dict[tuple[str, str | None], Any]:
    """The results of the operation's member steps that succeeded, by
    (step name, member id)."""
    step_rows = models.OperationStep
    with session.reader(context) as s:
        rows = s.execute(select(step_rows.name, step_rows.member_id, step_rows.result).where(
            step_rows.operation_id == operation_id, step_rows.outcome == SUCCESS,
            step_rows.result.is_not(None))).all()
    return {(row.name, row.member_id): row.result for row in rows}


def _saved(engine: Any, name: str) -> bool:
    """Whether taskflow's persisted state has step ``name`` succeeded."""
    try:
        return engine.storage.get_atom_state(name) == tf_states.SUCCESS
    except tf_exc.NotFound:  # a new flow: nothing saved yet
        return False


def _error(details: dict[str, Any]) -> str:
    failure_ = details.get("result")
    return failure_.exception_str if hasattr(failure_, "exception_str") else str(failure_)
