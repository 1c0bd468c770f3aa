"""A small flow for testing the engine's machinery (leases, persistence,
progress, rollback, resumption) without any cloud: each task appends to a
journal file named in the environment, and can be told to fail or to kill
its process (os._exit, as SIGKILL would) when it runs."""

import os

from taskflow import task
from taskflow.patterns import linear_flow, unordered_flow

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


def get_flow(operation_id: str) -> linear_flow.Flow:
    """1. prepare; 2. three servers in parallel; 3. finish."""
    flow = linear_flow.Flow("sample")
    servers = unordered_flow.Flow("servers")
    servers.add(*(Step(f"server-{i}") for i in range(3)))
    flow.add(Step("prepare"), servers, Step("finish"))
    return flow
