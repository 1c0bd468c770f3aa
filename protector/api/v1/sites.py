"""/v1/{project_id}/sites: the two OpenStack sites protector works between.

Admin only. The project in the path is not used for authorisation, so the
catalog URL (/v1/<project>/sites) and /v1/admin/sites both work.
"""

from typing import Any

from oslo_utils import timeutils

from protector import crypto, exception, policy
from protector.api import dispatch, validation
from protector.api.v1 import common
from protector.api.v1.schemas import sites as schema
from protector.api.v1.views import sites as view
from protector.clients import site_checks
from protector.conf import CONF
from protector.db import sites as db
from protector.policies import sites as rules
from protector.sync import sites as local_sites

_CREDENTIALS = ("service_username", "service_project_name", "service_user_domain_name",
                "service_project_domain_name")


def _values(body: dict[str, Any]) -> dict[str, Any]:
    values = dict(body)
    if "service_password" in values:
        values["service_password_encrypted"] = crypto.encrypt(values.pop("service_password"))
    return values


@validation.query(schema.list_query)
def index(req: dispatch.Request, project_id: str, query: dict) -> Any:
    policy.authorize(req.context, rules.INDEX, {"project_id": project_id})
    paging = common.page(query)
    filters = {k: query.get(k) for k in ("name", "site_type", "status")}
    found = db.list_(req.context, filters=filters, **paging)
    return dispatch.json_response(common.collection(
        req, "sites", [view.show(s) for s in found], paging["limit"]))


@validation.body(schema.create)
def create(req: dispatch.Request, project_id: str, body: dict) -> Any:
    policy.authorize(req.context, rules.CREATE, {"project_id": project_id})
    site = db.create(req.context, _values(body))
    return dispatch.json_response({"site": view.show(site)}, status=201)


def show(req: dispatch.Request, project_id: str, site_id: str) -> Any:
    policy.authorize(req.context, rules.SHOW, {"project_id": project_id})
    return dispatch.json_response({"site": view.show(db.get(req.context, site_id))})


@validation.body(schema.update)
def update(req: dispatch.Request, project_id: str, site_id: str, body: dict) -> Any:
    policy.authorize(req.context, rules.UPDATE, {"project_id": project_id})
    current = db.get(req.context, site_id)
    if "name" in body and body["name"] != current.name and current.name == CONF.site_name:
        raise exception.Conflict(reason=f"{current.name} is this site's [DEFAULT] "
                                        "site_name; change that option before renaming it")
    site = db.update(req.context, current.id, _values(body))
    return dispatch.json_response({"site": view.show(site)})


def delete(req: dispatch.Request, project_id: str, site_id: str) -> Any:
    policy.authorize(req.context, rules.DELETE, {"project_id": project_id})
    db.delete(req.context, site_id)
    return dispatch.json_response(None, status=204)


def validate(req: dispatch.Request, project_id: str, site_id: str) -> Any:
    """Reach the site's Keystone, then Nova, Cinder and Neutron through its catalog."""
    policy.authorize(req.context, rules.VALIDATE, {"project_id": project_id})
    site = db.get(req.context, site_id)
    result = site_checks.validate(site)
    volume_types: list[str] = []
    if result["cinder_reachable"]:
        try:
            volume_types = [t["name"] for t in site_checks.replicated_volume_types(site)]
        except Exception as exc:  # noqa: BLE001 - reported, not fatal to validate
            result["error"] = f"listing volume types failed: {exc}"
    reachable = [result[k] for k in ("keystone_reachable", "nova_reachable",
                                     "cinder_reachable", "neutron_reachable")]
    status = ("active" if all(reachable)
              else "unreachable" if not result["keystone_reachable"] else "error")
    db.update(req.context, site.id, {
        "status": status, "last_validated_at": timeutils.utcnow(),
        "last_validation": {**result, "replicated_volume_types": volume_types}})
    body = {"name": site.name, "status": status,
            "keystone_reachable": result["keystone_reachable"],
            "nova_reachable": result["nova_reachable"],
            "cinder_reachable": result["cinder_reachable"],
            "neutron_reachable": result["neutron_reachable"],
            "replicated_volume_types": volume_types}
    if "error" in result:
        body["error"] = result["error"]
    return dispatch.json_response({"validation": body})


def volume_types(req: dispatch.Request, project_id: str, site_id: str) -> Any:
    policy.authorize(req.context, rules.VOLUME_TYPES, {"project_id": project_id})
    site = db.get(req.context, site_id)
    try:
        found = site_checks.replicated_volume_types(site)
    except Exception as exc:  # noqa: BLE001 - any failure to reach Cinder is a 503
        raise exception.ServiceUnavailable(
            reason=f"Cannot list volume types of site {site.name}: {exc}. Run "
                   f"'openstack protector site validate {site.name}'.") from exc
    return dispatch.json_response({"volume_types": found})


def names(req: dispatch.Request, project_id: str) -> Any:
    """Every site's id and name, for tenants (their PGs name sites by id);
    which one answers this request is ``local``."""
    policy.authorize(req.context, rules.NAMES, {"project_id": project_id})
    try:
        here = local_sites.local_site(req.context).id
    except exception.Conflict:
        here = None  # this site is not registered yet: none is local
    return dispatch.json_response({"sites": [
        {"id": s.id, "name": s.name, "local": s.id == here}
        for s in db.list_(req.context, filters={})]})
