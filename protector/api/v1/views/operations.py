"""DR operation responses."""

from typing import Any

from protector.api.v1.common import iso
from protector.db import models


def show(op: models.Operation) -> dict[str, Any]:
    return {
        "id": op.id,
        "project_id": op.project_id,
        "protection_group_id": op.protection_group_id,
        "operation_type": op.operation_type,
        "failover_type": op.failover_type,
        "status": op.status,
        "progress": op.progress,
        "current_step": op.current_step,
        "steps_completed": op.steps_completed,
        "steps_failed": op.steps_failed,
        "source_site_id": op.source_site_id,
        "target_site_id": op.target_site_id,
        "parameters": op.parameters,
        "result": op.result,
        "error_message": op.error_message,
        "started_at": iso(op.started_at),
        "completed_at": iso(op.completed_at),
        "created_at": iso(op.created_at),
        "updated_at": iso(op.updated_at),
    }
