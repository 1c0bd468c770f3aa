"""The whole v1 URL surface on one screen (paths relative to /v1).

``{project_id}`` is the project of the Keystone catalog endpoint
(/v1/%(tenant_id)s). Sites and tenant mappings are admin resources that
ignore it, so /v1/admin/sites works as well. ``metadata``, ``mirror`` and
``trust`` are called by the peer site's protector (cross-site sync, and
the engine acting in this site's cloud).
"""

from protector.api.v1 import (
    actions,
    health,
    members,
    operations,
    protection_groups,
    recovery_points,
    replication_policies,
    sites,
    sync,
    tenant_mappings,
)

_P = "/{project_id}"
_PG = _P + "/protection-groups/{pg_id}"

ROUTES = {
    _P + "/sites": {"GET": sites.index, "POST": sites.create},
    _P + "/sites/{site_id}": {"GET": sites.show, "PUT": sites.update,
                              "DELETE": sites.delete},
    _P + "/sites/{site_id}/validate": {"POST": sites.validate},
    _P + "/sites/{site_id}/volume-types": {"GET": sites.volume_types},
    _P + "/site-names": {"GET": sites.names},

    _P + "/tenant-mappings": {"GET": tenant_mappings.index,
                              "POST": tenant_mappings.create},
    _P + "/tenant-mappings/{mapping_id}": {"GET": tenant_mappings.show,
                                           "PUT": tenant_mappings.update,
                                           "DELETE": tenant_mappings.delete},
    _P + "/tenant-mappings/{mapping_id}/mirror": {"PUT": sync.mirror_tenant_mapping},

    _P + "/protection-groups": {"GET": protection_groups.index,
                                "POST": protection_groups.create},
    _PG: {"GET": protection_groups.show, "PUT": protection_groups.update,
          "DELETE": protection_groups.delete},
    _PG + "/members": {"GET": members.index, "POST": members.create},
    _PG + "/members/{member_id}": {"GET": members.show, "PUT": members.update,
                                   "DELETE": members.delete},
    _PG + "/action": {"POST": actions.action},
    _PG + "/sync-status": {"GET": sync.sync_status},
    _PG + "/sync-force": {"POST": sync.sync_force},
    _PG + "/recovery-points": {"GET": recovery_points.index},
    _PG + "/metadata": {"GET": sync.export_metadata, "PUT": sync.import_metadata},
    _PG + "/policy": {"GET": replication_policies.show,
                      "POST": replication_policies.create,
                      "PUT": replication_policies.update,
                      "DELETE": replication_policies.delete},

    _P + "/operations": {"GET": operations.index},
    _P + "/operations/{operation_id}": {"GET": operations.show},
    _P + "/operations/{operation_id}/steps": {"GET": operations.steps},
    _P + "/operations/{operation_id}/report": {"GET": operations.report},

    _P + "/health": {"GET": health.show},
    _P + "/trust": {"GET": sync.show_trust},
}
