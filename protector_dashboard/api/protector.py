"""Every call the dashboard makes to protector, through protectorclient.

A view never builds a client: it calls these functions with its request.
``site`` names the protector site to ask; None is the site Horizon is
logged in to (the user's token and catalog), any other name is the peer
site, reached with the token the user signed in there with (api.peers).

protectorclient's errors become the dashboard's (api.exceptions), which
the enabled files register with Horizon, so ``horizon.exceptions.handle``
shows the API's message on the page (404 not found, 401 logs out, the
rest recoverable) instead of a 500 and a traceback.
"""

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from horizon import exceptions as horizon_exc
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from openstack_dashboard.api import base

from protector_dashboard.api.exceptions import (  # noqa: F401 - the views' names
    ProtectorBadRequest,
    ProtectorConflict,
    ProtectorError,
    ProtectorNotFound,
    ProtectorUnauthorized,
    ProtectorUnavailable,
)
from protectorclient import api_versions
from protectorclient.exceptions import ProtectorClientError
from protectorclient.v1 import client as protector_client

LOG = logging.getLogger(__name__)
SERVICE_TYPE = api_versions.SERVICE_TYPE
F = TypeVar("F", bound=Callable[..., Any])

# Negotiated API version per endpoint: one GET / per process, not per page.
_versions: dict[str, str] = {}
_versions_lock = threading.Lock()


_BY_CODE = {400: ProtectorBadRequest, 401: ProtectorUnauthorized, 404: ProtectorNotFound,
            409: ProtectorConflict}


def translate(exc: ProtectorClientError) -> ProtectorError:
    cls = _BY_CODE.get(exc.code or 0)
    if cls is None:
        cls = ProtectorUnavailable if exc.code is None or exc.code >= 500 else ProtectorError
    return cls(exc.message, exc.code)


def handled(func: F) -> F:
    """Raise protectorclient's errors as the dashboard's (Horizon's) classes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProtectorClientError as exc:
            raise translate(exc) from exc

    return wrapper  # type: ignore[return-value]


def _session(auth: Any) -> ks_session.Session:
    insecure = getattr(settings, "OPENSTACK_SSL_NO_VERIFY", False)
    cacert = getattr(settings, "OPENSTACK_SSL_CACERT", None)
    timeout = getattr(settings, "PROTECTOR_API_TIMEOUT", 30)
    return ks_session.Session(auth=auth, verify=False if insecure else (cacert or True),
                              timeout=timeout, user_agent="protector-dashboard")


def make_client(endpoint: str, token: str) -> protector_client.Client:
    """A client of the protector at ``endpoint`` acting with ``token``."""
    with _versions_lock:
        version = _versions.get(endpoint)
    client = protector_client.Client(_session(token_endpoint.Token(endpoint, token)),
                                     endpoint_override=endpoint, api_version=version)
    if version is None:
        negotiated = str(client.api_version)
        with _versions_lock:
            _versions[endpoint] = negotiated
    return client


def endpoint(request: Any) -> str:
    """protector's endpoint in the catalog Horizon logged in with."""
    try:
        return base.url_for(request, SERVICE_TYPE)
    except horizon_exc.ServiceCatalogException as exc:
        raise ProtectorUnavailable(
            "No protector endpoint in this region's service catalog; register one with "
            "'openstack endpoint create protector ...'.") from exc


@handled
def client(request: Any, site: str | None = None) -> protector_client.Client:
    if site is not None:
        from protector_dashboard.api import peers

        if not peers.is_local(request, site):
            return peers.client(request, site)
    return make_client(endpoint(request), request.user.token.id)


# -- sites and tenant mappings (admin, but for site_names) --------------------

@handled
def site_names(request: Any) -> list[dict[str, Any]]:
    """Every site's id, name and whether it is the local one."""
    return client(request).sites.names()


def site_name_map(request: Any) -> dict[str, str]:
    """Site names by id; empty when the API cannot say (ids shown instead)."""
    try:
        return {s["id"]: s["name"] for s in site_names(request)}
    except ProtectorError:
        LOG.warning("protector did not list its sites' names", exc_info=True)
        return {}


@handled
def site_list(request: Any) -> list[dict[str, Any]]:
    return client(request).sites.list()


@handled
def site_get(request: Any, site: str) -> dict[str, Any]:
    return client(request).sites.get(site)


@handled
def site_create(request: Any, **fields: Any) -> dict[str, Any]:
    return client(request).sites.create(**fields)


@handled
def site_update(request: Any, site: str, **fields: Any) -> dict[str, Any]:
    return client(request).sites.update(site, **fields)


@handled
def site_delete(request: Any, site: str) -> None:
    client(request).sites.delete(site)


@handled
def site_validate(request: Any, site: str) -> dict[str, Any]:
    return client(request).sites.validate(site)


@handled
def site_volume_types(request: Any, site: str) -> list[dict[str, Any]]:
    return client(request).sites.volume_types(site)


@handled
def tenant_mapping_list(request: Any, site: str | None = None,
                        **filters: Any) -> list[dict[str, Any]]:
    return client(request, site).tenant_mappings.list(**filters)


