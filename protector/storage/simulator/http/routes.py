"""The REST surface: (method, resource) -> array operation.

Each handler turns the query and JSON body the SDK sends into keyword
arguments of an :class:`~protector.storage.simulator.state.array.Array`
method. The operation name used for fault injection is the SDK method name,
derived from the route (``POST protection-groups/targets`` ->
``post_protection_groups_targets``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from protector.storage.simulator.errors import bad_request
from protector.storage.simulator.http.query import Query
from protector.storage.simulator.state.array import Array

Body = dict[str, Any]
# A JSON list body (only tags/batch sends one) arrives as {LIST_BODY: [...]}.
LIST_BODY = "__list__"
Handler = Callable[[Array, Query, Body], list[dict]]


def operation_name(method: str, resource: str) -> str:
    return f"{method.lower()}_{resource.replace('-', '_').replace('/', '_')}"


def _ref_name(body: Body, key: str) -> str | None:
    ref = body.get(key)
    return ref.get("name") if isinstance(ref, dict) else None


def _flag(q: Query, key: str) -> bool:
    return bool(q.bool(key))


def _unsupported(q: Query, *keys: str) -> None:
    """Refuse parameters the simulator does not model rather than ignore them."""
    for key in keys:
        if key in q:
            raise bad_request(f"The simulator does not support the {key} parameter.", key)


def _post_protection_groups(a: Array, q: Query, b: Body) -> list[dict]:
    _unsupported(q, "source_names", "overwrite")
    return a.post_protection_groups(names=q.list("names"))


def _post_volume_snapshots(a: Array, q: Query, b: Body) -> list[dict]:
    _unsupported(q, "on")
    return a.post_volume_snapshots(source_names=q.list("source_names"), suffix=b.get("suffix"))


def _post_protection_group_snapshots(a: Array, q: Query, b: Body) -> list[dict]:
    _unsupported(q, "for_replication")
    return a.post_protection_group_snapshots(
        source_names=q.list("source_names"),
        suffix=b.get("suffix"),
        replicate=_flag(q, "replicate"),
        replicate_now=_flag(q, "replicate_now"),
        apply_retention=_flag(q, "apply_retention"),
    )


def _put_volumes_tags_batch(a: Array, q: Query, b: Body) -> list[dict]:
    tags = b.get(LIST_BODY)
    if not isinstance(tags, list):
        raise bad_request("The body must be a list of tags.")
    return a.put_volumes_tags_batch(resource_names=q.list("resource_names"), tags=tags)


ROUTES: dict[tuple[str, str], Handler] = {
    # -- arrays and connections --------------------------------------------
    ("GET", "arrays"): lambda a, q, b: a.get_arrays(),
    ("GET", "array-connections"): lambda a, q, b: a.get_array_connections(
        names=q.list("names"), remote_names=q.list("remote_names")
    ),
    ("GET", "array-connections/connection-key"): lambda a, q, b: (
        a.get_array_connections_connection_key()
    ),
    ("POST", "array-connections"): lambda a, q, b: a.post_array_connections(
        management_address=b.get("management_address"),
        connection_key=b.get("connection_key"),
        type=b.get("type"),
    ),
    ("DELETE", "array-connections"): lambda a, q, b: a.delete_array_connections(
        names=q.list("names")
    ),
    ("GET", "arrays/space"): lambda a, q, b: a.get_arrays_space(),
    ("GET", "arrays/performance"): lambda a, q, b: a.get_arrays_performance(),
    ("GET", "controllers"): lambda a, q, b: a.get_controllers(),
    ("GET", "ports"): lambda a, q, b: a.get_ports(names=q.list("names")),
    ("GET", "network-interfaces"): lambda a, q, b: a.get_network_interfaces(),
    # -- hosts and connections (attach for Nova) ----------------------------
    ("GET", "hosts"): lambda a, q, b: a.get_hosts(names=q.list("names")),
    ("POST", "hosts"): lambda a, q, b: a.post_hosts(names=q.list("names"), body=b),
    ("PATCH", "hosts"): lambda a, q, b: a.patch_hosts(names=q.list("names"), body=b),
    ("DELETE", "hosts"): lambda a, q, b: a.delete_hosts(names=q.list("names")),
    ("GET", "connections"): lambda a, q, b: a.get_connections(
        host_names=q.list("host_names"), volume_names=q.list("volume_names")
    ),
    ("POST", "connections"): lambda a, q, b: a.post_connections(
        host_names=q.list("host_names"), volume_names=q.list("volume_names"),
        lun=b.get("lun"),
    ),
    ("DELETE", "connections"): lambda a, q, b: a.delete_connections(
        host_names=q.list("host_names"), volume_names=q.list("volume_names")
    ),
    # -- SafeMode and tags ------------------------------------------------------
    ("GET", "container-default-protections"): lambda a, q, b: (
        a.get_container_default_protections(names=q.list("names"))
    ),
    ("PATCH", "container-default-protections"): lambda a, q, b: (
        a.patch_container_default_protections(names=q.list("names"), body=b)
    ),
    ("PUT", "volumes/tags/batch"): _put_volumes_tags_batch,
    ("GET", "volumes/tags"): lambda a, q, b: a.get_volumes_tags(
        resource_names=q.list("resource_names"), namespaces=q.list("namespaces")
    ),
    ("DELETE", "volumes/tags"): lambda a, q, b: a.delete_volumes_tags(
        resource_names=q.list("resource_names"), namespaces=q.list("namespaces"),
        keys=q.list("keys"),
    ),
    # -- volumes --------------------------------------------------------------
    ("GET", "volumes"): lambda a, q, b: a.get_volumes(
        names=q.list("names"), destroyed=q.bool("destroyed")
    ),
    ("POST", "volumes"): lambda a, q, b: a.post_volumes(
        names=q.list("names"),
        provisioned=b.get("provisioned"),
        source=_ref_name(b, "source"),
        overwrite=_flag(q, "overwrite"),
        add_to_pgs=q.list("add_to_protection_group_names"),
    ),
    ("PATCH", "volumes"): lambda a, q, b: a.patch_volumes(
        names=q.list("names"),
        changes=b,
        add_to_pgs=q.list("add_to_protection_group_names"),
        remove_from_pgs=q.list("remove_from_protection_group_names"),
        truncate=_flag(q, "truncate"),
    ),
    ("DELETE", "volumes"): lambda a, q, b: a.delete_volumes(names=q.list("names")),
    ("GET", "volume-snapshots"): lambda a, q, b: a.get_volume_snapshots(
        names=q.list("names"), source_names=q.list("source_names"), destroyed=q.bool("destroyed")
    ),
    ("POST", "volume-snapshots"): _post_volume_snapshots,
    ("PATCH", "volume-snapshots"): lambda a, q, b: a.patch_volume_snapshots(
        names=q.list("names"), changes=b
    ),
    ("DELETE", "volume-snapshots"): lambda a, q, b: a.delete_volume_snapshots(
        names=q.list("names")
    ),
    # -- protection groups ----------------------------------------------------
    ("GET", "protection-groups"): lambda a, q, b: a.get_protection_groups(
        names=q.list("names"), destroyed=q.bool("destroyed")
    ),
    ("POST", "protection-groups"): _post_protection_groups,
    ("PATCH", "protection-groups"): lambda a, q, b: a.patch_protection_groups(
        names=q.list("names"), changes=b
    ),
    ("DELETE", "protection-groups"): lambda a, q, b: a.delete_protection_groups(
        names=q.list("names")
    ),
    ("GET", "protection-groups/targets"): lambda a, q, b: a.get_protection_groups_targets(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    ("POST", "protection-groups/targets"): lambda a, q, b: a.post_protection_groups_targets(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    ("PATCH", "protection-groups/targets"): lambda a, q, b: a.patch_protection_groups_targets(
        group_names=q.list("group_names"),
        member_names=q.list("member_names"),
        allowed=b.get("allowed"),
    ),
    ("DELETE", "protection-groups/targets"): lambda a, q, b: a.delete_protection_groups_targets(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    ("GET", "protection-groups/volumes"): lambda a, q, b: a.get_protection_groups_volumes(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    ("POST", "protection-groups/volumes"): lambda a, q, b: a.post_protection_groups_volumes(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    ("DELETE", "protection-groups/volumes"): lambda a, q, b: a.delete_protection_groups_volumes(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    # -- protection-group snapshots -----------------------------------------
    ("GET", "protection-group-snapshots"): lambda a, q, b: a.get_protection_group_snapshots(
        names=q.list("names"), source_names=q.list("source_names"), destroyed=q.bool("destroyed")
    ),
    ("GET", "protection-group-snapshots/transfer"): lambda a, q, b: (
        a.get_protection_group_snapshots_transfer(
            names=q.list("names"),
            source_names=q.list("source_names"),
            destroyed=q.bool("destroyed"),
        )
    ),
    ("POST", "protection-group-snapshots"): _post_protection_group_snapshots,
    ("PATCH", "protection-group-snapshots"): lambda a, q, b: (
        a.patch_protection_group_snapshots(names=q.list("names"), changes=b)
    ),
    ("DELETE", "protection-group-snapshots"): lambda a, q, b: (
        a.delete_protection_group_snapshots(names=q.list("names"))
    ),
    # -- pods -----------------------------------------------------------------
    ("GET", "pods"): lambda a, q, b: a.get_pods(
        names=q.list("names"), destroyed=q.bool("destroyed")
    ),
    ("POST", "pods"): lambda a, q, b: a.post_pods(
        names=q.list("names"),
        failover_preferences=[r.get("name") for r in b.get("failover_preferences") or []],
        quota_limit=b.get("quota_limit"),
    ),
    ("PATCH", "pods"): lambda a, q, b: a.patch_pods(
        names=q.list("names"), changes=b, destroy_contents=_flag(q, "destroy_contents")
    ),
    ("DELETE", "pods"): lambda a, q, b: a.delete_pods(
        names=q.list("names"), eradicate_contents=_flag(q, "eradicate_contents")
    ),
    ("GET", "pods/arrays"): lambda a, q, b: a.get_pods_arrays(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    ("POST", "pods/arrays"): lambda a, q, b: a.post_pods_arrays(
        group_names=q.list("group_names"), member_names=q.list("member_names")
    ),
    ("DELETE", "pods/arrays"): lambda a, q, b: a.delete_pods_arrays(
        group_names=q.list("group_names"),
        member_names=q.list("member_names"),
        with_unknown=_flag(q, "with_unknown"),
    ),
}

RESOURCES = {resource for _, resource in ROUTES}
