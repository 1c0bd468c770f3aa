"""A small flow for testing the engine's machinery (leases, persistence,
progress, member steps, rollback, resumption) without any cloud: each task
and member step appends to a journal file named in the environment, and can
be told to fail or to kill its process (os._exit, as SIGKILL would) when it
runs."""

import os
import time

from taskflow import task
from taskflow.patterns import linear_flow, unordered_flow

from protector import context
from protector.engine import fanout, progress

JOURNAL = "PROTECTOR_TEST_JOURNAL"


def _note(line: str) -> None:
    with open(os.environ[JOURNAL], "a") as f:
        f.write(line + "\n")


class Step(task.Task):
    def execute(self, operation_id: str) -> str:
        _note(f"execute {self.name}")
        if os.environ.get("PROTECTOR_TEST_KILL_AT") == self.name:
            os._exit(9)
        if os.environ.get("PROTECTOR_TEST_FAIL_AT") == self.name:
            raise RuntimeError(f"{self.name} failed on purpose")
        return self.name

    def revert(self, operation_id: str, *args, **kwargs) -> None:
        _note(f"revert {self.name}")


MEMBERS = 3


class Members(task.Task):
    """Three members' parts at once, each a member step whose checkpoint is
    its result. Told to kill its process in one member, it does so once the
    others' checkpoints are written, so what a resumed run skips is known."""

    def __init__(self) -> None:
        super().__init__(name="members", provides="made")
        self.member_steps = {f"member-{i}": f"m{i}" for i in range(MEMBERS)}

    def execute(self, operation_id: str) -> list[str]:
        ctx = context.get_admin_context()
        done = progress.checkpoints(ctx, operation_id)

        def one(name: str) -> str:
            if (name, self.member_steps[name]) in done:
                return done[(name, self.member_steps[name])]
            with progress.member_step(operation_id, name) as step:
                _note(f"execute {name}")
                if os.environ.get("PROTECTOR_TEST_FAIL_AT") == name:
                    raise RuntimeError(f"{name} failed on purpose")
                if os.environ.get("PROTECTOR_TEST_KILL_AT") == name:
                    deadline = time.monotonic() + 10
                    while (len(progress.checkpoints(ctx, operation_id)) < MEMBERS - 1
                           and time.monotonic() < deadline):
                        time.sleep(0.05)
                    os._exit(9)
                step.result = f"made by {name}"
            return step.result

        return fanout.each(one, list(self.member_steps))

    def revert(self, operation_id: str, *args, **kwargs) -> None:
        _note(f"revert {self.name}")


def get_flow(operation_id: str) -> linear_flow.Flow:
    """1. prepare; 2. three servers in parallel; 3. three members at once
    (one task); 4. finish."""
    flow = linear_flow.Flow("sample")
    servers = unordered_flow.Flow("servers")
    servers.add(*(Step(f"server-{i}") for i in range(3)))
    flow.add(Step("prepare"), servers, Members(), Step("finish"))
    return flow
