"""Pre-checks: read-only (but for a sync PG's snapshot of now, which the
pod's retention expires like any other), so nothing to revert. They fail an
operation before anything is touched, with a message that says what to fix."""

from datetime import UTC
from typing import Any

from oslo_log import log
from oslo_utils import timeutils
from taskflow import task

from protector import exception
from protector.cloud.compute import PortSpec, ServerSpec
from protector.conf import CONF
from protector.db import operations as op_db
from protector.engine import fanout, resources
from protector.reports.operation import format_duration
from protector.storage import exception as storage_exc
from protector.storage.base import RecoveryPoint

LOG = log.getLogger(__name__)

PROTECTED = "protected"


def mapped(mapping: dict[str, str], *keys: str | None) -> str | None:
    for key in keys:
        if key and key in mapping:
            return mapping[key]
    return None


class CheckTarget(task.Task):
    """Members protected; flavors, networks and the volume type resolve on
    the target site (mappings are never guessed)."""

    def execute(self, operation_id: str, context: dict) -> None:
        view = resources.load(operation_id, context)
        problems = []
        members = view.moving()
        if not members:
            problems.append(f"protection group {view.pg.name} has no members")
        # Left behind by a partial failover: protected, on the other site.
        unprotected = [m.instance_name or m.instance_id for m in members
                       if m.status not in (PROTECTED, resources.LEFT_BEHIND)]
        if unprotected:
            problems.append(f"members not protected yet: {', '.join(sorted(unprotected))}")
        if view.pg.policy is None:
            problems.append("no replication policy")
        if problems:
            raise exception.Conflict(reason="; ".join(problems))
        target = view.cloud(view.target)
        flavors, networks = view.flavor_mapping(), view.network_mapping()
        auto_network = view.params.get("auto_network")
        specs = [ServerSpec.from_dict(m.spec) for m in members]

        def flavor_of(spec: ServerSpec) -> str:
            return mapped(flavors, spec.flavor.name, spec.flavor.id) or spec.flavor.name

        def networks_of(spec: ServerSpec) -> list[tuple[PortSpec, str | None]]:
            return [] if auto_network else [
                (port, mapped(networks, port.network_name, port.network_id))
                for port in spec.ports]

        # Each distinct name looked up once, all at the same time.
        find = {"flavor": target.compute.find_flavor, "network": target.network.find_network,
                "volume type": target.volume.find_volume_type}
        keys = sorted({("flavor", flavor_of(spec)) for spec in specs}
                      | {("network", net) for spec in specs
                         for _, net in networks_of(spec) if net is not None}
                      | {("volume type", view.pg.volume_type)})
        found = dict(zip(keys, fanout.each(lambda key: find[key[0]](key[1]), keys), strict=True))
        for spec in specs:
            if found[("flavor", flavor_of(spec))] is None:
                problems.append(f"flavor {flavor_of(spec)} of {spec.name} is missing on "
                                f"{view.target.name}; add a --flavor-mapping")
            for port, net in networks_of(spec):
                if net is None:
                    problems.append(f"network {port.network_name or port.network_id} "
                                    f"of {spec.name} has no --network-mapping")
                elif found[("network", net)] is None:
                    problems.append(f"mapped network {net} is missing on "
                                    f"{view.target.name}")
        if found[("volume type", view.pg.volume_type)] is None:
            problems.append(f"volume type {view.pg.volume_type} does not exist on "
                            f"{view.target.name}")
        if problems:
            raise exception.Invalid(reason="; ".join(problems))


class PickRecoveryPoint(task.Task):
    """The recovery point asked for, else the newest complete one. A sync PG
    takes one now when its arrays answer: the pod holds the same data on
    both, so a snapshot of this moment is the newest point there is."""

    default_provides = "recovery_point"

    def execute(self, operation_id: str, context: dict) -> dict[str, Any]:
        view = resources.load(operation_id, context)
        driver = view.storage(view.cloud(view.target))
        manage_as = None
        try:
            try:
                driver.check_materialisable()
            except storage_exc.PodPeerLost as err:
                manage_as = _unreplicated_type(view, err)
            wanted = view.params.get("recovery_point")
            if not wanted and view.pg.replication_type == "sync":
                try:
                    return _picked(view, driver.replicate_now(), manage_as)
                except storage_exc.StorageError as err:
                    LOG.warning("Protection group %s: no snapshot of the pod now (%s); "
                                "using its newest point", view.pg.id, err)
            points = [p for p in driver.list_recovery_points() if p.complete]
            if wanted:
                chosen = next((p for p in points if p.name == wanted), None)
                if chosen is None:
                    raise exception.Invalid(reason=f"recovery point {wanted} is not a "
                                                   f"complete point on {view.target.name}")
            else:
                chosen = max(points, key=lambda p: p.created, default=None)
                if chosen is None:
                    raise exception.Conflict(reason=f"no complete recovery point of "
                                                    f"{view.pg.name} on {view.target.name} "
                                                    "yet")
        finally:
            driver.close()
        return _picked(view, chosen, manage_as)


