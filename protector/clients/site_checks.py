"""Checks of a site's OpenStack services: ``site validate`` and the list of
replicated volume types. Everything goes through the site's Keystone
catalog, so a wrong endpoint there shows up here.
"""

from typing import Any

import openstack
from keystoneauth1 import exceptions as ks_exc
from oslo_log import log

from protector.clients import keystone

LOG = log.getLogger(__name__)

# Field of the validate result -> catalog service types, first found wins.
SERVICES = {
    "nova_reachable": ("compute",),
    "cinder_reachable": ("block-storage", "volumev3", "volume"),
    "neutron_reachable": ("network",),
}


def _endpoint_answers(sess: Any, site: Any, service_types: tuple[str, ...]) -> bool:
    for service_type in service_types:
        try:
            url = sess.get_endpoint(service_type=service_type, interface=site.interface,
                                    region_name=site.region_name)
        except ks_exc.EndpointNotFound:
            continue
        if not url:
            continue
        try:
            resp = sess.get(url, authenticated=True, raise_exc=False)
        except ks_exc.ClientException as exc:
            LOG.info("Site %s: %s endpoint %s does not answer: %s", site.name,
                     service_type, url, exc)
            return False
        return resp.status_code < 500
    LOG.info("Site %s: no %s endpoint in the catalog", site.name, "/".join(service_types))
    return False


def validate(site: Any) -> dict[str, Any]:
    """Reachability of Keystone, Nova, Cinder and Neutron on ``site``."""
    result = {"keystone_reachable": False, **dict.fromkeys(SERVICES, False)}
    try:
        sess = keystone.site_session(site)
        sess.get_token()
        result["keystone_reachable"] = True
    # keystoneauth's discovery raises a bare Exception in some cases; this is
    # a probe, and every failure means the same: Keystone is not usable.
    except Exception as exc:  # noqa: BLE001
        LOG.info("Site %s: Keystone at %s refused or did not answer: %s", site.name,
                 site.auth_url, exc)
        result["error"] = f"Keystone at {site.auth_url}: {exc}"
        return result
    for field, service_types in SERVICES.items():
        result[field] = _endpoint_answers(sess, site, service_types)
    return result


def replicated_volume_types(site: Any) -> list[dict[str, Any]]:
    """Volume types with replication_enabled='<is> True' on ``site``."""
    conn = openstack.connection.Connection(
        session=keystone.site_session(site), region_name=site.region_name,
        interface=site.interface)
    found = []
    for vtype in conn.block_storage.types():
        specs = vtype.extra_specs or {}
        if str(specs.get("replication_enabled", "")).replace(" ", "").lower() != "<is>true":
            continue
        found.append({
            "id": vtype.id,
            "name": vtype.name,
            "replication_type": _unwrap(specs.get("replication_type")),
            "volume_backend_name": specs.get("volume_backend_name"),
        })
    return sorted(found, key=lambda t: t["name"])


def _unwrap(value: str | None) -> str | None:
    """"<in> async" -> "async"."""
    if value is None:
        return None
    return value.split(">", 1)[1].strip() if value.startswith("<") else value.strip()
