"""DR operation responses."""

from typing import Any

from oslo_utils import timeutils

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


def report(op: models.Operation, steps: list[models.OperationStep],
           pg: models.ProtectionGroup | None, sites: dict[str, str]) -> dict[str, Any]:
    """What :func:`protector.reports.operation.render` draws: the operation,
    its timeline and its members by name.

    :param sites: site names by id.
    """
    members = sorted(pg.members if pg is not None else [],
                     key=lambda m: (m.boot_order, m.instance_name or m.instance_id))
    names = {m.id: m.instance_name or m.instance_id for m in members}
    return {
        "generated_at": iso(timeutils.utcnow()),
        "operation": show(op),
        "protection_group": ({"id": pg.id, "name": pg.name} if pg is not None
                             else {"id": op.protection_group_id, "name": None}),
        "source_site": sites.get(op.source_site_id or ""),
        "target_site": sites.get(op.target_site_id or ""),
        "recovery_point": (op.result or {}).get("recovery_point"),
        "members": [{"id": m.id, "name": names[m.id], "boot_order": m.boot_order}
                    for m in members],
        "timeline": [{"step": step.name,
                      "member": names.get(step.member_id or "", step.member_id),
                      "started_at": iso(step.started_at),
                      "finished_at": iso(step.finished_at),
                      "outcome": step.outcome, "error": step.error} for step in steps],
    }
