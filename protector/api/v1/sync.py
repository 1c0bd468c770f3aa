"""Cross-site sync: sync-status and sync-force for operators, and the calls
the peer site's protector makes (PG documents, tenant-mapping mirrors)."""

from typing import Any

from protector import exception, policy
from protector.api import dispatch, validation
from protector.api.v1 import protection_groups as pg_api
from protector.api.v1.schemas import sync as schema
from protector.db import protection_groups as pg_db
from protector.db import trusts as trusts_db
from protector.policies import protection_groups as pg_rules
from protector.policies import sync as rules
from protector.sync import document, service


def sync_status(req: dispatch.Request, project_id: str, pg_id: str) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, pg_rules.SYNC_STATUS)
    return dispatch.json_response({"sync_status": service.status(req.context, pg)})


@validation.body(schema.force, required=False)
def sync_force(req: dispatch.Request, project_id: str, pg_id: str, body: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, pg_rules.SYNC_FORCE)
    result = service.force(req.context, pg, body.get("source"))
    return dispatch.json_response({"sync_status": result})


def show_trust(req: dispatch.Request, project_id: str) -> Any:
    """The project's trust here, for the peer's engine to act in this site's
    cloud (it redeems it with this site's service credentials)."""
    policy.authorize(req.context, rules.IMPORT, {"project_id": project_id})
    trust = trusts_db.get(req.context, project_id)
    if trust is None:
        raise exception.TrustNotFound(project=project_id)
    return dispatch.json_response({"trust": {
        "project_id": trust.project_id, "trust_id": trust.trust_id,
        "trustee_user_id": trust.trustee_user_id, "roles": trust.roles}})


@validation.query(schema.export_query)
def export_metadata(req: dispatch.Request, project_id: str, pg_id: str, query: dict
                    ) -> Any:
    policy.authorize(req.context, rules.IMPORT, {"project_id": project_id})
    pg = pg_db.get(req.context, project_id, pg_id)
    if query.get("fields") == "metadata_version":
        # What sync-status compares: not the whole document, which grows
        # with the members.
        return dispatch.json_response({"id": pg.id, "metadata_version": pg.metadata_version})
    return dispatch.json_response(document.build(req.context, pg.id))


@validation.query(schema.import_query)
@validation.body(schema.document)
def import_metadata(req: dispatch.Request, project_id: str, pg_id: str, body: dict,
                    query: dict) -> Any:
    policy.authorize(req.context, rules.IMPORT, {"project_id": project_id})
    if body["id"] != pg_id:
        raise exception.Invalid(reason=f"document id {body['id']} is not {pg_id}")
    result = document.apply(req.context, project_id, body, force=query.get("force", False))
    return dispatch.json_response({"id": pg_id, "result": result,
                                   "metadata_version": body["metadata_version"]})


@validation.body(schema.mirror)
def mirror_tenant_mapping(req: dispatch.Request, project_id: str, mapping_id: str,
                          body: dict) -> Any:
    policy.authorize(req.context, rules.IMPORT, {"project_id": project_id})
    service.apply_mirror(req.context, mapping_id, body)
    return dispatch.json_response(None, status=204)
