"""Write what an operation made onto its row (what test cleanup removes)."""

from typing import Any

from taskflow import task

from protector.db import operations as op_db
from protector.engine import resources


class RecordTestResources(task.Task):
    def __init__(self, member_ids: list[str]) -> None:
        super().__init__(name="record test resources", requires=(
            "operation_id", "context", "recovery_point", "test_network",
            *(f"server-{m}" for m in member_ids), *(f"volumes-{m}" for m in member_ids)))
        self.member_ids = member_ids

    def execute(self, operation_id: str, context: dict, recovery_point: dict,
                test_network: dict | None, **kwargs: Any) -> None:
        view = resources.load(operation_id, context)
        op_db.update(view.context, operation_id, {"result": {
            "recovery_point": recovery_point,
            "test_network": test_network,
            "members": {m: {"server_id": kwargs[f"server-{m}"],
                            "volume_ids": sorted(kwargs[f"volumes-{m}"].values())}
                        for m in self.member_ids}}})