def _unreplicated_type(view: resources.OperationView, lost: Exception) -> str:
    """The type the copies are managed with while the pod's peer is lost:
    [storage] unreplicated_volume_type, which must exist on the target."""
    name = CONF.storage.unreplicated_volume_type
    if not name:
        raise exception.Conflict(reason=f"{lost} Or set [storage] unreplicated_volume_type "
                                        f"on {view.target.name} to fail over without it "
                                        "(reprotect retypes the volumes).")
    found = view.cloud(view.target).volume.find_volume_type(name)
    if found is None:
        raise exception.Invalid(reason=f"[storage] unreplicated_volume_type {name} does not "
                                       f"exist on {view.target.name}")
    if found.replication_enabled:
        raise exception.Invalid(reason=f"[storage] unreplicated_volume_type {name} is "
                                       "replication-enabled; it must not be")
    LOG.warning("Protection group %s: %s Managing its copies as %s.", view.pg.id, lost, name)
    return name


def _picked(view: resources.OperationView, point: RecoveryPoint,
            manage_as: str | None = None) -> dict[str, Any]:
    """The point as the operation records it (in its result at once, so a
    failed operation says which point it used too): name, time, age and,
    when it is older than the PG's RPO (the link was down, say), a warning
    that says so; the operation goes on from it all the same. With the
    pod's peer lost, the type the copies are managed with."""
    created, now = (t if t.tzinfo else t.replace(tzinfo=UTC)
                    for t in (point.created, timeutils.utcnow()))
    age = max(0.0, (now - created).total_seconds())
    picked: dict[str, Any] = {"name": point.name, "created": created.isoformat(),
                              "age_seconds": round(age, 1)}
    rpo = view.pg.policy.rpo_minutes if view.pg.policy is not None else None
    if rpo is not None and age > rpo * 60:
        picked["warning"] = (f"recovery point {point.name} is {format_duration(age)} old, beyond "
                             f"the RPO of {rpo} min; is replication to "
                             f"{view.target.name} stopped?")
        LOG.warning("Protection group %s: %s", view.pg.id, picked["warning"])
    if manage_as:
        picked["volume_type"] = manage_as
        picked["note"] = (f"the pod's other array is lost: volumes are managed as {manage_as} "
                          "and retyped to the protection group's type by reprotect")
    op_db.update(view.context, view.op.id,
                 {"result": {**(view.op.result or {}), "recovery_point": picked}})
    return picked


class CheckStandby(task.Task):
    """Reprotect needs the site the PG left back: its cloud answers and
    both arrays and the link between them are up."""

    def execute(self, operation_id: str, context: dict) -> None:
        view = resources.load(operation_id, context)
        running = view.pg.current_primary_site_id
        if view.site_cg(running) is None:
            raise exception.Conflict(reason=f"protection group {view.pg.name} has no "
                                            "volumes recorded where it runs; nothing to "
                                            "reprotect")
        if view.pg.policy is None:
            raise exception.Conflict(reason="no replication policy")
        other = view.target  # the site the PG left
        try:
            view.cloud(other).volume.volume_types()
        except Exception as exc:  # noqa: BLE001 - any failure means "not back yet"
            raise exception.Conflict(reason=f"site {other.name} does not answer yet "
                                            f"({exc}); reprotect when it is back") from exc
        driver = view.storage()
        try:
            report = driver.check_connectivity()
        finally:
            driver.close()
        if not report.ok:
            down = [s.endpoint for s in (report.source, report.target) if not s.reachable]
            raise exception.Conflict(
                reason="replication link is not connected"
                       + (f" (unreachable: {', '.join(down)})" if down else
                          f" (link {report.link_status})")
                       + "; reprotect when both arrays are back")