@handled
def tenant_mapping_create(request: Any, **fields: Any) -> dict[str, Any]:
    return client(request).tenant_mappings.create(**fields)


@handled
def tenant_mapping_update(request: Any, mapping_id: str, **fields: Any) -> dict[str, Any]:
    return client(request).tenant_mappings.update(mapping_id, **fields)


@handled
def tenant_mapping_delete(request: Any, mapping_id: str) -> None:
    client(request).tenant_mappings.delete(mapping_id)


# -- protection groups ---------------------------------------------------------

@handled
def pg_list(request: Any, site: str | None = None, **filters: Any) -> list[dict[str, Any]]:
    return client(request, site).protection_groups.list(**filters)


@handled
def pg_get(request: Any, pg: str, site: str | None = None) -> dict[str, Any]:
    return client(request, site).protection_groups.get(pg)


@handled
def pg_create(request: Any, **fields: Any) -> dict[str, Any]:
    return client(request).protection_groups.create(**fields)


@handled
def pg_update(request: Any, pg: str, **fields: Any) -> dict[str, Any]:
    return client(request).protection_groups.update(pg, **fields)


@handled
def pg_delete(request: Any, pg: str) -> None:
    client(request).protection_groups.delete(pg)


@handled
def pg_sync_status(request: Any, pg: str, site: str | None = None) -> dict[str, Any]:
    return client(request, site).protection_groups.sync_status(pg)


@handled
def pg_sync_force(request: Any, pg: str, source: str | None = None,
                  site: str | None = None) -> dict[str, Any]:
    return client(request, site).protection_groups.sync_force(pg, source)


@handled
def pg_recovery_points(request: Any, pg: str, site: str | None = None) -> dict[str, Any]:
    return client(request, site).protection_groups.recovery_points(pg)


@handled
def pg_test_failover(request: Any, pg: str, site: str | None = None,
                     **options: Any) -> dict[str, Any]:
    """``options``: auto_network, network_mapping, flavor_mapping, recovery_point."""
    return client(request, site).protection_groups.test_failover(pg, **options)


@handled
def pg_test_cleanup(request: Any, pg: str, site: str | None = None) -> dict[str, Any]:
    return client(request, site).protection_groups.test_cleanup(pg)


@handled
def pg_failover(request: Any, pg: str, site: str | None = None,
                **options: Any) -> dict[str, Any]:
    """``options``: unplanned, network_mapping, flavor_mapping, recovery_point."""
    return client(request, site).protection_groups.failover(pg, **options)


@handled
def pg_failback(request: Any, pg: str, site: str | None = None,
                **options: Any) -> dict[str, Any]:
    return client(request, site).protection_groups.failback(pg, **options)


@handled
def pg_reprotect(request: Any, pg: str, site: str | None = None) -> dict[str, Any]:
    return client(request, site).protection_groups.reprotect(pg)


# -- members and replication policy ------------------------------------------

@handled
def member_list(request: Any, pg: str, site: str | None = None) -> list[dict[str, Any]]:
    return client(request, site).members.list(pg)


@handled
def member_add(request: Any, pg: str, instance_id: str, *, instance_name: str | None = None,
               boot_order: int | None = None) -> dict[str, Any]:
    return client(request).members.add(pg, instance_id, instance_name=instance_name,
                                       boot_order=boot_order)


@handled
def member_update(request: Any, pg: str, member: str, *, boot_order: int) -> dict[str, Any]:
    return client(request).members.update(pg, member, boot_order=boot_order)


@handled
def member_remove(request: Any, pg: str, member: str) -> None:
    client(request).members.remove(pg, member)


@handled
def policy_get(request: Any, pg: str) -> dict[str, Any] | None:
    """The PG's replication policy (tokens masked by the API), None if none."""
    try:
        return client(request).policies.get(pg)
    except ProtectorClientError as exc:
        if exc.code == 404:
            return None
        raise


@handled
def policy_create(request: Any, pg: str, **fields: Any) -> dict[str, Any]:
    return client(request).policies.create(pg, **fields)


@handled
def policy_update(request: Any, pg: str, **fields: Any) -> dict[str, Any]:
    return client(request).policies.update(pg, **fields)


# -- operations and health ----------------------------------------------------

@handled
def operation_list(request: Any, site: str | None = None,
                   **filters: Any) -> list[dict[str, Any]]:
    """``filters``: protection_group_id, operation_type, status, limit, marker."""
    return client(request, site).operations.list(**filters)


@handled
def operation_get(request: Any, operation_id: str, site: str | None = None) -> dict[str, Any]:
    return client(request, site).operations.get(operation_id)


@handled
def operation_steps(request: Any, operation_id: str,
                    site: str | None = None) -> dict[str, Any]:
    return client(request, site).operations.steps(operation_id)


@handled
def operation_report(request: Any, operation_id: str, site: str | None = None) -> str:
    return client(request, site).operations.report(operation_id)


@handled
def health(request: Any, protection_group_id: str | None = None,
           site: str | None = None) -> dict[str, Any]:
    return client(request, site).health.get(protection_group_id=protection_group_id)


@handled
def tenant_mapping_get(request: Any, mapping_id: str) -> dict[str, Any]:
    return client(request).tenant_mappings.get(mapping_id)
